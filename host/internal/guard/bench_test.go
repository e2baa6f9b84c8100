package guard

import (
	"path/filepath"
	"testing"
)

// BenchmarkFirstCheck is what the guard adds to every host start that loads the configuration:
// building the places of this machine and judging one Downloads folder.
func BenchmarkFirstCheck(b *testing.B) {
	home := b.TempDir()
	b.Setenv("HOME", home)
	for b.Loop() {
		g := ForHost(filepath.Join(home, ".local", "state", "tablerase"), "/etc/tablerase/config.json")
		if err := g.Check(filepath.Join(home, "Downloads")); err != nil {
			b.Fatal(err)
		}
	}
}
