package protocol

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/framing"
)

// BenchmarkRoundTrip measures one request and its answer on a persistent pipe, as a
// connectNative port uses the host: 1 KiB each way, and a 512 KiB answer (requests are capped at
// 64 KiB, answers at 1 MiB).
func BenchmarkRoundTrip(b *testing.B) {
	for _, size := range []int{1 << 10, 512 << 10} {
		b.Run(fmt.Sprintf("answer=%dKiB", size>>10), func(b *testing.B) {
			blob := strings.Repeat("a", size-32)
			srv := &Server{Allowed: true, Handlers: map[string]Handler{
				"echo": func(ctx context.Context, args json.RawMessage) (any, error) {
					return map[string]string{"blob": blob}, nil
				},
			}}
			reqBody := fmt.Sprintf(`{"id":"1","cmd":"echo","args":{"pad":%q}}`, strings.Repeat("p", min(size, 1<<10)-48))
			inR, inW := io.Pipe()
			outR, outW := io.Pipe()
			go srv.Serve(context.Background(), inR, outW)
			req := framing.Encode([]byte(reqBody))
			resp := make([]byte, 0)
			b.SetBytes(int64(len(req) + size))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := inW.Write(req); err != nil {
					b.Fatal(err)
				}
				var err error
				if resp, err = readBig(outR); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if !bytes.Contains(resp, []byte(`"ok":true`)) {
				b.Fatalf("bad answer")
			}
			inW.Close()
		})
	}
}

// readBig reads one response frame, which may exceed the request cap of framing.Reader.
func readBig(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(binary.NativeEndian.Uint32(hdr[:]))
	buf := make([]byte, n)
	_, err := io.ReadFull(r, buf)
	return buf, err
}
