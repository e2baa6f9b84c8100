package traces

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/testenv"
)

// touch creates dir/name with the given modification time.
func touch(t *testing.T, dir, name string, mtime time.Time) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

func listAll(t *testing.T, root string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(names)
	return names
}

func TestWindowsRecentSession(t *testing.T) {
	recent := testenv.TempDir(t)
	before, after := mark.Since.Add(-time.Hour), mark.Since.Add(time.Minute)
	touch(t, recent, "planning été.odt.lnk", before)
	touch(t, recent, "attestation CAF.pdf.lnk", after)
	touch(t, recent, "Téléchargements.LNK", after)
	touch(t, recent, "desktop.ini", after)
	touch(t, recent, "AutomaticDestinations/5f7b5f1e01b83767.automaticDestinations-ms", after)
	touch(t, recent, "AutomaticDestinations/9b9cdc69c1c24e2b.automaticDestinations-ms", before)
	touch(t, recent, "AutomaticDestinations/f01b4d95cf55d32a.automaticDestinations-ms", after)
	touch(t, recent, "CustomDestinations/28c8b86deab549a1.customDestinations-ms", after)
	outside := testenv.TempDir(t)
	touch(t, outside, "secret.lnk", after)
	linked := testenv.TrySymlink(t, filepath.Join(outside, "secret.lnk"), filepath.Join(recent, "link.lnk"))

	got := clearWindowsRecent(context.Background(), recent, mark.cut(), false)
	if got != (Outcome{Status: StatusCleared, Removed: 4}) {
		t.Fatalf("outcome %+v, want cleared with 4 removed", got)
	}
	want := []string{
		"AutomaticDestinations/9b9cdc69c1c24e2b.automaticDestinations-ms",
		"AutomaticDestinations/f01b4d95cf55d32a.automaticDestinations-ms", // Quick Access pins kept in scope session
		"desktop.ini",
		"link.lnk", // a symlink is never followed nor removed
		"planning été.odt.lnk",
	}
	if !linked {
		want = append(want[:3], want[4:]...)
	}
	if names := listAll(t, recent); !equal(names, want) {
		t.Fatalf("left %q\nwant %q", names, want)
	}
	if _, err := os.Stat(filepath.Join(outside, "secret.lnk")); err != nil {
		t.Fatal("a symlink's target was removed")
	}

	got = clearWindowsRecent(context.Background(), recent, mark.cut(), true)
	if got != (Outcome{Status: StatusCleared, Removed: 3}) {
		t.Fatalf("scope all: %+v, want 3 more removed", got)
	}
	if names := listAll(t, recent); !equal(names, []string{"desktop.ini", "link.lnk"}[:map[bool]int{true: 2, false: 1}[linked]]) {
		t.Fatalf("scope all left %q", names)
	}
}

func TestSweepMissingAndSymlinkedFolder(t *testing.T) {
	base := testenv.TempDir(t)
	if got := clearWindowsRecent(context.Background(), filepath.Join(base, "none"), mark.cut(), true); got.Status != StatusNothing {
		t.Fatalf("missing folder: %+v", got)
	}
	real := filepath.Join(base, "real")
	touch(t, real, "a.lnk", mark.Since)
	link := filepath.Join(base, "Recent")
	testenv.Symlink(t, real, link)
	if got := clearWindowsRecent(context.Background(), link, mark.cut(), true); got.Code != CodeNotRegular {
		t.Fatalf("symlinked folder: %+v, want not_regular", got)
	}
	if _, err := os.Stat(filepath.Join(real, "a.lnk")); err != nil {
		t.Fatal("sweep followed a symlinked folder")
	}
}

func TestMerge(t *testing.T) {
	got := merge(Outcome{Status: StatusNothing}, Outcome{Status: StatusCleared, Removed: 2},
		Outcome{Status: StatusFailed, Code: CodeDeleteFailed, Removed: 1}, Outcome{Status: StatusFailed, Code: CodeIOError})
	if got != (Outcome{Status: StatusFailed, Code: CodeDeleteFailed, Removed: 3}) {
		t.Fatalf("merge = %+v", got)
	}
	if got := merge(Outcome{Status: StatusNothing}); got.Status != StatusNothing {
		t.Fatalf("merge = %+v", got)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
