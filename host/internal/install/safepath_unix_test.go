//go:build unix

package install

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// These tests run against real files under a temporary root. Those that need
// a folder owned by someone else chown it to nobody and so need root (the CI
// runs as root); the others run as any user, since under a --root sandbox the
// user running the install is trusted like root.

const (
	esrPolicies = "/usr/lib/firefox-esr/distribution/policies.json"
	adminFF     = `{"policies":{"DisableTelemetry":true}}`
)

func firefoxEnv(t *testing.T) machine.Env {
	t.Helper()
	env := linuxEnv(t)
	touch(t, env, "/usr/lib/firefox-esr/firefox-esr", "")
	return env
}

func firefoxPolicies(env machine.Env, log *bytes.Buffer) Options {
	if log == nil {
		log = new(bytes.Buffer)
	}
	return Options{Env: env, Level: System, HostPath: hostPath, Policies: true, NoManifests: true,
		Browsers: []machine.Browser{machine.Firefox}, Log: log}
}

func wantUnsafe(t *testing.T, err, kind error, path, reason string) *UnsafePathError {
	t.Helper()
	var ue *UnsafePathError
	if !errors.As(err, &ue) || !errors.Is(err, kind) || ue.Path != path || ue.Reason != reason {
		t.Fatalf("err = %v; want %v on %s, reason %s", err, kind, path, reason)
	}
	if ue.Fix == "" {
		t.Errorf("%v: no fix for the admin", ue)
	}
	return ue
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: makes a folder owned by nobody (uid 65534)")
	}
}

// elsewhere is a folder outside the Firefox install with an admin's
// policies.json, the target of the links planted below.
func elsewhere(t *testing.T) (dir string, snap map[string]string) {
	t.Helper()
	dir = t.TempDir()
	os.MkdirAll(filepath.Join(dir, "distribution"), 0o755)
	os.WriteFile(filepath.Join(dir, "distribution", "policies.json"), []byte(adminFF), 0o644)
	return dir, snapshot(t, dir)
}

func TestFirefoxLinksAreNotFollowed(t *testing.T) {
	for _, c := range []struct {
		name, link, target, reported string
	}{
		{"distribution folder", "/usr/lib/firefox-esr/distribution", "distribution", "/usr/lib/firefox-esr/distribution"},
		{"Firefox folder", "/usr/lib/firefox-esr", "", "/usr/lib/firefox-esr"},
		{"policies.json", esrPolicies, "distribution/policies.json", esrPolicies},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := firefoxEnv(t)
			os.MkdirAll(env.Path("/usr/lib/firefox-esr/distribution"), 0o755)
			other, before := elsewhere(t)
			if c.link == "/usr/lib/firefox-esr" {
				os.MkdirAll(filepath.Join(other, "distribution"), 0o755)
			}
			os.RemoveAll(env.Path(c.link))
			if err := os.Symlink(filepath.Join(other, c.target), env.Path(c.link)); err != nil {
				t.Fatal(err)
			}
			var log bytes.Buffer
			_, err := Install(context.Background(), firefoxPolicies(env, &log))
			wantUnsafe(t, err, ErrUnsafeFolder, c.reported, ReasonLink)
			if after := snapshot(t, other); !reflect.DeepEqual(before, after) {
				t.Errorf("the link's target changed:\nbefore %v\nafter  %v", before, after)
			}
			// The other policies.json is still merged: one skipped folder stops nothing else.
			if got := readPolicies(t, env, "/etc/firefox/policies/policies.json"); got["PrivateBrowsingModeAvailability"] == nil {
				t.Errorf("/etc/firefox/policies/policies.json not merged: %v", got)
			}
			// Uninstall does not follow it either, and still takes back the rest.
			_, err = Uninstall(context.Background(), firefoxPolicies(env, &log))
			if err != nil {
				t.Errorf("uninstall: %v", err)
			}
			if _, err := os.Stat(env.Path("/etc/firefox/policies/policies.json")); err == nil {
				t.Error("uninstall left /etc/firefox/policies/policies.json")
			}
			if after := snapshot(t, other); !reflect.DeepEqual(before, after) {
				t.Errorf("uninstall changed the link's target: %v", after)
			}
		})
	}
}

// A link planted after install: uninstall (with the record naming the file)
// reports it and leaves its target alone.
func TestUninstallDoesNotFollowALinkPlantedLater(t *testing.T) {
	env := firefoxEnv(t)
	touch(t, env, esrPolicies, adminFF)
	var log bytes.Buffer
	if _, err := Install(context.Background(), firefoxPolicies(env, &log)); err != nil {
		t.Fatal(err)
	}
	other, before := elsewhere(t)
	os.RemoveAll(env.Path("/usr/lib/firefox-esr/distribution"))
	os.Symlink(filepath.Join(other, "distribution"), env.Path("/usr/lib/firefox-esr/distribution"))
	_, err := Uninstall(context.Background(), firefoxPolicies(env, &log))
	wantUnsafe(t, err, ErrUnsafeFolder, "/usr/lib/firefox-esr/distribution", ReasonLink)
	if after := snapshot(t, other); !reflect.DeepEqual(before, after) {
		t.Errorf("uninstall wrote through the link: %v", after)
	}
}

