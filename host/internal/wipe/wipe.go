package wipe

import (
	"context"
	"errors"
	"time"

	"github.com/tablerase/tablerase/host/internal/contract"
)

// Scope says what Wipe removes.
type Scope string

const (
	// ScopeSession removes what is not recorded, unchanged, in the snapshot.
	ScopeSession Scope = contract.ScopeSession
	// ScopeAll removes everything under the watched folder; the folder stays.
	ScopeAll Scope = contract.ScopeAll
)

// Status values of a Result: the contract's folder statuses (package contract, PROTOCOL.md).
const (
	StatusClean   = contract.StatusClean   // everything that had to go went
	StatusPartial = contract.StatusPartial // some entries could not be removed, or time ran out
	StatusFailed  = contract.StatusFailed  // nothing could be done (folder unreadable, bad key or snapshot)
	StatusMissing = contract.StatusMissing // the watched folder does not exist: nothing to do
	StatusMoved   = contract.StatusMoved   // scope session: the folder is not the one snapshotted; nothing touched
)

// Result reports one Wipe. It holds counts and reason codes only.
type Result struct {
	Status string
	// Removed, Kept and Failed count entries (files, links, special files and directories).
	// A new directory left in place because it holds kept entries counts as kept.
	Removed, Kept, Failed int
	// RemovedBytes sums the sizes of the removed files.
	RemovedBytes int64
	// Errors counts failures by stable reason code ("permission", "busy", "raced", "timeout",
	// "too_deep", "io", "no_birth_time"; for a refused run "bad_key", "no_snapshot", "not_dir",
	// "bad_scope"; "moved" with StatusMoved). It is nil when nothing failed.
	Errors map[string]int
}

func (r *Result) fail(code string) {
	if r.Errors == nil {
		r.Errors = make(map[string]int)
	}
	r.Errors[code]++
}

// Wipe removes from root what scope says must go, working relative to opened directory handles
// and never following links (see the package doc). In scope session, snap must be the snapshot
// taken by Take under the same key; a nil snapshot or another key is refused (status failed)
// rather than treating every old file as new, and a folder whose identity is not the snapshot's
// is left untouched (status moved). It never panics on disk errors and never returns before ctx
// ends by more than the time one entry takes.
func Wipe(ctx context.Context, root string, scope Scope, snap *Snapshot, key []byte) Result {
	w, res, ok := newWiper(ctx, scope, snap, key)
	if !ok {
		return res
	}
	return w.runPath(root)
}

// RemoveNamed removes from the folder root the children whose names match accepts, each with
// everything under it, the way Wipe does in scope all: relative to directory handles, links never
// followed (a matching link goes, not what it points to). Other children are not looked at and
// root stays. It is how a closed browser's site data goes from its profile folder.
func RemoveNamed(ctx context.Context, root string, match func(name string) bool) Result {
	w, _, _ := newWiper(ctx, ScopeAll, nil, nil)
	w.only = func(e entry) bool { return match(entryName(e.name)) }
	return w.runPath(root)
}

// Child is what RemoveUnder's choice is made on: an entry as listed, never its contents and never
// what a link points to.
type Child struct {
	Name    string
	Dir     bool      // a directory (a link to one is not: Dir is false for every link)
	ModTime time.Time // last modification; for a directory, of its list of entries
}

// RemoveUnder removes, from every folder reached from root through path, the children match
// chooses, each with everything under it. path[i] chooses which sub-directories to enter at depth
// i: each is opened relative to its parent's handle and checked to be the directory listed (never
// a link, never another mount). Root is opened by its path, as in RemoveNamed; nothing outside the
// chosen children is removed, and a folder of the path that does not exist is simply not there.
// It is how the residue of one accompaniment goes from a closed profile: the children written
// after a given time, under folders such as storage/default/<origin>.
func RemoveUnder(ctx context.Context, root string, path []func(name string) bool, match func(Child) bool) Result {
	w, _, _ := newWiper(ctx, ScopeAll, nil, nil)
	w.path = path
	w.only = func(e entry) bool {
		return match(Child{Name: entryName(e.name), Dir: e.id.kind == kindDir, ModTime: time.Unix(0, e.id.mtime)})
	}
	return w.runPath(root)
}

