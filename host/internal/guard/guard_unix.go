//go:build linux || darwin

package guard

import (
	"os"
	"path/filepath"
)

func finalPath(p string) (string, bool) {
	r, err := filepath.EvalSymlinks(p)
	return r, err == nil
}

func isRoot(p string) bool { return p == "/" }

// resolvePlace is resolve for the guard's own places, most of which share their parents and hold
// no link: each prefix is looked at once (lstat, cached), and only a path with a link on the way
// is resolved in full.
func resolvePlace(path string, lstat func(string) os.FileInfo) string {
	for p := path; ; p = filepath.Dir(p) {
		if fi := lstat(p); fi != nil && fi.Mode()&os.ModeSymlink != 0 {
			return resolve(path)
		}
		if p == "/" || p == "." {
			return path
		}
	}
}

// unixPlaces: the root, the home and the homes beside it, this binary's folder, and the system
// folders of the OS (inside: refused with everything in them; around: refused themselves and
// what contains them, since they hold other people's or other programs' files).
func unixPlaces(homesRoot string, inside, around []string) []Place {
	home, _ := os.UserHomeDir()
	out := []Place{{Path: "/", Code: CodeRoot}}
	out = append(out, homePlaces(home, homesRoot)...)
	for _, p := range inside {
		out = append(out, Place{Path: p, Code: CodeSystem, Inside: true})
	}
	for _, p := range around {
		out = append(out, Place{Path: p, Code: CodeSystem})
	}
	return append(out, binaryPlace()...)
}

func binaryPlace() []Place {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return []Place{{Path: filepath.Dir(exe), Code: CodeBinary}}
}
