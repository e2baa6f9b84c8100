//go:build !windows

package testenv

import (
	"os"
	"testing"
)

// CheckPrivate fails t when path can be read or written by anybody but its owner.
func CheckPrivate(t testing.TB, path string) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("%s: mode %v, want no access for group and others", path, fi.Mode().Perm())
	}
}
