package install

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/policy"
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

// TestRenderForOwnID: rendered for IT's own build (scripts/pack.sh), no file names the store's
// extension id or the stores' URLs any more — but for the host manifests, which allow the
// official extension beside IT's (the host accepts both, as install writes them) — and every
// file that names a Chromium id names IT's.
func TestRenderForOwnID(t *testing.T) {
	const own = "afbfapmkmhgncfnlokgnhhnjmmdkfhhh"
	p := policy.Params{ChromiumID: own, UpdateURL: "https://intranet.example.fr/tablerase/update.xml",
		XPIURL: "https://intranet.example.fr/tablerase/tablerase-0.1.0.xpi"}
	files := Render(p, []string{own})
	if len(files) != len(Templates()) {
		t.Errorf("Render gives %d files, the templates are %d", len(files), len(Templates()))
	}
	for name, data := range files {
		text := string(data)
		if strings.HasSuffix(name, ".xml") && strings.HasPrefix(name, "hooks/windows/") {
			continue // UTF-16, and no extension in it
		}
		host := strings.HasPrefix(name, "host/")
		if strings.Contains(text, policy.ChromiumID) && !host {
			t.Errorf("%s still names the store's id %s", name, policy.ChromiumID)
		}
		for _, u := range []string{policy.ChromeStoreURL, policy.EdgeStoreURL, policy.AMOURL} {
			if strings.Contains(text, u) {
				t.Errorf("%s still names the store URL %s", name, u)
			}
		}
		chromiumFile := strings.Contains(name, "chromium") || strings.HasSuffix(name, ".reg") && !strings.Contains(name, "register-host") ||
			strings.HasSuffix(name, ".mobileconfig") || strings.HasSuffix(name, ".wxs") || strings.HasPrefix(name, "policies/linux/")
		if chromiumFile && !strings.Contains(text, own) {
			t.Errorf("%s does not name IT's id %s", name, own)
		}
	}
	for _, n := range []string{"policies/linux/chrome-chromium-brave/" + policy.PolicyFileName, "extension-settings/linux-chromium-family.json"} {
		var v map[string]any
		if err := json.Unmarshal(files[n], &v); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if !strings.Contains(string(files["policies/firefox/policies.json"]), p.XPIURL) {
		t.Error("Firefox's policies.json does not install IT's XPI")
	}
}
