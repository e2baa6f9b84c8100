package install

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated files of manifests/")

// repoRoot is the repository's root.
const repoRoot = "../../.."

func TestTemplatesMatchTable(t *testing.T) {
	for rel, want := range Templates() {
		p := filepath.Join(repoRoot, filepath.FromSlash(rel))
		if *update {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%s missing (go test ./host/internal/install -run Templates -update): %v", rel, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the policy table; run go test ./host/internal/install -run Templates -update", rel)
		}
	}
}
