package profiles

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/testenv"
)

// TestUnresolvedRootsAreCountedNeverGuessed: with %LOCALAPPDATA% and %APPDATA% unset, a
// lenient expander would read `\Google\Chrome\User Data` (under Root here: the drive's root on a
// real computer). The strict one refuses: every root is counted unresolved, nothing is touched.
func TestUnresolvedRootsAreCountedNeverGuessed(t *testing.T) {
	root := testenv.TempDir(t)
	env := machine.Env{OS: "windows", Root: root, Home: `C:\Users\aidant`, Getenv: func(string) string { return "" }}
	profile := filepath.Join(root, "Google", "Chrome", "User Data", "Default")
	if err := os.MkdirAll(profile, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"Preferences", "Login Data"} {
		if err := os.WriteFile(filepath.Join(profile, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := Purge(context.Background(), env)
	// The 5 profile roots (a browser whose root is unresolved is not looked at further).
	if r.Unresolved != 5 || r.Profiles != 0 || r.Removed != 0 {
		t.Errorf("Purge = %+v, want 5 unresolved and nothing examined", r)
	}
	if _, err := os.Stat(filepath.Join(profile, "Login Data")); err != nil {
		t.Errorf("Login Data under the guessed folder: %v, want it kept", err)
	}
}
