package wipe

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// A file system mounted inside the watched folder is not walked (like rm --one-file-system).
func TestMountPointNotEntered(t *testing.T) {
	root := t.TempDir()
	mnt := filepath.Join(root, "mnt")
	os.Mkdir(mnt, 0o755)
	if err := unix.Mount("tmpfs", mnt, "tmpfs", 0, "size=1m"); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() { unix.Unmount(mnt, unix.MNT_DETACH) })
	inside := write(t, mnt, "on-another-fs.txt", "x")

	r := Wipe(context.Background(), root, ScopeAll, nil, nil)
	mustExist(t, inside)
	if r.Failed != 1 || r.Errors[ReasonBusy] != 1 || r.Removed != 0 {
		t.Errorf("result = %+v, want the mount point counted failed (busy), nothing removed", r)
	}
}
