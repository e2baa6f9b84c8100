//go:build linux || darwin

package wipe

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestSessionKeepsOldRemovesNew(t *testing.T) {
	root := t.TempDir()
	old := []string{write(t, root, "old.pdf", "old"), write(t, root, "docs/old2.pdf", "older")}
	oldDir := filepath.Join(root, "docs")
	snap := take(t, root)

	fresh := []string{write(t, root, "new.pdf", "12345"), write(t, root, "docs/new2.pdf", "123")}
	r := wipeSession(t, root, snap)

	mustExist(t, append(old, oldDir)...)
	mustBeGone(t, fresh...)
	wantCounts(t, r, StatusClean, 2, 3, 0)
	if r.RemovedBytes != 8 {
		t.Errorf("RemovedBytes = %d, want 8", r.RemovedBytes)
	}
	if len(r.Errors) != 0 {
		t.Errorf("Errors = %v, want none", r.Errors)
	}
}

func TestModifiedFileRemoved(t *testing.T) {
	root := t.TempDir()
	appended := write(t, root, "appended.txt", "v1")
	touched := write(t, root, "touched.txt", "same")
	untouched := write(t, root, "untouched.txt", "same")
	snap := take(t, root)

	var before unix.Stat_t
	unix.Stat(appended, &before)
	f, err := os.OpenFile(appended, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("v2")
	f.Close()
	var after unix.Stat_t
	unix.Stat(appended, &after)
	if before.Ino != after.Ino {
		t.Fatal("test setup: inode changed")
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(touched, later, later); err != nil {
		t.Fatal(err)
	}

	r := wipeSession(t, root, snap)
	mustBeGone(t, appended, touched)
	mustExist(t, untouched)
	wantCounts(t, r, StatusClean, 2, 1, 0)
}

func TestOldFileMovedIntoNewFolderKept(t *testing.T) {
	root := t.TempDir()
	oldPath := write(t, root, "releve.pdf", "old content")
	renamedInPlace := write(t, root, "a.txt", "a")
	snap := take(t, root)

	newDir := filepath.Join(root, "classement")
	os.Mkdir(newDir, 0o755)
	moved := filepath.Join(newDir, "releve-renamed.pdf")
	if err := os.Rename(oldPath, moved); err != nil {
		t.Fatal(err)
	}
	renamed := filepath.Join(root, "b.txt")
	os.Rename(renamedInPlace, renamed)
	fresh := write(t, root, "classement/scan.pdf", "new")

	r := wipeSession(t, root, snap)
	mustExist(t, moved, newDir, renamed)
	mustBeGone(t, fresh)
	// kept: moved file, renamed file, and the new folder that holds an old file.
	wantCounts(t, r, StatusClean, 1, 3, 0)
}

func TestNewNestedTreeRemoved(t *testing.T) {
	root := t.TempDir()
	keep := write(t, root, "keep.txt", "k")
	snap := take(t, root)
	write(t, root, "a/b/c/d.txt", "d")
	write(t, root, "a/b/e.txt", "e")
	write(t, root, "a/f.txt", "f")
	os.MkdirAll(filepath.Join(root, "a/empty/deeper"), 0o755)

	r := wipeSession(t, root, snap)
	mustBeGone(t, filepath.Join(root, "a"))
	mustExist(t, keep)
	// 3 files + a, a/b, a/b/c, a/empty, a/empty/deeper.
	wantCounts(t, r, StatusClean, 8, 1, 0)
}

func TestNewSymlinksRemovedTargetsIntact(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	secret := write(t, outside, "secret.txt", "outside content")
	write(t, outside, "dir/inner.txt", "inner")
	snap := take(t, root)

	os.Symlink(secret, filepath.Join(root, "link-to-file"))
	os.Symlink(filepath.Join(outside, "dir"), filepath.Join(root, "link-to-dir"))
	os.Symlink(outside, filepath.Join(root, "link-to-outside"))
	os.Symlink("/nonexistent/target", filepath.Join(root, "dangling"))

	r := wipeSession(t, root, snap)
	mustBeGone(t, filepath.Join(root, "link-to-file"), filepath.Join(root, "link-to-dir"),
		filepath.Join(root, "link-to-outside"), filepath.Join(root, "dangling"))
	wantCounts(t, r, StatusClean, 4, 0, 0)
	if b, err := os.ReadFile(secret); err != nil || string(b) != "outside content" {
		t.Errorf("outside target changed: %q, %v", b, err)
	}
	mustExist(t, filepath.Join(outside, "dir/inner.txt"))
}

func TestOldSymlinkKept(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	write(t, outside, "new-in-target.txt", "x")
	link := filepath.Join(root, "old-link")
	os.Symlink(outside, link)
	snap := take(t, root)
	// Files added behind an old link are outside the folder: never reached.
	behind := write(t, outside, "added-later.txt", "y")

	r := wipeSession(t, root, snap)
	mustExist(t, link, behind)
	wantCounts(t, r, StatusClean, 0, 1, 0)
}

func TestScopeAllNeverFollowsLinks(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	target := write(t, outside, "dir/keep.txt", "outside")
	write(t, root, "old.txt", "old")
	write(t, root, "sub/old2.txt", "old")
	os.Symlink(filepath.Join(outside, "dir"), filepath.Join(root, "sub/link"))
	os.Chmod(filepath.Join(root, "old.txt"), 0o400)

	r := Wipe(context.Background(), root, ScopeAll, nil, nil)
	entries, _ := os.ReadDir(root)
	if len(entries) != 0 {
		t.Errorf("root not emptied: %d entries left", len(entries))
	}
	mustExist(t, root, target)
	wantCounts(t, r, StatusClean, 4, 0, 0)
}

// The hook replaces a sub-directory by a link to an outside directory between the decision to
// descend and the open: the wipe must not enter it.
func TestSubdirSwappedForSymlinkIsRaced(t *testing.T) {
	for _, swap := range []string{"symlink", "directory"} {
		t.Run(swap, func(t *testing.T) {
			root, outside := t.TempDir(), t.TempDir()
			victim := write(t, outside, "precious.txt", "do not delete")
			snap := take(t, root)
			write(t, root, "sub/new.txt", "new")
			other := write(t, root, "other.txt", "new")

			hook := func(name string) {
				if name != "sub" {
					return
				}
				sub := filepath.Join(root, "sub")
				if err := os.Rename(sub, filepath.Join(t.TempDir(), "moved-away")); err != nil {
					t.Fatal(err)
				}
				if swap == "symlink" {
					os.Symlink(outside, sub)
				} else {
					os.Mkdir(sub, 0o755)
					os.WriteFile(filepath.Join(sub, "swapped-in.txt"), []byte("x"), 0o644)
				}
			}
			w, _, _ := newWiper(context.Background(), ScopeSession, snap, testKey)
			w.hooks.beforeOpenDir = hook
			d, err := openRoot(root)
			if err != nil {
				t.Fatal(err)
			}
			r := w.run(d)
			d.close()

			mustExist(t, victim, filepath.Join(outside))
			mustBeGone(t, other)
			if swap == "directory" {
				mustExist(t, filepath.Join(root, "sub", "swapped-in.txt"))
			}
			if r.Errors[ReasonRaced] != 1 || r.Status != StatusPartial || r.Failed != 1 {
				t.Errorf("result = %+v, want one raced failure, partial", r)
			}
		})
	}
}

func TestRootMissing(t *testing.T) {
	root := filepath.Join(t.TempDir(), "Téléchargements")
	snap := take(t, root)
	if snap.Existed {
		t.Fatal("snapshot of a missing folder says it existed")
	}
	r := wipeSession(t, root, snap)
	wantCounts(t, r, StatusMissing, 0, 0, 0)
}

// A folder the browser creates during the session (no Downloads folder at the start): all of it
// is the session's, since everything in it was born after the snapshot.
func TestRootCreatedDuringSession(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "Scans")
	snap := take(t, root)
	afterSnapshot(t, base, snap)
	write(t, root, "scan1.pdf", "1")
	write(t, root, "sub/scan2.pdf", "22")

	r := wipeSession(t, root, snap)
	mustExist(t, root)
	mustBeGone(t, filepath.Join(root, "scan1.pdf"), filepath.Join(root, "sub"))
	wantCounts(t, r, StatusClean, 3, 0, 0)
	if r.RemovedBytes != 3 {
		t.Errorf("RemovedBytes = %d, want 3", r.RemovedBytes)
	}
}

func TestRootIsAFile(t *testing.T) {
	root := write(t, t.TempDir(), "file", "x")
	if _, err := Take(context.Background(), root, testKey); err == nil || strings.Contains(err.Error(), "file") {
		t.Errorf("Take on a file: err = %v, want an error that names nothing", err)
	}
	r := Wipe(context.Background(), root, ScopeAll, nil, nil)
	if r.Status != StatusFailed || r.Errors[ReasonNotDir] != 1 {
		t.Errorf("result = %+v, want failed not_dir", r)
	}
	mustExist(t, root)
}

func TestReadOnlyEntriesRemoved(t *testing.T) {
	root := t.TempDir()
	oldRO := filepath.Join(root, "old-readonly")
	os.Mkdir(oldRO, 0o755)
	write(t, root, "old-readonly/old.txt", "o")
	os.Chmod(oldRO, 0o555)
	t.Cleanup(func() { os.Chmod(oldRO, 0o755) })
	os.Chmod(oldRO, 0o755)
	snap := take(t, root)

	write(t, root, "old-readonly/new.txt", "n")
	os.Chmod(oldRO, 0o555)
	roFile := write(t, root, "newdir/readonly.pdf", "pdf")
	os.Chmod(roFile, 0o444)
	os.Chmod(filepath.Join(root, "newdir"), 0o555)
	noAccess := write(t, root, "locked/inside.txt", "x")
	os.Chmod(filepath.Join(root, "locked"), 0o000)
	noSearch := write(t, root, "nosearch/inside.txt", "x")
	os.Chmod(filepath.Join(root, "nosearch"), 0o444)
	t.Cleanup(func() {
		for _, d := range []string{"newdir", "locked", "nosearch"} {
			os.Chmod(filepath.Join(root, d), 0o755)
		}
	})

	r := wipeSession(t, root, snap)
	mustBeGone(t, filepath.Join(root, "old-readonly/new.txt"), roFile, filepath.Join(root, "newdir"),
		noAccess, filepath.Join(root, "locked"), noSearch, filepath.Join(root, "nosearch"))
	mustExist(t, filepath.Join(root, "old-readonly/old.txt"))
	wantCounts(t, r, StatusClean, 7, 2, 0)
	st, err := os.Stat(oldRO)
	if err != nil || st.Mode().Perm() != 0o555 {
		t.Errorf("old read-only folder mode = %v, %v; want 0555 restored", st.Mode().Perm(), err)
	}
}

// An immutable file (chattr +i) cannot be deleted even by root: counted as a permission failure,
// and the rest of the folder is still wiped.
func TestUndeletableFileCountedAsPermission(t *testing.T) {
	root := t.TempDir()
	snap := take(t, root)
	stuck := write(t, root, "stuck.pdf", "x")
	other := write(t, root, "other.pdf", "y")
	if out, err := exec.Command("chattr", "+i", stuck).CombinedOutput(); err != nil {
		t.Skipf("chattr +i unavailable here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", stuck).Run() })

	r := wipeSession(t, root, snap)
	mustExist(t, stuck)
	mustBeGone(t, other)
	wantCounts(t, r, StatusPartial, 1, 0, 1)
	if r.Errors[ReasonPermission] != 1 {
		t.Errorf("Errors = %v, want permission 1", r.Errors)
	}
}

