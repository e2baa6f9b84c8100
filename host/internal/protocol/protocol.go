// Package protocol is Table rase's native-messaging protocol, version 1 (see PROTOCOL.md).
//
// A request names a command and carries arguments; it never carries a path, a URL or a command
// line for the host to act on. Parsing is strict for that reason: unknown fields are refused
// rather than ignored, so a message cannot smuggle in an instruction a later version might obey.
//
// Error codes are part of the contract: once released, a code never changes meaning. Every
// failure inside the host is mapped to one of them in exactly one place (the commands package
// builds *Error values; anything else becomes CodeInternal), and the message that goes with it
// is written for the extension's developer, never holding personal data.
package protocol

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tablerase/tablerase/host/internal/contract"
)

// Version is the protocol version spoken by this host (package contract).
const Version = contract.Protocol

// Stable error codes.
const (
	CodeBadJSON           = "bad_json"           // the frame is not a UTF-8 JSON object
	CodeBadRequest        = "bad_request"        // JSON, but not a valid request (missing id/cmd, bad args)
	CodeUnknownCmd        = "unknown_cmd"        // no such command
	CodeTooLarge          = "too_large"          // the frame exceeded 64 KiB; the host exits after answering
	CodeNoSession         = "no_session"         // the command needs a session and none was ever started
	CodeForbidden         = "forbidden"          // the calling extension is not allowed to use this host
	CodeInternal          = "internal"           // the host failed; see its log (by session id and time)
	CodeBusy              = "busy"               // another host process holds the session; try again
	CodeSessionUnfinished = "session_unfinished" // a previous wipe was interrupted: end it before starting
)

// Error is a protocol-level failure with a stable code.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Request is one parsed request. Args is the raw JSON object ("{}" when absent).
type Request struct {
	ID   string
	Cmd  string
	Args json.RawMessage
}

// Response is what the host sends back. ID is nil only when the request's id could not be read.
type Response struct {
	ID     *string `json:"id"`
	OK     bool    `json:"ok"`
	Result any     `json:"result,omitempty"`
	Error  *Error  `json:"error,omitempty"`
}

// Success builds an ok response to id.
func Success(id string, result any) Response {
	return Response{ID: &id, OK: true, Result: result}
}

// Failure builds an error response; id may be nil.
func Failure(id *string, err error) Response {
	var perr *Error
	if !errors.As(err, &perr) {
		perr = &Error{Code: CodeInternal, Message: "internal error"}
	}
	return Response{ID: id, OK: false, Error: perr}
}
