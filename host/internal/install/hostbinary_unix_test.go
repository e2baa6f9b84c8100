//go:build unix

package install

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// install --system and the host binary, against real files under a temporary
// root (helpers in safepath_unix_test.go).

func TestHostBinaryModifiableByOthersIsRefused(t *testing.T) {
	for _, c := range []struct {
		name, path string
		mode       os.FileMode
		reason     string
	}{
		{"world-writable folder", "/usr/lib/tablerase", 0o777, ReasonWritable},
		{"group-writable folder", "/usr/lib/tablerase", 0o775, ReasonWritable},
		{"sticky folder of its own", "/usr/lib/tablerase", os.ModeSticky | 0o777, ReasonWritable},
		{"world-writable parent", "/usr/lib", 0o777, ReasonWritable},
		{"group-writable binary", hostPath, 0o775, ReasonWritable},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := linuxEnv(t)
			touch(t, env, "/usr/bin/chromium", "")
			os.Chmod(env.Path(c.path), c.mode)
			before := snapshot(t, env.Root)
			_, err := Install(context.Background(), Options{Env: env, Level: System, HostPath: hostPath})
			ue := wantUnsafe(t, err, ErrUnsafeHost, c.path, c.reason)
			if !strings.Contains(ue.Fix, "/usr/local/lib/tablerase/") {
				t.Errorf("fix = %q", ue.Fix)
			}
			if after := snapshot(t, env.Root); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused install wrote %v", keys(after))
			}
		})
	}
	env := linuxEnv(t)
	touch(t, env, "/usr/bin/chromium", "")
	os.Chmod(env.Path("/usr"), os.ModeSticky|0o777) // sticky, above the binary's folder: tolerated
	if _, err := Install(context.Background(), Options{Env: env, Level: System, HostPath: hostPath}); err != nil {
		t.Errorf("sticky /usr refused: %v", err)
	}
	// User level: the binary is the user's own business.
	env = linuxEnv(t)
	touch(t, env, "/usr/bin/chromium", "")
	os.Chmod(env.Path("/usr/lib/tablerase"), 0o777)
	if _, err := Install(context.Background(), Options{Env: env, Level: User, HostPath: hostPath}); err != nil {
		t.Errorf("user level refused: %v", err)
	}
	// Policies only (the tablerase-policies package): no manifest names the binary.
	if _, err := Install(context.Background(), firefoxPolicies(env, nil)); errors.Is(err, ErrUnsafeHost) {
		t.Errorf("--only-policies checked the binary: %v", err)
	}
}

func TestHostBinaryLinkOrMissingIsRefused(t *testing.T) {
	env := linuxEnv(t)
	touch(t, env, "/usr/bin/chromium", "")
	os.Symlink("../lib/tablerase/tablerase", env.Path("/usr/bin/tablerase"))
	_, err := Install(context.Background(), Options{Env: env, Level: System, HostPath: "/usr/bin/tablerase"})
	wantUnsafe(t, err, ErrUnsafeHost, "/usr/bin/tablerase", ReasonLink)
	_, err = Install(context.Background(), Options{Env: env, Level: System, HostPath: "/opt/tablerase/tablerase"})
	wantUnsafe(t, err, ErrUnsafeHost, "/opt/tablerase/tablerase", ReasonMissing)
}

func TestHostBinaryNotRootOwnedIsRefused(t *testing.T) {
	requireRoot(t)
	for _, p := range []string{"/usr/lib/tablerase", hostPath, "/usr"} {
		env := linuxEnv(t)
		touch(t, env, "/usr/bin/chromium", "")
		if err := os.Chown(env.Path(p), 65534, 65534); err != nil {
			t.Fatal(err)
		}
		_, err := Install(context.Background(), Options{Env: env, Level: System, HostPath: hostPath})
		wantUnsafe(t, err, ErrUnsafeHost, p, ReasonOwner)
	}
}

// On the real root (no sandbox) only root is trusted, whoever runs the check.
func TestRealRootTrustsOnlyRoot(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "tablerase")
	os.WriteFile(p, nil, 0o755)
	if os.Geteuid() == 0 {
		os.Chown(p, 65534, 65534)
	}
	err := CheckHostBinary(machine.Env{OS: "linux"}, p)
	var ue *UnsafePathError
	if !errors.As(err, &ue) || ue.Reason != ReasonOwner {
		t.Errorf("a binary not root's accepted: %v", err)
	}
}
