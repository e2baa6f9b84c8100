package framing

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

func header(n uint32) []byte {
	var b [4]byte
	binary.NativeEndian.PutUint32(b[:], n)
	return b[:]
}

func TestReadFrames(t *testing.T) {
	stream := append(Encode([]byte(`{"a":1}`)), Encode([]byte(`{"b":2}`))...)
	r := NewReader(bytes.NewReader(stream))
	for _, want := range []string{`{"a":1}`, `{"b":2}`} {
		got, err := r.Read()
		if err != nil || string(got) != want {
			t.Fatalf("Read() = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := r.Read(); err != io.EOF {
		t.Fatalf("after last frame: %v, want io.EOF", err)
	}
}

func TestReadBadFrames(t *testing.T) {
	cases := []struct {
		name   string
		stream []byte
		want   error
	}{
		{"over cap", append(header(MaxRequest+1), make([]byte, 8)...), ErrTooLarge},
		{"max uint32", header(0xFFFFFFFF), ErrTooLarge},
		{"header cut short", []byte{7, 0}, ErrTruncated},
		{"payload cut short", append(header(10), []byte("{}")...), ErrTruncated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(c.stream)).Read()
			if !errors.Is(err, c.want) {
				t.Fatalf("Read() error = %v, want %v", err, c.want)
			}
		})
	}
}

func TestReadZeroLengthAndExactCap(t *testing.T) {
	big := bytes.Repeat([]byte("x"), MaxRequest)
	r := NewReader(bytes.NewReader(append(header(0), Encode(big)...)))
	if got, err := r.Read(); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("zero-length frame: %q, %v; want empty payload", got, err)
	}
	if got, err := r.Read(); err != nil || len(got) != MaxRequest {
		t.Fatalf("frame of exactly MaxRequest: len %d, %v", len(got), err)
	}
}

// countingWriter records how many Write calls it saw.
type countingWriter struct {
	bytes.Buffer
	calls int
}

func (c *countingWriter) Write(p []byte) (int, error) { c.calls++; return c.Buffer.Write(p) }

func TestWriteOneCallAndCap(t *testing.T) {
	var cw countingWriter
	w := NewWriter(&cw)
	payload := bytes.Repeat([]byte("y"), 300<<10)
	if err := w.Write(payload); err != nil {
		t.Fatal(err)
	}
	if cw.calls != 1 {
		t.Fatalf("frame written in %d calls, want 1", cw.calls)
	}
	out := cw.Bytes()
	if n := binary.NativeEndian.Uint32(out[:4]); int(n) != len(payload) || !bytes.Equal(out[4:], payload) {
		t.Fatalf("frame header says %d bytes, payload %d bytes; want %d", n, len(out)-4, len(payload))
	}
	if err := w.Write(make([]byte, MaxResponse+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized response: %v, want ErrTooLarge", err)
	}
	if cw.calls != 1 {
		t.Fatalf("oversized response reached the stream")
	}
}

func FuzzRead(f *testing.F) {
	f.Add(Encode([]byte(`{"id":"1","cmd":"hello"}`)))
	f.Add(header(0))
	f.Add(header(0xFFFFFFFF))
	f.Add([]byte{1, 2})
	f.Fuzz(func(t *testing.T, stream []byte) {
		r := NewReader(bytes.NewReader(stream))
		for i := 0; i < 64; i++ {
			p, err := r.Read()
			if err != nil {
				return
			}
			if len(p) > MaxRequest {
				t.Fatalf("payload of %d bytes passed the cap", len(p))
			}
		}
	})
}
