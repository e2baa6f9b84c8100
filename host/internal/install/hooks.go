package install

import (
	"errors"
	"fmt"
	"html"
	"os"
	"path"
	"strings"
	"unicode/utf16"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// OS hooks run `tablerase clean` when a person logs on (and, where the OS
// offers it, logs off), so an accompaniment cut short by a closed browser or a
// crash is finished before the next person sits down. Linux: a systemd user
// unit (ExecStart at logon, ExecStop when the user's session manager stops at
// logoff). macOS: a LaunchAgent (logon). Windows: a scheduled task with a logon
// trigger (Task Scheduler has no logoff trigger). Linux and macOS hooks are
// files, recorded like the manifests; the Windows task goes through Tasks.

// HookName names the hook in every OS.
const HookName = "tablerase-clean"

// Tasks creates and deletes Windows scheduled tasks.
// Create must replace a task of the same name; Delete of a missing task is not an error.
type Tasks interface {
	Create(name string, xml []byte) error
	Delete(name string) error
}

// TaskName is the scheduled task's path.
const TaskName = `\TableRase\Clean`

// ErrNoTasks is returned when Windows hooks are asked for without a Tasks.
var ErrNoTasks = errors.New("install: no task scheduler on this system")

type hookFile struct {
	Path    string
	Content []byte
	Link    string // when set, Path is a symbolic link to Link
}

var hookDirs = map[string]map[Level]string{
	"linux":  {System: "/etc/systemd/user", User: "~/.config/systemd/user"},
	"darwin": {System: "/Library/LaunchAgents", User: "~/Library/LaunchAgents"},
}

// autostartDirs hold the XDG autostart entry, for Linux desktops whose sessions have no systemd
// user manager. Where both run, clean runs twice at logon: it is idempotent.
var autostartDirs = map[Level]string{System: "/etc/xdg/autostart", User: "~/.config/autostart"}

// HookFiles returns the files that register the hook on Linux and macOS.
func HookFiles(env machine.Env, level Level, hostPath string) ([]hookFile, error) {
	t := env.Table()
	dir := hookDirs[t][level]
	if dir == "" {
		return nil, nil
	}
	dir, err := env.Resolve(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoPath, err)
	}
	if t == "darwin" {
		return []hookFile{{Path: path.Join(dir, "fr.tablerase.clean.plist"), Content: launchAgent(hostPath)}}, nil
	}
	unit := HookName + ".service"
	auto, err := env.Resolve(autostartDirs[level])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoPath, err)
	}
	return []hookFile{
		{Path: path.Join(dir, unit), Content: systemdUnit(hostPath)},
		{Path: path.Join(dir, "default.target.wants", unit), Link: "../" + unit},
		{Path: path.Join(auto, HookName+".desktop"), Content: autostartEntry(hostPath)},
	}, nil
}

// autostartEntry is the XDG autostart desktop entry (Desktop Entry spec: Exec arguments quoted,
// with \, ", `, $ escaped).
func autostartEntry(hostPath string) []byte {
	q := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", "$", `\$`).Replace(hostPath) + `"`
	return []byte(`[Desktop Entry]
Type=Application
Name=Table rase
Comment=Finish an unfinished accompaniment at logon
Exec=` + q + ` clean
NoDisplay=true
Terminal=false
X-GNOME-Autostart-enabled=true
`)
}

// systemdQuote quotes a path for ExecStart (spaces, specifiers).
func systemdQuote(p string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "%", "%%").Replace(p) + `"`
}

func systemdUnit(hostPath string) []byte {
	q := systemdQuote(hostPath)
	return []byte(`[Unit]
Description=Table rase: finish an unfinished accompaniment at logon and logoff
Documentation=https://tablerase.fr

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=` + q + ` clean
ExecStop=` + q + ` clean
TimeoutSec=120

[Install]
WantedBy=default.target
`)
}

