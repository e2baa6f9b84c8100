package doctor

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"

	"github.com/tablerase/tablerase/host/internal/install"
	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
)

// extensionIDCheck compares the extensions b's policies force-install with the callers the host
// allows: the host manifest's allowed_origins / allowed_extensions (who the browser lets start the
// host) and the host's own list (the official ids plus the configuration's allowed_extensions).
// With IT's own build (scripts/pack.sh) the force-installed id is IT's: unless it is in both, the
// extension is installed and the host refuses it. It returns nil when the policies force-install
// nothing (policyCheck already says so), and whether one force-installed extension may call the
// host (then the policy's "extension force-installed" holds for IT's id too).
func extensionIDCheck(ctx context.Context, in Inputs, b machine.Browser) (*Check, bool) {
	if in.Policies == nil {
		return nil, false
	}
	vals, err := in.Policies.Policies(ctx, b)
	if err != nil {
		return nil, false
	}
	forced := policy.ForcedExtensions(b, vals)
	if len(forced) == 0 {
		return nil, false
	}
	host := []string{policy.ChromiumID, policy.FirefoxID}
	if in.AllowedExtensions != nil {
		host = append(host, in.AllowedExtensions()...)
	}
	var manifest []string
	if path, _, ok := findManifest(in, b); ok {
		if data, err := os.ReadFile(in.Env.Path(path)); err == nil {
			var m install.Manifest
			if json.Unmarshal(data, &m) == nil {
				manifest = m.AllowedExtensions
				for _, o := range m.AllowedOrigins {
					manifest = append(manifest, strings.TrimSuffix(strings.TrimPrefix(o, "chrome-extension://"), "/"))
				}
			}
		}
	}
	n := names[b]
	c := &Check{ID: "extension_id", Browser: string(b), Status: Warn}
	var both, hostOnly, manifestOnly []string
	for _, id := range forced {
		h, m := slices.Contains(host, id), slices.Contains(manifest, id)
		switch {
		case h && m:
			both = append(both, id)
		case h:
			hostOnly = append(hostOnly, id)
		case m:
			manifestOnly = append(manifestOnly, id)
		}
	}
	switch {
	case len(both) > 0:
		c.Status = OK
		c.FR = n + " : l'extension imposée par les stratégies est autorisée à utiliser l'hôte (" + strings.Join(both, ", ") + ")"
		c.EN = n + ": the extension the policies force-install may use the host (" + strings.Join(both, ", ") + ")"
		return c, true
	case len(hostOnly) > 0:
		c.FR = n + " : l'extension imposée (" + strings.Join(hostOnly, ", ") + ") est dans « allowed_extensions » mais pas dans le manifeste de l'hôte : le navigateur refusera de lancer l'hôte"
		c.EN = n + ": the force-installed extension (" + strings.Join(hostOnly, ", ") + ") is in allowed_extensions but not in the host manifest: the browser will refuse to start the host"
		c.FixFR, c.FixEN = "Relancer « tablerase install --system » après avoir modifié la configuration.", `Run "tablerase install --system" again after changing the configuration.`
	case len(manifestOnly) > 0:
		c.FR = n + " : l'extension imposée (" + strings.Join(manifestOnly, ", ") + ") est dans le manifeste de l'hôte mais pas dans « allowed_extensions » : l'hôte la refusera"
		c.EN = n + ": the force-installed extension (" + strings.Join(manifestOnly, ", ") + ") is in the host manifest but not in allowed_extensions: the host will refuse it"
		c.FixFR, c.FixEN = "Ajouter cet identifiant à « allowed_extensions » dans la configuration.", "Add this id to allowed_extensions in the configuration."
	default:
		c.FR = n + " : aucune extension imposée par les stratégies (" + strings.Join(forced, ", ") + ") n'est autorisée à utiliser l'hôte"
		c.EN = n + ": none of the extensions the policies force-install (" + strings.Join(forced, ", ") + ") may use the host"
		c.FixFR = "Si c'est votre propre version de Table rase : ajouter son identifiant à « allowed_extensions » dans la configuration, puis relancer « tablerase install --system --policies » (manifests/DEPLOY.md)."
		c.FixEN = `If it is your own build of Table rase: add its id to allowed_extensions in the configuration, then run "tablerase install --system --policies" again (manifests/DEPLOY.md).`
	}
	return c, false
}
