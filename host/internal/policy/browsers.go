package policy

import (
	"os"
	"path/filepath"
	"strings"
)

// Browser names one supported browser. The names are the keys of the report
// that hello sends, so they never change.
type Browser string

// The supported browsers.
const (
	Chrome   Browser = "chrome"
	Chromium Browser = "chromium"
	Edge     Browser = "edge"
	Brave    Browser = "brave"
	Firefox  Browser = "firefox"
)

// All lists the supported browsers in a stable order (the order of every report).
var All = []Browser{Chrome, Chromium, Edge, Brave, Firefox}

// IsFirefox reports whether b speaks Firefox's policies and manifests
// (allowed_extensions, policies.json) rather than the Chromium family's.
func (b Browser) IsFirefox() bool { return b == Firefox }

// Valid reports whether b is one of All.
func (b Browser) Valid() bool {
	for _, a := range All {
		if a == b {
			return true
		}
	}
	return false
}

// Env locates things on one computer: which OS table to use, a root prefixed to
// every filesystem path (tests and package builds use a temporary directory),
// the home directory and the environment. NativeEnv describes the computer the
// binary runs on; tests build their own, so every OS table is exercised on any OS.
type Env struct {
	OS     string // "linux", "windows" or "darwin": selects the path tables
	Root   string // prefixed to every filesystem path; "" means the real root
	Home   string // the user's home directory, as seen on the target system
	Getenv func(string) string
}

// NativeEnv describes the running computer. TABLERASE_ROOT, when set, becomes Root.
func NativeEnv() Env {
	home, _ := os.UserHomeDir()
	return Env{OS: nativeOS, Root: os.Getenv("TABLERASE_ROOT"), Home: home, Getenv: os.Getenv}
}

// Path maps a path of the target system to the local filesystem: it is p under Root.
// A Windows volume name ("C:") is dropped under a root so tests stay in their directory.
func (e Env) Path(p string) string {
	if e.Root == "" {
		return p
	}
	if v := filepath.VolumeName(p); v != "" {
		p = p[len(v):]
	}
	if len(p) >= 2 && p[1] == ':' { // a Windows path examined on another OS
		p = p[2:]
	}
	return filepath.Join(e.Root, filepath.FromSlash(strings.ReplaceAll(p, `\`, "/")))
}

// Expand replaces a leading "~" by Home and %VAR% / $VAR by the environment.
// Unset variables expand to "", which makes the path relative: Absolute rejects it.
func (e Env) Expand(p string) string {
	if strings.HasPrefix(p, "~") {
		if e.Home == "" {
			return p // stays relative: Absolute rejects it
		}
		p = e.Home + p[1:]
	}
	get := e.Getenv
	if get == nil {
		get = func(string) string { return "" }
	}
	for {
		i := strings.Index(p, "%")
		if i < 0 {
			break
		}
		j := strings.Index(p[i+1:], "%")
		if j < 0 {
			break
		}
		p = p[:i] + get(p[i+1:i+1+j]) + p[i+2+j:]
	}
	return os.Expand(p, get)
}

// Absolute reports whether p is an absolute path on the target OS. A template
// whose variable is unset (say %LOCALAPPDATA% for a system service) is not.
func (e Env) Absolute(p string) bool {
	if e.OS == "windows" {
		return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') || strings.HasPrefix(p, `\\`)
	}
	return strings.HasPrefix(p, "/")
}

// Present reports whether browser b looks installed: one of its usual binaries
// or (for a user) its configuration folder exists. It never starts the browser.
func (e Env) Present(b Browser) bool {
	for _, p := range presenceHints[e.table()][b] {
		p = e.Expand(p)
		if !e.Absolute(p) {
			continue
		}
		if _, err := os.Stat(e.Path(p)); err == nil {
			return true
		}
	}
	return false
}

func (e Env) table() string {
	switch e.OS {
	case "windows", "darwin":
		return e.OS
	}
	return "linux"
}

// presenceHints lists, per OS table, the files whose existence means a browser is there.
var presenceHints = map[string]map[Browser][]string{
	"linux": {
		Chrome:   {"/opt/google/chrome/chrome", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable", "~/.config/google-chrome"},
		Chromium: {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium", "/snap/bin/chromium", "~/.config/chromium"},
		Edge:     {"/opt/microsoft/msedge/msedge", "/usr/bin/microsoft-edge", "/usr/bin/microsoft-edge-stable", "~/.config/microsoft-edge"},
		Brave:    {"/opt/brave.com/brave/brave", "/usr/bin/brave-browser", "/usr/bin/brave", "~/.config/BraveSoftware/Brave-Browser"},
		Firefox:  {"/usr/bin/firefox", "/usr/bin/firefox-esr", "/usr/lib/firefox-esr/firefox-esr", "/usr/lib/firefox/firefox", "/opt/firefox/firefox", "/snap/bin/firefox", "~/.mozilla/firefox"},
	},
	"darwin": {
		Chrome:   {"/Applications/Google Chrome.app", "~/Applications/Google Chrome.app"},
		Chromium: {"/Applications/Chromium.app", "~/Applications/Chromium.app"},
		Edge:     {"/Applications/Microsoft Edge.app", "~/Applications/Microsoft Edge.app"},
		Brave:    {"/Applications/Brave Browser.app", "~/Applications/Brave Browser.app"},
		Firefox:  {"/Applications/Firefox.app", "~/Applications/Firefox.app"},
	},
	"windows": {
		Chrome:   {`%ProgramFiles%\Google\Chrome\Application\chrome.exe`, `%ProgramFiles(x86)%\Google\Chrome\Application\chrome.exe`, `%LOCALAPPDATA%\Google\Chrome\Application\chrome.exe`},
		Chromium: {`%LOCALAPPDATA%\Chromium\Application\chrome.exe`, `%ProgramFiles%\Chromium\Application\chrome.exe`},
		Edge:     {`%ProgramFiles(x86)%\Microsoft\Edge\Application\msedge.exe`, `%ProgramFiles%\Microsoft\Edge\Application\msedge.exe`},
		Brave:    {`%ProgramFiles%\BraveSoftware\Brave-Browser\Application\brave.exe`, `%LOCALAPPDATA%\BraveSoftware\Brave-Browser\Application\brave.exe`},
		Firefox:  {`%ProgramFiles%\Mozilla Firefox\firefox.exe`, `%ProgramFiles(x86)%\Mozilla Firefox\firefox.exe`},
	},
}
