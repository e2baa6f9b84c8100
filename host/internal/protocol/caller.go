package protocol

import (
	"path/filepath"
	"regexp"
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

var (
	chromiumID = regexp.MustCompile(`^[a-p]{32}$`)
	// Firefox add-on ids are either email-like or a braced UUID.
	firefoxID = regexp.MustCompile(`^(\{[0-9a-fA-F-]{36}\}|[A-Za-z0-9._+-]{1,80}@[A-Za-z0-9.-]{1,80})$`)
)

// ValidExtensionID reports whether id has the shape of a Chromium or Firefox extension id.
func ValidExtensionID(id string) bool {
	return chromiumID.MatchString(id) || firefoxID.MatchString(id)
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
		firefoxID.MatchString(rest[1]) {
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
	case c.Family == "chromium" && !chromiumID.MatchString(c.ID):
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
