//go:build linux || darwin

package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestStateDirFromEnvironment(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", "")
	dir, err := StateDir()
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(dir); err != nil || fi.Mode().Perm() != 0o700 || !within(dir, home) {
		t.Fatalf("StateDir() = %s (%v), want a 0700 directory under HOME", dir, err)
	}
}

func TestExpandTildeAndVars(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("TR_SCANS", "/srv/numérisations")
	c, err := Parse([]byte(`{"default_folders": false, "watch": ["~", "~/Bureau", "$TR_SCANS", "${TR_SCANS}/x", "~/.local"]}`))
	if err != nil {
		t.Fatal(err)
	}
	// The real guard judges every folder: the home and a folder holding the state are refused.
	if len(c.Folders) != 4 || c.Folders[0].Refused != "home" || c.Folders[1].Refused != "" || c.Folders[3].Refused != "state" {
		t.Fatalf("watching ~ and ~/.local: got %+v, want them refused (home, state)", c.Folders)
	}
	c, err = Parse([]byte(`{"default_folders": false, "watch": ["~/Bureau", "$TR_SCANS/a", "${TR_SCANS}/b"]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(home, "Bureau"), "/srv/numérisations/a", "/srv/numérisations/b"}
	for i, f := range c.Folders {
		if f.Path != want[i] {
			t.Errorf("folder %d = %s, want %s", i, f.Path, want[i])
		}
	}
}
