package wipe

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func take(t testing.TB, root string) *Snapshot {
	t.Helper()
	s, err := Take(context.Background(), root, testKey)
	if err != nil {
		t.Fatalf("Take: %v", err)
	}
	return s
}

func wipeSession(t testing.TB, root string, snap *Snapshot) Result {
	t.Helper()
	return Wipe(context.Background(), root, ScopeSession, snap, testKey)
}

// write creates parent directories as needed and writes content to root/rel.
func write(t testing.TB, root, rel, content string) string {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func exists(t testing.TB, p string) bool {
	t.Helper()
	_, err := os.Lstat(p)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return err == nil
}

func mustExist(t testing.TB, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if !exists(t, p) {
			t.Errorf("%s was removed, want kept", p)
		}
	}
}

func mustBeGone(t testing.TB, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if exists(t, p) {
			t.Errorf("%s still exists, want removed", p)
		}
	}
}

func wantCounts(t testing.TB, r Result, status string, removed, kept, failed int) {
	t.Helper()
	if r.Status != status || r.Removed != removed || r.Kept != kept || r.Failed != failed {
		t.Errorf("result = %+v, want status %s removed %d kept %d failed %d", r, status, removed, kept, failed)
	}
}

// afterSnapshot waits until a file created now in dir gets a birth time later than snap.Taken.
// File systems stamp files from a coarse clock that may lag the one Take read by a tick: a file
// created within that tick looks older than the snapshot (and is kept, the safe way). Tests about
// "born after the start" create their files after this. It skips where there is no birth time.
func afterSnapshot(t testing.TB, dir string, snap *Snapshot) {
	t.Helper()
	for i := 0; ; i++ {
		p := write(t, dir, ".probe", "")
		d, err := openRoot(dir)
		if err != nil {
			t.Fatal(err)
		}
		list, err := d.list()
		d.close()
		os.Remove(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list {
			if e.name == ".probe" && e.id.btime == 0 {
				t.Skip("this file system records no birth time")
			}
			if e.name == ".probe" && e.id.btime > snap.Taken {
				return
			}
		}
		if i > 1000 {
			t.Fatal("the file system clock never passed the snapshot time")
		}
		time.Sleep(time.Millisecond)
	}
}
