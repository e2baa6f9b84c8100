//go:build darwin

package wipe

import "golang.org/x/sys/unix"

// statAt reads the identity of name relative to dirfd without following a link; name "" reads
// dirfd itself. macOS file systems (APFS, HFS+) record a birth time; there are no mount ids, so
// mount boundaries are found by device number.
func statAt(dirfd int, name string) (identity, error) {
	var st unix.Stat_t
	var err error
	for {
		if name == "" {
			err = unix.Fstat(dirfd, &st)
		} else {
			err = unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
		}
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return identity{}, mapErrno(err)
	}
	id := statIdentity(&st)
	if st.Btim.Sec > 0 {
		id.btime = st.Btim.Sec*1e9 + int64(st.Btim.Nsec)
	}
	return id, nil
}
