//go:build unix

package install

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
)

// trustedOwner: root, or under a --root sandbox the user running the command.
func trustedOwner(env machine.Env, uid uint32) bool {
	return uid == 0 || env.Root != "" && int(uid) == os.Geteuid()
}

// checkMode applies the rule to one folder or file: owned by the
// administrator, and writable by group or others only when not strict and the
// sticky bit is set (others can then add entries, not replace ours).
func checkMode(env machine.Env, uid, mode uint32, strict bool) (reason, detail string) {
	if !trustedOwner(env, uid) {
		return ReasonOwner, fmt.Sprintf("owned by uid %d, not root", uid)
	}
	if mode&0o022 != 0 && (strict || mode&unix.S_ISVTX == 0) {
		return ReasonWritable, fmt.Sprintf("group or others can write (mode %04o)", mode&0o7777)
	}
	return "", ""
}

func unixFix(reason, p string) string {
	switch reason {
	case ReasonLink:
		return "Table rase never writes through a link: put the real folder at " + p + ", or merge the policies by hand where the link points"
	case ReasonOwner, ReasonWritable:
		return "if this folder is legitimate, make it root's alone (sudo chown root:root " + p + " && sudo chmod go-w " + p + "), then run install again"
	}
	return ""
}

// classify says why name in dirfd could not be opened as a folder (or file).
func classify(dirfd int, name string, err error) (reason, detail string) {
	var st unix.Stat_t
	if e := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); e == nil {
		switch uint32(st.Mode) & unix.S_IFMT {
		case unix.S_IFLNK:
			return ReasonLink, "a symbolic link, never followed"
		case unix.S_IFDIR:
		default:
			return ReasonNotFolder, ""
		}
	}
	return "", err.Error()
}

// walk opens the folder names (relative to the start: Env.Root or /) one
// component at a time with O_NOFOLLOW, checking every folder (the start
// too) with checkMode. Components from index strict on are checked strictly;
// from index create on, missing ones are created with mode 0755 and returned
// as target paths. A missing component before create wraps fs.ErrNotExist.
func walk(env machine.Env, target string, names []string, strict, create int, kind error) (fd int, created []string, err error) {
	start := env.Root
	if start == "" {
		start = "/"
	}
	fd, err = unix.Open(start, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, nil, fmt.Errorf("open %s: %w", start, err)
	}
	fail := func(i int, reason, detail string) (int, []string, error) {
		unix.Close(fd)
		p := targetPath(target, i+1)
		e := &UnsafePathError{Err: kind, Path: p, Reason: reason, Detail: detail, depth: i}
		if kind == ErrUnsafeFolder {
			e.Fix = unixFix(reason, p)
		}
		return -1, created, e
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, nil, err
	}
	if r, d := checkMode(env, st.Uid, uint32(st.Mode), strict < 0); r != "" {
		return fail(-1, r, d)
	}
	for i, name := range names {
		next, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		made := false
		if err == unix.ENOENT && i >= create {
			if err = unix.Mkdirat(fd, name, 0o755); err == nil || err == unix.EEXIST {
				made = err == nil
				next, err = unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			}
		}
		if err == unix.ENOENT {
			unix.Close(fd)
			return -1, created, fmt.Errorf("%s: %w", targetPath(target, i+1), fs.ErrNotExist)
		}
		if err != nil {
			r, d := classify(fd, name, err)
			if r == "" {
				unix.Close(fd)
				return -1, created, fmt.Errorf("%s: %w", targetPath(target, i+1), err)
			}
			return fail(i, r, d)
		}
		unix.Close(fd)
		fd = next
		if made {
			created = append(created, targetPath(target, i+1))
			unix.Fchmod(fd, 0o755) // whatever the umask: every user's browser reads it
		}
		if err := unix.Fstat(fd, &st); err != nil {
			unix.Close(fd)
			return -1, created, err
		}
		if r, d := checkMode(env, st.Uid, uint32(st.Mode), i >= strict); r != "" {
			return fail(i, r, d)
		}
	}
	return fd, created, nil
}

