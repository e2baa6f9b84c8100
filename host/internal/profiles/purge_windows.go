package profiles

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// removeStores removes the named regular files of profile name under root. Reparse points are
// never followed: Lstat sees the link itself, and only regular files are removed.
func removeStores(root, name string, stores []string) (removed, failed int) {
	dir := filepath.Join(root, name)
	if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() || fi.Mode()&os.ModeSymlink != 0 {
		return 0, 1
	}
	for _, s := range stores {
		p := filepath.Join(dir, s)
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if !fi.Mode().IsRegular() {
			failed++
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			failed++
			continue
		}
		removed++
	}
	return removed, failed
}

// chromiumRunning: Chrome holds "lockfile" in the user-data folder open without sharing.
func chromiumRunning(root string) bool { return heldOpen(filepath.Join(root, "lockfile")) }

// firefoxRunning: Firefox holds "parent.lock" open without sharing while a profile is in use.
func firefoxRunning(profile string) bool { return heldOpen(filepath.Join(profile, "parent.lock")) }

// heldOpen tries to open p with no sharing: a sharing violation means its owner runs.
func heldOpen(p string) bool {
	name, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return true
	}
	h, err := windows.CreateFile(name, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING,
		windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
		return false
	}
	if err != nil {
		return true // sharing violation, or anything we cannot judge
	}
	windows.CloseHandle(h)
	return false
}
