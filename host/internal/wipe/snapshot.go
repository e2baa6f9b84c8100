package wipe

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"time"
)

// MaxEntries bounds the number of entries Take records in one watched folder.
const MaxEntries = 1_000_000

// MaxDepth bounds how deep Take and Wipe descend below a watched folder.
const MaxDepth = 64

// Snapshot records, for one watched folder, keyed digests of every entry present when it was taken.
// It holds no file name, no path, and no size or time in clear. The zero value is a snapshot of a
// folder that did not exist.
type Snapshot struct {
	// Existed is false when the folder did not exist when the snapshot was taken. Wipe then
	// removes only what the file system says was born after Taken (see the package doc).
	Existed bool
	// Taken is when the snapshot was taken, in ns since the Unix epoch.
	Taken int64

	keyCheck digest   // digest of a constant under the key, to refuse another key at wipe time
	root     digest   // digest of the folder's own identity (device, inode or file id): a folder is an identity
	entries  []digest // sorted, unique: digests of every entry's identity
	opaque   []digest // sorted, unique: directories whose contents could not be read (kept whole)
}

// Len returns the number of entries recorded.
func (s *Snapshot) Len() int { return len(s.entries) }

func (s *Snapshot) has(d digest) bool      { return contains(s.entries, d) }
func (s *Snapshot) isOpaque(d digest) bool { return contains(s.opaque, d) }

func contains(set []digest, d digest) bool {
	_, ok := slices.BinarySearchFunc(set, d, func(a, b digest) int { return bytes.Compare(a[:], b[:]) })
	return ok
}

// Take records the entries present under root. A missing root gives a snapshot with Existed false
// and a nil error. Sub-trees that cannot be read, or lie deeper than MaxDepth, are recorded as
// opaque (Wipe keeps them whole) rather than failing the snapshot. Take fails with ErrTooManyEntries
// past MaxEntries, with the context's error when ctx ends, and with ErrBadKey for a key that is not
// KeySize bytes.
func Take(ctx context.Context, root string, key []byte) (*Snapshot, error) {
	dg, err := newDigester(key)
	if err != nil {
		return nil, err
	}
	taken := time.Now().UnixNano()
	d, err := openRoot(root)
	if errors.Is(err, ErrGone) {
		return &Snapshot{Taken: taken, keyCheck: dg.keyCheck()}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening watched folder: %w", err)
	}
	defer d.close()
	s, err := takeFrom(ctx, d, dg, MaxEntries)
	if s != nil {
		s.Taken = taken
	}
	return s, err
}

func takeFrom(ctx context.Context, root dir, dg *digester, maxEntries int) (*Snapshot, error) {
	t := taker{ctx: ctx, dg: dg, max: maxEntries}
	if err := t.walk(root, 0); err != nil {
		return nil, err
	}
	self := root.self()
	self.kind = kindDir // a mount point is a directory too: only device and inode are digested
	s := &Snapshot{Existed: true, keyCheck: dg.keyCheck(), root: dg.digest(self), entries: sortUnique(t.entries), opaque: sortUnique(t.opaque)}
	return s, nil
}

type taker struct {
	ctx     context.Context
	dg      *digester
	max     int
	entries []digest
	opaque  []digest
}

