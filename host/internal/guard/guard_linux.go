//go:build linux

package guard

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func key(p string) string { return p }

func machinePlaces() []Place {
	out := unixPlaces("/home",
		[]string{"/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc", "/run",
			"/sbin", "/snap", "/sys", "/usr", "/var/backups", "/var/cache", "/var/lib", "/var/log", "/var/mail"},
		[]string{"/home", "/media", "/mnt", "/srv", "/tmp", "/var", "/var/tmp"})
	return append(out, passwdHomes("/etc/passwd", os.Getuid())...)
}

// passwdHomes lists the home folders of the other accounts in the passwd file (system accounts
// included: their homes hold services' data). Accounts from a directory service are not there;
// the homes beside this user's in /home are protected anyway.
func passwdHomes(file string, self int) []Place {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []Place
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) < 7 {
			continue
		}
		uid, err := strconv.Atoi(fields[2])
		home := filepath.Clean(fields[5])
		if err != nil || uid == self || !filepath.IsAbs(home) || home == "/" {
			continue
		}
		out = append(out, Place{Path: home, Code: CodeOtherUser, Inside: true})
	}
	return out
}
