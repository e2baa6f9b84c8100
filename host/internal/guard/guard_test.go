package guard

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tablerase/tablerase/host/internal/testenv"
)

// code returns the refusal code of Check, or "" when the folder is accepted.
func code(t *testing.T, g *Guard, folder string) string {
	t.Helper()
	err := g.Check(folder)
	var r *Refusal
	switch {
	case err == nil:
		return ""
	case errors.As(err, &r):
		return r.Code
	}
	t.Fatalf("Check(%s): %v is not a *Refusal", folder, err)
	return ""
}

func mkdir(t *testing.T, p string) string {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// hostGuard lays out a home with the host's state and configuration folders the way a per-user
// install does, and returns the guard the host would use there.
func hostGuard(t *testing.T) (g *Guard, home string) {
	t.Helper()
	home = mkdir(t, filepath.Join(testenv.TempDir(t), "alice"))
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	state := mkdir(t, filepath.Join(home, ".local", "state", "tablerase"))
	config := filepath.Join(mkdir(t, filepath.Join(home, ".config", "tablerase")), "config.json")
	return ForHost(state, config), home
}

func TestAcceptsOrdinaryFolders(t *testing.T) {
	g, home := hostGuard(t)
	for _, f := range []string{
		filepath.Join(home, "Downloads"),
		filepath.Join(home, "Documents", "Scans"),
		filepath.Join(home, "Téléchargements", "pas encore créé"),
		filepath.Join(home, ".local", "share", "scans"),
	} {
		if c := code(t, g, f); c != "" {
			t.Errorf("%s refused (%s), want accepted", f, c)
		}
	}
}

func TestRefusesRootsHomeAndWhatHoldsTheHost(t *testing.T) {
	g, home := hostGuard(t)
	for f, want := range map[string]string{
		filepath.VolumeName(home) + string(filepath.Separator): CodeRoot,
		home:                          CodeHome,
		filepath.Join(home, ".."):     CodeHome, // XDG_DOWNLOAD_DIR="$HOME/.."
		filepath.Dir(home):            CodeHome,
		filepath.Join(home, ".local"): CodeState, // holds the state folder
		filepath.Join(home, ".local", "state", "tablerase"):        CodeState,
		filepath.Join(home, ".local", "state", "tablerase", "sub"): CodeState,
		filepath.Join(home, ".config", "tablerase"):                CodeConfig,
		filepath.Join(home, ".config"):                             CodeConfig,
		"relative/Downloads":                                       CodeRelative,
	} {
		if got := code(t, g, f); got != want {
			t.Errorf("%s: code %q, want %q", f, got, want)
		}
	}
}

func TestRefusesTheFolderOfTheBinary(t *testing.T) {
	g, _ := hostGuard(t)
	exe, err := os.Executable()
	if err != nil {
		t.Skip("no executable path on this system")
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	if got := code(t, g, filepath.Dir(exe)); got != CodeBinary {
		t.Errorf("folder of the binary: code %q, want binary", got)
	}
}

func TestRefusesAProtectedFolderReachedThroughALink(t *testing.T) {
	g, home := hostGuard(t)
	elsewhere := mkdir(t, filepath.Join(testenv.TempDir(t), "x"))
	link := filepath.Join(elsewhere, "Downloads")
	testenv.Symlink(t, home, link)
	if got := code(t, g, link); got != CodeHome {
		t.Errorf("link to the home: code %q, want home", got)
	}
	// A folder inside a link to the state folder, not created yet.
	link2 := filepath.Join(elsewhere, "st")
	testenv.Symlink(t, filepath.Join(home, ".local", "state", "tablerase"), link2)
	if got := code(t, g, filepath.Join(link2, "later")); got != CodeState {
		t.Errorf("inside a link to the state folder: code %q, want state", got)
	}
}

func TestOtherPlacesInsideAndAround(t *testing.T) {
	base := testenv.TempDir(t)
	sys := mkdir(t, filepath.Join(base, "sys"))
	other := mkdir(t, filepath.Join(base, "homes", "bob"))
	g := &Guard{places: []Place{{Path: sys, Code: CodeSystem, Inside: true}, {Path: other, Code: CodeOtherUser, Inside: true}}}
	for f, want := range map[string]string{
		filepath.Join(sys, "a", "b"):         CodeSystem,
		sys:                                  CodeSystem,
		base:                                 CodeSystem,
		filepath.Join(other, "Downloads"):    CodeOtherUser,
		filepath.Join(base, "homes"):         CodeOtherUser,
		filepath.Join(base, "homes", "carl"): "",
	} {
		if got := code(t, g, f); got != want {
			t.Errorf("%s: code %q, want %q", f, got, want)
		}
	}
}

// A user whose home lies inside a protected folder still has a usable Downloads.
func TestHomeInsideAProtectedFolder(t *testing.T) {
	base := testenv.TempDir(t)
	home := mkdir(t, filepath.Join(base, "var", "lib", "kiosk"))
	g := &Guard{places: []Place{{Path: filepath.Join(base, "var", "lib"), Code: CodeSystem, Inside: true}, {Path: home, Code: CodeHome}}}
	if got := code(t, g, filepath.Join(home, "Downloads")); got != "" {
		t.Errorf("Downloads of a home inside a system folder: code %q, want accepted", got)
	}
	if got := code(t, g, filepath.Join(base, "var", "lib", "other")); got != CodeSystem {
		t.Errorf("beside that home: code %q, want system", got)
	}
}

// A home that is itself a link (/home → /usr/home on some systems) protects the folder it leads to.
func TestProtectedPlaceThatIsALink(t *testing.T) {
	base := testenv.TempDir(t)
	real := mkdir(t, filepath.Join(base, "disk", "alice"))
	link := filepath.Join(base, "alice")
	testenv.Symlink(t, real, link)
	g := &Guard{places: []Place{{Path: link, Code: CodeHome}}}
	if got := code(t, g, filepath.Join(base, "disk")); got != CodeHome {
		t.Errorf("the folder holding the home's target: code %q, want home", got)
	}
	if got := code(t, g, filepath.Join(real, "Downloads")); got != "" {
		t.Errorf("Downloads in the home's target: code %q, want accepted", got)
	}
}
