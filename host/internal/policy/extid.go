package policy

import (
	"slices"
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// ForcedExtensions returns the extension ids b's policies force-install (ExtensionSettings
// entries in mode force_installed or normal_installed; for the Chromium family also
// ExtensionInstallForcelist's "id;url" entries), sorted. doctor compares them with the callers
// the host allows: with IT's own build (scripts/pack.sh) the id is IT's, not ChromiumID.
func ForcedExtensions(b machine.Browser, vals map[string]any) []string {
	var ids []string
	all, _ := vals["ExtensionSettings"].(map[string]any)
	for id, e := range all {
		m, _ := e.(map[string]any)
		if mode := m["installation_mode"]; mode == "force_installed" || mode == "normal_installed" {
			ids = append(ids, id)
		}
	}
	if !b.IsFirefox() {
		for _, e := range list(vals["ExtensionInstallForcelist"]) {
			if s, ok := e.(string); ok && s != "" {
				id, _, _ := strings.Cut(s, ";")
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
