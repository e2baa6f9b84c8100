package wipe

import (
	"context"
	"os"
	"path/filepath"
	"testing"
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
