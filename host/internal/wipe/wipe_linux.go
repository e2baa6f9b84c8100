//go:build linux

package wipe

import "golang.org/x/sys/unix"

// statxMask asks for what an identity needs, plus the birth time (judging a folder that appeared
// during the session) and the mount id (mount boundaries, bind mounts included).
const statxMask = unix.STATX_TYPE | unix.STATX_INO | unix.STATX_SIZE | unix.STATX_MTIME | unix.STATX_BTIME | unix.STATX_MNT_ID

// statAt reads the identity of name relative to dirfd without following a link; name "" reads
// dirfd itself. It uses statx, which also gives the birth time and the mount id where the kernel
// and file system have them (left 0 otherwise), and falls back to fstatat on kernels without it.
func statAt(dirfd int, name string) (identity, error) {
	flags := unix.AT_SYMLINK_NOFOLLOW | unix.AT_STATX_SYNC_AS_STAT
	if name == "" {
		flags |= unix.AT_EMPTY_PATH
	}
	var sx unix.Statx_t
	err := unix.Statx(dirfd, name, flags, statxMask, &sx)
	for err == unix.EINTR {
		err = unix.Statx(dirfd, name, flags, statxMask, &sx)
	}
	if err == unix.ENOSYS {
		return fstatatIdentity(dirfd, name)
	}
	if err != nil {
		return identity{}, mapErrno(err)
	}
	var st unix.Stat_t
	st.Dev = unix.Mkdev(sx.Dev_major, sx.Dev_minor)
	st.Ino = sx.Ino
	st.Mode = uint32(sx.Mode)
	st.Size = int64(sx.Size)
	st.Mtim = unix.Timespec{Sec: sx.Mtime.Sec, Nsec: int64(sx.Mtime.Nsec)}
	id := statIdentity(&st)
	if sx.Mask&unix.STATX_BTIME != 0 {
		id.btime = sx.Btime.Sec*1e9 + int64(sx.Btime.Nsec)
	}
	if sx.Mask&unix.STATX_MNT_ID != 0 {
		id.mnt = sx.Mnt_id
	}
	return id, nil
}

func fstatatIdentity(dirfd int, name string) (identity, error) {
	var st unix.Stat_t
	var err error
	if name == "" {
		err = unix.Fstat(dirfd, &st)
	} else {
		err = unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	}
	if err != nil {
		return identity{}, mapErrno(err)
	}
	return statIdentity(&st), nil
}
