package machine

// Places says where one browser keeps what the host reads or writes, on one OS.
// Paths are templates on the target system: "~" and $VAR on Linux and macOS,
// %VAR% on Windows (see Expand). An empty field means "not on this OS".
type Places struct {
	// Presence lists the files whose existence means the browser is installed
	// (a binary, or the user's configuration folder). See Present.
	Presence []string
	// Profiles is the user-data folder (Chromium family: profiles are its
	// sub-folders) or the profiles folder (Firefox).
	Profiles string
	// Caches is the folder beside Profiles where the browser keeps each
	// profile's disk cache under the profile's folder name ("" when the
	// profile holds its own).
	Caches string
	// SystemHosts and UserHosts are the native-messaging manifest folders of
	// the machine and of the user (Linux, macOS).
	SystemHosts, UserHosts string
	// HostKeys are the registry keys, under HKLM or HKCU, whose sub-key named
	// after the host holds the manifest's path (Windows).
	HostKeys []string
	// PolicyDirs are the managed policy folders holding JSON files, the first
	// one being where the host writes its own (Linux, Chromium family;
	// "recommended" folders are not enforced and so not listed).
	PolicyDirs []string
	// PolicyKey is the policy key under HKLM and HKCU (Windows).
	PolicyKey string
	// PlistDomain is the preference domain of the browser's managed
	// preferences (macOS).
	PlistDomain string
}

// PlacesOf returns where browser b keeps things on OS table os ("linux",
// "darwin", "windows"; anything else reads as "linux").
func PlacesOf(os string, b Browser) Places {
	return places[Env{OS: os}.Table()][b]
}

// Places returns where browser b keeps things on e's OS.
func (e Env) Places(b Browser) Places { return PlacesOf(e.OS, b) }

// PolicyFile is one policies.json Firefox reads. Folder is the Firefox folder
// the file lies under: from it down, every folder must be the administrator's
// alone. Create says whether Folder itself may be created (/etc/firefox);
// otherwise a missing Folder means no Firefox there.
type PolicyFile struct {
	File, Folder string
	Create       bool
}

// FirefoxPolicyFiles lists, in the order they are read, the policies.json
// files Firefox reads on e's OS: on Linux Mozilla's system-wide file, then the
// distribution folder beside each usual binary (Debian's firefox-esr reads
// only the latter; checked); on Windows and macOS the distribution folder.
func (e Env) FirefoxPolicyFiles() []PolicyFile { return firefoxPolicyFiles[e.Table()] }

// FirefoxLinkedPolicyFiles are distribution folders a Firefox package reaches
// through a link of its own, listed at the link's target: Debian's firefox-esr
// ships /usr/lib/firefox-esr/distribution as a link to
// /usr/share/firefox-esr/distribution (checked on Debian 12, firefox-esr 153).
// install never writes through a link, so the entry of FirefoxPolicyFiles for
// /usr/lib/firefox-esr is skipped there and this one is written: the file
// Firefox reads through the link. Folder is again the first folder that must be
// the administrator's alone.
func (e Env) FirefoxLinkedPolicyFiles() []PolicyFile { return firefoxLinkedPolicyFiles[e.Table()] }

var firefoxLinkedPolicyFiles = map[string][]PolicyFile{
	"linux": {
		{"/usr/share/firefox-esr/distribution/policies.json", "/usr/share/firefox-esr", false},
	},
}

