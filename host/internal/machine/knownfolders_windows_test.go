package machine

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"
)

// The default watched folder is the Downloads known folder, wherever the profile puts it.
func TestKnownFoldersStartWithDownloads(t *testing.T) {
	dl, err := windows.KnownFolderPath(windows.FOLDERID_Downloads, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := NativeEnv().KnownFolders()
	if len(got) == 0 || got[0].Label != "downloads" || !strings.EqualFold(got[0].Path, filepath.Clean(dl)) {
		t.Fatalf("default folders %+v, want Downloads at %s first", got, dl)
	}
}
