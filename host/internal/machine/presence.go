package machine

import "os"

// Present reports whether browser b looks installed: one of its usual binaries
// or (for a user) its configuration folder exists. It never starts the browser.
func (e Env) Present(b Browser) bool {
	for _, p := range presenceHints[e.Table()][b] {
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
