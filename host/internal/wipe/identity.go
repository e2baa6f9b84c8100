package wipe

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash"
)

// KeySize is the length of the key given to Take and Wipe.
const KeySize = 32

// digestSize is the length of one recorded digest (a truncated HMAC-SHA256).
const digestSize = 16

type digest [digestSize]byte

// kind is the type of a directory entry as read without following links.
type kind uint8

const (
	kindFile  kind = 1
	kindDir   kind = 2
	kindLink  kind = 3 // symlink, junction, any reparse point
	kindOther kind = 4 // FIFO, socket, device
	kindMount kind = 5 // a directory on another file system (Unix mount point): never entered
)

// identity is what identifies an entry across the session. It is filled by the OS layer.
// For directories only dev, ino and kind are meaningful; digest ignores the rest, and always
// ignores mnt and btime (a mount id changes at every mount; a birth time is only read for a
// folder that did not exist at the start).
type identity struct {
	dev   uint64   // device (Unix) or volume serial number (Windows)
	ino   [16]byte // inode (Unix, little-endian in the first 8 bytes) or 64/128-bit file id (Windows)
	kind  kind
	size  int64  // bytes, files and links
	mtime int64  // modification / last-write time in ns since the Unix epoch (a directory's is not digested)
	mnt   uint64 // Linux mount id (statx STATX_MNT_ID), 0 where unknown
	btime int64  // birth (creation) time in ns since the Unix epoch, 0 where the file system has none
}

// sameObject reports whether a and b are the same object on disk (not necessarily unchanged).
func (a identity) sameObject(b identity) bool {
	return a.dev == b.dev && a.ino == b.ino && a.kind == b.kind
}

// digester computes keyed digests of identities. It is not safe for concurrent use.
type digester struct {
	mac hash.Hash
	buf [1 + 8 + 16 + 8 + 8]byte
	sum []byte
}

func newDigester(key []byte) (*digester, error) {
	if len(key) != KeySize {
		return nil, ErrBadKey
	}
	return &digester{mac: hmac.New(sha256.New, key), sum: make([]byte, 0, sha256.Size)}, nil
}

func (d *digester) digest(id identity) digest {
	b := d.buf[:]
	clear(b)
	b[0] = byte(id.kind)
	binary.LittleEndian.PutUint64(b[1:], id.dev)
	copy(b[9:25], id.ino[:])
	if id.kind != kindDir {
		binary.LittleEndian.PutUint64(b[25:], uint64(id.size))
		binary.LittleEndian.PutUint64(b[33:], uint64(id.mtime))
	}
	d.mac.Reset()
	d.mac.Write(b)
	d.sum = d.mac.Sum(d.sum[:0])
	var out digest
	copy(out[:], d.sum)
	return out
}

// keyCheck is stored in a snapshot so that Wipe can refuse a key other than the one used by Take.
func (d *digester) keyCheck() digest {
	d.mac.Reset()
	d.mac.Write([]byte("tablerase/wipe key check v1"))
	d.sum = d.mac.Sum(d.sum[:0])
	var out digest
	copy(out[:], d.sum)
	return out
}

// Sentinel errors. None of them, nor any error returned by this package, carries a name or a path.
var (
	ErrBadKey         = errors.New("wipe: key must be 32 bytes")
	ErrBadSnapshot    = errors.New("wipe: invalid snapshot encoding")
	ErrTooManyEntries = errors.New("wipe: too many entries in watched folder")
	ErrTooDeep        = errors.New("wipe: directory tree too deep")
	ErrRaced          = errors.New("wipe: entry changed while being processed")
	ErrPermission     = errors.New("wipe: permission denied")
	ErrBusy           = errors.New("wipe: entry in use")
	ErrGone           = errors.New("wipe: entry no longer exists")
	ErrNotDir         = errors.New("wipe: watched folder is not a directory")
	ErrUnsupported    = errors.New("wipe: not supported on this system")
	errIO             = errors.New("wipe: I/O error")
)

// Stable reason codes reported in Result.Errors.
const (
	ReasonPermission = "permission"
	ReasonBusy       = "busy"
	ReasonRaced      = "raced"
	ReasonTimeout    = "timeout"
	ReasonTooDeep    = "too_deep"
	ReasonBadKey     = "bad_key"
	ReasonNoSnapshot = "no_snapshot"
	ReasonNotDir     = "not_dir"
	ReasonBadScope   = "bad_scope"
	ReasonIO         = "io"
	// ReasonMoved: the watched folder is not the one snapshotted (renamed away, replaced, relinked,
	// another disk mounted there); nothing in it was touched.
	ReasonMoved = "moved"
	// ReasonNoBirthTime: in a folder that did not exist at the start, an entry whose creation
	// time the file system does not record; it was kept, since it may be older than the session.
	ReasonNoBirthTime = "no_birth_time"
)

// reason maps an error to its stable reason code.
func reason(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return ReasonTimeout
	case errors.Is(err, ErrPermission):
		return ReasonPermission
	case errors.Is(err, ErrBusy):
		return ReasonBusy
	case errors.Is(err, ErrRaced), errors.Is(err, ErrGone):
		return ReasonRaced
	case errors.Is(err, ErrTooDeep):
		return ReasonTooDeep
	case errors.Is(err, ErrBadKey):
		return ReasonBadKey
	case errors.Is(err, ErrNotDir):
		return ReasonNotDir
	}
	return ReasonIO
}
