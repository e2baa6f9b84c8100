//go:build linux || darwin

package wipe

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func fill(b *testing.B, dir, prefix string, n int) {
	b.Helper()
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, prefix+strconv.Itoa(i)), []byte("x"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWipe10kNewAmong10kKept measures a session wipe of 10,000 new files in a folder that also
// holds 10,000 old ones. Compare with `rm -rf` of the new files alone (no snapshot, no identity
// checks): the difference is the price of keeping the old files and of never following a link.
func BenchmarkWipe10kNewAmong10kKept(b *testing.B) {
	root := b.TempDir()
	fill(b, root, "old-", 10_000)
	snap := take(b, root)
	for b.Loop() {
		b.StopTimer()
		fill(b, root, "new-", 10_000)
		b.StartTimer()
		r := Wipe(context.Background(), root, ScopeSession, snap, testKey)
		if r.Removed != 10_000 || r.Kept != 10_000 || r.Status != StatusClean {
			b.Fatalf("result = %+v", r)
		}
	}
}

func BenchmarkSnapshot20k(b *testing.B) {
	root := b.TempDir()
	for d := range 20 {
		sub := filepath.Join(root, "d"+strconv.Itoa(d))
		os.Mkdir(sub, 0o755)
		fill(b, sub, "f-", 1_000)
	}
	for b.Loop() {
		s, err := Take(context.Background(), root, testKey)
		if err != nil || s.Len() != 20_020 {
			b.Fatalf("Take: %d entries, %v", s.Len(), err)
		}
	}
}
