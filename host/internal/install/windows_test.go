package install

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
	"github.com/tablerase/tablerase/host/internal/testenv"
)

const winHost = `C:\Program Files\TableRase\tablerase.exe`

func windowsEnv(t *testing.T) machine.Env {
	root := testenv.TempDir(t)
	vars := map[string]string{"ProgramFiles": `C:\Program Files`, "ProgramFiles(x86)": `C:\Program Files (x86)`,
		"LOCALAPPDATA": `C:\Users\aidant\AppData\Local`, "ProgramData": `C:\ProgramData`}
	env := machine.Env{OS: "windows", Root: root, Home: `C:\Users\aidant`, Getenv: func(k string) string { return vars[k] }}
	touch(t, env, winHost, "") // install --system refuses a missing host binary
	return env
}

func cloneReg(f fakeRegistry) fakeRegistry {
	c := fakeRegistry{}
	for k, v := range f {
		c[k] = maps.Clone(v)
	}
	return c
}

func TestWindowsEdgeGetsBothKeysWithBackslashPath(t *testing.T) {
	env := windowsEnv(t)
	reg := fakeRegistry{}
	o := Options{Env: env, Level: System, HostPath: winHost, Registry: reg, Browsers: []machine.Browser{machine.Edge}}
	if _, err := Install(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	manifest := `C:\Program Files\TableRase\fr.tablerase.host.chromium.json`
	for _, k := range []string{`HKLM\SOFTWARE\Microsoft\Edge\NativeMessagingHosts\fr.tablerase.host`, `HKLM\SOFTWARE\Google\Chrome\NativeMessagingHosts\fr.tablerase.host`} {
		if got := reg[k][""]; got != sz(manifest) {
			t.Errorf("%s = %+v, want %s", k, got, manifest)
		}
	}
	if ev := reg[`HKLM\`+EventSourceKey]; ev["TypesSupported"].D != 7 || !strings.HasSuffix(ev["EventMessageFile"].S, `\System32\EventCreate.exe`) {
		t.Errorf("Event Log source not registered: %+v", ev)
	}
	data, err := os.ReadFile(env.Path(manifest))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	json.Unmarshal(data, &m)
	if m.Path != winHost || strings.Contains(m.Path, "/") {
		t.Errorf("manifest path = %q, want backslashes only", m.Path)
	}
	if _, err := Uninstall(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if len(reg) != 0 {
		t.Errorf("uninstall left keys %v", reg.keys())
	}
	if _, err := os.Stat(env.Path(manifest)); err == nil {
		t.Error("uninstall left the manifest")
	}
}

func TestWindowsUserLevelUsesHKCU(t *testing.T) {
	env := windowsEnv(t)
	reg := fakeRegistry{}
	host := `C:\Users\aidant\AppData\Local\TableRase\tablerase.exe`
	o := Options{Env: env, Level: User, HostPath: host, Registry: reg, Browsers: []machine.Browser{machine.Firefox}}
	if _, err := Install(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if got := reg[`HKCU\SOFTWARE\Mozilla\NativeMessagingHosts\fr.tablerase.host`][""].S; got != `C:\Users\aidant\AppData\Local\TableRase\fr.tablerase.host.firefox.json` {
		t.Errorf("firefox key = %q (keys %v)", got, reg.keys())
	}
	if _, err := os.Stat(filepath.Join(env.Root, "Users/aidant/AppData/Local/TableRase/state/install-record.json")); err != nil {
		t.Errorf("user record not in the state dir: %v", err)
	}
}

func TestWindowsPoliciesKeepAdminValues(t *testing.T) {
	env := windowsEnv(t)
	const pol = `SOFTWARE\Policies\Google\Chrome`
	reg := fakeRegistry{
		`HKLM\` + pol: {
			"PasswordManagerEnabled": {Kind: "dword", D: 1},
			"HomepageLocation":       sz("https://mairie.example"),
			"ExtensionSettings":      sz(`{"aaaabbbbccccddddeeeeffffgggghhhh":{"installation_mode":"blocked"}}`),
		},
		`HKLM\` + pol + `\NativeMessagingAllowlist`: {"1": sz("com.example.other")},
	}
	orig := cloneReg(reg)
	o := Options{Env: env, Level: System, HostPath: winHost, Registry: reg, Policies: true, Browsers: []machine.Browser{machine.Chrome}}
	for range 2 {
		if _, err := Install(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	if got := reg[`HKLM\`+pol]["PasswordManagerEnabled"]; got.Kind != "dword" || got.D != 0 {
		t.Errorf("PasswordManagerEnabled = %+v, want DWORD 0", got)
	}
	allow := reg[`HKLM\`+pol+`\NativeMessagingAllowlist`]
	if allow["1"].S != "com.example.other" || allow["2"].S != policy.HostName || len(allow) != 2 {
		t.Errorf("allowlist = %v", allow)
	}
	var es map[string]any
	json.Unmarshal([]byte(reg[`HKLM\`+pol]["ExtensionSettings"].S), &es)
	if es["aaaabbbbccccddddeeeeffffgggghhhh"] == nil || es[policy.ChromiumID] == nil {
		t.Errorf("ExtensionSettings not merged: %v", es)
	}
	// The report reads what install wrote, through the same conversion as Windows.
	src := policy.RegistrySource{Reg: readerOf(reg)}
	vals, _ := src.Policies(context.Background(), machine.Chrome)
	if r := policy.Evaluate(machine.Chrome, vals); r.Private != policy.PrivateProfile || !r.Checks[policy.CheckExtension] {
		t.Errorf("report after install = %+v", r)
	}
	if _, err := Uninstall(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	for k := range orig {
		if !reflect.DeepEqual(orig[k], reg[k]) {
			t.Errorf("%s after uninstall = %v, want %v", k, reg[k], orig[k])
		}
	}
	for _, k := range reg.keys() {
		if _, ok := orig[k]; !ok {
			t.Errorf("uninstall left key %s = %v", k, reg[k])
		}
	}
}

// readerOf exposes the fake as a policy.RegistryReader.
type readerOf fakeRegistry

func (r readerOf) ReadTree(_ context.Context, h machine.Hive, path string) (machine.RegKey, error) {
	prefix := string(h) + `\` + path
	if _, ok := r[prefix]; !ok {
		return machine.RegKey{}, machine.ErrNoKey
	}
	conv := func(vals map[string]machine.RegValue) map[string]any {
		out := map[string]any{}
		for n, v := range vals {
			if v.Kind == "dword" {
				out[n] = uint64(v.D)
			} else {
				out[n] = v.S
			}
		}
		return out
	}
	k := machine.RegKey{Values: conv(r[prefix]), Subkeys: map[string]machine.RegKey{}}
	for name, vals := range r {
		if sub, ok := strings.CutPrefix(name, prefix+`\`); ok && !strings.Contains(sub, `\`) {
			k.Subkeys[sub] = machine.RegKey{Values: conv(vals)}
		}
	}
	return k, nil
}
