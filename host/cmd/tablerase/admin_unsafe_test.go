//go:build !windows

// Unix modes and owners; the Windows rule has its own table test in package install.

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// install --system refuses a host binary that others can modify, says why
// (the stable reason) and what to do, and writes nothing.
func TestInstallSystemRefusesModifiableBinary(t *testing.T) {
	root := t.TempDir()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("TABLERASE_CONFIG", filepath.Join(t.TempDir(), "absent.json"))
	for _, p := range []string{"usr/bin/chromium", "usr/lib/tablerase/tablerase"} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(root, p), nil, 0o755)
	}
	os.Chmod(filepath.Join(root, "usr/lib/tablerase"), 0o777)
	before := tree(t, root)
	var out, errb bytes.Buffer
	code := runInstall([]string{"--system", "--root", root, "--host-path", "/usr/lib/tablerase/tablerase"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "/usr/lib/tablerase: group or others can write (mode 0777) [writable_by_others]") ||
		!strings.Contains(errb.String(), "hint: copy tablerase to a folder only root can change") {
		t.Errorf("exit %d, stderr:\n%s", code, errb.String())
	}
	if after := tree(t, root); len(after) != len(before) {
		t.Errorf("a refused install wrote %v", after)
	}
}
