package install

import (
	"encoding/json"
	"fmt"
	"html"
	"sort"
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
)

// The files of manifests/ that carry policy values or host manifests are
// rendered from the same table install uses (policy.Values, NewManifest), and
// a test fails when a committed file differs from its rendering
// (go test ./host/internal/install -run Templates -update rewrites them).

// Paths the packages install the host to.
const (
	LinuxHostPath   = "/usr/lib/tablerase/tablerase"
	WindowsHostDir  = `C:\Program Files\TableRase`
	WindowsHostPath = WindowsHostDir + `\tablerase.exe`
	DarwinHostPath  = "/Library/Application Support/TableRase/tablerase"
)

func indentJSON(v any) []byte {
	b, _ := json.MarshalIndent(v, "", "  ")
	return append(b, '\n')
}

// Templates returns the generated files, by path relative to the repository:
// manifests/ and the MSI's policy fragment, for the official extension and the
// stores (the defaults committed in the repository).
func Templates() map[string][]byte {
	m := Render(policy.Params{}, nil)
	t := make(map[string][]byte, len(m))
	for k, v := range m {
		if k == WixPoliciesName {
			t["scripts/packaging/msi/policies.wxs"] = v
			continue
		}
		t["manifests/"+k] = v
	}
	return t
}

// WixPoliciesName is the MSI's policy fragment among Render's files.
const WixPoliciesName = "msi/policies.wxs"

// Render returns the files of manifests/ (by path relative to it) and the MSI's policy fragment
// (WixPoliciesName) for a deployment: p names the Chromium extension id, update URL and XPI
// (IT's own build, scripts/pack.sh), extra the configuration's allowed_extensions, as
// `tablerase install --policies` writes them. Zero values give the committed templates.
// `tablerase templates --out DIR` writes them, for GPO, MDM and MSI tooling.
func Render(p policy.Params, extra []string) map[string][]byte {
	t := map[string][]byte{}
	t["host/linux/chromium/"+policy.HostName+".json"] = NewManifest(machine.Chromium, LinuxHostPath, extra).Encode()
	t["host/linux/firefox/"+policy.HostName+".json"] = NewManifest(machine.Firefox, LinuxHostPath, extra).Encode()
	t["host/windows/"+policy.HostName+".chromium.json"] = NewManifest(machine.Chrome, WindowsHostPath, extra).Encode()
	t["host/windows/"+policy.HostName+".firefox.json"] = NewManifest(machine.Firefox, WindowsHostPath, extra).Encode()
	t["host/macos/chromium/"+policy.HostName+".json"] = NewManifest(machine.Chrome, DarwinHostPath, extra).Encode()
	t["host/macos/firefox/"+policy.HostName+".json"] = NewManifest(machine.Firefox, DarwinHostPath, extra).Encode()
	t["policies/linux/chrome-chromium-brave/"+policy.PolicyFileName] = indentJSON(policy.Values(machine.Chrome, p))
	t["policies/linux/edge/"+policy.PolicyFileName] = indentJSON(policy.Values(machine.Edge, p))
	t["policies/firefox/policies.json"] = indentJSON(map[string]any{policy.FirefoxPolicyKey: policy.Values(machine.Firefox, p)})
	t["windows/register-host.reg"] = hostReg()
	t["windows/policies.reg"] = policiesReg(p)
	t["macos/fr.tablerase.policies.mobileconfig"] = mobileconfig(p)
	// The logon/logoff hook (hooks.go) for the packages and for IT's own tools: the .deb ships the
	// Linux files; the Windows task is for Group Policy or `schtasks /Create /XML`.
	t["hooks/linux/"+HookName+".service"] = systemdUnit(LinuxHostPath)
	t["hooks/linux/"+HookName+".desktop"] = autostartEntry(LinuxHostPath)
	t["hooks/macos/fr.tablerase.clean.plist"] = launchAgent(DarwinHostPath)
	t["hooks/windows/"+HookName+".xml"] = UTF16File(TaskXML(System, WindowsHostPath))
	// The extension's managed settings, under the id the policies force-install.
	cid := p.ChromiumID
	if cid == "" {
		cid = policy.ChromiumID
	}
	t["extension-settings/linux-chromium-family.json"] = indentJSON(map[string]any{"3rdparty": map[string]any{"extensions": map[string]any{cid: exampleSettings}}})
	t["extension-settings/firefox-policies.json"] = indentJSON(map[string]any{policy.FirefoxPolicyKey: map[string]any{"3rdparty": map[string]any{"Extensions": map[string]any{policy.FirefoxID: exampleSettings}}}})
	t["extension-settings/windows-managed-settings.reg"] = managedSettingsReg(cid)
	t[WixPoliciesName] = wixPolicies(p)
	return t
}

