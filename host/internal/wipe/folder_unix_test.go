//go:build linux || darwin

package wipe

import (
	"os"
	"path/filepath"
	"testing"
)

// A folder is an identity, not a path. These tests move, relink and replace the watched folder
// between Take and Wipe, the way an aidant's own programs (or a share reconnecting) can, and check
// that no file that existed before the session is lost.

// Downloads renamed away and another folder renamed into its place: the other folder's files are
// all "unknown" to the snapshot, and would all go if the path were trusted.
func TestFolderReplacedByAnotherIsLeftAlone(t *testing.T) {
	home := t.TempDir()
	root := filepath.Join(home, "Downloads")
	write(t, root, "old-download.pdf", "old")
	docs := write(t, home, "Documents/tax-2024.pdf", "precious")
	snap := take(t, root)

	if err := os.Rename(root, filepath.Join(home, "Downloads.old")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(home, "Documents"), root); err != nil {
		t.Fatal(err)
	}
	r := wipeSession(t, root, snap)
	mustExist(t, filepath.Join(root, filepath.Base(docs)), filepath.Join(home, "Downloads.old", "old-download.pdf"))
	if r.Status != StatusMoved || r.Errors[ReasonMoved] != 1 || r.Removed != 0 {
		t.Errorf("result = %+v, want moved with nothing removed", r)
	}
}

// Downloads replaced by a link to another folder (the way a "move this folder" tool or a
// redirected profile does it).
func TestFolderRelinkedToAnotherIsLeftAlone(t *testing.T) {
	home := t.TempDir()
	root := filepath.Join(home, "Downloads")
	write(t, root, "a.pdf", "a")
	other := write(t, home, "Documents/b.pdf", "b")
	snap := take(t, root)

	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(home, "Documents"), root); err != nil {
		t.Fatal(err)
	}
	r := wipeSession(t, root, snap)
	mustExist(t, other)
	if r.Status != StatusMoved || r.Removed != 0 {
		t.Errorf("result = %+v, want moved with nothing removed", r)
	}
}

// The configured path is a link to the folder at the start (an admin moved Downloads to another
// disk): the link itself may change as long as it leads to the same folder.
func TestFolderReachedThroughAnotherLinkIsTheSameFolder(t *testing.T) {
	home := t.TempDir()
	disk := filepath.Join(home, "disk", "Downloads")
	old := write(t, disk, "old.pdf", "old")
	root := filepath.Join(home, "Downloads")
	if err := os.Symlink(disk, root); err != nil {
		t.Fatal(err)
	}
	snap := take(t, root)
	newFile := write(t, disk, "new.pdf", "new")
	os.Remove(root)
	if err := os.Symlink("disk/Downloads", root); err != nil { // relative now, same folder
		t.Fatal(err)
	}
	r := wipeSession(t, root, snap)
	mustExist(t, old)
	mustBeGone(t, newFile)
	wantCounts(t, r, StatusClean, 1, 1, 0)
}

// Downloads is a link to a disk or share that is not mounted at the start (the snapshot says the
// folder did not exist), then mounted: its files are older than the session and must all stay;
// what the session put there goes.
func TestFolderAppearingWithOldFilesKeepsThem(t *testing.T) {
	home := t.TempDir()
	share := filepath.Join(home, "share")
	oldA := write(t, share, "releve-2019.pdf", "a")
	oldB := write(t, share, "famille/photo.jpg", "b")
	mountPoint := filepath.Join(home, "mnt")
	root := filepath.Join(home, "Downloads")
	if err := os.Symlink(filepath.Join(mountPoint, "share"), root); err != nil {
		t.Fatal(err)
	}
	snap := take(t, root)
	if snap.Existed {
		t.Fatal("a dangling link was recorded as an existing folder")
	}
	afterSnapshot(t, home, snap)

	// "Mounted": the share appears behind the link, with its old files (a rename keeps their
	// birth time, as a mount shows the files' own).
	os.Mkdir(mountPoint, 0o755)
	if err := os.Rename(share, filepath.Join(mountPoint, "share")); err != nil {
		t.Fatal(err)
	}
	newFile := write(t, root, "attestation-caf.pdf", "new")
	newInOld := write(t, root, "famille/scan.pdf", "new")
	r := wipeSession(t, root, snap)
	mustExist(t, filepath.Join(root, filepath.Base(oldA)), filepath.Join(root, "famille", filepath.Base(oldB)))
	mustBeGone(t, newFile, newInOld)
	wantCounts(t, r, StatusClean, 2, 3, 0) // two old files and the old folder holding one
}
