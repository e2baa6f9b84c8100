// Package framing reads and writes native-messaging frames: a 4-byte unsigned length in the
// machine's native byte order, then that many bytes of UTF-8 JSON.
//
// The browser is trusted to frame correctly, but nothing else about the stream is: the length is
// checked against MaxRequest before a single payload byte is allocated, and a frame cut short is
// reported as ErrTruncated rather than silently padded. After ErrTooLarge or ErrTruncated the
// stream is out of step and cannot be trusted: the caller answers once if it can and exits.
//
// Writes build the header and payload in one buffer and hand it to the underlying writer in a
// single Write call, so a reader on the other side never sees half a frame from us.
package framing

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

const (
	// MaxRequest is the largest frame the host accepts from a browser (64 KiB).
	MaxRequest = 64 << 10
	// MaxResponse is the largest frame a browser accepts from a host (1 MiB).
	MaxResponse = 1 << 20
	headerLen   = 4
)

var (
	// ErrTooLarge means a frame announced (or a response would need) more bytes than allowed.
	ErrTooLarge = errors.New("frame too large")
	// ErrTruncated means the stream ended inside a frame's header or payload.
	ErrTruncated = errors.New("frame cut short")
)

// Reader reads frames from a buffered stream.
type Reader struct {
	br  *bufio.Reader
	max int
}

// NewReader returns a Reader that accepts frames of at most MaxRequest bytes.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 16<<10), max: MaxRequest}
}

// Read returns the next frame's payload. It returns io.EOF when the stream ends cleanly between
// frames, ErrTooLarge (wrapped, with the announced size) when the length exceeds the limit, and
// ErrTruncated when the stream ends inside a frame. A zero-length frame is returned as an empty,
// non-nil slice: it is well framed, and whether it is acceptable is the parser's business.
func (r *Reader) Read() ([]byte, error) {
	var hdr [headerLen]byte
	n, err := io.ReadFull(r.br, hdr[:])
	switch {
	case err == io.EOF && n == 0:
		return nil, io.EOF
	case err != nil:
		return nil, fmt.Errorf("%w: %d of %d header bytes", ErrTruncated, n, headerLen)
	}
	size := binary.NativeEndian.Uint32(hdr[:])
	if uint64(size) > uint64(r.max) {
		return nil, fmt.Errorf("%w: %d bytes announced, limit %d", ErrTooLarge, size, r.max)
	}
	payload := make([]byte, size)
	if n, err := io.ReadFull(r.br, payload); err != nil {
		return nil, fmt.Errorf("%w: %d of %d payload bytes", ErrTruncated, n, size)
	}
	return payload, nil
}

// Writer writes whole frames with one Write call each. It is safe for concurrent use.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	max int
}

// NewWriter returns a Writer that refuses payloads over MaxResponse.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w, max: MaxResponse}
}

// Write sends payload as one frame. A payload over the limit is not written and ErrTooLarge is
// returned, so the caller can send a smaller error response instead.
func (w *Writer) Write(payload []byte) error {
	if len(payload) > w.max {
		return fmt.Errorf("%w: response of %d bytes, limit %d", ErrTooLarge, len(payload), w.max)
	}
	buf := Encode(payload)
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.w.Write(buf)
	if err == nil && n != len(buf) {
		err = io.ErrShortWrite
	}
	return err
}

// Encode returns payload as one frame, for tests and tools that build streams by hand.
func Encode(payload []byte) []byte {
	buf := make([]byte, headerLen+len(payload))
	binary.NativeEndian.PutUint32(buf, uint32(len(payload)))
	copy(buf[headerLen:], payload)
	return buf
}