// openSecured opens spec.Path for a system install (see safepath.go).
func openSecured(env machine.Env, spec folderSpec) (securedFolder, []string, error) {
	names, ok := components(spec.Path)
	if !ok {
		return nil, nil, &UnsafePathError{Err: ErrUnsafeFolder, Path: spec.Path, Reason: ReasonLink, Detail: `".." in the path`}
	}
	fd, created, err := walk(env, spec.Path, names, spec.Strict, spec.Create, ErrUnsafeFolder)
	if err != nil {
		return nil, created, err
	}
	return &unixFolder{fd: fd, env: env, path: targetPath(spec.Path, len(names)), depth: len(names)}, created, nil
}

type unixFolder struct {
	fd    int
	env   machine.Env
	path  string
	depth int
}

func (d *unixFolder) unsafe(name, reason, detail string) error {
	p := d.path + "/" + name
	return &UnsafePathError{Err: ErrUnsafeFolder, Path: p, Reason: reason, Detail: detail, Fix: unixFix(reason, p), depth: d.depth}
}

func (d *unixFolder) ReadFile(name string) ([]byte, error) {
	fd, err := unix.Openat(d.fd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err == unix.ENOENT {
		return nil, fmt.Errorf("%s/%s: %w", d.path, name, fs.ErrNotExist)
	}
	if err != nil {
		if r, det := classify(d.fd, name, err); r == ReasonLink {
			return nil, d.unsafe(name, r, det)
		}
		return nil, fmt.Errorf("%s/%s: %w", d.path, name, err)
	}
	f := os.NewFile(uintptr(fd), d.path+"/"+name)
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, d.unsafe(name, ReasonNotFile, "")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFirefoxPolicy+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFirefoxPolicy {
		return nil, fmt.Errorf("%s/%s: %w: file too large", d.path, name, policy.ErrInvalid)
	}
	return data, nil
}

func (d *unixFolder) WriteFile(name string, data []byte) (err error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := ".tablerase-" + hex.EncodeToString(rnd[:])
	fd, err := unix.Openat(d.fd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return fmt.Errorf("%s: %w", d.path, err)
	}
	f := os.NewFile(uintptr(fd), d.path+"/"+tmp)
	defer func() {
		if err != nil {
			unix.Unlinkat(d.fd, tmp, 0)
		}
	}()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644) // fchmod: the umask does not apply
	}
	if err == nil {
		err = f.Sync()
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err != nil {
		return err
	}
	if err = unix.Renameat(d.fd, tmp, d.fd, name); err != nil {
		return fmt.Errorf("%s/%s: %w", d.path, name, err)
	}
	unix.Fsync(d.fd)
	return nil
}

func (d *unixFolder) Remove(name string) error {
	if err := unix.Unlinkat(d.fd, name, 0); err != nil && err != unix.ENOENT {
		return fmt.Errorf("%s/%s: %w", d.path, name, err)
	}
	return nil
}

func (d *unixFolder) Close() error { return unix.Close(d.fd) }

// checkHostBinary: see CheckHostBinary.
func checkHostBinary(env machine.Env, p string) error {
	names, ok := components(p)
	if !ok || len(names) == 0 {
		return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: ReasonNotFile, Detail: "not a plain absolute path"}
	}
	last := len(names) - 1
	fd, _, err := walk(env, p, names[:last], last-1, len(names), ErrUnsafeHost)
	if errors.Is(err, fs.ErrNotExist) {
		return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: ReasonMissing, Detail: "a folder on the way does not exist"}
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstatat(fd, names[last], &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		if err == unix.ENOENT {
			return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: ReasonMissing}
		}
		return fmt.Errorf("%s: %w", p, err)
	}
	switch uint32(st.Mode) & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFLNK:
		return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: ReasonLink,
			Detail: "a symbolic link: give --host-path the real file", Fix: "run install --system with --host-path naming the real file, not a link (for the .deb: /usr/lib/tablerase/tablerase)"}
	default:
		return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: ReasonNotFile}
	}
	if r, d := checkMode(env, st.Uid, uint32(st.Mode), true); r != "" {
		return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: r, Detail: d}
	}
	return nil
}
