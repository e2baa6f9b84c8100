package machine

import (
	"errors"
	"path/filepath"
	"testing"
)

func vars(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestExpandUnix: ~, $VAR and ${VAR}; unset and empty are errors with a code; a value is never
// expanded again; "%" is an ordinary character.
func TestExpandUnix(t *testing.T) {
	e := Env{OS: "linux", Home: "/home/élodie", Getenv: vars(map[string]string{
		"XDG_STATE_HOME": "/var/state", "NESTED": "$XDG_STATE_HOME", "PCT": "%X%", "EMPTY": "", "A_1": "a"})}
	for in, want := range map[string]string{
		"~":                       "/home/élodie",
		"~/.config/chromium":      "/home/élodie/.config/chromium",
		"$XDG_STATE_HOME/x":       "/var/state/x",
		"${XDG_STATE_HOME}/x":     "/var/state/x",
		"/srv/${A_1}$A_1/b":       "/srv/aa/b",
		"/srv/$NESTED":            "/srv/$XDG_STATE_HOME", // not expanded again
		"/srv/%PCT%/$PCT":         "/srv/%PCT%/%X%",       // % is not special
		"/srv/prix$":              "/srv/prix$",           // a $ without a name stays
		"/srv/$/x":                "/srv/$/x",
		"/usr/lib/firefox-esr/ff": "/usr/lib/firefox-esr/ff",
	} {
		got, err := e.Expand(in)
		if err != nil || got != want {
			t.Errorf("Expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, code := range map[string]string{
		"$UNSET/Downloads":   CodeUnsetVariable, // never "/Downloads"
		"${UNSET}/Downloads": CodeUnsetVariable,
		"$EMPTY/Downloads":   CodeUnsetVariable,
		"${XDG_STATE_HOME":   CodeMalformed,
		"${1X}/a":            CodeMalformed,
		"~bob/scans":         CodeMalformed,
		`~\scans`:            CodeMalformed, // "\" is no separator on Unix
	} {
		got, err := e.Expand(in)
		if !errors.Is(err, ErrExpand) || ExpandCode(err) != code {
			t.Errorf("Expand(%q) = %q, %v; want an error with code %s", in, got, err, code)
		}
	}
	noHome := Env{OS: "darwin", Getenv: vars(nil)}
	if _, err := noHome.Expand("~/Library"); ExpandCode(err) != CodeNoHome {
		t.Errorf("~ without a home: err = %v, want code %s", err, CodeNoHome)
	}
	if _, err := (Env{OS: "linux"}).Expand("$HOME/x"); ExpandCode(err) != CodeUnsetVariable {
		t.Errorf("nil Getenv: err = %v, want every variable unset", err)
	}
}

// TestExpandWindows: ~ and %VAR%; "$" is an ordinary character; unset, empty, "%%" and a lone
// "%" are errors with a code.
func TestExpandWindows(t *testing.T) {
	e := Env{OS: "windows", Home: `C:\Users\Élodie`, Getenv: vars(map[string]string{
		"LOCALAPPDATA": `C:\Users\Élodie\AppData\Local`, "ProgramFiles(x86)": `C:\Program Files (x86)`,
		"X": "x", "NESTED": "%X%", "EMPTY": ""})}
	for in, want := range map[string]string{
		`%LOCALAPPDATA%\Google\Chrome\User Data`: `C:\Users\Élodie\AppData\Local\Google\Chrome\User Data`,
		`%ProgramFiles(x86)%\Mozilla Firefox`:    `C:\Program Files (x86)\Mozilla Firefox`,
		`D:\%X%\%X%`:                             `D:\x\x`,
		`D:\%NESTED%`:                            `D:\%X%`, // not expanded again
		`D:\$X\${X}`:                             `D:\$X\${X}`,
		`~\Scans`:                                `C:\Users\Élodie\Scans`,
		`~/Scans`:                                `C:\Users\Élodie/Scans`,
		`D:\plain`:                               `D:\plain`,
	} {
		got, err := e.Expand(in)
		if err != nil || got != want {
			t.Errorf("Expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, code := range map[string]string{
		`%USERPROFILE%\Downloads`: CodeUnsetVariable, // never `\Downloads`
		`%EMPTY%\Downloads`:       CodeUnsetVariable,
		`C:\50%`:                  CodeMalformed,
		`%%\x`:                    CodeMalformed,
		`~bob\x`:                  CodeMalformed,
	} {
		got, err := e.Expand(in)
		if !errors.Is(err, ErrExpand) || ExpandCode(err) != code {
			t.Errorf("Expand(%q) = %q, %v; want an error with code %s", in, got, err, code)
		}
	}
}

// TestResolve: Expand, then an absolute path of the target OS; Path maps it under Root.
func TestResolve(t *testing.T) {
	w := Env{OS: "windows", Root: "/tmp/r", Getenv: vars(map[string]string{"ProgramFiles": `C:\Program Files`, "REL": `rel`})}
	p, err := w.Resolve(`%ProgramFiles%\Mozilla Firefox\firefox.exe`)
	if err != nil || w.Path(p) != filepath.FromSlash("/tmp/r/Program Files/Mozilla Firefox/firefox.exe") {
		t.Errorf("Resolve = %q (%s), %v", p, w.Path(p), err)
	}
	for _, in := range []string{`%LOCALAPPDATA%\x`, `%REL%\x`, `\x`, `/x`} {
		if p, err := w.Resolve(in); err == nil {
			t.Errorf("Resolve(%q) = %q, want an error", in, p)
		}
	}
	if p, err := w.Resolve(`\\server\share\x`); err != nil {
		t.Errorf("UNC path: %q, %v", p, err)
	}
	u := Env{OS: "linux", Getenv: vars(map[string]string{"REL": "rel"})}
	if p, err := u.Resolve("$REL/x"); err == nil {
		t.Errorf("relative result = %q, want an error", p)
	}
	if p, err := u.Resolve("/etc/firefox"); err != nil || p != "/etc/firefox" {
		t.Errorf("Resolve(/etc/firefox) = %q, %v", p, err)
	}
}
