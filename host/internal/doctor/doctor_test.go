package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/install"
	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
	"github.com/tablerase/tablerase/host/internal/testenv"
)

const hostPath = "/usr/lib/tablerase/tablerase"

type fixture struct {
	env   machine.Env
	state string
	in    Inputs
}

func newFixture(t *testing.T, browsers ...string) *fixture {
	t.Helper()
	f := &fixture{env: machine.Env{OS: "linux", Root: testenv.TempDir(t), Home: "/home/aidant", Getenv: func(string) string { return "" }}}
	for _, b := range append(browsers, hostPath) {
		f.write(t, b, "")
	}
	f.state = testenv.TempDir(t)
	downloads := testenv.TempDir(t)
	f.in = Inputs{Env: f.env, HostPath: hostPath, Policies: policy.FileSource{Env: f.env},
		Config: func() (string, []Folder, error) {
			return "session", []Folder{{Label: "downloads", Path: downloads}}, nil
		},
		StateDir: func() (string, error) { return f.state, nil }}
	return f
}

func (f *fixture) write(t *testing.T, path, content string) {
	t.Helper()
	p := f.env.Path(path)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) install(t *testing.T, level install.Level, policies bool) {
	t.Helper()
	if _, err := install.Install(context.Background(), install.Options{Env: f.env, Level: level, HostPath: hostPath, Policies: policies}); err != nil {
		t.Fatal(err)
	}
}

func check(r Report, id, browser string) Check {
	for _, c := range r.Checks {
		if c.ID == id && c.Browser == browser {
			return c
		}
	}
	return Check{}
}

func TestGreenAfterInstallRedAfterUninstall(t *testing.T) {
	f := newFixture(t, "/usr/bin/chromium", "/usr/bin/firefox-esr", "/opt/microsoft/msedge/msedge", "/opt/google/chrome/chrome", "/opt/brave.com/brave/brave")
	f.install(t, install.System, false)
	r := Run(context.Background(), f.in)
	if !r.OK {
		var b bytes.Buffer
		r.WriteText(&b)
		t.Fatalf("doctor not green after install:\n%s", b.String())
	}
	for _, b := range machine.All {
		if c := check(r, "manifest", string(b)); c.Status != OK {
			t.Errorf("%s manifest check = %+v", b, c)
		}
	}
	if _, err := install.Uninstall(context.Background(), install.Options{Env: f.env, Level: install.System, HostPath: hostPath}); err != nil {
		t.Fatal(err)
	}
	r = Run(context.Background(), f.in)
	if r.OK || check(r, "manifest", "firefox").Status != Fail {
		t.Error("doctor green after uninstall")
	}
}

func TestManifestProblemsAreNamed(t *testing.T) {
	const manifest = "/etc/chromium/native-messaging-hosts/fr.tablerase.host.json"
	cases := []struct{ name, content, wantEN string }{
		{"not json", "{", "not valid JSON"},
		{"other path", `{"name":"fr.tablerase.host","type":"stdio","path":"/opt/old/tablerase","allowed_origins":["chrome-extension://ibejdgljgikfdimkajilpemalnckncnm/"]}`, "another program"},
		{"no origin", `{"name":"fr.tablerase.host","type":"stdio","path":"` + hostPath + `","allowed_origins":["chrome-extension://ibejdgljgikfdimkajilpemalnckncnm"]}`, "does not allow"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, "/usr/bin/chromium")
			f.write(t, manifest, c.content)
			r := Run(context.Background(), f.in)
			got := check(r, "manifest", "chromium")
			if r.OK || got.Status != Fail || !strings.Contains(got.EN, c.wantEN) || got.FixEN == "" || got.FixFR == "" {
				t.Errorf("check = %+v, want a failure saying %q with a fix", got, c.wantEN)
			}
		})
	}
}

func TestMissingHostBinary(t *testing.T) {
	f := newFixture(t, "/usr/bin/chromium")
	f.install(t, install.System, false)
	os.Remove(f.env.Path(hostPath))
	if c := check(Run(context.Background(), f.in), "manifest", "chromium"); c.Status != Fail || !strings.Contains(c.EN, "does not exist") {
		t.Errorf("check = %+v", c)
	}
}

func TestUserManifestIgnoredUnderPolicy(t *testing.T) {
	f := newFixture(t, "/usr/bin/chromium")
	f.install(t, install.User, false)
	if c := check(Run(context.Background(), f.in), "manifest", "chromium"); c.Status != OK {
		t.Fatalf("user-level manifest without policy: %+v", c)
	}
	f.write(t, "/etc/chromium/policies/managed/site.json", `{"NativeMessagingUserLevelHosts":false}`)
	if c := check(Run(context.Background(), f.in), "manifest", "chromium"); c.Status != Fail || !strings.Contains(c.EN, "NativeMessagingUserLevelHosts") {
		t.Errorf("user-level manifest that the browser ignores reported %+v", c)
	}
}