// idLine says, in a template's comment, which extension it names and how to render it for another.
func idLine(p policy.Params) string {
	id := p.ChromiumID
	if id == "" {
		id = policy.ChromiumID + " (the store's; for your own build run tablerase templates, manifests/DEPLOY.md)"
	}
	return "Chromium extension id: " + id
}

// extraSite and managedExample are the example of the extension's managed settings
// (extension/managed_schema.json; extension/test/managed-examples.test.js checks it against the
// schema): a public computer, scope all, a cleanup after 20 idle minutes, confirmation first.
// A struct, so the keys keep this order in the files.
type extraSite struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Domains   []string `json:"domains"`
	HostsOnly bool     `json:"hostsOnly"`
}

type managedExample struct {
	Scope             string      `json:"scope"`
	IdleMinutes       int         `json:"idleMinutes"`
	ConfirmBeforeEnd  bool        `json:"confirmBeforeEnd"`
	DisabledSites     []string    `json:"disabledSites"`
	ExtraSites        []extraSite `json:"extraSites"`
	StartPage         string      `json:"startPage"`
	DisabledReminders []string    `json:"disabledReminders"`
	LocalDirectoryURL string      `json:"localDirectoryUrl"`
}

var exampleSettings = managedExample{
	Scope: "all", IdleMinutes: 20, ConfirmBeforeEnd: true, DisabledSites: []string{},
	ExtraSites: []extraSite{{ID: "mairie", Name: "Portail de la mairie", Domains: []string{"mairie.example.fr"}, HostsOnly: true}},
	StartPage:  "https://www.france-services.gouv.fr/", DisabledReminders: []string{},
	LocalDirectoryURL: "https://www.example-departement.fr/lieux-numeriques",
}

