//go:build linux || darwin

package wipe

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// unixDir is a directory opened with O_DIRECTORY; every operation is relative to fd.
//
// A read-only directory is made writable (or readable) through its own handle only when something
// in it must go, and its mode is put back when the handle is closed: an old directory keeps its
// permissions, a new one is removed anyway.
type unixDir struct {
	fd       int
	id       identity // the directory itself, read through fd when it was opened
	restore  bool     // mode was changed by us
	origMode uint32   // permission bits to put back
}

const dirFlags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC | unix.O_NONBLOCK

func openRoot(path string) (dir, error) {
	fd, err := openRetry(unix.AT_FDCWD, path, dirFlags)
	if err != nil {
		return nil, mapErrno(err)
	}
	id, err := statAt(fd, "")
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return &unixDir{fd: fd, id: id}, nil
}

func (d *unixDir) self() identity { return d.id }

func (d *unixDir) close() error {
	if d.restore {
		unix.Fchmod(d.fd, d.origMode)
	}
	return unix.Close(d.fd)
}

func (d *unixDir) list() ([]entry, error) {
	// Read names through a duplicate so that closing the *os.File leaves d.fd open.
	dup, err := unix.Dup(d.fd)
	if err != nil {
		return nil, mapErrno(err)
	}
	unix.CloseOnExec(dup)
	if _, err := unix.Seek(dup, 0, 0); err != nil {
		unix.Close(dup)
		return nil, mapErrno(err)
	}
	f := os.NewFile(uintptr(dup), "")
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return nil, mapErrno(err)
	}
	out := make([]entry, 0, len(names))
	for _, name := range names {
		id, err := d.stat(name)
		if errors.Is(err, ErrPermission) && d.grant() {
			id, err = d.stat(name) // readable but not searchable, and ours
		}
		if errors.Is(err, ErrGone) {
			continue
		}
		if err != nil {
			// Cannot stat inside (a directory readable but not searchable): the directory
			// counts as unreadable as a whole.
			return nil, err
		}
		if id.kind == kindDir && d.crossesMount(id) {
			id.kind = kindMount // like rm --one-file-system: another mount is not ours to walk
		}
		out = append(out, entry{name: name, id: id})
	}
	return out, nil
}

func (d *unixDir) stat(name string) (identity, error) { return statAt(d.fd, name) }

// crossesMount reports whether the sub-directory child lies on another mount than d: another
// device, or (Linux) another mount id, which also catches a bind mount of a folder of the same
// file system.
func (d *unixDir) crossesMount(child identity) bool {
	return child.dev != d.id.dev || child.mnt != 0 && d.id.mnt != 0 && child.mnt != d.id.mnt
}

func statIdentity(st *unix.Stat_t) identity {
	id := identity{dev: uint64(st.Dev)}
	ino := uint64(st.Ino)
	for i := range 8 {
		id.ino[i] = byte(ino >> (8 * i))
	}
	switch uint32(st.Mode) & unix.S_IFMT {
	case unix.S_IFREG:
		id.kind = kindFile
	case unix.S_IFDIR:
		id.kind = kindDir
	case unix.S_IFLNK:
		id.kind = kindLink
	default:
		id.kind = kindOther
	}
	id.mtime = st.Mtim.Sec*1e9 + int64(st.Mtim.Nsec)
	if id.kind != kindDir {
		id.size = st.Size
	}
	return id
}

func (d *unixDir) openDir(name string, want identity) (dir, error) {
	fd, err := openRetry(d.fd, name, dirFlags|unix.O_NOFOLLOW)
	restore, origMode := false, uint32(0)
	if errors.Is(err, unix.EACCES) {
		// A directory we own but cannot read or search: make it so without following a link
		// (fchmodat2; refused rather than followed where the kernel lacks it), then retry.
		var st unix.Stat_t
		if unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && statIdentity(&st).sameObject(want) {
			origMode = uint32(st.Mode) & 0o7777
			if unix.Fchmodat(d.fd, name, origMode|0o700, unix.AT_SYMLINK_NOFOLLOW) == nil {
				restore = true
				fd, err = openRetry(d.fd, name, dirFlags|unix.O_NOFOLLOW)
			}
		}
	}
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
		return nil, ErrRaced // swapped for a link or a non-directory
	}
	if err != nil {
		return nil, mapErrno(err)
	}
	id, err := statAt(fd, "")
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	if !id.sameObject(want) {
		unix.Close(fd)
		return nil, ErrRaced
	}
	return &unixDir{fd: fd, id: id, restore: restore, origMode: origMode}, nil
}

func (d *unixDir) remove(name string, want identity) error {
	// unlinkat works by name: narrow the window by re-checking identity just before. Files
	// modified since listing are still new, so only the object (not its contents) is compared.
	id, err := d.stat(name)
	if err != nil {
		return err
	}
	if id.kind == kindDir && want.kind == kindMount {
		id.kind = kindMount // stat alone cannot tell; the listing did
	}
	if !id.sameObject(want) {
		return ErrRaced
	}
	flags := 0
	if want.kind == kindDir || want.kind == kindMount {
		flags = unix.AT_REMOVEDIR
	}
	err = unlinkRetry(d.fd, name, flags)
	if (errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM)) && d.grant() {
		err = unlinkRetry(d.fd, name, flags) // the directory was read-only, and is ours
	}
	return mapErrno(err)
}

// grant gives the owner full access to d through its own handle, once, so that its entries can be
// stat'ed and removed; close puts the mode back. It reports whether anything changed: false when
// the owner already had full access or the caller does not own d (the error stays "permission").
func (d *unixDir) grant() bool {
	var st unix.Stat_t
	if d.restore || unix.Fstat(d.fd, &st) != nil || uint32(st.Mode)&0o700 == 0o700 {
		return false
	}
	if unix.Fchmod(d.fd, uint32(st.Mode)&0o7777|0o700) != nil {
		return false
	}
	d.restore, d.origMode = true, uint32(st.Mode)&0o7777
	return true
}

func openRetry(dirfd int, name string, flags int) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, flags, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

func unlinkRetry(dirfd int, name string, flags int) error {
	for {
		err := unix.Unlinkat(dirfd, name, flags)
		if err != unix.EINTR {
			return err
		}
	}
}

// mapErrno turns an OS error into a package sentinel, dropping any name or path it carries.
func mapErrno(err error) error {
	if err == nil {
		return nil
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return errIO
	}
	switch errno {
	case unix.EACCES, unix.EPERM, unix.EROFS:
		return ErrPermission
	case unix.EBUSY, unix.ETXTBSY:
		return ErrBusy
	case unix.ENOENT:
		return ErrGone
	case unix.ENOTDIR:
		return ErrNotDir
	case unix.ENOTEMPTY, unix.EEXIST, unix.ELOOP:
		return ErrRaced
	}
	return errIO
}
