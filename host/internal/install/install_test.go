package install

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
	"github.com/tablerase/tablerase/host/internal/testenv"
)

const hostPath = "/usr/lib/tablerase/tablerase"

// linuxEnv is a Linux layout under a temporary root, the host binary in place
// (install --system refuses a missing one).
func linuxEnv(t *testing.T) machine.Env {
	t.Helper()
	env := machine.Env{OS: "linux", Root: testenv.TempDir(t), Home: "/home/aidant", Getenv: func(string) string { return "" }}
	touch(t, env, hostPath, "")
	return env
}

// touch creates files under the env root (browser binaries, existing policies).
func touch(t *testing.T, env machine.Env, path, content string) {
	t.Helper()
	p := env.Path(path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot lists every file under root with its content.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			out[filepath.ToSlash(strings.TrimPrefix(p, root))] = string(b)
		} else if err == nil && p != root {
			out[filepath.ToSlash(strings.TrimPrefix(p, root))+"/"] = "(folder)"
		}
		return nil
	})
	return out
}

func readManifest(t *testing.T, env machine.Env, path string) Manifest {
	t.Helper()
	data, err := os.ReadFile(env.Path(path))
	if err != nil {
		t.Fatalf("manifest not written: %v", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("manifest %s is not JSON: %v", path, err)
	}
	return m
}

var browserBinaries = map[machine.Browser]string{
	machine.Chrome:   "/opt/google/chrome/chrome",
	machine.Chromium: "/usr/bin/chromium",
	machine.Edge:     "/opt/microsoft/msedge/msedge",
	machine.Brave:    "/opt/brave.com/brave/brave",
	machine.Firefox:  "/usr/bin/firefox-esr",
}

func TestLinuxRoundTripEveryBrowser(t *testing.T) {
	for _, level := range []Level{System, User} {
		for _, b := range machine.All {
			t.Run(string(level)+"/"+string(b), func(t *testing.T) {
				env := linuxEnv(t)
				touch(t, env, browserBinaries[b], "")
				before := snapshot(t, env.Root)
				var log bytes.Buffer
				o := Options{Env: env, Level: level, HostPath: hostPath, Log: &log}
				res, err := Install(context.Background(), o)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(res.Browsers, []machine.Browser{b}) {
					t.Fatalf("registered %v, want only the present %s", res.Browsers, b)
				}
				reg, _ := Registrations(env, level, b, hostPath)
				m := readManifest(t, env, reg.Manifest)
				if m.Path != hostPath || m.Name != policy.HostName || m.Type != "stdio" {
					t.Errorf("manifest = %+v", m)
				}
				if b.IsFirefox() {
					if !reflect.DeepEqual(m.AllowedExtensions, []string{policy.FirefoxID}) || m.AllowedOrigins != nil {
						t.Errorf("firefox manifest ids = %v / %v", m.AllowedExtensions, m.AllowedOrigins)
					}
				} else if !reflect.DeepEqual(m.AllowedOrigins, []string{"chrome-extension://" + policy.ChromiumID + "/"}) {
					t.Errorf("chromium origins = %v", m.AllowedOrigins)
				}
				if !strings.Contains(log.String(), reg.Manifest) {
					t.Errorf("log does not name %s:\n%s", reg.Manifest, log.String())
				}
				if _, err := Uninstall(context.Background(), o); err != nil {
					t.Fatal(err)
				}
				if after := snapshot(t, env.Root); !reflect.DeepEqual(before, after) {
					t.Errorf("uninstall left files:\nbefore %v\nafter  %v", keys(before), keys(after))
				}
			})
		}
	}
}

func keys(m map[string]string) []string { return sortedKeys(m) }

func TestPathsPerBrowser(t *testing.T) {
	env := linuxEnv(t)
	want := map[machine.Browser]string{
		machine.Chrome:   "/etc/opt/chrome/native-messaging-hosts/fr.tablerase.host.json",
		machine.Chromium: "/etc/chromium/native-messaging-hosts/fr.tablerase.host.json",
		machine.Edge:     "/etc/opt/edge/native-messaging-hosts/fr.tablerase.host.json",
		machine.Brave:    "/etc/opt/chrome/native-messaging-hosts/fr.tablerase.host.json",
		machine.Firefox:  "/usr/lib/mozilla/native-messaging-hosts/fr.tablerase.host.json",
	}
	for b, p := range want {
		if r, _ := Registrations(env, System, b, hostPath); r.Manifest != p {
			t.Errorf("%s system manifest = %s, want %s", b, r.Manifest, p)
		}
	}
	if r, _ := Registrations(env, User, machine.Firefox, hostPath); r.Manifest != "/home/aidant/.mozilla/native-messaging-hosts/fr.tablerase.host.json" {
		t.Errorf("firefox user manifest = %s", r.Manifest)
	}
	env.Home = ""
	if _, err := Registrations(env, User, machine.Chrome, hostPath); !errors.Is(err, ErrNoPath) {
		t.Errorf("no home: err = %v, want ErrNoPath", err)
	}
}

func TestAllOnlyPresentBrowsers(t *testing.T) {
	env := linuxEnv(t)
	if _, err := Install(context.Background(), Options{Env: env, Level: System, HostPath: hostPath}); !errors.Is(err, ErrNoBrowser) {
		t.Fatalf("no browser: err = %v", err)
	}
	touch(t, env, "/usr/bin/chromium", "")
	touch(t, env, "/usr/bin/firefox", "")
	res, err := Install(context.Background(), Options{Env: env, Level: System, HostPath: hostPath})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Browsers, []machine.Browser{machine.Chromium, machine.Firefox}) {
		t.Errorf("browsers = %v", res.Browsers)
	}
	if len(res.Absent) != 3 {
		t.Errorf("absent = %v", res.Absent)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	env := linuxEnv(t)
	touch(t, env, "/usr/bin/chromium", "")
	before := snapshot(t, env.Root)
	var log bytes.Buffer
	_, err := Install(context.Background(), Options{Env: env, Level: System, HostPath: hostPath, Policies: true, DryRun: true, Log: &log,
		Browsers: []machine.Browser{machine.Chromium, machine.Firefox}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, snapshot(t, env.Root)) {
		t.Error("dry run wrote files")
	}
	for _, want := range []string{"/etc/chromium/native-messaging-hosts/fr.tablerase.host.json", "/etc/chromium/policies/managed/tablerase.json", "/etc/firefox/policies/policies.json", "(dry run)"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("dry run output lacks %s:\n%s", want, log.String())
		}
	}
}

func TestExtraIDsGoToTheirFamily(t *testing.T) {
	extra := []string{"abcdefghijklmnopabcdefghijklmnop", "other@example.org"}
	c := NewManifest(machine.Chrome, hostPath, extra)
	f := NewManifest(machine.Firefox, hostPath, extra)
	if len(c.AllowedOrigins) != 2 || c.AllowedOrigins[1] != "chrome-extension://abcdefghijklmnopabcdefghijklmnop/" {
		t.Errorf("chromium origins = %v", c.AllowedOrigins)
	}
	if !reflect.DeepEqual(f.AllowedExtensions, []string{policy.FirefoxID, "other@example.org"}) {
		t.Errorf("firefox ids = %v", f.AllowedExtensions)
	}
}

func TestPoliciesNeedSystemLevel(t *testing.T) {
	env := linuxEnv(t)
	touch(t, env, "/usr/bin/chromium", "")
	if _, err := Install(context.Background(), Options{Env: env, Level: User, HostPath: hostPath, Policies: true}); !errors.Is(err, ErrPolicyLevel) {
		t.Errorf("err = %v, want ErrPolicyLevel", err)
	}
}

func TestFirefoxPoliciesMergedAndRestored(t *testing.T) {
	env := linuxEnv(t)
	touch(t, env, "/usr/lib/firefox-esr/firefox-esr", "")
	admin := `{"policies":{"DisableTelemetry":true,"PasswordManagerEnabled":true,"ExtensionSettings":{"ublock@example.org":{"installation_mode":"allowed"}}}}`
	touch(t, env, "/usr/lib/firefox-esr/distribution/policies.json", admin)
	o := Options{Env: env, Level: System, HostPath: hostPath, Policies: true, Browsers: []machine.Browser{machine.Firefox}}
	for range 2 { // installing twice must not forget the admin's values
		if _, err := Install(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	rep := policy.Evaluate(machine.Firefox, readPolicies(t, env, "/usr/lib/firefox-esr/distribution/policies.json"))
	for _, c := range policy.ChecksFor(machine.Firefox) {
		if !rep.Checks[c] {
			t.Errorf("after install, check %s fails", c)
		}
	}
	if rep.Private != policy.PrivateForced {
		t.Errorf("private = %s", rep.Private)
	}
	got := readPolicies(t, env, "/usr/lib/firefox-esr/distribution/policies.json")
	if got["DisableTelemetry"] != true {
		t.Error("install dropped the admin's DisableTelemetry")
	}
	if _, err := os.Stat(env.Path("/etc/firefox/policies/policies.json")); err != nil {
		t.Error("Mozilla's system policies.json not written")
	}
	if _, err := Uninstall(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	var want, after any
	json.Unmarshal([]byte(admin), &want)
	data, _ := os.ReadFile(env.Path("/usr/lib/firefox-esr/distribution/policies.json"))
	json.Unmarshal(data, &after)
	if !reflect.DeepEqual(want, after) {
		t.Errorf("uninstall did not restore the admin's file:\n got %s", data)
	}
	if _, err := os.Stat(env.Path("/etc/firefox/policies/policies.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("policies.json that install created was left behind")
	}
}

func TestUninstallWithoutRecord(t *testing.T) {
	env := linuxEnv(t)
	touch(t, env, "/usr/bin/chromium", "")
	touch(t, env, "/usr/bin/firefox", "")
	touch(t, env, "/etc/chromium/native-messaging-hosts/other.host.json", `{"name":"other.host"}`)
	touch(t, env, "/etc/firefox/policies/policies.json", `{"policies":{"DisableTelemetry":true}}`)
	o := Options{Env: env, Level: System, HostPath: hostPath, Policies: true}
	res, err := Install(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(env.Path(res.Record))
	res, err = Uninstall(context.Background(), o)
	if err != nil || !res.Fallback {
		t.Fatalf("fallback uninstall: %v, %+v", err, res)
	}
	left := snapshot(t, env.Root)
	if _, ok := left["/etc/chromium/native-messaging-hosts/other.host.json"]; !ok {
		t.Error("another host's manifest was removed")
	}
	for p := range left {
		if strings.Contains(p, "tablerase") && !strings.HasPrefix(p, "/usr/lib/tablerase/") { // the binary is the admin's
			t.Errorf("left behind: %s", p)
		}
	}
	if got := readPolicies(t, env, "/etc/firefox/policies/policies.json"); len(got) != 1 || got["DisableTelemetry"] != true {
		t.Errorf("firefox policies after fallback uninstall = %v", got)
	}
}

func readPolicies(t *testing.T, env machine.Env, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(env.Path(path))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Policies map[string]any }
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Policies
}

func TestChromiumPolicyFileMatchesReport(t *testing.T) {
	env := linuxEnv(t)
	touch(t, env, "/opt/google/chrome/chrome", "")
	if _, err := Install(context.Background(), Options{Env: env, Level: System, HostPath: hostPath, Policies: true}); err != nil {
		t.Fatal(err)
	}
	rep := policy.ReadFrom(context.Background(), env, policy.FileSource{Env: env}).Browsers[machine.Chrome]
	if rep.Private != policy.PrivateProfile {
		t.Errorf("chrome private = %s, want private_profile", rep.Private)
	}
	for _, c := range []string{policy.CheckHistory, policy.CheckPasswords, policy.CheckAutofill, policy.CheckSync, policy.CheckClearOnExit, policy.CheckExtension} {
		if !rep.Checks[c] {
			t.Errorf("check %s fails after install --policies", c)
		}
	}
}

func TestUninstallOnlyPoliciesKeepsManifests(t *testing.T) {
	env := linuxEnv(t)
	touch(t, env, "/usr/bin/chromium", "")
	touch(t, env, "/usr/bin/firefox", "")
	o := Options{Env: env, Level: System, HostPath: hostPath, Policies: true}
	res, err := Install(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	o.NoManifests = true
	if _, err := Uninstall(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	left := snapshot(t, env.Root)
	for _, p := range []string{"/etc/chromium/native-messaging-hosts/fr.tablerase.host.json", "/usr/lib/mozilla/native-messaging-hosts/fr.tablerase.host.json", res.Record} {
		if _, ok := left[p]; !ok {
			t.Errorf("uninstall --only-policies removed %s", p)
		}
	}
	for _, p := range []string{"/etc/chromium/policies/managed/tablerase.json", "/etc/firefox/policies/policies.json"} {
		if _, ok := left[p]; ok {
			t.Errorf("uninstall --only-policies left %s", p)
		}
	}
	o.NoManifests = false
	if _, err := Uninstall(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	for p := range snapshot(t, env.Root) {
		if strings.Contains(p, "tablerase") && !strings.HasPrefix(p, "/usr/lib/tablerase/") { // the binary is the admin's
			t.Errorf("left after full uninstall: %s", p)
		}
	}
}

func TestCorruptRecordFallsBack(t *testing.T) {
	env := linuxEnv(t)
	touch(t, env, "/usr/bin/chromium", "")
	before := snapshot(t, env.Root)
	o := Options{Env: env, Level: System, HostPath: hostPath}
	res, err := Install(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	touch(t, env, res.Record, "{not json")
	if res, err = Uninstall(context.Background(), o); err != nil || !res.Fallback {
		t.Fatalf("uninstall with a corrupt record: %v %+v", err, res)
	}
	// Without a record the folders install created cannot be told from the
	// admin's: empty ones may stay, files may not.
	for p := range snapshot(t, env.Root) {
		if _, ok := before[p]; !ok && !strings.HasSuffix(p, "/") {
			t.Errorf("left %s", p)
		}
	}
}
