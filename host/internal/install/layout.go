package install

import (
	"fmt"
	"path"
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
)

// Level says for whom the host is registered.
type Level string

// The two levels.
const (
	System Level = "system" // every user; needs root / administrator
	User   Level = "user"   // the current user only; no privileges needed
)

// Registration is where one browser finds the host: a manifest file and, on
// Windows, registry keys whose default value is that file's path.
type Registration struct {
	Browser  machine.Browser
	Manifest string   // path on the target system
	Keys     []string // Windows only: keys under the level's hive
}

// The per-OS tables. They are portable data, so tests check every OS's paths
// on any OS; the running OS only selects one (machine.Env.OS).
var manifestDirs = map[string]map[Level]map[machine.Browser]string{
	"linux": {
		System: {
			machine.Chrome:   "/etc/opt/chrome/native-messaging-hosts",
			machine.Chromium: "/etc/chromium/native-messaging-hosts",
			machine.Edge:     "/etc/opt/edge/native-messaging-hosts",
			machine.Brave:    "/etc/opt/chrome/native-messaging-hosts", // Brave reads Chrome's system folder
			machine.Firefox:  "/usr/lib/mozilla/native-messaging-hosts",
		},
		User: {
			machine.Chrome:   "~/.config/google-chrome/NativeMessagingHosts",
			machine.Chromium: "~/.config/chromium/NativeMessagingHosts",
			machine.Edge:     "~/.config/microsoft-edge/NativeMessagingHosts",
			machine.Brave:    "~/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts",
			machine.Firefox:  "~/.mozilla/native-messaging-hosts",
		},
	},
	"darwin": {
		System: {
			machine.Chrome:   "/Library/Google/Chrome/NativeMessagingHosts",
			machine.Chromium: "/Library/Application Support/Chromium/NativeMessagingHosts",
			machine.Edge:     "/Library/Microsoft/Edge/NativeMessagingHosts",
			machine.Brave:    "/Library/Google/Chrome/NativeMessagingHosts",
			machine.Firefox:  "/Library/Application Support/Mozilla/NativeMessagingHosts",
		},
		User: {
			machine.Chrome:   "~/Library/Application Support/Google/Chrome/NativeMessagingHosts",
			machine.Chromium: "~/Library/Application Support/Chromium/NativeMessagingHosts",
			machine.Edge:     "~/Library/Application Support/Microsoft Edge/NativeMessagingHosts",
			machine.Brave:    "~/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts",
			machine.Firefox:  "~/Library/Application Support/Mozilla/NativeMessagingHosts",
		},
	},
}

// windowsKeys lists the registry keys per browser (under HKLM or HKCU). Edge
// and Brave also get Chrome's key: Edge falls back to it, and some managed Edge
// installs read only one of the two.
var windowsKeys = map[machine.Browser][]string{
	machine.Chrome:   {`SOFTWARE\Google\Chrome\NativeMessagingHosts\` + policy.HostName},
	machine.Chromium: {`SOFTWARE\Chromium\NativeMessagingHosts\` + policy.HostName},
	machine.Edge:     {`SOFTWARE\Microsoft\Edge\NativeMessagingHosts\` + policy.HostName, `SOFTWARE\Google\Chrome\NativeMessagingHosts\` + policy.HostName},
	machine.Brave:    {`SOFTWARE\BraveSoftware\Brave-Browser\NativeMessagingHosts\` + policy.HostName, `SOFTWARE\Google\Chrome\NativeMessagingHosts\` + policy.HostName},
	machine.Firefox:  {`SOFTWARE\Mozilla\NativeMessagingHosts\` + policy.HostName},
}

// recordPaths is where the install record is kept (see record.go).
var recordPaths = map[string]map[Level][]string{
	"linux":   {System: {"/var/lib/tablerase/install-record.json"}, User: {"${XDG_STATE_HOME}/tablerase/install-record.json", "~/.local/state/tablerase/install-record.json"}},
	"darwin":  {System: {"/Library/Application Support/TableRase/install-record.json"}, User: {"~/Library/Application Support/TableRase/state/install-record.json"}},
	"windows": {System: {`%ProgramData%\TableRase\install-record.json`}, User: {`%LOCALAPPDATA%\TableRase\state\install-record.json`}},
}

// firefoxPolicyFiles lists, per OS, the policies.json files install merges
// into: Mozilla's system file on Linux always, and the distribution folder of
// each Firefox found (Debian's firefox-esr reads only that one). Folder is
// the Firefox folder: from it down, every folder must be the administrator's
// alone (safepath.go). Create says whether Folder itself may be created
// (/etc/firefox); otherwise a missing Folder means no Firefox there.
var firefoxPolicyFiles = map[string][]struct {
	File, Folder string
	Create       bool
}{
	"linux": {
		{"/etc/firefox/policies/policies.json", "/etc/firefox", true},
		{"/usr/lib/firefox-esr/distribution/policies.json", "/usr/lib/firefox-esr", false},
		{"/usr/lib/firefox/distribution/policies.json", "/usr/lib/firefox", false},
		{"/usr/lib64/firefox/distribution/policies.json", "/usr/lib64/firefox", false},
		{"/opt/firefox/distribution/policies.json", "/opt/firefox", false},
	},
	"windows": {
		{`%ProgramFiles%\Mozilla Firefox\distribution\policies.json`, `%ProgramFiles%\Mozilla Firefox`, false},
		{`%ProgramFiles(x86)%\Mozilla Firefox\distribution\policies.json`, `%ProgramFiles(x86)%\Mozilla Firefox`, false},
	},
	"darwin": {
		{"/Applications/Firefox.app/Contents/Resources/distribution/policies.json", "/Applications/Firefox.app", false},
	},
}

func osTable(env machine.Env) string {
	switch env.OS {
	case "windows", "darwin":
		return env.OS
	}
	return "linux"
}

// ManifestFile is the manifest's file name: the host name, as the browsers
// require on Linux and macOS. On Windows both families' manifests sit beside
// the binary, so the family is part of the name.
func ManifestFile(env machine.Env, b machine.Browser) string {
	if osTable(env) == "windows" {
		if b.IsFirefox() {
			return policy.HostName + ".firefox.json"
		}
		return policy.HostName + ".chromium.json"
	}
	return policy.HostName + ".json"
}

// Registrations returns where browser b must find the host for level, hostPath
// being the host binary's path on the target system.
func Registrations(env machine.Env, level Level, b machine.Browser, hostPath string) (Registration, error) {
	t := osTable(env)
	if t == "windows" {
		dir := hostPath[:strings.LastIndexAny(hostPath, `\/`)+1]
		return Registration{Browser: b, Manifest: dir + ManifestFile(env, b), Keys: windowsKeys[b]}, nil
	}
	dir := manifestDirs[t][level][b]
	if dir == "" {
		return Registration{}, fmt.Errorf("%w: %s at level %s", ErrUnknownBrowser, b, level)
	}
	dir = env.Expand(dir)
	if !env.Absolute(dir) {
		return Registration{}, fmt.Errorf("%w: home directory unknown", ErrNoPath)
	}
	return Registration{Browser: b, Manifest: path.Join(dir, ManifestFile(env, b))}, nil
}

// RecordPath returns the install record's path on the target system.
func RecordPath(env machine.Env, level Level) (string, error) {
	for _, p := range recordPaths[osTable(env)][level] {
		if strings.Contains(p, "${XDG_STATE_HOME}") && (env.Getenv == nil || env.Getenv("XDG_STATE_HOME") == "") {
			continue
		}
		if p = env.Expand(p); env.Absolute(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: no place for the install record", ErrNoPath)
}
