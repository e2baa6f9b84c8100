//go:build !linux && !darwin && !windows

package guard

import "path/filepath"

func key(p string) string { return p }

func isRoot(p string) bool { return p == "/" }

func finalPath(p string) (string, bool) {
	r, err := filepath.EvalSymlinks(p)
	return r, err == nil
}

func machinePlaces() []Place { return []Place{{Path: "/", Code: CodeRoot}} }
