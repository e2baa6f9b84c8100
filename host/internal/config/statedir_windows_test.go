package config

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/tablerase/tablerase/host/internal/testenv"
)

// On Windows the state folder is private because it lives in the user's LocalAppData, whose ACL
// lets in only its owner, SYSTEM and the administrators; mode bits mean nothing there.
func TestStateDirWindowsIsInLocalAppDataAndPrivate(t *testing.T) {
	local, err := windows.KnownFolderPath(windows.FOLDERID_LocalAppData, 0)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := StateDir()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(local, "TableRase", "state"); !strings.EqualFold(dir, want) {
		t.Fatalf("state dir %s, want %s", dir, want)
	}
	if again, err := StateDir(); err != nil || again != dir {
		t.Fatalf("second StateDir: %s, %v", again, err)
	}
	testenv.CheckPrivate(t, dir)
}
