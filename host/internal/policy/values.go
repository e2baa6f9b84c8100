package policy

// The policy values Table rase sets. This file is the single source of truth:
// `tablerase install --policies`, the .deb and MSI policy packages and the
// templates in manifests/ all derive from these functions (a test compares the
// committed templates with them), and the report below checks the same names.

import "github.com/tablerase/tablerase/host/internal/machine"

// Identities of the official extension (shared contract).
const (
	HostName         = "fr.tablerase.host"
	ChromiumID       = "ibejdgljgikfdimkajilpemalnckncnm"
	FirefoxID        = "tablerase@tablerase.fr"
	ChromeStoreURL   = "https://clients2.google.com/service/update2/crx"
	EdgeStoreURL     = "https://edge.microsoft.com/extensionwebstorebase/v1/crx"
	DefaultXPIName   = "tablerase.xpi"
	PolicyFileName   = "tablerase.json" // our own file in a Chromium managed policy folder
	FirefoxPolicyKey = "policies"       // the top-level key of policies.json
)

// Params are the deployment-specific parts of the policies: where the browsers
// fetch the extension from. Zero values select the public stores.
type Params struct {
	UpdateURL string // Chromium family update manifest; "" = the browser's store
	XPIURL    string // Firefox install_url (file:/// allowed); "" = addons.mozilla.org
	// ChromiumID is the id of the build the Chromium family force-installs: IT's own key gives
	// its own id (scripts/pack.sh); "" = the official ChromiumID.
	ChromiumID string
	// UnsignedXPI sets Firefox's xpinstall.signatures.required to false, locked (policy
	// Preferences), so that an unsigned XPI of IT's own (XPIURL) installs. Firefox honours it only
	// where signing is not built in (ESR, unbranded and developer builds: Policies.sys.mjs allows
	// the pref when !MOZ_REQUIRE_SIGNING); release Firefox refuses it and needs a signed XPI.
	UnsignedXPI bool
}

// SignaturesPref is the Firefox preference UnsignedXPI sets.
const SignaturesPref = "xpinstall.signatures.required"

// UnsignedXPIAllowed reports whether Firefox policies vals set SignaturesPref to false (the
// Preferences policy, in its {"Value": …} form or the legacy plain value).
func UnsignedXPIAllowed(vals map[string]any) bool {
	prefs, _ := vals["Preferences"].(map[string]any)
	v := prefs[SignaturesPref]
	if m, ok := v.(map[string]any); ok {
		if m["Status"] == "clear" {
			return false
		}
		v = m["Value"]
	}
	return isFalse(v)
}

// AMOURL is the install_url used when no XPIURL is given.
const AMOURL = "https://addons.mozilla.org/firefox/downloads/latest/tablerase/latest.xpi"

// clearOnExit is what Chrome, Chromium and Brave clear when the browser closes:
// a safety net under the extension's own cleanup (it needs SyncDisabled).
var clearOnExit = []any{
	"browsing_history", "download_history", "cookies_and_other_site_data",
	"cached_images_and_files", "password_signin", "autofill", "site_settings", "hosted_app_data",
}

// Values returns the policies Table rase sets for browser b: the profile made
// private (history, passwords, autofill, sync and sign-in off, cleared on exit),
// the extension force-installed and pinned, native messaging limited to
// system-level hosts with ours allowed; for Firefox forced private windows with
// the add-on allowed in them. Incognito availability is left to the admin on
// purpose (DESIGN.md: in forced incognito the extension sees nothing).
func Values(b machine.Browser, p Params) map[string]any {
	if b.IsFirefox() {
		url := p.XPIURL
		if url == "" {
			url = AMOURL
		}
		v := map[string]any{
			"PrivateBrowsingModeAvailability": float64(2),
			"PasswordManagerEnabled":          false,
			"DisableFormHistory":              true,
			"DisableFirefoxAccounts":          true,
			"SanitizeOnShutdown":              true,
			"ExtensionSettings": map[string]any{
				FirefoxID: map[string]any{
					"installation_mode": "force_installed",
					"install_url":       url,
					"private_browsing":  true,
					// The button on the toolbar, not in the extensions menu: one click for
					// the aidant, as toolbar_pin gives in the Chromium family.
					"default_area": "navbar",
				},
			},
		}
		if p.UnsignedXPI {
			v["Preferences"] = map[string]any{SignaturesPref: map[string]any{"Value": false, "Status": "locked"}}
		}
		return v
	}
	update := p.UpdateURL
	if update == "" {
		update = ChromeStoreURL
		if b == machine.Edge {
			update = EdgeStoreURL
		}
	}
	id := p.ChromiumID
	if id == "" {
		id = ChromiumID
	}
	v := map[string]any{
		"PasswordManagerEnabled":        false,
		"AutofillAddressEnabled":        false,
		"AutofillCreditCardEnabled":     false,
		"SavingBrowserHistoryDisabled":  true,
		"SyncDisabled":                  true,
		"BrowserSignin":                 float64(0),
		"NativeMessagingUserLevelHosts": false,
		"NativeMessagingAllowlist":      []any{HostName},
		"ExtensionSettings": map[string]any{
			id: map[string]any{
				"installation_mode": "force_installed",
				"update_url":        update,
				"toolbar_pin":       "force_pinned",
			},
		},
	}
	if b == machine.Edge {
		v["ClearBrowsingDataOnExit"] = true // Edge has no ClearBrowsingDataOnExitList
	} else {
		v["ClearBrowsingDataOnExitList"] = clearOnExit
	}
	return v
}

// ExtensionKey is the entry of ExtensionSettings that belongs to us in b's policies.
func ExtensionKey(b machine.Browser) string {
	if b.IsFirefox() {
		return FirefoxID
	}
	return ChromiumID
}
