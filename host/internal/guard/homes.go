package guard

import (
	"os"
	"path/filepath"
)

// homePlaces protects the user's home (and what contains it) and, as other users' homes, every
// other folder of homesRoot (/home, /Users, C:\Users: Public and Default included).
func homePlaces(home, homesRoot string) []Place {
	var out []Place
	var self os.FileInfo
	if home != "" && filepath.IsAbs(home) {
		out = append(out, Place{Path: home, Code: CodeHome})
		self, _ = os.Stat(home)
	}
	if homesRoot == "" {
		return out
	}
	entries, err := os.ReadDir(homesRoot)
	if err != nil {
		return out
	}
	for _, e := range entries {
		p := filepath.Join(homesRoot, e.Name())
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() || self != nil && os.SameFile(fi, self) {
			continue
		}
		out = append(out, Place{Path: p, Code: CodeOtherUser, Inside: true})
	}
	return out
}
