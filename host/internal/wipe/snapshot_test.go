package wipe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"testing"
)

func sampleSnapshot() *Snapshot {
	dg, _ := newDigester(testKey)
	s := &Snapshot{Existed: true, Taken: 1_700_000_000_000_000_000, keyCheck: dg.keyCheck(), root: dg.digest(identity{dev: 1, kind: kindDir})}
	for i := range 5 {
		d := dg.digest(identity{dev: 1, kind: kindFile, size: int64(i)})
		s.entries = append(s.entries, d)
		if i%2 == 0 {
			s.opaque = append(s.opaque, d)
		}
	}
	s.entries, s.opaque = sortUnique(s.entries), sortUnique(s.opaque)
	return s
}

func mustMarshal(t testing.TB, s *Snapshot) []byte {
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// reseal recomputes the checksum so that a structural corruption is what gets tested.
func reseal(b []byte) []byte {
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
	return b
}

func TestSnapshotRoundTrip(t *testing.T) {
	for _, s := range []*Snapshot{sampleSnapshot(), {}, {Existed: true}} {
		b := mustMarshal(t, s)
		var got Snapshot
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatalf("UnmarshalBinary: %v", err)
		}
		if !bytes.Equal(mustMarshal(t, &got), b) || got.Existed != s.Existed || got.Len() != s.Len() ||
			got.Taken != s.Taken || got.root != s.root {
			t.Errorf("round trip changed the snapshot: %+v vs %+v", got, s)
		}
	}
	if n := len(mustMarshal(t, sampleSnapshot())); n != snapHeader+16*8+4 {
		t.Errorf("encoding is %d bytes, want %d (16 per digest)", n, snapHeader+16*8+4)
	}
}

func TestSnapshotRejectsCorruption(t *testing.T) {
	good := mustMarshal(t, sampleSnapshot())
	cases := map[string][]byte{"empty": nil}
	for i := range good {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		cases[fmt.Sprintf("flip byte %d", i)] = b
	}
	for n := range len(good) {
		cases[fmt.Sprintf("truncated to %d", n)] = good[:n]
	}
	cases["trailing"] = append(bytes.Clone(good), 0)
	b := bytes.Clone(good)
	b[4] = 1
	cases["version 1 (no folder identity)"] = reseal(b)
	b = bytes.Clone(good)
	b[4] = 3
	cases["version 3"] = reseal(b)
	b = bytes.Clone(good)
	b[5] = 3
	cases["unknown flag"] = reseal(b)
	b = bytes.Clone(good)
	copy(b[snapHeader:], good[snapHeader+16:snapHeader+32])
	copy(b[snapHeader+16:], good[snapHeader:snapHeader+16])
	cases["unsorted"] = reseal(b)
	b = bytes.Clone(good)
	copy(b[snapHeader+16:], good[snapHeader:snapHeader+16])
	cases["duplicate"] = reseal(b)
	b = bytes.Clone(good)
	b[5] = 0
	cases["entries for a missing folder"] = reseal(b)
	b = mustMarshal(t, &Snapshot{Existed: true, root: sampleSnapshot().root})
	b[5] = 0
	cases["folder identity for a missing folder"] = reseal(b)
	b = bytes.Clone(good)
	binary.LittleEndian.PutUint32(b[6+16+16+8:], 1<<31)
	cases["huge count"] = reseal(b)

	for name, data := range cases {
		s := sampleSnapshot()
		before := mustMarshal(t, s)
		err := s.UnmarshalBinary(data)
		if !errors.Is(err, ErrBadSnapshot) {
			t.Errorf("%s: err = %v, want ErrBadSnapshot", name, err)
		}
		if !bytes.Equal(mustMarshal(t, s), before) {
			t.Errorf("%s: snapshot modified by a failed UnmarshalBinary", name)
		}
	}
}

func FuzzUnmarshalBinary(f *testing.F) {
	f.Add(mustMarshal(f, sampleSnapshot()))
	f.Add(mustMarshal(f, &Snapshot{}))
	f.Add([]byte("TRWS"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Snapshot
		if err := s.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrBadSnapshot) {
				t.Fatalf("error does not wrap ErrBadSnapshot: %v", err)
			}
			return
		}
		// Whatever is accepted is canonical: it re-encodes to the same bytes.
		if !bytes.Equal(mustMarshal(t, &s), data) {
			t.Fatal("accepted a non-canonical encoding")
		}
	})
}
