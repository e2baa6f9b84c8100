package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/policy"
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

// TestInstallUnsignedXPI: --unsigned-xpi writes Firefox's signature preference, locked, beside the
// XPI URL; it is never written without the flag, and the flag alone (no XPI of one's own) is refused.
func TestInstallUnsignedXPI(t *testing.T) {
	skipLinuxLayout(t)
	t.Setenv("XDG_STATE_HOME", testenv.TempDir(t))
	t.Setenv("TABLERASE_CONFIG", filepath.Join(testenv.TempDir(t), "absent.json"))
	var out, errb bytes.Buffer
	if code := runInstall([]string{"--system", "--policies", "--unsigned-xpi", "--root", testenv.TempDir(t), "--host-path", "/usr/lib/tablerase/tablerase"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--xpi-url") {
		t.Errorf("--unsigned-xpi without --xpi-url: %d %q", code, errb.String())
	}
	for _, unsigned := range []bool{false, true} {
		root := testenv.TempDir(t)
		for _, p := range []string{"usr/bin/firefox-esr", "usr/lib/tablerase/tablerase"} {
			os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755)
			os.WriteFile(filepath.Join(root, p), nil, 0o755)
		}
		args := []string{"--system", "--policies", "--browsers", "firefox", "--root", root, "--host-path", "/usr/lib/tablerase/tablerase",
			"--xpi-url", "https://intranet.example.fr/tablerase/tablerase-0.1.0.xpi"}
		if unsigned {
			args = append(args, "--unsigned-xpi")
		}
		if code := runInstall(args, &out, &errb); code != 0 {
			t.Fatalf("install %v: %d %s", args, code, errb.String())
		}
		data, err := os.ReadFile(filepath.Join(root, "etc/firefox/policies/policies.json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Policies struct {
				Preferences map[string]struct {
					Value  *bool
					Status string
				}
			}
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		p, ok := doc.Policies.Preferences["xpinstall.signatures.required"]
		if ok != unsigned || unsigned && (p.Value == nil || *p.Value || p.Status != "locked") {
			t.Errorf("--unsigned-xpi=%v: policies.json = %s", unsigned, data)
		}
	}
}

// TestTemplatesFromTheOneSetting: `tablerase templates` takes the extension id from the
// configuration's allowed_extensions, as install does: the policy files it writes name IT's id
// and not the store's.
func TestTemplatesFromTheOneSetting(t *testing.T) {
	const own = "afbfapmkmhgncfnlokgnhhnjmmdkfhhh"
	cfg := filepath.Join(testenv.TempDir(t), "config.json")
	os.WriteFile(cfg, []byte(`{"allowed_extensions": ["`+own+`"]}`), 0o644)
	t.Setenv("TABLERASE_CONFIG", cfg)
	out := testenv.TempDir(t)
	var stdout, stderr bytes.Buffer
	if code := runTemplates([]string{"--out", out, "--update-url", "https://intranet.example.fr/t/update.xml"}, &stdout, &stderr); code != 0 {
		t.Fatalf("templates: %d %s", code, stderr.String())
	}
	files := tree(t, out)
	if len(files) < 10 {
		t.Fatalf("templates wrote %v", files)
	}
	for _, rel := range []string{"windows/policies.reg", "macos/fr.tablerase.policies.mobileconfig", "policies/linux/chrome-chromium-brave/tablerase.json",
		"extension-settings/windows-managed-settings.reg", "msi/policies.wxs"} {
		data, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil {
			t.Fatal(err)
		}
		if s := string(data); strings.Contains(s, policy.ChromiumID) || !strings.Contains(s, own) {
			t.Errorf("%s: the store's id left, or IT's missing:\n%s", rel, s)
		}
	}
	if !strings.Contains(stdout.String(), own) {
		t.Errorf("output does not say which id: %s", stdout.String())
	}
	stderr.Reset()
	if code := runTemplates([]string{"--out", out, "--extension-id", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "allowed_extensions") {
		t.Errorf("an id outside allowed_extensions: %d %q", code, stderr.String())
	}
}
