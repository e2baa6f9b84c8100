package wipe

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// fakeNode is an in-memory file system used to drive the portable walk through error paths that a
// real file system will not produce on demand (especially as root).
type fakeNode struct {
	id                          identity
	children                    map[string]*fakeNode
	listErr, openErr, removeErr error
}

type fakeFS struct {
	root *fakeNode
	ino  uint64
}

func newFakeFS() *fakeFS {
	fs := &fakeFS{}
	fs.root = fs.node(kindDir)
	return fs
}

func (fs *fakeFS) node(k kind) *fakeNode {
	fs.ino++
	n := &fakeNode{id: identity{dev: 1, kind: k, size: 10, mtime: 1}}
	n.id.ino[0] = byte(fs.ino)
	n.id.ino[1] = byte(fs.ino >> 8)
	if k == kindDir {
		n.children = map[string]*fakeNode{}
		n.id.size, n.id.mtime = 0, 0
	}
	return n
}

// add creates path ("a/b/c"); the parents must exist. A trailing "/" makes a directory.
func (fs *fakeFS) add(path string) *fakeNode {
	k := kindFile
	if strings.HasSuffix(path, "/") {
		k, path = kindDir, strings.TrimSuffix(path, "/")
	}
	parts := strings.Split(path, "/")
	parent := fs.get(strings.Join(parts[:len(parts)-1], "/"))
	n := fs.node(k)
	parent.children[parts[len(parts)-1]] = n
	return n
}

func (fs *fakeFS) get(path string) *fakeNode {
	n := fs.root
	if path == "" {
		return n
	}
	for _, p := range strings.Split(path, "/") {
		if n = n.children[p]; n == nil {
			return nil
		}
	}
	return n
}

type fakeDir struct{ n *fakeNode }

func (d fakeDir) list() ([]entry, error) {
	if d.n.listErr != nil {
		return nil, d.n.listErr
	}
	var out []entry
	for name, c := range d.n.children {
		out = append(out, entry{name: name, id: c.id})
	}
	slices.SortFunc(out, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

func (d fakeDir) openDir(name string, want identity) (dir, error) {
	c := d.n.children[name]
	switch {
	case c == nil:
		return nil, ErrGone
	case c.openErr != nil:
		return nil, c.openErr
	case !c.id.sameObject(want):
		return nil, ErrRaced
	}
	return fakeDir{c}, nil
}

func (d fakeDir) remove(name string, want identity) error {
	c := d.n.children[name]
	switch {
	case c == nil:
		return ErrGone
	case c.removeErr != nil:
		return c.removeErr
	case !c.id.sameObject(want):
		return ErrRaced
	case len(c.children) > 0:
		return ErrRaced
	}
	delete(d.n.children, name)
	return nil
}

func (d fakeDir) close() error   { return nil }
func (d fakeDir) self() identity { return d.n.id }

func fakeTake(t *testing.T, fs *fakeFS) *Snapshot {
	t.Helper()
	dg, _ := newDigester(testKey)
	s, err := takeFrom(context.Background(), fakeDir{fs.root}, dg, MaxEntries)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fakeWipe(t *testing.T, fs *fakeFS, scope Scope, snap *Snapshot) Result {
	t.Helper()
	w, res, ok := newWiper(context.Background(), scope, snap, testKey)
	if !ok {
		t.Fatalf("refused: %+v", res)
	}
	return w.run(fakeDir{fs.root})
}

func TestUnreadableSubtreeDoesNotStopTheWipe(t *testing.T) {
	fs := newFakeFS()
	fs.add("locked/").listErr = ErrPermission
	fs.add("locked/inner")
	fs.add("unopenable/").openErr = errIO
	fs.add("busy.pdf").removeErr = ErrBusy
	fs.add("holder/")
	fs.add("holder/stuck").removeErr = ErrPermission
	fs.add("fine.pdf")

	r := fakeWipe(t, fs, ScopeAll, nil)
	if fs.get("fine.pdf") != nil {
		t.Error("fine.pdf not removed")
	}
	if fs.get("holder") == nil || fs.get("locked/inner") == nil {
		t.Error("a directory holding a failed entry was removed, or a locked one entered")
	}
	// holder is left because of its failed child: neither removed nor kept.
	wantCounts(t, r, StatusPartial, 1, 0, 4)
	want := map[string]int{ReasonPermission: 2, ReasonBusy: 1, ReasonIO: 1}
	if len(r.Errors) != len(want) {
		t.Errorf("Errors = %v, want %v", r.Errors, want)
	}
	for k, v := range want {
		if r.Errors[k] != v {
			t.Errorf("Errors = %v, want %v", r.Errors, want)
		}
	}
}

func TestUnlistableRootFails(t *testing.T) {
	fs := newFakeFS()
	fs.add("a")
	fs.root.listErr = ErrPermission
	r := fakeWipe(t, fs, ScopeAll, nil)
	if r.Status != StatusFailed || r.Errors[ReasonPermission] != 1 {
		t.Errorf("result = %+v, want failed permission", r)
	}
	dg, _ := newDigester(testKey)
	if _, err := takeFrom(context.Background(), fakeDir{fs.root}, dg, MaxEntries); !errors.Is(err, ErrPermission) {
		t.Errorf("Take of an unlistable folder: err = %v, want ErrPermission", err)
	}
}

// A directory that could not be read at snapshot time may hold old files: it is kept whole.
func TestUnreadableAtSnapshotIsKeptWhole(t *testing.T) {
	fs := newFakeFS()
	locked := fs.add("locked/")
	fs.add("locked/old-unseen")
	locked.listErr = ErrPermission
	fs.add("unopenable/").openErr = ErrPermission
	snap := fakeTake(t, fs)

	locked.listErr = nil
	fs.get("unopenable").openErr = nil
	fs.add("locked/new")
	fs.add("unopenable/new")
	fs.add("new")
	r := fakeWipe(t, fs, ScopeSession, snap)
	if fs.get("locked/old-unseen") == nil || fs.get("locked/new") == nil || fs.get("unopenable/new") == nil {
		t.Error("entered a directory the snapshot could not see")
	}
	wantCounts(t, r, StatusClean, 1, 2, 0)
}

func TestTakeBoundedByEntryCount(t *testing.T) {
	fs := newFakeFS()
	fs.add("a/")
	fs.add("a/b")
	fs.add("c")
	dg, _ := newDigester(testKey)
	if _, err := takeFrom(context.Background(), fakeDir{fs.root}, dg, 2); !errors.Is(err, ErrTooManyEntries) {
		t.Errorf("err = %v, want ErrTooManyEntries", err)
	}
	if s, err := takeFrom(context.Background(), fakeDir{fs.root}, dg, 3); err != nil || s.Len() != 3 {
		t.Errorf("at the limit: %v, %v", s, err)
	}
}
