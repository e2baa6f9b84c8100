//go:build !windows

// The fake platform of these tests resolves Unix paths.

package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// fakePlatform resolves like a Unix machine with the given home and
// environment, and a fixed default Downloads folder. Its guard refuses the
// root and the home with its ancestors (the guard package tests the rest).
func fakePlatform(home string, env map[string]string) platform {
	return platform{
		env: machine.Env{OS: "linux", Home: home, Getenv: func(k string) string { return env[k] }},
		defaults: func(p platform, _ Scope) []Folder {
			return []Folder{{Label: "downloads", Path: p.env.Home + "/Downloads"}}
		},
		key: func(p string) string { return p },
		refuse: func(p string) string {
			switch {
			case p == "/":
				return "root"
			case within(home, p):
				return "home"
			}
			return ""
		},
	}
}

func parseWith(t *testing.T, p platform, doc string) (Config, error) {
	t.Helper()
	r, err := decode([]byte(doc))
	if err != nil {
		return Config{}, err
	}
	return resolve(r, SourceFile, p)
}

func TestParseErrors(t *testing.T) {
	p := fakePlatform("/home/alice", map[string]string{"EMPTY": ""})
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"empty", ``, "one JSON object"},
		{"array", `[]`, "one JSON object"},
		{"null", `null`, "one JSON object"},
		{"syntax", `{"scope": "all",}`, "syntax error at byte"},
		{"cut", `{"scope": "all"`, "cut short"},
		{"trailing", `{} {}`, "after the JSON object"},
		{"unknown field", `{"scopes": "all"}`, `unknown field "scopes"`},
		{"scope type", `{"scope": 1}`, `field "scope" must be "session" or "all"`},
		{"bool type", `{"clear_clipboard": "yes"}`, `field "clear_clipboard" must be true or false`},
		{"watch type", `{"watch": "/srv/scans"}`, `field "watch" must be an array of strings`},
		{"watch item type", `{"watch": [1]}`, `must be an array of strings`},
		{"scope value", `{"scope": "al"}`, `scope must be "session" or "all"`},
		{"relative", `{"watch": ["/ok", "scans"]}`, "watch[1]: not an absolute path"},
		{"unset var", `{"watch": ["$NOPE/scans"]}`, "watch[0]: variable NOPE is not set"},
		{"empty var", `{"watch": ["${EMPTY}/scans"]}`, "variable EMPTY is not set"},
		{"bad brace", `{"watch": ["${HOME/scans"]}`, "malformed ${VARIABLE}"},
		{"tilde user", `{"watch": ["~bob/scans"]}`, "~user is not supported"},
		{"bad ext id", `{"allowed_extensions": ["abc"]}`, "allowed_extensions[0] is neither"},
		{"ext id uppercase", `{"allowed_extensions": ["IBEJDGLJGIKFDIMKAJILPEMALNCKNCNM"]}`, "allowed_extensions[0]"},
		{"ext id letter q", `{"allowed_extensions": ["qbejdgljgikfdimkajilpemalnckncnm"]}`, "allowed_extensions[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseWith(t, p, tc.doc)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error = %v, want one wrapping ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestErrorsNeverCarryValues(t *testing.T) {
	p := fakePlatform("/home/alice", nil)
	for _, doc := range []string{
		`{"watch": ["relative/jean-dupont"]}`,
		`{"scope": "jean-dupont"}`,
		`{"allowed_extensions": ["jean-dupont"]}`,
		`{"watch": ["/home/jean-dupont", "relative"]}`,
	} {
		_, err := parseWith(t, p, doc)
		if err == nil || strings.Contains(err.Error(), "dupont") {
			t.Errorf("%s: error %v must exist and not contain the value", doc, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	c, err := parseWith(t, fakePlatform("/home/alice", nil), `{}`)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Scope:                ScopeSession,
		Folders:              []Folder{{"downloads", "/home/alice/Downloads", ""}},
		ClearClipboard:       true,
		ClearRecentDocuments: true,
		Source:               SourceFile,
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v, want %+v", c, want)
	}
}

func TestFullFile(t *testing.T) {
	p := fakePlatform("/home/alice", map[string]string{"SCANS": "/srv/scans", "USER": "alice"})
	c, err := parseWith(t, p, "\ufeff"+`{
		"scope": "all", "default_folders": false,
		"watch": ["~/Bureau", "$SCANS/in", "/var/${USER}/depot", "/srv/prix$"],
		"allowed_extensions": ["abcdefghijklmnopabcdefghijklmnop", "helper@example.org", "{12345678-abcd-ef01-2345-6789abcdef01}", "helper@example.org"],
		"clear_clipboard": false, "clear_recent_documents": false}`)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Scope: ScopeAll,
		Folders: []Folder{
			{"watch-1", "/home/alice/Bureau", ""},
			{"watch-2", "/srv/scans/in", ""},
			{"watch-3", "/var/alice/depot", ""},
			{"watch-4", "/srv/prix$", ""},
		},
		AllowedExtensions: []string{"abcdefghijklmnopabcdefghijklmnop", "helper@example.org", "{12345678-abcd-ef01-2345-6789abcdef01}"},
		Source:            SourceFile,
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
}

func TestDedupe(t *testing.T) {
	p := fakePlatform("/home/alice", nil)
	c, err := parseWith(t, p, `{"watch": ["/home/alice/Downloads/scans", "/srv/a/b", "/srv/a/", "/srv/ab", "/home/alice/Downloads/../Downloads", "/srv/a/b/c"]}`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Folder{
		{"downloads", "/home/alice/Downloads", ""},
		{"watch-3", "/srv/a", ""}, // replaced watch-2 (inside it) at its place
		{"watch-4", "/srv/ab", ""},
	}
	if !reflect.DeepEqual(c.Folders, want) {
		t.Fatalf("got %+v\nwant %+v", c.Folders, want)
	}
	// An outer watch folder replaces the default Downloads inside it.
	p2 := p
	p2.defaults = func(platform, Scope) []Folder { return []Folder{{Label: "downloads", Path: "/srv/Downloads"}} }
	c, err = parseWith(t, p2, `{"watch": ["/srv"]}`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Folder{{"watch-1", "/srv", ""}}; !reflect.DeepEqual(c.Folders, want) {
		t.Fatalf("got %+v, want %+v", c.Folders, want)
	}
	// A refused outer folder covers nothing: Downloads is still cleaned.
	c, err = parseWith(t, p, `{"watch": ["/home"]}`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Folder{{"downloads", "/home/alice/Downloads", ""}, {"watch-1", "/home", "home"}}; !reflect.DeepEqual(c.Folders, want) {
		t.Fatalf("got %+v, want %+v", c.Folders, want)
	}
}

// Every folder, default or configured, goes through the guard; a refused one
// is listed with its code (and reported by label), not an error that would stop
// the other folders.
func TestRefusedFoldersAreListedWithTheirCode(t *testing.T) {
	dirs := `XDG_DOWNLOAD_DIR="$HOME/.."` + "\n"
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".config"), 0o755)
	os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"), []byte(dirs), 0o644)
	p := fakePlatform(home, map[string]string{"HOME": home})
	p.defaults = knownFolders
	c, err := parseWith(t, p, `{"watch": ["/", "~/", "~/scans"]}`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Folder{{"downloads", filepath.Dir(home), "home"}, {"watch-1", "/", "root"}, {"watch-2", home, "home"},
		{"watch-3", filepath.Join(home, "scans"), ""}}
	if !reflect.DeepEqual(c.Folders, want) {
		t.Fatalf("got %+v\nwant %+v", c.Folders, want)
	}
}

func TestExtensionIDs(t *testing.T) {
	for id, want := range map[string]bool{
		"ibejdgljgikfdimkajilpemalnckncnm":                     true,
		"tablerase@tablerase.fr":                               true,
		"@helper":                                              true, // AMO accepts an empty local part
		"{12345678-ABCD-ef01-2345-6789abcdef01}":               true,
		"ibejdgljgikfdimkajilpemalnckncn":                      false, // 31 letters
		"chrome-extension://ibejdgljgikfdimkajilpemalnckncnm/": false,
		"a@b/c":                        false,
		"{12345678-abcd-ef01}":         false,
		"":                             false,
		strings.Repeat("a", 90) + "@x": false,
	} {
		if got := ValidExtensionID(id); got != want {
			t.Errorf("ValidExtensionID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "cfg"))
	path := filepath.Join(dir, "config.json")
	t.Setenv("TABLERASE_CONFIG", path)

	c, err := Load()
	if err != nil || c.Source != SourceDefaults || c.Scope != ScopeSession || len(c.Folders) != 1 {
		t.Fatalf("missing file: got %+v, %v; want defaults", c, err)
	}
	if err := os.WriteFile(path, []byte(`{"scope":"all","default_folders":false,"watch":["~/Bureau"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = Load()
	want := []Folder{{"watch-1", filepath.Join(dir, "Bureau"), ""}}
	if err != nil || c.Source != SourceFile || c.Scope != ScopeAll || !reflect.DeepEqual(c.Folders, want) {
		t.Fatalf("file: got %+v, %v", c, err)
	}
	if err := os.WriteFile(path, []byte(`{"scope":"everything"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad file: err = %v, want ErrInvalid", err)
	}
	secret := filepath.Join(dir, "jean-dupont", "config.json")
	if err := os.MkdirAll(secret, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TABLERASE_CONFIG", secret)
	if _, err := Load(); err == nil || strings.Contains(err.Error(), "dupont") {
		t.Fatalf("config path is a directory: err = %v, want an error without the path", err)
	}
	t.Setenv("TABLERASE_CONFIG", "config.json")
	if _, err := Load(); !errors.Is(err, ErrInvalid) {
		t.Fatalf("relative TABLERASE_CONFIG: err = %v, want ErrInvalid", err)
	}
}