var firefoxPolicyFiles = map[string][]PolicyFile{
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

// ManagedPrefsDir is where macOS materialises configuration profiles:
// <dir>/<domain>.plist (device) and <dir>/<user>/<domain>.plist (user).
const ManagedPrefsDir = "/Library/Managed Preferences"

// places is the table: per OS, per browser.
var places = map[string]map[Browser]Places{
	"linux": {
		Chrome: {
			Presence:    []string{"/opt/google/chrome/chrome", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable", "~/.config/google-chrome"},
			Profiles:    "~/.config/google-chrome",
			Caches:      "~/.cache/google-chrome",
			SystemHosts: "/etc/opt/chrome/native-messaging-hosts",
			UserHosts:   "~/.config/google-chrome/NativeMessagingHosts",
			PolicyDirs:  []string{"/etc/opt/chrome/policies/managed"},
		},
		Chromium: {
			Presence:    []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium", "/snap/bin/chromium", "~/.config/chromium"},
			Profiles:    "~/.config/chromium",
			Caches:      "~/.cache/chromium",
			SystemHosts: "/etc/chromium/native-messaging-hosts",
			UserHosts:   "~/.config/chromium/NativeMessagingHosts",
			PolicyDirs:  []string{"/etc/chromium/policies/managed", "/etc/chromium-browser/policies/managed"},
		},
		Edge: {
			Presence:    []string{"/opt/microsoft/msedge/msedge", "/usr/bin/microsoft-edge", "/usr/bin/microsoft-edge-stable", "~/.config/microsoft-edge"},
			Profiles:    "~/.config/microsoft-edge",
			Caches:      "~/.cache/microsoft-edge",
			SystemHosts: "/etc/opt/edge/native-messaging-hosts",
			UserHosts:   "~/.config/microsoft-edge/NativeMessagingHosts",
			PolicyDirs:  []string{"/etc/opt/edge/policies/managed"},
		},
		Brave: {
			Presence:    []string{"/opt/brave.com/brave/brave", "/usr/bin/brave-browser", "/usr/bin/brave", "~/.config/BraveSoftware/Brave-Browser"},
			Profiles:    "~/.config/BraveSoftware/Brave-Browser",
			Caches:      "~/.cache/BraveSoftware/Brave-Browser",
			SystemHosts: "/etc/opt/chrome/native-messaging-hosts", // Brave reads Chrome's system folder
			UserHosts:   "~/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts",
			PolicyDirs:  []string{"/etc/brave/policies/managed"},
		},
		Firefox: {
			Presence:    []string{"/usr/bin/firefox", "/usr/bin/firefox-esr", "/usr/lib/firefox-esr/firefox-esr", "/usr/lib/firefox/firefox", "/opt/firefox/firefox", "/snap/bin/firefox", "~/.mozilla/firefox"},
			Profiles:    "~/.mozilla/firefox",
			Caches:      "~/.cache/mozilla/firefox",
			SystemHosts: "/usr/lib/mozilla/native-messaging-hosts",
			UserHosts:   "~/.mozilla/native-messaging-hosts",
		},
	},
	"darwin": {
		Chrome: {
			Presence:    []string{"/Applications/Google Chrome.app", "~/Applications/Google Chrome.app"},
			Profiles:    "~/Library/Application Support/Google/Chrome",
			Caches:      "~/Library/Caches/Google/Chrome",
			SystemHosts: "/Library/Google/Chrome/NativeMessagingHosts",
			UserHosts:   "~/Library/Application Support/Google/Chrome/NativeMessagingHosts",
			PlistDomain: "com.google.Chrome",
		},
		Chromium: {
			Presence:    []string{"/Applications/Chromium.app", "~/Applications/Chromium.app"},
			Profiles:    "~/Library/Application Support/Chromium",
			Caches:      "~/Library/Caches/Chromium",
			SystemHosts: "/Library/Application Support/Chromium/NativeMessagingHosts",
			UserHosts:   "~/Library/Application Support/Chromium/NativeMessagingHosts",
			PlistDomain: "org.chromium.Chromium",
		},
		Edge: {
			Presence:    []string{"/Applications/Microsoft Edge.app", "~/Applications/Microsoft Edge.app"},
			Profiles:    "~/Library/Application Support/Microsoft Edge",
			Caches:      "~/Library/Caches/Microsoft Edge",
			SystemHosts: "/Library/Microsoft/Edge/NativeMessagingHosts",
			UserHosts:   "~/Library/Application Support/Microsoft Edge/NativeMessagingHosts",
			PlistDomain: "com.microsoft.Edge",
		},
		Brave: {
			Presence:    []string{"/Applications/Brave Browser.app", "~/Applications/Brave Browser.app"},
			Profiles:    "~/Library/Application Support/BraveSoftware/Brave-Browser",
			Caches:      "~/Library/Caches/BraveSoftware/Brave-Browser",
			SystemHosts: "/Library/Google/Chrome/NativeMessagingHosts",
			UserHosts:   "~/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts",
			PlistDomain: "com.brave.Browser",
		},
		Firefox: {
			Presence:    []string{"/Applications/Firefox.app", "~/Applications/Firefox.app"},
			Profiles:    "~/Library/Application Support/Firefox/Profiles",
			Caches:      "~/Library/Caches/Firefox/Profiles",
			SystemHosts: "/Library/Application Support/Mozilla/NativeMessagingHosts",
			UserHosts:   "~/Library/Application Support/Mozilla/NativeMessagingHosts",
			PlistDomain: "org.mozilla.firefox",
		},
	},
	// On Windows the manifests sit beside the binary and registry keys point
	// at them. Edge and Brave also get Chrome's key: Edge falls back to it,
	// and some managed Edge installs read only one of the two. The Chromium
	// family keeps its disk cache inside the profile.
	"windows": {
		Chrome: {
			Presence:  []string{`%ProgramFiles%\Google\Chrome\Application\chrome.exe`, `%ProgramFiles(x86)%\Google\Chrome\Application\chrome.exe`, `%LOCALAPPDATA%\Google\Chrome\Application\chrome.exe`},
			Profiles:  `%LOCALAPPDATA%\Google\Chrome\User Data`,
			HostKeys:  []string{`SOFTWARE\Google\Chrome\NativeMessagingHosts`},
			PolicyKey: `SOFTWARE\Policies\Google\Chrome`,
		},
		Chromium: {
			Presence:  []string{`%LOCALAPPDATA%\Chromium\Application\chrome.exe`, `%ProgramFiles%\Chromium\Application\chrome.exe`},
			Profiles:  `%LOCALAPPDATA%\Chromium\User Data`,
			HostKeys:  []string{`SOFTWARE\Chromium\NativeMessagingHosts`},
			PolicyKey: `SOFTWARE\Policies\Chromium`,
		},
		Edge: {
			Presence:  []string{`%ProgramFiles(x86)%\Microsoft\Edge\Application\msedge.exe`, `%ProgramFiles%\Microsoft\Edge\Application\msedge.exe`},
			Profiles:  `%LOCALAPPDATA%\Microsoft\Edge\User Data`,
			HostKeys:  []string{`SOFTWARE\Microsoft\Edge\NativeMessagingHosts`, `SOFTWARE\Google\Chrome\NativeMessagingHosts`},
			PolicyKey: `SOFTWARE\Policies\Microsoft\Edge`,
		},
		Brave: {
			Presence:  []string{`%ProgramFiles%\BraveSoftware\Brave-Browser\Application\brave.exe`, `%LOCALAPPDATA%\BraveSoftware\Brave-Browser\Application\brave.exe`},
			Profiles:  `%LOCALAPPDATA%\BraveSoftware\Brave-Browser\User Data`,
			HostKeys:  []string{`SOFTWARE\BraveSoftware\Brave-Browser\NativeMessagingHosts`, `SOFTWARE\Google\Chrome\NativeMessagingHosts`},
			PolicyKey: `SOFTWARE\Policies\BraveSoftware\Brave`,
		},
		Firefox: {
			Presence:  []string{`%ProgramFiles%\Mozilla Firefox\firefox.exe`, `%ProgramFiles(x86)%\Mozilla Firefox\firefox.exe`},
			Profiles:  `%APPDATA%\Mozilla\Firefox\Profiles`,
			Caches:    `%LOCALAPPDATA%\Mozilla\Firefox\Profiles`,
			HostKeys:  []string{`SOFTWARE\Mozilla\NativeMessagingHosts`},
			PolicyKey: `SOFTWARE\Policies\Mozilla\Firefox`,
		},
	},
}
