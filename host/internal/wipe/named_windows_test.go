package wipe

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tablerase/tablerase/host/internal/testenv"
)

// RemoveNamed matches the names Windows lists (UTF-16 on disk) against the caller's names.
func TestRemoveNamedMatchesWindowsNames(t *testing.T) {
	root := testenv.TempDir(t)
	for _, p := range []string{`Local Storage\leveldb\000003.log`, `Cache\Cache_Data\f_000001`, `Préférences\x`, "Bookmarks", "Cache-journal"} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o700)
		if err := os.WriteFile(filepath.Join(root, p), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	gone := map[string]bool{"Local Storage": true, "Cache": true, "Préférences": true}
	r := RemoveNamed(context.Background(), root, func(n string) bool { return gone[n] })
	if r.Status != StatusClean || r.Failed != 0 || r.Removed != 8 {
		t.Fatalf("RemoveNamed = %+v, want clean with 3 folders, 2 subfolders and 3 files removed", r)
	}
	ents, _ := os.ReadDir(root)
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	if len(left) != 2 || left[0] != "Bookmarks" || left[1] != "Cache-journal" {
		t.Fatalf("left %q, want Bookmarks and Cache-journal", left)
	}
}
