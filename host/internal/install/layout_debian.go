package install

import (
	"errors"
	pathpkg "path"
	"path/filepath"
)

// firefoxLinkedPolicyFiles are distribution folders a Firefox package reaches through a link of
// its own, listed at the link's target: Debian's firefox-esr ships
// /usr/lib/firefox-esr/distribution as a link to /usr/share/firefox-esr/distribution (checked on
// Debian 12, firefox-esr 153), and install never writes through a link (safepath.go), so the
// entry above for /usr/lib/firefox-esr is skipped there and this one is written: the file
// Firefox reads through the link. Folder is again the first folder that must be the
// administrator's alone.
var firefoxLinkedPolicyFiles = map[string][]struct {
	File, Folder string
	Create       bool
}{
	"linux": {
		{"/usr/share/firefox-esr/distribution/policies.json", "/usr/share/firefox-esr", false},
	},
}

// linkedElsewhere reports whether err only says that file's folder is a link whose target is one
// of firefoxLinkedPolicyFiles' folders: then the policies were merged there, and that is no error.
func (r *runner) linkedElsewhere(file string, err error) bool {
	var ue *UnsafePathError
	if !errors.As(err, &ue) || ue.Reason != ReasonLink {
		return false
	}
	target, e := filepath.EvalSymlinks(r.o.Env.Path(pathpkg.Dir(file)))
	if e != nil {
		return false
	}
	for _, f := range firefoxLinkedPolicyFiles[osTable(r.o.Env)] {
		if target == filepath.Clean(r.o.Env.Path(pathpkg.Dir(r.o.Env.Expand(f.File)))) {
			r.logf("note: %s is a link to %s: merged there", pathpkg.Dir(file), pathpkg.Dir(f.File))
			return true
		}
	}
	return false
}