// test hooks, nil in production.
type hooks struct {
	beforeOpenDir func(name string) // called just before a sub-directory is opened
}

type wiper struct {
	ctx      context.Context
	scope    Scope
	snap     *Snapshot
	dg       *digester
	hooks    hooks
	only     func(e entry) bool       // RemoveNamed, RemoveUnder: the children to remove; nil: all
	path     []func(name string) bool // RemoveUnder: the folders to go through before choosing
	res      Result
	timedOut bool
	// undecided: some entry could not be judged (no birth time) and was kept.
	undecided bool
}

func newWiper(ctx context.Context, scope Scope, snap *Snapshot, key []byte) (*wiper, Result, bool) {
	var res Result
	refuse := func(code string) (*wiper, Result, bool) {
		res.fail(code)
		res.Status = StatusFailed
		return nil, res, false
	}
	dg, err := newDigester(key)
	switch {
	case scope != ScopeSession && scope != ScopeAll:
		return refuse(ReasonBadScope)
	case err != nil && scope == ScopeSession:
		return refuse(ReasonBadKey)
	case scope == ScopeSession && snap == nil:
		return refuse(ReasonNoSnapshot)
	case scope == ScopeSession && snap.Existed && dg.keyCheck() != snap.keyCheck:
		return refuse(ReasonBadKey)
	}
	return &wiper{ctx: ctx, scope: scope, snap: snap, dg: dg}, res, true
}

// runPath opens root (a missing one is StatusMissing) and wipes it.
func (w *wiper) runPath(root string) Result {
	d, err := openRoot(root)
	if errors.Is(err, ErrGone) {
		return Result{Status: StatusMissing}
	}
	if err != nil {
		w.res.fail(reason(err))
		w.res.Status = StatusFailed
		return w.res
	}
	defer d.close()
	return w.run(d)
}

// run checks that the opened root is the snapshotted folder, wipes it and computes the status.
func (w *wiper) run(root dir) Result {
	if w.scope == ScopeSession && w.snap.Existed {
		self := root.self()
		self.kind = kindDir
		if w.dg.digest(self) != w.snap.root {
			// Renamed away and another folder put in its place, a link that now points
			// elsewhere, another disk mounted there: none of its entries is the person's to
			// judge. Nothing is touched.
			w.res.fail(ReasonMoved)
			w.res.Status = StatusMoved
			return w.res
		}
	}
	if err := w.descend(root, 0); err != nil {
		w.res.fail(reason(err))
		w.res.Status = StatusFailed
		return w.res
	}
	switch {
	case w.res.Failed > 0 || w.timedOut || w.undecided:
		w.res.Status = StatusPartial
	default:
		w.res.Status = StatusClean
	}
	return w.res
}

// keep reports whether an entry is recorded, unchanged, in the snapshot, and whether it is a
// directory whose contents are to be kept whole. For a folder that did not exist at the start it
// reports whether the entry was born before the snapshot (or when, unknown).
func (w *wiper) keep(id identity) (keep, opaque bool) {
	if w.scope != ScopeSession {
		return false, false
	}
	if !w.snap.Existed {
		return w.bornBefore(id), false
	}
	d := w.dg.digest(id)
	if !w.snap.has(d) {
		return false, false
	}
	return true, id.kind == kindDir && w.snap.isOpaque(d)
}

