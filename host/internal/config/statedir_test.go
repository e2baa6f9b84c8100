package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/testenv"
)

func TestStateDirCreatedPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("about Unix modes: on Windows the state folder is private by the ACL of LocalAppData (statedir_windows_test.go)")
	}
	dir := filepath.Join(testenv.TempDir(t), "a", "b", "state")
	if err := ensurePrivateDir(dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("state dir: %v, %v; want a 0700 directory", fi.Mode(), err)
	}
	// An existing, too open directory is tightened.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := ensurePrivateDir(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(dir); fi.Mode().Perm() != 0o700 {
		t.Fatalf("mode %v, want 0700", fi.Mode().Perm())
	}
}

func TestStateDirRefusesSymlink(t *testing.T) {
	base := testenv.TempDir(t)
	target := filepath.Join(base, "elsewhere")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "state")
	testenv.Symlink(t, target, link)
	if err := ensurePrivateDir(link); !errors.Is(err, ErrUnsafeStateDir) {
		t.Fatalf("err = %v, want ErrUnsafeStateDir", err)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o755 {
		t.Fatalf("the link's target was modified: %v", fi.Mode().Perm())
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ensurePrivateDir(file); err == nil {
		t.Fatal("a regular file accepted as state dir")
	}
	// Errors never carry the path (it names the user).
	under := filepath.Join(file, "jean-dupont")
	if err := ensurePrivateDir(under); err == nil || strings.Contains(err.Error(), "dupont") {
		t.Fatalf("err = %v, want an error without the path", err)
	}
}
