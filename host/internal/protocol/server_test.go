package protocol

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/tablerase/tablerase/host/internal/framing"
)

func frames(msgs ...string) []byte {
	var b []byte
	for _, m := range msgs {
		b = append(b, framing.Encode([]byte(m))...)
	}
	return b
}

func readAll(t *testing.T, out []byte) []Response {
	t.Helper()
	r := framing.NewReader(bytes.NewReader(out))
	r2 := []Response{}
	for {
		p, err := r.Read()
		if err == io.EOF {
			return r2
		}
		if err != nil {
			t.Fatalf("host wrote a broken frame: %v", err)
		}
		var resp struct {
			ID     *string         `json:"id"`
			OK     bool            `json:"ok"`
			Result json.RawMessage `json:"result"`
			Error  *Error          `json:"error"`
		}
		if err := json.Unmarshal(p, &resp); err != nil {
			t.Fatalf("host wrote non-JSON: %q", p)
		}
		r2 = append(r2, Response{ID: resp.ID, OK: resp.OK, Result: resp.Result, Error: resp.Error})
	}
}

func testServer(allowed bool) *Server {
	return &Server{Allowed: allowed, Handlers: map[string]Handler{
		"echo": func(ctx context.Context, args json.RawMessage) (any, error) { return args, nil },
		"fail": func(ctx context.Context, args json.RawMessage) (any, error) { return nil, errors.New("disk on fire") },
		"busy": func(ctx context.Context, args json.RawMessage) (any, error) { return nil, Errorf(CodeBusy, "later") },
	}}
}

func TestServeKeepsServingAfterBadMessages(t *testing.T) {
	var out bytes.Buffer
	in := frames(`{"id":"1","cmd":"echo","args":{"a":1}}`, `not json`, `{"id":"3","cmd":"nope"}`,
		`{"id":"4","cmd":"fail"}`, `{"id":"5","cmd":"busy"}`, `{"id":"6","cmd":"echo"}`)
	if err := testServer(true).Serve(context.Background(), bytes.NewReader(in), &out); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	got := readAll(t, out.Bytes())
	want := []struct {
		id   string
		code string
	}{{"1", ""}, {"", CodeBadJSON}, {"3", CodeUnknownCmd}, {"4", CodeInternal}, {"5", CodeBusy}, {"6", ""}}
	if len(got) != len(want) {
		t.Fatalf("%d responses, want %d", len(got), len(want))
	}
	for i, w := range want {
		r := got[i]
		id := ""
		if r.ID != nil {
			id = *r.ID
		}
		code := ""
		if r.Error != nil {
			code = r.Error.Code
		}
		if id != w.id || code != w.code || r.OK != (w.code == "") {
			t.Errorf("response %d = id %q ok %v code %q; want id %q code %q", i, id, r.OK, code, w.id, w.code)
		}
	}
	if got[3].Error.Message == "disk on fire" {
		t.Errorf("internal error text leaked to the extension")
	}
}

func TestServeForbiddenCallerGetsForbiddenEverywhere(t *testing.T) {
	var out bytes.Buffer
	in := frames(`{"id":"1","cmd":"echo"}`, `{"id":"2","cmd":"nope"}`)
	if err := testServer(false).Serve(context.Background(), bytes.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	for _, r := range readAll(t, out.Bytes()) {
		if r.OK || r.Error.Code != CodeForbidden {
			t.Errorf("forbidden caller got %+v", r)
		}
	}
}

func TestServeStopsOnBrokenStream(t *testing.T) {
	var hdr [4]byte
	binary.NativeEndian.PutUint32(hdr[:], 0xFFFFFFFF)
	for name, in := range map[string][]byte{
		"too large": append(frames(`{"id":"1","cmd":"echo"}`), hdr[:]...),
		"cut short": append(frames(`{"id":"1","cmd":"echo"}`), 9, 0, 0, 0, '{'),
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			err := testServer(true).Serve(context.Background(), bytes.NewReader(in), &out)
			if !errors.Is(err, ErrStream) {
				t.Fatalf("Serve = %v, want ErrStream", err)
			}
			got := readAll(t, out.Bytes())
			if len(got) != 2 || !got[0].OK || got[1].OK || got[1].ID != nil {
				t.Fatalf("responses %+v: want the first answered, then one error with null id", got)
			}
		})
	}
}

func TestServeNeverAnswersOverOneMiB(t *testing.T) {
	s := &Server{Allowed: true, Handlers: map[string]Handler{
		"big": func(ctx context.Context, _ json.RawMessage) (any, error) {
			return bytes.Repeat([]byte("a"), 2<<20), nil
		},
	}}
	var out bytes.Buffer
	if err := s.Serve(context.Background(), bytes.NewReader(frames(`{"id":"1","cmd":"big"}`)), &out); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, out.Bytes())
	if len(got) != 1 || got[0].OK || got[0].Error.Code != CodeInternal {
		t.Fatalf("oversized result answered %+v", got)
	}
}