// managedSettingsReg renders the example for Windows: the scalar settings under each browser's
// 3rdparty key (lists are easier in JSON: extension-settings/README.md).
func managedSettingsReg(chromiumID string) []byte {
	var b strings.Builder
	b.WriteString("Windows Registry Editor Version 5.00\r\n\r\n; Managed settings of the Table rase extension (chrome.storage.managed), per browser.\r\n" +
		"; Chrome reads them as a JSON-like tree under 3rdparty\\extensions\\<id>\\policy.\r\n")
	keys := []string{
		`SOFTWARE\Policies\Google\Chrome\3rdparty\extensions\` + chromiumID + `\policy`,
		`SOFTWARE\Policies\Microsoft\Edge\3rdparty\extensions\` + chromiumID + `\policy`,
		`SOFTWARE\Policies\BraveSoftware\Brave\3rdparty\extensions\` + chromiumID + `\policy`,
		`SOFTWARE\Policies\Chromium\3rdparty\extensions\` + chromiumID + `\policy`,
		`SOFTWARE\Policies\Mozilla\Firefox\3rdparty\Extensions\` + policy.FirefoxID,
	}
	e := exampleSettings
	confirm := 0
	if e.ConfirmBeforeEnd {
		confirm = 1
	}
	for _, k := range keys {
		fmt.Fprintf(&b, "\r\n[HKEY_LOCAL_MACHINE\\%s]\r\n\"scope\"=\"%s\"\r\n\"idleMinutes\"=dword:%08x\r\n\"confirmBeforeEnd\"=dword:%08x\r\n\"startPage\"=\"%s\"\r\n\"localDirectoryUrl\"=\"%s\"\r\n",
			k, regEscape(e.Scope), e.IdleMinutes, confirm, regEscape(e.StartPage), regEscape(e.LocalDirectoryURL))
	}
	return []byte(b.String())
}

func regEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

func hostReg() []byte {
	var b strings.Builder
	b.WriteString("Windows Registry Editor Version 5.00\r\n\r\n; Registers the Table rase host for every user (what the MSI does).\r\n")
	env := machine.Env{OS: "windows"}
	seen := map[string]bool{}
	for _, br := range machine.All {
		r, _ := Registrations(env, System, br, WindowsHostPath)
		for _, k := range r.Keys {
			if seen[k] {
				continue
			}
			seen[k] = true
			fmt.Fprintf(&b, "\r\n[HKEY_LOCAL_MACHINE\\%s]\r\n@=\"%s\"\r\n", k, regEscape(r.Manifest))
		}
	}
	return []byte(b.String())
}

func policiesReg(p policy.Params) []byte {
	var b strings.Builder
	b.WriteString("Windows Registry Editor Version 5.00\r\n\r\n; Table rase browser policies (what `tablerase install --policies` and the MSI Policies feature set).\r\n; Importing this file REPLACES ExtensionSettings; install merges it instead.\r\n; " + idLine(p) + "\r\n")
	for _, br := range []machine.Browser{machine.Chrome, machine.Edge, machine.Brave, machine.Chromium} {
		key := machine.PlacesOf("windows", br).PolicyKey
		vals := policy.Values(br, p)
		fmt.Fprintf(&b, "\r\n[HKEY_LOCAL_MACHINE\\%s]\r\n", key)
		var lists []string
		for _, n := range sortedKeys(vals) {
			if _, ok := vals[n].([]any); ok {
				lists = append(lists, n)
				continue
			}
			v, _ := regValueOf(vals[n])
			if v.Kind == "dword" {
				fmt.Fprintf(&b, "\"%s\"=dword:%08x\r\n", n, v.D)
			} else {
				fmt.Fprintf(&b, "\"%s\"=\"%s\"\r\n", n, regEscape(v.S))
			}
		}
		for _, n := range lists {
			fmt.Fprintf(&b, "\r\n[HKEY_LOCAL_MACHINE\\%s\\%s]\r\n", key, n)
			for i, it := range vals[n].([]any) {
				fmt.Fprintf(&b, "\"%d\"=\"%s\"\r\n", i+1, regEscape(it.(string)))
			}
		}
	}
	return []byte(b.String())
}

// plist renders a JSON-like value as property list XML.
func plist(b *strings.Builder, v any, indent string) {
	switch x := v.(type) {
	case bool:
		fmt.Fprintf(b, "%s<%t/>\n", indent, x)
	case float64:
		fmt.Fprintf(b, "%s<integer>%d</integer>\n", indent, int64(x))
	case string:
		fmt.Fprintf(b, "%s<string>%s</string>\n", indent, html.EscapeString(x))
	case []any:
		fmt.Fprintf(b, "%s<array>\n", indent)
		for _, e := range x {
			plist(b, e, indent+"\t")
		}
		fmt.Fprintf(b, "%s</array>\n", indent)
	case map[string]any:
		fmt.Fprintf(b, "%s<dict>\n", indent)
		names := make([]string, 0, len(x))
		for n := range x {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(b, "%s\t<key>%s</key>\n", indent, html.EscapeString(n))
			plist(b, x[n], indent+"\t")
		}
		fmt.Fprintf(b, "%s</dict>\n", indent)
	}
}

// mobileconfig renders a configuration profile with one payload per browser
// domain. The UUIDs are fixed so the profile is reproducible; an admin who
// edits it should generate their own.
func mobileconfig(p policy.Params) []byte {
	payloads := []any{}
	uuids := map[machine.Browser]string{
		machine.Chrome: "6F0B3C1E-1D2A-4E4B-9C11-0A1B2C3D4E01", machine.Edge: "6F0B3C1E-1D2A-4E4B-9C11-0A1B2C3D4E02",
		machine.Brave: "6F0B3C1E-1D2A-4E4B-9C11-0A1B2C3D4E03", machine.Chromium: "6F0B3C1E-1D2A-4E4B-9C11-0A1B2C3D4E04",
		machine.Firefox: "6F0B3C1E-1D2A-4E4B-9C11-0A1B2C3D4E05",
	}
	for _, br := range machine.All {
		d := map[string]any{}
		if br.IsFirefox() {
			d["EnterprisePoliciesEnabled"] = true
			d[policy.FirefoxPolicyKey] = policy.Values(br, p)
		} else {
			for k, v := range policy.Values(br, p) {
				d[k] = v
			}
		}
		d["PayloadType"] = machine.PlacesOf("darwin", br).PlistDomain
		d["PayloadIdentifier"] = "fr.tablerase.policies." + string(br)
		d["PayloadUUID"] = uuids[br]
		d["PayloadVersion"] = float64(1)
		d["PayloadDisplayName"] = "Table rase – " + string(br)
		payloads = append(payloads, d)
	}
	top := map[string]any{
		"PayloadContent":     payloads,
		"PayloadDisplayName": "Table rase – navigateurs privés",
		"PayloadIdentifier":  "fr.tablerase.policies",
		"PayloadType":        "Configuration",
		"PayloadUUID":        "6F0B3C1E-1D2A-4E4B-9C11-0A1B2C3D4E00",
		"PayloadVersion":     float64(1),
		"PayloadScope":       "System",
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n" +
		"<!-- " + idLine(p) + " -->\n" +
		`<plist version="1.0">` + "\n")
	plist(&b, top, "")
	b.WriteString("</plist>\n")
	return []byte(b.String())
}
