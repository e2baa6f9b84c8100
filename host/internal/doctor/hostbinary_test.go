package doctor

import (
	"context"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/install"
)

func TestHostBinaryOthersCanModifyFails(t *testing.T) {
	f := newFixture(t, "/usr/bin/chromium", "/usr/bin/firefox-esr")
	f.install(t, install.System, false)
	r := Run(context.Background(), f.in)
	if c := check(r, "host_binary", ""); c.Status != OK || !c.Required || !r.OK {
		t.Fatalf("host_binary after a clean install = %+v (report ok %v)", c, r.OK)
	}
	n := 0
	for _, c := range r.Checks {
		if c.ID == "host_binary" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d host_binary checks for one binary named by two manifests", n)
	}
	if runtime.GOOS == "windows" {
		t.Skip("the rest is about Unix modes; the Windows owner and access-list rule is tested in package install")
	}
	// Afterwards someone makes its folder world-writable: anyone could swap
	// the program every user's browser runs.
	if err := os.Chmod(f.env.Path("/usr/lib/tablerase"), 0o777); err != nil {
		t.Fatal(err)
	}
	r = Run(context.Background(), f.in)
	c := check(r, "host_binary", "")
	if c.Status != Fail || r.OK || !strings.Contains(c.EN, "reason: writable_by_others") || !strings.Contains(c.FixEN, "/usr/local/lib/tablerase/") {
		t.Errorf("world-writable host folder: %+v (report ok %v)", c, r.OK)
	}
	if strings.Contains(c.EN, "/usr/lib/tablerase") || !strings.Contains(c.detail, "/usr/lib/tablerase") {
		t.Errorf("the path belongs in the text detail only, not the JSON: %+v", c)
	}
}

func TestHostBinaryNotRootOwnedFails(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: makes the host binary owned by nobody (uid 65534)")
	}
	f := newFixture(t, "/usr/bin/chromium")
	f.install(t, install.System, false)
	if err := os.Chown(f.env.Path(hostPath), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	r := Run(context.Background(), f.in)
	if c := check(r, "host_binary", ""); c.Status != Fail || r.OK || !strings.Contains(c.EN, "reason: not_admin_owned") {
		t.Errorf("binary owned by nobody: %+v", c)
	}
}

// A user-level manifest is the user's own business: no host_binary check.
func TestHostBinaryUserLevelNotChecked(t *testing.T) {
	f := newFixture(t, "/usr/bin/chromium")
	f.install(t, install.User, false)
	os.Chmod(f.env.Path("/usr/lib/tablerase"), 0o777)
	if c := check(Run(context.Background(), f.in), "host_binary", ""); c.ID != "" {
		t.Errorf("user-level install checked: %+v", c)
	}
}
