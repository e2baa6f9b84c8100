package machine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tablerase/tablerase/host/internal/testenv"
)

// TestPresent: a browser is present when one of its hints exists under Root; a hint whose
// variable is unset (%ProgramFiles(x86)% on a 32-bit Windows) is skipped, never read as a path
// from the drive's root.
func TestPresent(t *testing.T) {
	root := testenv.TempDir(t)
	e := Env{OS: "windows", Root: root, Getenv: vars(map[string]string{"ProgramFiles": `C:\Program Files`})}
	if e.Present(Firefox) {
		t.Fatal("Firefox present in an empty root")
	}
	// Where %ProgramFiles(x86)%\Mozilla Firefox\firefox.exe would land if the unset variable read "".
	guess := filepath.Join(root, "Mozilla Firefox")
	if err := os.MkdirAll(guess, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(guess, "firefox.exe"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if e.Present(Firefox) {
		t.Error("Firefox found through an unset variable")
	}
	exe := filepath.Join(root, "Program Files", "Mozilla Firefox", "firefox.exe")
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if !e.Present(Firefox) || e.Present(Chrome) {
		t.Errorf("Present: Firefox %v, Chrome %v; want true, false", e.Present(Firefox), e.Present(Chrome))
	}
}
