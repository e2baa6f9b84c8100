package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/testenv"
)

// TestAdminRoundTrip drives install, doctor and uninstall as an admin would,
// into a temporary root with every browser present.
func TestAdminRoundTrip(t *testing.T) {
	skipLinuxLayout(t)
	root := testenv.TempDir(t)
	t.Setenv("XDG_STATE_HOME", testenv.TempDir(t))
	t.Setenv("TABLERASE_CONFIG", filepath.Join(testenv.TempDir(t), "absent.json"))
	for _, p := range []string{"usr/bin/chromium", "opt/google/chrome/chrome", "opt/microsoft/msedge/msedge", "opt/brave.com/brave/brave", "usr/bin/firefox-esr", "usr/lib/tablerase/tablerase"} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(root, p), nil, 0o755)
	}
	before := tree(t, root)
	common := []string{"--system", "--root", root, "--host-path", "/usr/lib/tablerase/tablerase"}

	var out, errb bytes.Buffer
	if code := runInstall(append(common, "--dry-run", "--policies"), &out, &errb); code != 0 {
		t.Fatalf("dry run: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "/etc/opt/edge/policies/managed/tablerase.json") || len(tree(t, root)) != len(before) {
		t.Errorf("dry run output/effect wrong:\n%s", out.String())
	}
	out.Reset()
	if code := runInstall(append(common, "--policies"), &out, &errb); code != 0 {
		t.Fatalf("install: %d %s", code, errb.String())
	}
	out.Reset()
	if code := runDoctor([]string{"--root", root, "--host-path", "/usr/lib/tablerase/tablerase", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("doctor after install: exit %d\n%s", code, out.String())
	}
	var rep struct {
		OK     bool
		Policy struct {
			Browsers map[string]struct{ Private string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || !rep.OK || rep.Policy.Browsers["firefox"].Private != "forced" || rep.Policy.Browsers["edge"].Private != "private_profile" {
		t.Errorf("doctor json = %s (%v)", out.String(), err)
	}
	if code := runUninstall(common, &out, &errb); code != 0 {
		t.Fatalf("uninstall: %d %s", code, errb.String())
	}
	if after := tree(t, root); len(after) != len(before) {
		t.Errorf("uninstall left %v", after)
	}
	out.Reset()
	if code := runDoctor([]string{"--root", root, "--host-path", "/usr/lib/tablerase/tablerase"}, &out, &errb); code == 0 {
		t.Errorf("doctor green after uninstall:\n%s", out.String())
	}
}

func TestInstallUsageErrors(t *testing.T) {
	var out, errb bytes.Buffer
	if code := runInstall([]string{"--browsers", "opera"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "chrome, chromium") {
		t.Errorf("unknown browser: %d %q", code, errb.String())
	}
	errb.Reset()
	if code := runInstall([]string{"--user", "--policies", "--root", testenv.TempDir(t), "--host-path", absHostPath, "--browsers", "chromium"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "hint: add --system") {
		t.Errorf("policies at user level: %d %q", code, errb.String())
	}
}

func tree(t *testing.T, root string) []string {
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, strings.TrimPrefix(p, root))
		}
		return nil
	})
	return out
}
