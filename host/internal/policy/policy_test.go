package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/testenv"
)

func env(t *testing.T, files map[string]string) machine.Env {
	t.Helper()
	e := machine.Env{OS: "linux", Root: testenv.TempDir(t), Home: "/home/aidant", Getenv: func(string) string { return "" }}
	for p, c := range files {
		full := e.Path(p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func TestReportShape(t *testing.T) {
	e := env(t, map[string]string{"/usr/bin/chromium": "", "/usr/bin/firefox-esr": ""})
	r := ReadFrom(context.Background(), e, FileSource{Env: e})
	data, _ := json.Marshal(r)
	var got map[string]map[string]map[string]any
	json.Unmarshal(data, &got)
	if len(got["browsers"]) != len(machine.All) {
		t.Fatalf("report lists %d browsers, want all %d: %s", len(got["browsers"]), len(machine.All), data)
	}
	ch := got["browsers"]["chromium"]
	if ch["present"] != true || ch["private"] != "none" || ch["checks"].(map[string]any)["history_disabled"] != false {
		t.Errorf("chromium without policies = %v", ch)
	}
	if got["browsers"]["chrome"]["present"] != false {
		t.Errorf("absent chrome reported present")
	}
	if _, has := ch["checks"].(map[string]any)[CheckExtInPrivate]; has {
		t.Error("chromium reports extension_in_private, which no policy can grant")
	}
}

func TestChromiumPrivateProfileAcrossFiles(t *testing.T) {
	// Policies split over two files of the managed folder, first file (by name) wins on conflicts.
	e := env(t, map[string]string{
		"/opt/google/chrome/chrome":                   "",
		"/etc/opt/chrome/policies/managed/a.json":     `{"SavingBrowserHistoryDisabled":true,"PasswordManagerEnabled":false}`,
		"/etc/opt/chrome/policies/managed/b.json":     `{"AutofillAddressEnabled":false,"AutofillCreditCardEnabled":false,"SyncDisabled":true,"SavingBrowserHistoryDisabled":false}`,
		"/etc/opt/chrome/policies/recommended/c.json": `{"IncognitoModeAvailability":2}`,
	})
	r := ReadFrom(context.Background(), e, FileSource{Env: e}).Browsers[machine.Chrome]
	if r.Private != PrivateProfile {
		t.Errorf("private = %s, want private_profile (%v)", r.Private, r.Checks)
	}
	if r.Checks[CheckPrivateWindows] {
		t.Error("a recommended policy counted as enforced")
	}
}

func TestPrivateLevels(t *testing.T) {
	cases := []struct {
		b    machine.Browser
		vals string
		want string
	}{
		{machine.Chromium, `{"IncognitoModeAvailability":2}`, PrivateForced},
		{machine.Edge, `{"IncognitoModeAvailability":2}`, PrivateNone}, // Edge's name is InPrivateModeAvailability
		{machine.Edge, `{"InPrivateModeAvailability":2}`, PrivateForced},
		{machine.Chrome, `{"SavingBrowserHistoryDisabled":true,"PasswordManagerEnabled":false,"AutofillAddressEnabled":false,"AutofillCreditCardEnabled":false}`, PrivateNone},
		{machine.Firefox, `{"PrivateBrowsingModeAvailability":1}`, PrivateNone},
		{machine.Firefox, `{"PrivateBrowsingModeAvailability":2}`, PrivateForced},
	}
	for _, c := range cases {
		var v map[string]any
		json.Unmarshal([]byte(c.vals), &v)
		if got := Evaluate(c.b, v).Private; got != c.want {
			t.Errorf("%s %s: private = %s, want %s", c.b, c.vals, got, c.want)
		}
	}
}

func TestValuesMakeEveryPromiseHold(t *testing.T) {
	for _, b := range machine.All {
		r := Evaluate(b, Values(b, Params{}))
		for _, c := range ChecksFor(b) {
			if c == CheckPrivateWindows && !b.IsFirefox() {
				continue // incognito left to the admin (DESIGN.md)
			}
			if !r.Checks[c] {
				t.Errorf("%s: our own policies fail check %s", b, c)
			}
		}
	}
}

func TestUnreadableIsPresentWithReason(t *testing.T) {
	e := env(t, map[string]string{
		"/usr/bin/firefox":                    "",
		"/etc/firefox/policies/policies.json": `{"policies": {`,
	})
	r := ReadFrom(context.Background(), e, FileSource{Env: e}).Browsers[machine.Firefox]
	if !r.Present || r.Reason != "invalid" {
		t.Errorf("report = %+v, want present with reason invalid", r)
	}
	for c, ok := range r.Checks {
		if ok {
			t.Errorf("check %s true for unreadable policies", c)
		}
	}
	r = ReadFrom(context.Background(), e, unsupportedSource{}).Browsers[machine.Firefox]
	if r.Reason != "not readable on this system" {
		t.Errorf("reason = %q", r.Reason)
	}
}

func TestFirefoxFirstFileWins(t *testing.T) {
	e := env(t, map[string]string{
		"/usr/lib/firefox-esr/firefox-esr":                "",
		"/etc/firefox/policies/policies.json":             `{"policies":{"PrivateBrowsingModeAvailability":2}}`,
		"/usr/lib/firefox-esr/distribution/policies.json": `{"policies":{"PrivateBrowsingModeAvailability":0,"PasswordManagerEnabled":false}}`,
	})
	r := ReadFrom(context.Background(), e, FileSource{Env: e}).Browsers[machine.Firefox]
	if r.Private != PrivateForced || !r.Checks[CheckPasswords] {
		t.Errorf("report = %+v", r)
	}
}

func TestRegistryConversion(t *testing.T) {
	k := machine.RegKey{
		Values: map[string]any{"SyncDisabled": uint64(1), "ExtensionSettings": `{"` + ChromiumID + `":{"installation_mode":"force_installed"}}`},
		Subkeys: map[string]machine.RegKey{
			"ClearBrowsingDataOnExitList": {Values: map[string]any{"2": "cookies_and_other_site_data", "1": "browsing_history"}},
		},
	}
	v := FromRegistry(k, false)
	if !reflect.DeepEqual(v["ClearBrowsingDataOnExitList"], []any{"browsing_history", "cookies_and_other_site_data"}) {
		t.Errorf("list = %v", v["ClearBrowsingDataOnExitList"])
	}
	r := Evaluate(machine.Chrome, v)
	if !r.Checks[CheckSync] || !r.Checks[CheckExtension] || !r.Checks[CheckClearOnExit] {
		t.Errorf("checks = %v", r.Checks)
	}
}

type fakeReg map[machine.Hive]machine.RegKey

func (f fakeReg) ReadTree(_ context.Context, h machine.Hive, _ string) (machine.RegKey, error) {
	k, ok := f[h]
	if !ok {
		return machine.RegKey{}, machine.ErrNoKey
	}
	return k, nil
}

func TestRegistryMachineWinsOverUser(t *testing.T) {
	src := RegistrySource{Reg: fakeReg{
		machine.HKLM: {Values: map[string]any{"PasswordManagerEnabled": uint64(0)}},
		machine.HKCU: {Values: map[string]any{"PasswordManagerEnabled": uint64(1), "SyncDisabled": uint64(1)}},
	}}
	v, err := src.Policies(context.Background(), machine.Chrome)
	if err != nil {
		t.Fatal(err)
	}
	if v["PasswordManagerEnabled"] != float64(0) || v["SyncDisabled"] != float64(1) {
		t.Errorf("merged = %v", v)
	}
}

func TestPlistSource(t *testing.T) {
	e := env(t, map[string]string{"/Library/Managed Preferences/com.google.Chrome.plist": "binary"})
	e.OS = "darwin"
	var seen string
	src := PlistSource{Env: e, Convert: func(_ context.Context, p string) ([]byte, error) {
		seen = p
		return []byte(`{"SyncDisabled":true}`), nil
	}}
	v, err := src.Policies(context.Background(), machine.Chrome)
	if err != nil || v["SyncDisabled"] != true || seen == "" {
		t.Fatalf("plist: %v %v", v, err)
	}
	src.Convert = func(context.Context, string) ([]byte, error) { return nil, errors.New("plutil: date value") }
	if _, err := src.Policies(context.Background(), machine.Chrome); !errors.Is(err, ErrUnreadable) {
		t.Errorf("err = %v, want ErrUnreadable", err)
	}
}

func TestFirefoxMergeKeepsAdminAndUndoes(t *testing.T) {
	admin := []byte(`{"policies":{"PasswordManagerEnabled":true,"ExtensionSettings":{"x@y":{"installation_mode":"blocked"}}},"other":1}`)
	ours := Values(machine.Firefox, Params{XPIURL: "file:///usr/lib/tablerase/tablerase.xpi"})
	merged, edit, err := MergeFirefox(admin, ours, FirefoxEdit{})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	json.Unmarshal(merged, &doc)
	pol := doc["policies"].(map[string]any)
	if len(pol["ExtensionSettings"].(map[string]any)) != 2 || pol["PasswordManagerEnabled"] != false || doc["other"] != float64(1) {
		t.Errorf("merged = %s", merged)
	}
	back, empty, err := UnmergeFirefox(merged, Values(machine.Firefox, Params{}), edit)
	if err != nil || empty {
		t.Fatal(err, empty)
	}
	var a, b any
	json.Unmarshal(admin, &a)
	json.Unmarshal(back, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("unmerge = %s, want %s", back, admin)
	}
	if _, _, err := MergeFirefox([]byte("not json"), ours, FirefoxEdit{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("garbage: err = %v, want ErrInvalid (never overwrite)", err)
	}
}

// BenchmarkReadFrom measures the policy report that every hello carries.
func BenchmarkReadFrom(b *testing.B) {
	e := machine.Env{OS: "linux", Root: testenv.TempDir(b), Home: "/home/aidant", Getenv: func(string) string { return "" }}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/firefox"} {
		os.MkdirAll(filepath.Dir(e.Path(p)), 0o755)
		os.WriteFile(e.Path(p), nil, 0o755)
	}
	data, _ := json.Marshal(Values(machine.Chromium, Params{}))
	os.MkdirAll(e.Path("/etc/chromium/policies/managed"), 0o755)
	os.WriteFile(e.Path("/etc/chromium/policies/managed/tablerase.json"), data, 0o644)
	for b.Loop() {
		ReadFrom(context.Background(), e, FileSource{Env: e})
	}
}

// TestRegistryOtherTypesAreNotPolicies: a value of a type no browser reads (REG_BINARY) is left
// out, as the browsers leave it out.
func TestRegistryOtherTypesAreNotPolicies(t *testing.T) {
	v := FromRegistry(machine.RegKey{Values: map[string]any{"SyncDisabled": machine.RegOther{Type: 3}, "X": uint64(1)}}, false)
	if _, ok := v["SyncDisabled"]; ok || v["X"] != float64(1) {
		t.Errorf("FromRegistry = %v, want only X", v)
	}
}

// TestUnsignedXPIPreferenceMergesAlone: --unsigned-xpi adds one entry to the admin's Preferences
// (theirs kept), the signature preference false and locked, the form Firefox's Preferences policy
// reads; uninstall takes back only that entry.
func TestUnsignedXPIPreferenceMergesAlone(t *testing.T) {
	if UnsignedXPIAllowed(Values(machine.Firefox, Params{XPIURL: "https://it.example/t.xpi"})) {
		t.Fatal("the signature preference is set without being asked for")
	}
	admin := []byte(`{"policies":{"Preferences":{"browser.startup.homepage":{"Value":"https://mairie.example","Status":"locked"}}}}`)
	ours := Values(machine.Firefox, Params{XPIURL: "https://it.example/t.xpi", UnsignedXPI: true})
	merged, edit, err := MergeFirefox(admin, ours, FirefoxEdit{})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Policies map[string]any `json:"policies"`
	}
	if err := json.Unmarshal(merged, &doc); err != nil {
		t.Fatal(err)
	}
	prefs, _ := doc.Policies["Preferences"].(map[string]any)
	want := map[string]any{"Value": false, "Status": "locked"}
	if !reflect.DeepEqual(prefs[SignaturesPref], want) || prefs["browser.startup.homepage"] == nil {
		t.Errorf("Preferences = %v, want the admin's and %s=%v", prefs, SignaturesPref, want)
	}
	if !UnsignedXPIAllowed(doc.Policies) {
		t.Error("UnsignedXPIAllowed does not see the preference install wrote")
	}
	back, _, err := UnmergeFirefox(merged, Values(machine.Firefox, Params{}), edit)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	json.Unmarshal(admin, &a)
	json.Unmarshal(back, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("unmerge = %s, want %s", back, admin)
	}
	if _, _, err := MergeFirefox([]byte(`{"policies":{"Preferences":3}}`), ours, FirefoxEdit{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Preferences not an object: err = %v, want ErrInvalid", err)
	}
	for _, v := range []string{`{"Preferences":{"xpinstall.signatures.required":false}}`,
		`{"Preferences":{"xpinstall.signatures.required":{"Value":0}}}`} {
		var m map[string]any
		json.Unmarshal([]byte(v), &m)
		if !UnsignedXPIAllowed(m) {
			t.Errorf("UnsignedXPIAllowed(%s) = false", v)
		}
	}
	for _, v := range []string{`{}`, `{"Preferences":{"xpinstall.signatures.required":{"Value":false,"Status":"clear"}}}`,
		`{"Preferences":{"xpinstall.signatures.required":true}}`} {
		var m map[string]any
		json.Unmarshal([]byte(v), &m)
		if UnsignedXPIAllowed(m) {
			t.Errorf("UnsignedXPIAllowed(%s) = true", v)
		}
	}
}

// TestAcceptingITsOwnBuild: policies that force-install IT's own build (its own id) report
// extension_forced once the report is judged against the extensions the host accepts (hello
// passes the official ids and allowed_extensions); another extension forced does not count.
func TestAcceptingITsOwnBuild(t *testing.T) {
	const own = "afbfapmkmhgncfnlokgnhhnjmmdkfhhh"
	data, _ := json.Marshal(Values(machine.Chromium, Params{ChromiumID: own, UpdateURL: "https://it.example/update.xml"}))
	e := env(t, map[string]string{"/usr/bin/chromium": "", "/etc/chromium/policies/managed/tablerase.json": string(data)})
	r := ReadFrom(context.Background(), e, FileSource{Env: e})
	if r.Browsers[machine.Chromium].Checks[CheckExtension] {
		t.Fatal("extension_forced before Accepting: the test shows nothing")
	}
	if got := r.Accepting([]string{ChromiumID, FirefoxID}); got.Browsers[machine.Chromium].Checks[CheckExtension] {
		t.Error("an extension the host does not accept counted as ours")
	}
	got := r.Accepting([]string{ChromiumID, FirefoxID, own})
	if !got.Browsers[machine.Chromium].Checks[CheckExtension] {
		t.Error("IT's own build, force-installed and accepted, not reported as forced")
	}
	if r.Browsers[machine.Chromium].Checks[CheckExtension] {
		t.Error("Accepting changed the report it was given")
	}
	if b, _ := json.Marshal(got); bytes.Contains(b, []byte(own)) {
		t.Errorf("the report carries extension ids: %s", b)
	}
}