// A link above the Firefox folder is a distribution's layout (/usr/lib64 ->
// lib): not followed, noted, not an error.
func TestLinkAboveFirefoxFolderIsNotedNotFollowed(t *testing.T) {
	env := linuxEnv(t)
	other := t.TempDir()
	os.MkdirAll(filepath.Join(other, "firefox", "distribution"), 0o755)
	os.WriteFile(filepath.Join(other, "firefox", "firefox"), nil, 0o755)
	os.MkdirAll(env.Path("/usr"), 0o755)
	os.Symlink(other, env.Path("/usr/lib64"))
	touch(t, env, "/usr/bin/firefox", "")
	var log bytes.Buffer
	if _, err := Install(context.Background(), firefoxPolicies(env, &log)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "note: /usr/lib64/firefox not examined: /usr/lib64 is a link") {
		t.Errorf("log does not say the link was skipped:\n%s", log.String())
	}
	if _, err := os.Stat(filepath.Join(other, "firefox", "distribution", "policies.json")); err == nil {
		t.Error("policies.json written through /usr/lib64")
	}
}

func TestFirefoxFolderWritableByOthersIsSkipped(t *testing.T) {
	for _, dir := range []string{"/usr/lib/firefox-esr", "/usr/lib/firefox-esr/distribution"} {
		for _, mode := range []os.FileMode{0o775, 0o757, os.ModeSticky | 0o777} {
			env := firefoxEnv(t)
			touch(t, env, esrPolicies, adminFF)
			if err := os.Chmod(env.Path(dir), mode); err != nil {
				t.Fatal(err)
			}
			var log bytes.Buffer
			_, err := Install(context.Background(), firefoxPolicies(env, &log))
			ue := wantUnsafe(t, err, ErrUnsafeFolder, dir, ReasonWritable)
			if !strings.Contains(ue.Fix, "chmod go-w "+dir) {
				t.Errorf("fix = %q", ue.Fix)
			}
			if data, _ := os.ReadFile(env.Path(esrPolicies)); string(data) != adminFF {
				t.Errorf("%s mode %o: policies.json changed: %s", dir, mode, data)
			}
		}
	}
}

// Above the Firefox folder a sticky world-writable folder is tolerated (no
// one else can rename what is in it); a plain world-writable one is not.
func TestFoldersAboveFirefoxFolder(t *testing.T) {
	env := firefoxEnv(t)
	os.Chmod(env.Path("/usr/lib"), os.ModeSticky|0o777)
	if _, err := Install(context.Background(), firefoxPolicies(env, nil)); err != nil {
		t.Errorf("sticky /usr/lib refused: %v", err)
	}
	env = firefoxEnv(t)
	os.Chmod(env.Path("/usr/lib"), 0o777)
	_, err := Install(context.Background(), firefoxPolicies(env, nil))
	wantUnsafe(t, err, ErrUnsafeFolder, "/usr/lib", ReasonWritable)
}

func TestFirefoxFolderNotRootOwnedIsSkipped(t *testing.T) {
	requireRoot(t)
	env := firefoxEnv(t)
	touch(t, env, esrPolicies, adminFF)
	if err := os.Chown(env.Path("/usr/lib/firefox-esr"), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	_, err := Install(context.Background(), firefoxPolicies(env, nil))
	wantUnsafe(t, err, ErrUnsafeFolder, "/usr/lib/firefox-esr", ReasonOwner)
	if data, _ := os.ReadFile(env.Path(esrPolicies)); string(data) != adminFF {
		t.Errorf("policies.json changed: %s", data)
	}
}

// The merged file replaces the old one (a new inode, no temporary file left)
// with mode 0644, whatever the old mode and the umask; created folders are
// 0755 and go again at uninstall.
func TestFirefoxWriteIsAtomicWithMode0644(t *testing.T) {
	env := firefoxEnv(t)
	touch(t, env, esrPolicies, adminFF)
	os.Chmod(env.Path(esrPolicies), 0o600)
	old, _ := os.Stat(env.Path(esrPolicies))
	if _, err := Install(context.Background(), firefoxPolicies(env, nil)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{esrPolicies, "/etc/firefox/policies/policies.json"} {
		fi, err := os.Stat(env.Path(p))
		if err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v, mode %v; want 0644", p, err, fi.Mode())
		}
	}
	if fi, _ := os.Stat(env.Path(esrPolicies)); os.SameFile(old, fi) {
		t.Error("policies.json rewritten in place, not replaced")
	}
	for _, d := range []string{"/etc/firefox", "/etc/firefox/policies"} {
		if fi, err := os.Stat(env.Path(d)); err != nil || fi.Mode().Perm() != 0o755 {
			t.Errorf("%s: %v %v; want mode 0755", d, err, fi)
		}
	}
	ents, _ := os.ReadDir(env.Path("/usr/lib/firefox-esr/distribution"))
	if len(ents) != 1 {
		t.Errorf("left in distribution: %v", ents)
	}
	if _, err := Uninstall(context.Background(), firefoxPolicies(env, nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(env.Path("/etc/firefox")); err == nil {
		t.Error("/etc/firefox, created by install, left behind")
	}
}
