package wipe

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/testenv"
)

// RemoveUnder goes through the chosen folders only, and removes what the choice made on name, kind
// and modification time picks: here what was written after a session start, under
// storage/default/<origin>, and nothing of what is older, of other folders or behind a link.
func TestRemoveUnderChoosesByTimeAndNeverGoesThroughLinks(t *testing.T) {
	root := testenv.TempDir(t)
	outside := testenv.TempDir(t)
	start := time.Now().Add(-time.Hour)
	old := start.Add(-24 * time.Hour)
	age := func(p string, at time.Time) string {
		t.Helper()
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Old entries, then the folders' own times set last (writing a child changes a folder's).
	oldCache := write(t, root, "storage/default/https+++aidant.fr/cache/caches.sqlite", "old")
	oldLog := age(write(t, root, "storage/default/https+++caf.fr/000001.log", "old"), old)
	newLog := write(t, root, "storage/default/https+++caf.fr/000002.log", "numéro fiscal")
	newCache := write(t, root, "storage/default/https+++caf.fr/cache/caches.sqlite", "x")
	other := write(t, root, "storage/permanent/chrome/000003.log", "x")
	age(filepath.Dir(oldCache), old)
	precious := write(t, outside, "https+++impots.fr/000009.log", "not ours")
	linked := testenv.TrySymlink(t, filepath.Join(outside, "https+++impots.fr"), filepath.Join(root, "storage", "default", "https+++impots.fr"))

	is := func(n string) func(string) bool { return func(s string) bool { return s == n } }
	any := func(string) bool { return true }
	after := func(c Child) bool { return c.ModTime.After(start) }
	path := []func(string) bool{is("storage"), is("default"), any}
	r := RemoveUnder(context.Background(), root, path, after)
	if r.Status != StatusClean || r.Failed != 0 {
		t.Fatalf("RemoveUnder = %+v, want clean", r)
	}
	mustBeGone(t, newLog, filepath.Dir(newCache))
	mustExist(t, oldLog, oldCache, other, precious)
	if r.Removed != 3 { // the new log, the new cache folder and its file
		t.Errorf("Removed = %d, want 3", r.Removed)
	}
	if again := RemoveUnder(context.Background(), root, path, after); again.Status != StatusClean || again.Removed != 0 {
		t.Errorf("second run = %+v, want clean with nothing removed", again)
	}
	if r := RemoveUnder(context.Background(), filepath.Join(root, "absent"), path, after); r.Status != StatusMissing {
		t.Errorf("missing root: %+v", r)
	}
	if !linked {
		return
	}
	// A link chosen by the match goes itself, never what it points to.
	link := filepath.Join(root, "storage", "default", "https+++impots.fr")
	if r := RemoveUnder(context.Background(), root, path[:2], func(c Child) bool { return c.Name == "https+++impots.fr" && !c.Dir }); r.Removed != 1 {
		t.Fatalf("removing the link: %+v", r)
	}
	mustBeGone(t, link)
	mustExist(t, precious)
}
