//go:build darwin

package guard

import "strings"

// key folds case: macOS volumes are case-insensitive by default.
func key(p string) string { return strings.ToLower(p) }

func machinePlaces() []Place {
	return unixPlaces("/Users",
		[]string{"/Applications", "/Library", "/System", "/bin", "/cores", "/dev", "/etc", "/opt", "/private/etc",
			"/private/var/db", "/private/var/log", "/private/var/root", "/private/var/vm", "/sbin", "/usr"},
		// /var/folders holds each user's temporary folder: /var itself is protected, not inside.
		[]string{"/Users", "/Volumes", "/private", "/private/tmp", "/private/var", "/tmp", "/var"})
}
