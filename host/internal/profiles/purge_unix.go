//go:build unix

package profiles

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// removeStores removes the named regular files of profile name under root, relative to the
// profile's directory handle, opened without following a link.
func removeStores(root, name string, stores []string) (removed, failed int) {
	rfd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, 1
	}
	defer unix.Close(rfd)
	pfd, err := unix.Openat(rfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, 1
	}
	defer unix.Close(pfd)
	for _, s := range stores {
		var st unix.Stat_t
		if err := unix.Fstatat(pfd, s, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			continue // absent
		}
		if st.Mode&unix.S_IFMT != unix.S_IFREG {
			failed++ // a link or anything odd where a store should be: left alone, reported
			continue
		}
		if err := unix.Unlinkat(pfd, s, 0); err != nil && !errors.Is(err, unix.ENOENT) {
			failed++
			continue
		}
		removed++
	}
	return removed, failed
}

// openBelow opens the folder root/rel... : root by its path, each component of rel relative to
// its parent's handle and never through a link.
func openBelow(root string, rel []string) (int, error) {
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	for _, c := range rel {
		next, err := unix.Openat(fd, c, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		unix.Close(fd)
		if err != nil {
			return -1, err
		}
		fd = next
	}
	return fd, nil
}

// fileIdentity returns the identity (device, inode) and length of the regular file name in
// root/rel..., never following a link.
func fileIdentity(root string, rel []string, name string) (id []byte, size int64, ok bool) {
	dfd, err := openBelow(root, rel)
	if err != nil {
		return nil, 0, false
	}
	defer unix.Close(dfd)
	var st unix.Stat_t
	if unix.Fstatat(dfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, 0, false
	}
	return statID(&st), st.Size, true
}

func statID(st *unix.Stat_t) []byte {
	id := make([]byte, 16)
	binary.LittleEndian.PutUint64(id, uint64(st.Dev))
	binary.LittleEndian.PutUint64(id[8:], uint64(st.Ino))
	return id
}

// truncateLog cuts the log name in root/rel... back to its last whole record within limit, if it
// is still the file id names (opened without following a link, checked through its handle).
func truncateLog(root string, rel []string, name string, id []byte, limit int64) error {
	dfd, err := openBelow(root, rel)
	if err != nil {
		return err
	}
	defer unix.Close(dfd)
	fd, err := unix.Openat(dfd, name, unix.O_RDWR|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), "log")
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || !bytes.Equal(statID(&st), id) {
		return errNotSame
	}
	return f.Truncate(wholeRecordsEnd(f, limit))
}

// chromiumRunning: Chromium keeps a SingletonLock symlink "<hostname>-<pid>" in the user-data
// folder while it runs. The lock is stale only when it names this host and a process that no
// longer exists; anything else counts as running.
func chromiumRunning(root string) bool {
	return lockHeld(filepath.Join(root, "SingletonLock"), "-")
}

// firefoxRunning: Firefox keeps a "lock" symlink "<ip>:+<pid>" (Linux) and holds an fcntl lock on
// ".parentlock" (both Unix flavours) while a profile is open.
func firefoxRunning(profile string) bool {
	if lockHeld(filepath.Join(profile, "lock"), "+") {
		return true
	}
	return fcntlLocked(filepath.Join(profile, ".parentlock"))
}

func lockHeld(link, sep string) bool {
	target, err := os.Readlink(link)
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	if err != nil {
		return true
	}
	i := strings.LastIndex(target, sep)
	if i < 0 {
		return true
	}
	pid, err := strconv.Atoi(target[i+len(sep):])
	if err != nil || pid <= 0 {
		return true
	}
	if sep == "-" { // Chromium: the lock names its host; another host's lock cannot be judged
		if h, _ := os.Hostname(); h != target[:i] {
			return true
		}
	}
	return unix.Kill(pid, 0) != unix.ESRCH
}

func fcntlLocked(p string) bool {
	fd, err := unix.Open(p, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0}
	if err := unix.FcntlFlock(uintptr(fd), unix.F_GETLK, &lk); err != nil {
		return true
	}
	return lk.Type != unix.F_UNLCK
}