// walk records d's entries and recurses into its sub-directories. Only context expiry and the
// entry limit abort the walk.
func (t *taker) walk(d dir, depth int) error {
	list, err := d.list()
	if err != nil && depth == 0 {
		return fmt.Errorf("listing watched folder: %w", err)
	} else if err != nil {
		return errOpaque
	}
	for _, e := range list {
		if err := t.ctx.Err(); err != nil {
			return fmt.Errorf("wipe: snapshot interrupted: %w", err)
		}
		if len(t.entries) >= t.max {
			return ErrTooManyEntries
		}
		dd := t.dg.digest(e.id)
		t.entries = append(t.entries, dd)
		if e.id.kind != kindDir {
			continue
		}
		if depth+1 >= MaxDepth {
			t.opaque = append(t.opaque, dd)
			continue
		}
		sub, err := d.openDir(e.name, e.id)
		if err != nil {
			t.opaque = append(t.opaque, dd)
			continue
		}
		err = t.walk(sub, depth+1)
		sub.close()
		if errors.Is(err, errOpaque) {
			t.opaque = append(t.opaque, dd)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// errOpaque tells the parent that a directory could not be listed.
var errOpaque = errors.New("wipe: directory unreadable")

func sortUnique(s []digest) []digest {
	slices.SortFunc(s, func(a, b digest) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(s)
}

// Encoding (all integers little-endian):
//
//	magic "TRWS" | version 2 | flags (bit 0: existed) | key check (16) | root identity (16)
//	| int64 taken (ns) | uint32 n entries | uint32 m opaque | n×16 sorted unique | m×16 sorted unique
//	| CRC-32 (IEEE) of all before
//
// Version 1 had no root identity: it is refused (the folder could not be recognised), so a
// session started by an older host deletes nothing.
const (
	snapMagic   = "TRWS"
	snapVersion = 2
	snapHeader  = 4 + 1 + 1 + digestSize + digestSize + 8 + 4 + 4
)

// MarshalBinary encodes the snapshot compactly (16 bytes per entry plus 70 bytes).
func (s *Snapshot) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, snapHeader+digestSize*(len(s.entries)+len(s.opaque))+4)
	b = append(b, snapMagic...)
	b = append(b, snapVersion)
	var flags byte
	if s.Existed {
		flags |= 1
	}
	b = append(b, flags)
	b = append(b, s.keyCheck[:]...)
	b = append(b, s.root[:]...)
	b = binary.LittleEndian.AppendUint64(b, uint64(s.Taken))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s.entries)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s.opaque)))
	for _, d := range s.entries {
		b = append(b, d[:]...)
	}
	for _, d := range s.opaque {
		b = append(b, d[:]...)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)), nil
}

// UnmarshalBinary decodes data produced by MarshalBinary. It rejects, with an error wrapping
// ErrBadSnapshot, any other version, a wrong length or checksum, unsorted or duplicate digests,
// more than MaxEntries entries, and entries recorded for a folder that did not exist. On error s is
// left unchanged.
func (s *Snapshot) UnmarshalBinary(data []byte) error {
	bad := func(what string) error { return fmt.Errorf("%w: %s", ErrBadSnapshot, what) }
	if len(data) < snapHeader+4 {
		return bad("too short")
	}
	if string(data[:4]) != snapMagic {
		return bad("bad magic")
	}
	if data[4] != snapVersion {
		return bad("unsupported version")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return bad("checksum mismatch")
	}
	flags := data[5]
	if flags&^1 != 0 {
		return bad("unknown flags")
	}
	var out Snapshot
	out.Existed = flags&1 != 0
	off := 6
	off += copy(out.keyCheck[:], data[off:off+digestSize])
	off += copy(out.root[:], data[off:off+digestSize])
	out.Taken = int64(binary.LittleEndian.Uint64(data[off:]))
	n := uint64(binary.LittleEndian.Uint32(data[off+8:]))
	m := uint64(binary.LittleEndian.Uint32(data[off+12:]))
	if n > MaxEntries || m > n {
		return bad("too many entries")
	}
	if uint64(len(body)) != snapHeader+digestSize*(n+m) {
		return bad("length mismatch")
	}
	if !out.Existed && (n+m != 0 || out.root != digest{}) {
		return bad("entries recorded for a missing folder")
	}
	var err error
	rest := body[snapHeader:]
	if out.entries, err = readSorted(rest[:digestSize*n]); err != nil {
		return bad("entries: " + err.Error())
	}
	if out.opaque, err = readSorted(rest[digestSize*n:]); err != nil {
		return bad("opaque: " + err.Error())
	}
	*s = out
	return nil
}

func readSorted(b []byte) ([]digest, error) {
	if len(b) == 0 {
		return nil, nil
	}
	out := make([]digest, len(b)/digestSize)
	for i := range out {
		copy(out[i][:], b[i*digestSize:])
		if i > 0 && bytes.Compare(out[i-1][:], out[i][:]) >= 0 {
			return nil, errors.New("not sorted or duplicated")
		}
	}
	return out, nil
}
