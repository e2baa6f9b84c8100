package machine

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLinuxKnownDownloads(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, "cfg")
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", cfg)
	e := NativeEnv()
	want := filepath.Join(home, "Downloads") // no user-dirs.dirs: ~/Downloads, even if missing
	if got := e.KnownFolders(); len(got) != 1 || got[0].Path != want || got[0].Label != "downloads" {
		t.Fatalf("got %+v, want downloads %s", got, want)
	}
	if err := os.MkdirAll(cfg, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg, "user-dirs.dirs"), []byte("XDG_DOWNLOAD_DIR=\"$HOME/Téléchargements\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want = filepath.Join(home, "Téléchargements")
	if got := e.KnownFolders(); len(got) != 1 || got[0].Path != want {
		t.Fatalf("got %+v, want %s", got, want)
	}
}
