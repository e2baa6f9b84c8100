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

// A bind mount of another folder of the same file system inside the watched folder has the same
// device number as its parent: only its mount id tells it apart. It is not entered.
func TestBindMountNotEntered(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "Downloads")
	other := write(t, base, "Documents/precious.pdf", "x")
	mnt := filepath.Join(root, "bound")
	os.MkdirAll(mnt, 0o755)
	if err := unix.Mount(filepath.Dir(other), mnt, "", unix.MS_BIND, ""); err != nil {
		t.Skipf("cannot bind-mount here: %v", err)
	}
	t.Cleanup(func() { unix.Unmount(mnt, unix.MNT_DETACH) })

	r := Wipe(context.Background(), root, ScopeAll, nil, nil)
	mustExist(t, other, filepath.Join(mnt, "precious.pdf"))
	if r.Removed != 0 || r.Failed != 1 || r.Errors[ReasonBusy] != 1 {
		t.Errorf("result = %+v, want the bind mount counted failed (busy), nothing removed", r)
	}
}

// The same at the root: Downloads replaced, during the session, by a bind mount of another
// folder (same device, other inode): the folder is not the snapshotted one.
func TestBindMountOverTheFolderIsMoved(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "Downloads")
	write(t, root, "a.pdf", "a")
	other := write(t, base, "Documents/precious.pdf", "x")
	snap := take(t, root)
	if err := unix.Mount(filepath.Dir(other), root, "", unix.MS_BIND, ""); err != nil {
		t.Skipf("cannot bind-mount here: %v", err)
	}
	t.Cleanup(func() { unix.Unmount(root, unix.MNT_DETACH) })
	r := wipeSession(t, root, snap)
	mustExist(t, other)
	if r.Status != StatusMoved || r.Removed != 0 {
		t.Errorf("result = %+v, want moved", r)
	}
}