func TestPoliciesInformButDoNotFail(t *testing.T) {
	f := newFixture(t, "/usr/bin/firefox")
	f.install(t, install.System, false)
	r := Run(context.Background(), f.in)
	if c := check(r, "policy", "firefox"); c.Status != Warn || c.Required || !strings.Contains(c.EN, "private windows forced") {
		t.Errorf("policy check without policies = %+v", c)
	}
	if !r.OK {
		t.Error("missing policies made doctor fail")
	}
	f.install(t, install.System, true)
	if c := check(Run(context.Background(), f.in), "policy", "firefox"); c.Status != OK || !strings.Contains(c.FR, "navigation privée imposée") {
		t.Errorf("policy check with policies = %+v", c)
	}
}

func TestConfigAndStateFailures(t *testing.T) {
	f := newFixture(t, "/usr/bin/chromium")
	f.install(t, install.System, false)
	f.in.Config = func() (string, []Folder, error) { return "", nil, errors.New(`invalid configuration: field "scope"`) }
	f.in.StateDir = func() (string, error) { return "", errors.New("config: state directory is not a plain directory") }
	r := Run(context.Background(), f.in)
	if r.OK || check(r, "config", "").Status != Fail || check(r, "state", "").Status != Fail {
		t.Errorf("report = %+v", r.Checks)
	}
}

// A folder the guard refuses is never wiped: the diagnosis fails on it, says why in words, and
// what to do; the other folders are still checked.
func TestRefusedFolderFails(t *testing.T) {
	f := newFixture(t, "/usr/bin/chromium")
	f.install(t, install.System, false)
	ok := testenv.TempDir(t)
	f.in.Config = func() (string, []Folder, error) {
		return "all", []Folder{{Label: "downloads", Path: "/", Refused: "root"}, {Label: "watch-1", Path: ok}}, nil
	}
	r := Run(context.Background(), f.in)
	folder := func(label string) Check {
		for _, c := range r.Checks {
			if c.ID == "folder" && c.Label == label {
				return c
			}
		}
		return Check{}
	}
	c := folder("downloads")
	if r.OK || c.Status != Fail || !c.Required || !strings.Contains(c.FR, "racine") || !strings.Contains(c.EN, "root") ||
		!strings.Contains(c.FixEN, "Downloads") {
		t.Errorf("refused Downloads: %+v, ok=%v", c, r.OK)
	}
	if c := folder("watch-1"); c.Status != OK {
		t.Errorf("the other folder: %+v, want ok", c)
	}
}

func TestLastCleanups(t *testing.T) {
	f := newFixture(t, "/usr/bin/chromium")
	f.install(t, install.System, false)
	log := `{"level":"info","event":"host.start","time":"2026-11-23T09:00:00Z"}
{"level":"info","event":"session.end","status":"clean","session":"a","duration_ms":900,"time":"2026-11-23T09:10:00Z"}
not json
{"level":"warn","event":"session.end","status":"partial","session":"b","duration_ms":1200,"time":"2026-11-23T10:10:00Z"}
{"level":"info","event":"session.end","status":"failed","session":"c","duration_ms":300,"time":"2026-11-23T11:10:00Z"}
`
	os.WriteFile(filepath.Join(f.state, LogFile), []byte(log), 0o600)
	f.in.LastCleanups = 2
	r := Run(context.Background(), f.in)
	if len(r.Cleanups) != 2 || r.Cleanups[0].Session != "b" || r.Cleanups[1].Status != "failed" {
		t.Errorf("cleanups = %+v", r.Cleanups)
	}
	c := check(r, "cleanups", "")
	if c.Status != Warn || !strings.Contains(c.EN, "1 partial, 1 failed") || c.FixFR == "" {
		t.Errorf("cleanups check = %+v", c)
	}
	if !r.OK {
		t.Error("a past failed cleanup made the installation check fail")
	}
}

func TestJSONHasNoFolderPaths(t *testing.T) {
	f := newFixture(t, "/usr/bin/chromium")
	r := Run(context.Background(), f.in)
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back["ok"] != false {
		t.Fatalf("json: %v %v", err, back["ok"])
	}
	if strings.Contains(b.String(), f.state) {
		t.Error("JSON output carries the state folder path")
	}
	var txt bytes.Buffer
	r.WriteText(&txt)
	for _, want := range []string{"ÉCHEC", "FAIL", "À faire", "To do"} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text output lacks %q", want)
		}
	}
}

func TestNoBrowserFails(t *testing.T) {
	f := newFixture(t)
	if r := Run(context.Background(), f.in); r.OK || check(r, "browsers", "").Status != Fail {
		t.Error("no browser at all passed")
	}
}

