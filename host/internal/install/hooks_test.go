package install

import (
	"context"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/machine"
)

func TestLinuxHooksRoundTrip(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("about Linux: a systemd unit is enabled by a symbolic link, which Windows lets only administrators make")
	}
	for _, level := range []Level{System, User} {
		env := linuxEnv(t)
		touch(t, env, "/usr/bin/chromium", "")
		touch(t, env, "/opt/Table Rase/tablerase", "")
		before := snapshot(t, env.Root)
		o := Options{Env: env, Level: level, HostPath: "/opt/Table Rase/tablerase", Hooks: true}
		if _, err := Install(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		dir := map[Level]string{System: "/etc/systemd/user", User: "/home/aidant/.config/systemd/user"}[level]
		unit, err := os.ReadFile(env.Path(dir + "/tablerase-clean.service"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(unit), `ExecStart="/opt/Table Rase/tablerase" clean`) || !strings.Contains(string(unit), "ExecStop=") {
			t.Errorf("unit does not run clean at logon and logoff:\n%s", unit)
		}
		if target, err := os.Readlink(env.Path(dir + "/default.target.wants/tablerase-clean.service")); err != nil || target != "../tablerase-clean.service" {
			t.Errorf("unit not enabled: %q %v", target, err)
		}
		// Desktops without a systemd user manager start XDG autostart entries instead.
		auto := map[Level]string{System: "/etc/xdg/autostart", User: "/home/aidant/.config/autostart"}[level]
		entry, err := os.ReadFile(env.Path(auto + "/tablerase-clean.desktop"))
		if err != nil || !strings.Contains(string(entry), "Exec=\"/opt/Table Rase/tablerase\" clean\n") {
			t.Errorf("autostart entry: %q %v", entry, err)
		}
		if !HookPresent(env, o.HostPath) || HookPresent(env, "/usr/bin/tablerase") {
			t.Errorf("%s: HookPresent does not tell this program's hook from another's", level)
		}
		if _, err := Uninstall(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		if HookPresent(env, o.HostPath) {
			t.Errorf("%s: HookPresent after uninstall", level)
		}
		if after := snapshot(t, env.Root); !reflect.DeepEqual(before, after) {
			t.Errorf("%s: uninstall left %v", level, keys(after))
		}
	}
}

func TestDarwinLaunchAgent(t *testing.T) {
	env := machine.Env{OS: "darwin", Home: "/Users/aidant"}
	files, err := HookFiles(env, User, "/Users/aidant/Library/Application Support/TableRase/tablerase")
	if err != nil || len(files) != 1 || files[0].Path != "/Users/aidant/Library/LaunchAgents/fr.tablerase.clean.plist" {
		t.Fatalf("files = %+v, %v", files, err)
	}
	if c := string(files[0].Content); !strings.Contains(c, "<string>clean</string>") || !strings.Contains(c, "<key>RunAtLoad</key>") {
		t.Errorf("launch agent:\n%s", c)
	}
}

type fakeTasks map[string][]byte

func (f fakeTasks) Create(name string, xml []byte) error { f[name] = xml; return nil }
func (f fakeTasks) Delete(name string) error             { delete(f, name); return nil }

func TestWindowsLogonTask(t *testing.T) {
	env := windowsEnv(t)
	tasks := fakeTasks{}
	o := Options{Env: env, Level: System, HostPath: winHost, Registry: fakeRegistry{}, Tasks: tasks, Hooks: true, Browsers: []machine.Browser{machine.Edge}}
	if _, err := Install(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	x := string(tasks[TaskName])
	for _, want := range []string{"<LogonTrigger>", `<Command>C:\Program Files\TableRase\tablerase.exe</Command>`, "<Arguments>clean</Arguments>", "S-1-5-32-545", "LeastPrivilege"} {
		if !strings.Contains(x, want) {
			t.Errorf("task XML lacks %s:\n%s", want, x)
		}
	}
	if _, err := Uninstall(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 0 {
		t.Error("uninstall left the scheduled task")
	}
}

func TestHookPresentWindowsReadsTheTaskFile(t *testing.T) {
	env := windowsEnv(t)
	get := env.Getenv
	env.Getenv = func(k string) string {
		if k == "SystemRoot" {
			return `C:\Windows`
		}
		return get(k)
	}
	if HookPresent(env, WindowsHostPath) {
		t.Fatal("hook present with no task file")
	}
	touch(t, env, `C:\Windows\System32\Tasks\TableRase\Clean`, "<Task/>")
	if !HookPresent(env, WindowsHostPath) {
		t.Fatal("task file not seen")
	}
}
