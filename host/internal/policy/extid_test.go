package policy

import (
	"slices"
	"testing"

	"github.com/tablerase/tablerase/host/internal/machine"
)

func TestForcedExtensionsReadsSettingsAndForcelist(t *testing.T) {
	vals := map[string]any{
		"ExtensionSettings": map[string]any{
			"afbfapmkmhgncfnlokgnhhnjmmdkfhhh": map[string]any{"installation_mode": "force_installed"},
			"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb": map[string]any{"installation_mode": "blocked"},
			"*":                                map[string]any{"installation_mode": "allowed"},
		},
		"ExtensionInstallForcelist": []any{"cccccccccccccccccccccccccccccccc;https://x/update.xml"},
	}
	got := ForcedExtensions(machine.Chromium, vals)
	want := []string{"afbfapmkmhgncfnlokgnhhnjmmdkfhhh", "cccccccccccccccccccccccccccccccc"}
	if !slices.Equal(got, want) {
		t.Fatalf("ForcedExtensions = %v, want %v", got, want)
	}
	if got := ForcedExtensions(machine.Firefox, vals); !slices.Equal(got, want[:1]) {
		t.Fatalf("Firefox ignores the Chromium forcelist: got %v", got)
	}
}

func TestValuesForceInstallITsOwnID(t *testing.T) {
	v := Values(machine.Chromium, Params{ChromiumID: "afbfapmkmhgncfnlokgnhhnjmmdkfhhh", UpdateURL: "https://intranet/u.xml"})
	all := v["ExtensionSettings"].(map[string]any)
	if _, ok := all[ChromiumID]; ok || all["afbfapmkmhgncfnlokgnhhnjmmdkfhhh"] == nil {
		t.Fatalf("ExtensionSettings = %v: want IT's id only", all)
	}
}
