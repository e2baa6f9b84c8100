package guard

import (
	"path/filepath"
	"testing"

	"golang.org/x/sys/windows"
)

// Windows lets the Downloads known folder be redirected anywhere, the profile root or a drive root
// included (under Wine it is the profile by default). Those are refused, as are the system folders.
func TestWindowsRootsProfileAndSystemFolders(t *testing.T) {
	g := New()
	profile, err := windows.KnownFolderPath(windows.FOLDERID_Profile, 0)
	if err != nil {
		t.Skipf("no profile known folder: %v", err)
	}
	sysroot, _ := windows.KnownFolderPath(windows.FOLDERID_Windows, 0)
	progs, _ := windows.KnownFolderPath(windows.FOLDERID_ProgramFiles, 0)
	cases := map[string]string{
		filepath.VolumeName(profile) + `\`: CodeRoot,
		`\\server\share`:                   CodeRoot,
		profile:                            CodeHome,
		filepath.Dir(profile):              CodeHome,
		filepath.Join(profile, `..`):       CodeHome,
	}
	if sysroot != "" {
		cases[filepath.Join(sysroot, "Temp")] = CodeSystem
	}
	if progs != "" {
		cases[filepath.Join(progs, "TableRase")] = CodeSystem
	}
	for f, want := range cases {
		if got := code(t, g, f); got != want {
			t.Errorf("%s: code %q, want %q", f, got, want)
		}
	}
	if got := code(t, g, filepath.Join(profile, "Downloads")); got != "" {
		t.Errorf("the profile's Downloads: code %q, want accepted", got)
	}
}