// The logon/logoff hook: present after an install with hooks, named when missing or when it runs
// another binary, a warning in both scopes with a hint that says what is left without it, and never
// a failed diagnosis.
func TestHookCheck(t *testing.T) {
	f := newFixture(t, "/usr/bin/chromium")
	f.install(t, install.User, false)
	r := Run(context.Background(), f.in)
	// Scope session (the default): what the browser wrote during the accompaniment stays in its
	// files without the hook; the hint says so, and that the aidant's own data is not touched.
	if c := check(r, "hook", ""); c.Status != Warn || !strings.Contains(c.EN, "not installed") ||
		!strings.Contains(c.FixFR, "caches") || !strings.Contains(c.FixFR, "de l'aidant ne sont jamais touchés") ||
		!strings.Contains(c.FixEN, "tablerase install") || strings.Contains(c.FixEN, "passwords, site data") {
		t.Errorf("no hook, scope session: %+v, want warn with the scope session hint", c)
	}
	f.in.Config = func() (string, []Folder, error) { return "all", nil, nil }
	r = Run(context.Background(), f.in)
	if c := check(r, "hook", ""); c.Status != Warn || !strings.Contains(c.FixEN, "passwords, site data") {
		t.Errorf("no hook, scope all: %+v, want warn with the scope all hint", c)
	}
	if r.OK != Run(context.Background(), f.in).OK || check(r, "hook", "").Required {
		t.Error("the hook check must not decide the exit code")
	}

	if _, err := install.Install(context.Background(), install.Options{Env: f.env, Level: install.User, HostPath: hostPath, Hooks: true}); err != nil {
		t.Fatal(err)
	}
	if c := check(Run(context.Background(), f.in), "hook", ""); c.Status != OK {
		t.Errorf("after install with hooks: %+v", c)
	}
	// The binary moved: the hook still runs the old path.
	moved := f.in
	moved.HostPath = "/opt/tablerase/tablerase"
	f.write(t, moved.HostPath, "")
	if c := check(Run(context.Background(), moved), "hook", ""); c.Status != Warn || !strings.Contains(c.EN, "another program") {
		t.Errorf("hook of another binary: %+v", c)
	}
	if r := Run(context.Background(), moved); check(r, "hook", "").Required {
		t.Error("the hook check must not decide the exit code")
	}

	// Windows: the scheduled task, as schtasks answers.
	win := f.in
	win.Env.OS = "windows"
	for _, tc := range []struct {
		query func() (bool, error)
		want  Status
	}{
		{func() (bool, error) { return true, nil }, OK},
		{func() (bool, error) { return false, nil }, Warn},
		{func() (bool, error) { return false, errors.New("schtasks missing") }, Info},
		{nil, Info},
	} {
		win.TaskInstalled = tc.query
		if c := hookCheck(win); c.Status != tc.want {
			t.Errorf("windows task: %+v, want %s", c, tc.want)
		}
	}
}

// TestToolbarPlacementAndUnsignedXPI: doctor checks that the policies put the button on the
// toolbar (Firefox default_area "navbar", Chromium toolbar_pin "force_pinned") and says when
// Firefox's policies let unsigned add-ons in (install --unsigned-xpi).
func TestToolbarPlacementAndUnsignedXPI(t *testing.T) {
	f := newFixture(t, "/usr/bin/firefox", "/usr/bin/chromium")
	if _, err := install.Install(context.Background(), install.Options{Env: f.env, Level: install.System, HostPath: hostPath, Policies: true,
		Params: policy.Params{XPIURL: "https://it.example/tablerase.xpi", UnsignedXPI: true}}); err != nil {
		t.Fatal(err)
	}
	r := Run(context.Background(), f.in)
	ff, cr := check(r, "policy", "firefox"), check(r, "policy", "chromium")
	if ff.Status != OK || cr.Status != OK {
		t.Fatalf("policy checks after install = %+v / %+v", ff, cr)
	}
	if !strings.Contains(ff.EN, "unsigned add-ons accepted") || !strings.Contains(ff.FR, "modules non signés acceptés") {
		t.Errorf("firefox policy check does not say unsigned add-ons are accepted: %+v", ff)
	}
	// The entries without the placement: the extension still forced, the button in a menu.
	const ffPolicies = "/etc/firefox/policies/policies.json"
	data, err := os.ReadFile(f.env.Path(ffPolicies))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc["policies"]["ExtensionSettings"].(map[string]any)[policy.FirefoxID].(map[string]any), "default_area")
	delete(doc["policies"], "Preferences")
	data, _ = json.Marshal(doc)
	f.write(t, ffPolicies, string(data))
	const crPolicies = "/etc/chromium/policies/managed/" + policy.PolicyFileName
	vals := policy.Values(machine.Chromium, policy.Params{})
	vals["ExtensionSettings"].(map[string]any)[policy.ChromiumID].(map[string]any)["toolbar_pin"] = "default_unpinned"
	data, _ = json.Marshal(vals)
	f.write(t, crPolicies, string(data))
	r = Run(context.Background(), f.in)
	ff, cr = check(r, "policy", "firefox"), check(r, "policy", "chromium")
	if ff.Status != Warn || !strings.Contains(ff.EN, `button on the toolbar (default_area "navbar")`) || !strings.Contains(ff.FR, "barre d'outils") {
		t.Errorf("firefox without default_area = %+v", ff)
	}
	if strings.Contains(ff.EN, "unsigned") {
		t.Errorf("firefox without the preference still said to accept unsigned add-ons: %+v", ff)
	}
	if cr.Status != Warn || !strings.Contains(cr.EN, `button pinned (toolbar_pin "force_pinned")`) {
		t.Errorf("chromium without toolbar_pin = %+v", cr)
	}
	if !r.OK {
		t.Error("a button off the toolbar made doctor fail: policies inform")
	}
}
