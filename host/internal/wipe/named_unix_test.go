//go:build linux || darwin

package wipe

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRemoveNamedRemovesOnlyMatchingChildrenNeverFollowingLinks(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	precious := write(t, outside, "bookmarks.json", "keep")
	gone := []string{
		write(t, root, "Local Storage/leveldb/000003.log", "numéro fiscal"),
		write(t, root, "Sessions/Session_1", "titre"),
		write(t, root, "sessionstore.jsonlz4", "x"),
	}
	kept := []string{
		write(t, root, "Bookmarks", "{}"),
		write(t, root, "Preferences", "{}"),
		write(t, root, "Extensions/abc/manifest.json", "{}"),
	}
	// A matching name that is a link to a folder elsewhere: the link goes, the folder stays whole.
	if err := os.Symlink(outside, filepath.Join(root, "IndexedDB")); err != nil {
		t.Fatal(err)
	}
	match := func(name string) bool {
		return name == "Local Storage" || name == "Sessions" || name == "IndexedDB" || strings.HasPrefix(name, "sessionstore")
	}
	r := RemoveNamed(context.Background(), root, match)
	if r.Status != StatusClean || r.Failed != 0 {
		t.Fatalf("RemoveNamed = %+v, want clean", r)
	}
	mustBeGone(t, append(gone, filepath.Join(root, "Local Storage"), filepath.Join(root, "Sessions"), filepath.Join(root, "IndexedDB"))...)
	mustExist(t, append(kept, precious, outside)...)
	if r.Removed != 7 { // 3 files, 3 directories (leveldb too), 1 link
		t.Errorf("Removed = %d, want 7", r.Removed)
	}
	if again := RemoveNamed(context.Background(), root, match); again.Status != StatusClean || again.Removed != 0 {
		t.Errorf("second run = %+v, want clean with nothing removed", again)
	}
}

func TestRemoveNamedMissingRoot(t *testing.T) {
	r := RemoveNamed(context.Background(), filepath.Join(t.TempDir(), "absent"), func(string) bool { return true })
	if r.Status != StatusMissing {
		t.Fatalf("status %q, want missing", r.Status)
	}
}
