//go:build unix

package profiles

import (
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