// walk processes d's entries. It returns what is left in d: kept entries (old, or holding old
// ones) and whether anything else (failures, time-out) is left. err is set only when d itself
// cannot be listed.
func (w *wiper) walk(d dir, depth int) (left leftover, err error) {
	list, err := d.list()
	if err != nil {
		return leftover{other: true}, err
	}
	for _, e := range list {
		if w.ctx.Err() != nil {
			if !w.timedOut {
				w.timedOut = true
				w.res.fail(ReasonTimeout)
			}
			left.other = true
			return left, nil
		}
		if depth == len(w.path) && w.only != nil && !w.only(e) {
			continue
		}
		keep, opaque := w.keep(e.id)
		switch {
		case keep && (e.id.kind != kindDir || opaque):
			w.res.Kept++
			left.kept = true
		case e.id.kind == kindDir:
			l := w.dir(d, e, depth+1)
			if keep || l.kept {
				// An old directory stays; so does a new one holding old entries.
				w.res.Kept++
				left.kept = true
			}
			if !keep && !l.kept && !l.other {
				w.remove(d, e, &left)
			} else if l.other {
				left.other = true
			}
		default:
			w.remove(d, e, &left)
		}
	}
	return left, nil
}

// bornBefore judges an entry of a folder that did not exist when the snapshot was taken: an
// unmounted disk or share mounted since, a link that pointed nowhere and now points somewhere, or
// simply a Downloads folder the browser created. Only an entry the file system says was created
// after the snapshot is the session's; one older (an old file renamed or moved in keeps its birth
// time) is kept. Where there is no birth time the entry is kept and reported: not deleting an old
// file matters more than deleting a new one. A directory is always looked into, its entries judged
// one by one.
func (w *wiper) bornBefore(id identity) bool {
	switch {
	case id.btime > w.snap.Taken:
		return false
	case id.btime == 0 && id.kind != kindDir && id.kind != kindMount:
		w.undecided = true
		w.res.fail(ReasonNoBirthTime)
	}
	return true
}

// descend goes through w.path from d (at depth), entering only directories the path chooses, and
// walks each folder it leads to. err is set only when d itself cannot be listed.
func (w *wiper) descend(d dir, depth int) error {
	if depth == len(w.path) {
		_, err := w.walk(d, depth)
		return err
	}
	list, err := d.list()
	if err != nil {
		return err
	}
	for _, e := range list {
		if w.ctx.Err() != nil {
			if !w.timedOut {
				w.timedOut = true
				w.res.fail(ReasonTimeout)
			}
			return nil
		}
		if e.id.kind != kindDir || !w.path[depth](entryName(e.name)) {
			continue // links, mounts and files are never gone through
		}
		sub, err := d.openDir(e.name, e.id)
		if errors.Is(err, ErrGone) {
			continue
		}
		if err != nil {
			w.failed(err)
			continue
		}
		if err := w.descend(sub, depth+1); err != nil {
			w.failed(err)
		}
		sub.close()
	}
	return nil
}

type leftover struct{ kept, other bool }

// dir opens and walks the sub-directory e of parent. Failures are counted here.
func (w *wiper) dir(parent dir, e entry, depth int) leftover {
	if depth >= MaxDepth {
		w.failed(ErrTooDeep)
		return leftover{other: true}
	}
	if w.hooks.beforeOpenDir != nil {
		w.hooks.beforeOpenDir(e.name)
	}
	sub, err := parent.openDir(e.name, e.id)
	if errors.Is(err, ErrGone) {
		return leftover{} // removed by someone else meanwhile: nothing left to do
	}
	if err != nil {
		w.failed(err)
		return leftover{other: true}
	}
	defer sub.close()
	l, err := w.walk(sub, depth)
	if err != nil {
		w.failed(err)
	}
	return l
}

func (w *wiper) remove(d dir, e entry, left *leftover) {
	err := d.remove(e.name, e.id)
	switch {
	case err == nil:
		w.res.Removed++
		if e.id.kind == kindFile {
			w.res.RemovedBytes += e.id.size
		}
	case errors.Is(err, ErrGone):
		// Already gone: nothing to count.
	default:
		w.failed(err)
		left.other = true
	}
}

func (w *wiper) failed(err error) {
	w.res.Failed++
	w.res.fail(reason(err))
}