func TestSpecialFilesRemovedWithoutBlocking(t *testing.T) {
	root := t.TempDir()
	snap := take(t, root)
	if err := unix.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(root, "sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	done := make(chan Result, 1)
	go func() { done <- wipeSession(t, root, snap) }()
	select {
	case r := <-done:
		wantCounts(t, r, StatusClean, 2, 0, 0)
	case <-time.After(30 * time.Second):
		t.Fatal("wipe blocked on a FIFO or socket")
	}
	mustBeGone(t, filepath.Join(root, "fifo"), filepath.Join(root, "sock"))
}

func TestTenThousandFiles(t *testing.T) {
	root := t.TempDir()
	for i := range 100 {
		write(t, root, "old-"+strconv.Itoa(i), "o")
	}
	snap := take(t, root)
	for i := range 10_000 {
		write(t, root, filepath.Join("batch"+strconv.Itoa(i%10), "new-"+strconv.Itoa(i)), "n")
	}
	r := wipeSession(t, root, snap)
	wantCounts(t, r, StatusClean, 10_010, 100, 0)
	entries, _ := os.ReadDir(root)
	if len(entries) != 100 {
		t.Errorf("%d entries left, want the 100 old ones", len(entries))
	}
}

func TestIdempotent(t *testing.T) {
	root := t.TempDir()
	write(t, root, "old/a.txt", "a")
	snap := take(t, root)
	write(t, root, "old/new.txt", "n")
	write(t, root, "newdir/x.txt", "x")
	os.Rename(filepath.Join(root, "old/a.txt"), filepath.Join(root, "newdir/a.txt"))

	first := wipeSession(t, root, snap)
	wantCounts(t, first, StatusClean, 2, 3, 0)
	second := wipeSession(t, root, snap)
	wantCounts(t, second, StatusClean, 0, 3, 0)
}

func TestDeadlinePassedIsBoundedAndPartial(t *testing.T) {
	root := t.TempDir()
	snap := take(t, root)
	for i := range 50 {
		write(t, root, "new-"+strconv.Itoa(i), "n")
	}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	r := Wipe(ctx, root, ScopeSession, snap, testKey)
	if r.Status != StatusPartial || r.Errors[ReasonTimeout] != 1 || r.Removed != 0 {
		t.Errorf("result = %+v, want partial, timeout 1, nothing removed", r)
	}
	if _, err := Take(ctx, root, testKey); err == nil {
		t.Error("Take with an expired context: want error")
	}
	// The next run finishes the job.
	wantCounts(t, wipeSession(t, root, snap), StatusClean, 50, 0, 0)
}

func TestWrongKeyOrNoSnapshotRemovesNothing(t *testing.T) {
	root := t.TempDir()
	old := write(t, root, "old.txt", "o")
	snap := take(t, root)
	otherKey := bytes.Repeat([]byte{7}, KeySize)

	for name, r := range map[string]Result{
		ReasonBadKey:     Wipe(context.Background(), root, ScopeSession, snap, otherKey),
		ReasonNoSnapshot: Wipe(context.Background(), root, ScopeSession, nil, testKey),
		ReasonBadScope:   Wipe(context.Background(), root, Scope("everything"), snap, testKey),
	} {
		if r.Status != StatusFailed || r.Errors[name] != 1 || r.Removed != 0 {
			t.Errorf("%s: result = %+v, want failed", name, r)
		}
	}
	if _, err := Take(context.Background(), root, []byte("short")); err != ErrBadKey {
		t.Errorf("Take with a short key: err = %v, want ErrBadKey", err)
	}
	mustExist(t, old)
}

func TestTooDeep(t *testing.T) {
	root := t.TempDir()
	deep := root
	for range MaxDepth + 2 {
		deep = filepath.Join(deep, "d")
	}
	oldDeep := write(t, deep, "old.txt", "o")
	snap := take(t, root)
	// Beyond MaxDepth the snapshot could not look: what is there is kept whole.
	newDeep := write(t, deep, "new.txt", "n")
	newShallow := write(t, root, "d/new.txt", "n")

	r := wipeSession(t, root, snap)
	mustExist(t, oldDeep, newDeep)
	mustBeGone(t, newShallow)
	if r.Removed != 1 || r.Status != StatusClean {
		t.Errorf("result = %+v, want 1 removed, clean", r)
	}

	// A new tree deeper than MaxDepth: removed down to the limit, reported too_deep.
	root2 := t.TempDir()
	snap2 := take(t, root2)
	deep2 := root2
	for range MaxDepth + 2 {
		deep2 = filepath.Join(deep2, "n")
	}
	write(t, deep2, "x.txt", "x")
	r = wipeSession(t, root2, snap2)
	if r.Status != StatusPartial || r.Errors[ReasonTooDeep] != 1 || r.Failed != 1 {
		t.Errorf("result = %+v, want partial with one too_deep", r)
	}
}

func TestSnapshotHoldsNoNames(t *testing.T) {
	root := t.TempDir()
	names := []string{"Zorglub-Martine-avis-imposition.pdf", "ZorglubDossierCAF", "zorglub-link"}
	write(t, root, names[0], "secret content zorglub")
	write(t, root, names[1]+"/inner-zorglub.txt", "x")
	os.Symlink("/tmp/zorglub-target", filepath.Join(root, names[2]))
	b, err := take(t, root).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, needle := range []string{"zorglub", "Zorglub", "Martine", ".pdf", filepath.Base(root), "secret"} {
		if bytes.Contains(b, []byte(needle)) {
			t.Errorf("marshaled snapshot contains %q", needle)
		}
	}
	var s Snapshot
	if err := s.UnmarshalBinary(b); err != nil || s.Len() != 4 {
		t.Errorf("round trip: len %d, err %v; want 4 entries", s.Len(), err)
	}
}
