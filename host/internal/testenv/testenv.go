// Package testenv gives the host's tests what differs between the systems they run on: Linux,
// macOS, Windows, and Windows emulated by Wine (the Windows lane of scripts/test.sh,
// scripts/windows/test-wine.sh).
//
// Wine stands in for Windows well enough to run the Windows code for real, but not everywhere.
// Each difference the tests meet is handled here, narrowly, and listed in host/TESTING.md with
// what only a real Windows machine can prove. Production code never imports this package: the
// host does not bend for Wine; only the tests' own scaffolding does.
package testenv

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Wine reports whether this process runs under Wine rather than a real Windows (always false on
// other systems).
func Wine() bool { return wine() }

// SkipUnderWine skips t when it runs under Wine, saying why Wine cannot stand in for Windows
// there. why must name the missing Wine feature, so the lane's summary lists what still needs a
// real Windows machine.
func SkipUnderWine(t testing.TB, why string) {
	t.Helper()
	if Wine() {
		t.Skip("Wine cannot stand in for Windows here: " + why)
	}
}

// TempDir is t.TempDir, except under Wine: Go's os.RemoveAll asks Windows to delete with the
// FileDispositionInformationEx class (Windows 10 1607 and later), Wine 8 answers
// STATUS_NOT_IMPLEMENTED instead of STATUS_INVALID_INFO_CLASS, so Go does not fall back and every
// t.TempDir cleanup fails with "Invalid function". Under Wine the folder is made here and its
// cleanup removes it entry by entry with os.Remove (DeleteFileW, RemoveDirectoryW), which Wine
// implements. On every real system this is exactly t.TempDir.
func TempDir(t testing.TB) string {
	t.Helper()
	if !Wine() {
		return t.TempDir()
	}
	dir, err := os.MkdirTemp("", "tablerase-test-")
	if err != nil {
		t.Fatalf("TempDir: %v", err)
	}
	t.Cleanup(func() {
		if err := RemoveTree(dir); err != nil {
			t.Errorf("TempDir cleanup: %v", err)
		}
	})
	return dir
}

// RemoveTree is os.RemoveAll, falling back under Wine to removing the tree one entry at a time,
// deepest first (see TempDir for why). Links are removed, never followed.
func RemoveTree(dir string) error {
	err := os.RemoveAll(dir)
	if err == nil || !Wine() {
		return err
	}
	var paths []string
	walkErr := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		paths = append(paths, p)
		return nil // WalkDir does not descend into links to folders
	})
	if walkErr != nil {
		return walkErr
	}
	// Children sort after their parent: reversed, every entry goes before its folder.
	sort.Sort(sort.Reverse(sort.StringSlice(paths)))
	var errs []error
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Symlink makes a symbolic link for a test, or skips the test where none can be made: under Wine,
// whose CreateSymbolicLinkW (Wine 8) returns success and creates nothing, and on a Windows account
// without the right to make links (neither administrator nor Developer Mode).
func Symlink(t testing.TB, target, link string) {
	t.Helper()
	if !TrySymlink(t, target, link) {
		t.Skip("Wine cannot stand in for Windows here: Wine 8's CreateSymbolicLinkW reports success and makes no link")
	}
}

// TrySymlink is Symlink for a test where the link is one case among others: it reports whether
// the link was made instead of skipping.
func TrySymlink(t testing.TB, target, link string) bool {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		if errors.Is(err, errPrivilegeNotHeld) {
			t.Skip("this Windows account may not create symbolic links (needs administrator or Developer Mode)")
		}
		t.Fatalf("symlink: %v", err)
	}
	if _, err := os.Lstat(link); err != nil {
		if Wine() {
			t.Log("no link made: Wine 8's CreateSymbolicLinkW reports success and makes no link")
			return false
		}
		t.Fatalf("symlink made but not found: %v", err)
	}
	return true
}
