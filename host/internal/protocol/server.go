package protocol

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tablerase/tablerase/host/internal/framing"
)

// Handler runs one command. It returns a JSON-marshalable result, or an error: an *Error keeps its
// code, anything else is answered as CodeInternal. Handlers must honour ctx's deadline.
type Handler func(ctx context.Context, args json.RawMessage) (any, error)

// Outcome is what the server tells its observer about each answered frame, for the audit log.
// Cmd is a registered command name or "" (never a string from the message).
type Outcome struct {
	Cmd      string
	Code     string // "" on success
	Duration time.Duration
}

// Server answers frames on one stream. A persistent port (connectNative) sends many requests in a
// row; a one-shot sendNativeMessage sends one and closes: both are the same loop ending at EOF.
type Server struct {
	Handlers map[string]Handler
	// Allowed is the result of the caller check: when false every request is answered forbidden.
	Allowed bool
	// Timeout bounds each command (default 60 s).
	Timeout time.Duration
	// Observe, when set, is called after each answered frame.
	Observe func(Outcome)
}

// ErrStream means the stream broke framing (frame too large or cut short): the host must exit
// with a non-zero status, as the stream can no longer be trusted.
var ErrStream = errors.New("native-messaging stream can no longer be trusted")

// Serve reads frames from r and answers on w until r ends. It returns nil at a clean end of
// stream, and an error wrapping ErrStream after a broken frame (answered first where possible).
func (s *Server) Serve(ctx context.Context, r io.Reader, w io.Writer) error {
	fr, fw := framing.NewReader(r), framing.NewWriter(w)
	for {
		payload, err := fr.Read()
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, framing.ErrTooLarge):
			s.send(fw, Failure(nil, Errorf(CodeTooLarge, "message over %d bytes", framing.MaxRequest)), "", time.Now())
			return fmt.Errorf("%w: %w", ErrStream, err)
		case err != nil:
			s.send(fw, Failure(nil, Errorf(CodeBadJSON, "message cut short")), "", time.Now())
			return fmt.Errorf("%w: %w", ErrStream, err)
		}
		if err := s.answer(ctx, fw, payload); err != nil {
			return err
		}
	}
}

func (s *Server) answer(ctx context.Context, fw *framing.Writer, payload []byte) error {
	start := time.Now()
	req, id, perr := Parse(payload)
	if perr != nil {
		return s.send(fw, Failure(id, perr), "", start)
	}
	if !s.Allowed {
		return s.send(fw, Failure(id, Errorf(CodeForbidden, "this extension is not allowed to use Table rase")), "", start)
	}
	h, ok := s.Handlers[req.Cmd]
	if !ok {
		return s.send(fw, Failure(id, Errorf(CodeUnknownCmd, "unknown command %q", truncate(req.Cmd, 40))), "", start)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	result, err := h(cctx, req.Args)
	if err != nil {
		return s.send(fw, Failure(id, err), req.Cmd, start)
	}
	return s.send(fw, Success(req.ID, result), req.Cmd, start)
}

// send writes resp, replacing it with an internal error if it cannot be encoded within the
// response limit. Only a failing stream is returned as an error.
func (s *Server) send(fw *framing.Writer, resp Response, cmd string, start time.Time) error {
	b, err := json.Marshal(resp)
	if err == nil && len(b) > framing.MaxResponse {
		err = framing.ErrTooLarge
	}
	if err != nil {
		resp = Failure(resp.ID, Errorf(CodeInternal, "response could not be encoded"))
		b, _ = json.Marshal(resp)
	}
	if s.Observe != nil {
		code := ""
		if resp.Error != nil {
			code = resp.Error.Code
		}
		s.Observe(Outcome{Cmd: cmd, Code: code, Duration: time.Since(start)})
	}
	return fw.Write(b)
}
