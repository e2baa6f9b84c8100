package protocol

import (
	"path/filepath"
	"strings"
)

// Official extension ids. The Chromium id is pinned by the "key" in extension/manifest.json.
const (
	ChromiumExtensionID = "ibejdgljgikfdimkajilpemalnckncnm"
	FirefoxExtensionID  = "tablerase@tablerase.fr"
)

// Caller identifies the browser extension that started the host.
type Caller struct {
	// Family is "chromium" (Chrome, Edge, Brave, Chromium) or "firefox".
	Family string
	// ID is the extension id: 32 letters a–p for the Chromium family, the add-on id for Firefox.
	ID string
}

// isChromiumID reports whether id is a Chromium extension id: 32 letters a–p.
func isChromiumID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 'a' || id[i] > 'p' {
			return false
		}
	}
	return true
}

// isFirefoxID reports whether id is a Firefox add-on id: email-like ("name@domain", the name may
// be empty as in "@name") or a braced UUID, at most 80 bytes. (Hand-written rather than a regexp: it runs at every host start.)
func isFirefoxID(id string) bool {
	if len(id) == 38 && id[0] == '{' && id[37] == '}' {
		for i := 1; i < 37; i++ {
			c := id[i]
			if !(c == '-' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f') {
				return false
			}
		}
		return true
	}
	at := strings.IndexByte(id, '@')
	if at < 0 || len(id) > 80 || at == len(id)-1 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_' ||
			i < at && c == '+' || i == at
		if !ok {
			return false
		}
	}
	return true
}

// ValidExtensionID reports whether id has the shape of a Chromium or Firefox extension id.
func ValidExtensionID(id string) bool {
	return isChromiumID(id) || isFirefoxID(id)
}

// CallerFromArgs recognises the arguments a browser passes to a native host:
//   - Chromium family: "chrome-extension://<id>/", plus "--parent-window=<n>" on Windows, in
//     either order;
//   - Firefox: the path of the host manifest (a .json file), then the add-on id.
//
// ok is false when the arguments are not a browser's, i.e. a person started the host.
func CallerFromArgs(args []string) (c Caller, ok bool) {
	var rest []string
	for _, a := range args {
		if strings.HasPrefix(a, "--parent-window=") {
			continue
		}
		rest = append(rest, a)
	}
	if len(rest) == 1 && strings.HasPrefix(rest[0], "chrome-extension://") {
		id := strings.TrimSuffix(strings.TrimPrefix(rest[0], "chrome-extension://"), "/")
		return Caller{Family: "chromium", ID: id}, true
	}
	if len(rest) == 2 && strings.EqualFold(filepath.Ext(rest[0]), ".json") && looksAbsolute(rest[0]) &&
		isFirefoxID(rest[1]) {
		return Caller{Family: "firefox", ID: rest[1]}, true
	}
	return Caller{}, false
}

// looksAbsolute accepts absolute paths of any OS (Unix, drive-letter or UNC), so the recognition
// is the same code on every platform and is tested here.
func looksAbsolute(p string) bool {
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\\`) {
		return true
	}
	return len(p) > 2 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') &&
		('a' <= p[0]|0x20 && p[0]|0x20 <= 'z')
}

// Allowed reports whether c may use the host: the official ids, plus the admin's extra ids.
func (c Caller) Allowed(extra []string) bool {
	switch {
	case c.Family == "chromium" && !isChromiumID(c.ID):
		return false
	case c.Family == "chromium" && c.ID == ChromiumExtensionID:
		return true
	case c.Family == "firefox" && c.ID == FirefoxExtensionID:
		return true
	}
	for _, id := range extra {
		if id == c.ID {
			return true
		}
	}
	return false
}
