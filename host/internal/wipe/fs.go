package wipe

// entry is one child of a directory, as listed without following links.
type entry struct {
	name string
	id   identity
}

// dir is an opened directory handle; the only seam between the portable walk and the OS.
//
// Every method works relative to the handle, never through a path, and never follows a link,
// junction or reparse point. Errors wrap one of the package sentinels (ErrPermission, ErrBusy,
// ErrRaced, ErrGone, ...) or errIO, and never contain a name or a path.
type dir interface {
	// list returns the directory's entries except "." and "..". An entry that disappears while
	// being listed is left out.
	list() ([]entry, error)
	// openDir opens the child directory name and checks that the opened handle is the object want
	// describes; if it is not (the child was swapped, for a link or another directory), it returns
	// an error wrapping ErrRaced and nothing is opened.
	openDir(name string, want identity) (dir, error)
	// remove deletes the child name (an empty directory when want.kind is kindDir; otherwise a
	// file, a link itself or a special file) if it is still the object want describes, and returns
	// ErrRaced without deleting if it is not. A read-only entry, or a read-only directory owned by
	// the caller, is made writable as needed.
	remove(name string, want identity) error
	// self returns the identity of the directory itself, read through the handle when it was
	// opened (so it describes what was opened, whatever happened to the path since).
	self() identity
	// close releases the handle.
	close() error
}

// openRoot opens the watched folder by path (following a link at the root only, see the package
// doc) and returns its handle. A missing folder yields an error wrapping ErrGone; a path that is not a
// directory, ErrNotDir. Each OS-specific file defines:
//
//	func openRoot(path string) (dir, error)
