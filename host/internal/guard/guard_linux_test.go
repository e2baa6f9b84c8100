package guard

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func TestLinuxSystemFolders(t *testing.T) {
	g, _ := hostGuard(t)
	for f, want := range map[string]string{
		"/":                CodeRoot,
		"/etc/tablerase":   CodeSystem,
		"/usr":             CodeSystem,
		"/usr/local/share": CodeSystem,
		"/var":             CodeSystem,
		"/var/lib/scans":   CodeSystem,
		"/tmp":             "*", // holds the test's home too: either code
		"/home":            "*", // holds other users' homes: either code
		"/media":           CodeSystem,
	} {
		if got := code(t, g, f); got != want && !(want == "*" && got != "") {
			t.Errorf("%s: code %q, want %q", f, got, want)
		}
	}
	if got := code(t, g, filepath.Join(t.TempDir(), "scans")); got != "" {
		t.Errorf("a folder inside /tmp: code %q, want accepted", got)
	}
}

func TestPasswdHomesAreOtherUsers(t *testing.T) {
	f := filepath.Join(t.TempDir(), "passwd")
	os.WriteFile(f, []byte("root:x:0:0:root:/root:/bin/bash\nbob:x:1001:1001::/srv/people/bob:/bin/sh\nme:x:1000:1000::/home/me:/bin/sh\nweird:x:5:5::/:/bin/false\nbroken line\n"), 0o644)
	got := passwdHomes(f, 1000)
	want := []string{"/root", "/srv/people/bob"}
	if len(got) != len(want) {
		t.Fatalf("passwdHomes = %+v, want %v", got, want)
	}
	for i, p := range got {
		if p.Path != want[i] || p.Code != CodeOtherUser || !p.Inside {
			t.Errorf("passwdHomes[%d] = %+v, want %s, other_user, inside", i, p, want[i])
		}
	}
}

// A bind mount of the home elsewhere is the home: found by identity, not by path.
func TestBindMountOfTheHomeIsTheHome(t *testing.T) {
	g, home := hostGuard(t)
	alias := mkdir(t, filepath.Join(t.TempDir(), "alias"))
	if err := unix.Mount(home, alias, "", unix.MS_BIND, ""); err != nil {
		t.Skipf("cannot bind-mount here: %v", err)
	}
	t.Cleanup(func() { unix.Unmount(alias, unix.MNT_DETACH) })
	if got := code(t, g, alias); got != CodeHome {
		t.Errorf("bind mount of the home: code %q, want home", got)
	}
}
