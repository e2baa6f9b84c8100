package install

import (
	"errors"
	pathpkg "path"
	"path/filepath"
)

// linkedElsewhere reports whether err only says that file's folder is a link whose target is one
// of machine.Env.FirefoxLinkedPolicyFiles' folders: then the policies were merged there, and that is no error.
func (r *runner) linkedElsewhere(file string, err error) bool {
	var ue *UnsafePathError
	if !errors.As(err, &ue) || ue.Reason != ReasonLink {
		return false
	}
	target, e := filepath.EvalSymlinks(r.o.Env.Path(pathpkg.Dir(file)))
	if e != nil {
		return false
	}
	for _, f := range r.o.Env.FirefoxLinkedPolicyFiles() {
		file2, err := r.o.Env.Resolve(f.File)
		if err != nil {
			continue
		}
		if target == filepath.Clean(r.o.Env.Path(pathpkg.Dir(file2))) {
			r.logf("note: %s is a link to %s: merged there", pathpkg.Dir(file), pathpkg.Dir(f.File))
			return true
		}
	}
	return false
}