func launchAgent(hostPath string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>fr.tablerase.clean</string>
	<key>ProgramArguments</key>
	<array>
		<string>` + html.EscapeString(hostPath) + `</string>
		<string>clean</string>
	</array>
	<key>RunAtLoad</key>
	<true/>
</dict>
</plist>
`)
}

// TaskXML is the Windows scheduled task: at logon of any user (system level,
// run as that user with least privilege) or of the current user.
func TaskXML(level Level, hostPath string) []byte {
	principal := `<Principal id="Author"><GroupId>S-1-5-32-545</GroupId><RunLevel>LeastPrivilege</RunLevel></Principal>`
	if level == User {
		principal = `<Principal id="Author"><LogonType>InteractiveToken</LogonType><RunLevel>LeastPrivilege</RunLevel></Principal>`
	}
	return []byte(`<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Description>Table rase: finish an unfinished accompaniment at logon</Description></RegistrationInfo>
  <Triggers><LogonTrigger><Enabled>true</Enabled></LogonTrigger></Triggers>
  <Principals>` + principal + `</Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <ExecutionTimeLimit>PT5M</ExecutionTimeLimit>
    <Hidden>true</Hidden>
  </Settings>
  <Actions Context="Author"><Exec><Command>` + html.EscapeString(hostPath) + `</Command><Arguments>clean</Arguments></Exec></Actions>
</Task>
`)
}

// UTF16File encodes a task's XML as schtasks and Group Policy expect with the declared encoding:
// UTF-16LE with a byte-order mark.
func UTF16File(xml []byte) []byte {
	u := utf16.Encode([]rune(string(xml)))
	buf := make([]byte, 0, 2+2*len(u))
	buf = append(buf, 0xFF, 0xFE)
	for _, c := range u {
		buf = append(buf, byte(c), byte(c>>8))
	}
	return buf
}

func (r *runner) writeHooks() error {
	if r.windows() {
		if r.o.Tasks == nil {
			return ErrNoTasks
		}
		r.logf("scheduled task %s", TaskName)
		if r.o.DryRun {
			return nil
		}
		if err := r.o.Tasks.Create(TaskName, TaskXML(r.o.Level, r.o.HostPath)); err != nil {
			return err
		}
		if !containsString(r.rec.Tasks, TaskName) {
			r.rec.Tasks = append(r.rec.Tasks, TaskName)
		}
		return nil
	}
	files, err := HookFiles(r.o.Env, r.o.Level, r.o.HostPath)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.Link == "" {
			if err := r.writeOwnFile(f.Path, f.Content); err != nil {
				return err
			}
			continue
		}
		r.logf("link %s -> %s", f.Path, f.Link)
		if r.o.DryRun {
			continue
		}
		if err := r.mkdirs(f.Path); err != nil {
			return err
		}
		local := r.o.Env.Path(f.Path)
		os.Remove(local)
		if err := os.Symlink(f.Link, local); err != nil {
			return err
		}
		r.rec.addFile(FileEntry{Path: f.Path, Created: true})
	}
	return nil
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// HookState says whether the logon/logoff hook is in place for this binary.
type HookState int

// The hook states.
const (
	HookMissing HookState = iota // no hook at either level
	HookOther                    // a hook is there but runs another binary (moved or stale install)
	HookInstalled
)

// FindHook looks for the hook files of the system level, then of the user level, and says whether
// one runs hostPath. Windows hooks are scheduled tasks: use TaskInstalled there.
func FindHook(env machine.Env, hostPath string) (HookState, Level) {
	state, level := HookMissing, User
	for _, l := range []Level{System, User} {
		files, err := HookFiles(env, l, hostPath)
		if err != nil || len(files) == 0 {
			continue
		}
		got, err := os.ReadFile(env.Path(files[0].Path)) // the unit or the LaunchAgent
		switch {
		case err != nil:
			continue
		case string(got) == string(files[0].Content):
			return HookInstalled, l
		case state == HookMissing:
			state, level = HookOther, l
		}
	}
	return state, level
}

// taskFile is where Task Scheduler keeps a task's definition. Reading it needs no process start
// (hello must stay fast); whether a standard user may see it is not verified here, so a false
// answer only means "not known to be there".
const taskFile = `%SystemRoot%\System32\Tasks\TableRase\Clean`

// HookPresent reports, cheaply, whether the logon/logoff clean runs hostPath on this computer.
func HookPresent(env machine.Env, hostPath string) bool {
	if env.Table() == "windows" {
		p, err := env.Resolve(taskFile)
		if err != nil {
			return false
		}
		_, err = os.Stat(env.Path(p))
		return err == nil
	}
	state, _ := FindHook(env, hostPath)
	return state == HookInstalled
}
