// Package commands holds the host's protocol commands, one file per command, and the one place
// where the host's errors become stable protocol error codes.
//
// Commands take no path, URL or command line from the message: their args are empty objects
// decoded strictly. What they act on comes from the admin configuration the host loaded itself.
package commands

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/tablerase/tablerase/host/internal/config"
	"github.com/tablerase/tablerase/host/internal/policy"
	"github.com/tablerase/tablerase/host/internal/protocol"
	"github.com/tablerase/tablerase/host/internal/session"
)

// Env is what the commands need from the running host.
type Env struct {
	Version  string
	OS, Arch string
	Config   config.Config
	Sessions *session.Manager
	// Policy reads the browsers' policies for hello; policy.Read in production.
	Policy func(ctx context.Context) policy.Report
	// ClosedBrowsers reports whether the logon/logoff clean will remove what closed browsers keep
	// (the hook installed: scope all purges the closed profiles, scope session removes what the
	// accompaniment wrote there); nil: no.
	ClosedBrowsers func() bool
	// AfterExit is called when session.end has just ended an accompaniment in scope session on a
	// computer without that logoff clean (ClosedBrowsers false): it starts what removes the
	// accompaniment's browser residue once the browsers are closed (`tablerase clean
	// --after-exit`, detached). nil: nothing.
	AfterExit func()
}

// Handlers returns the protocol v1 command table.
func Handlers(env *Env) map[string]protocol.Handler {
	return map[string]protocol.Handler{
		"hello":         noArgs(env.hello),
		"status":        noArgs(env.status),
		"session.start": noArgs(env.sessionStart),
		"session.end":   noArgs(env.sessionEnd),
	}
}

// noArgs wraps a command that takes no arguments: anything in args is refused.
func noArgs(f func(ctx context.Context) (any, error)) protocol.Handler {
	return func(ctx context.Context, args json.RawMessage) (any, error) {
		var none struct{}
		if err := protocol.DecodeArgs(args, &none); err != nil {
			return nil, err
		}
		res, err := f(ctx)
		if err != nil {
			return nil, toProtocol(err)
		}
		return res, nil
	}
}

// toProtocol maps the host's sentinel errors to stable codes. Anything unknown is internal, with
// a generic message: the details are in the log as a code, never in the answer.
func toProtocol(err error) error {
	var perr *protocol.Error
	switch {
	case errors.As(err, &perr):
		return perr
	case errors.Is(err, session.ErrNoSession):
		return protocol.Errorf(protocol.CodeNoSession, "no accompaniment was started")
	case errors.Is(err, session.ErrBusy):
		return protocol.Errorf(protocol.CodeBusy, "another Table rase process is working on the session; try again")
	case errors.Is(err, session.ErrUnfinished):
		return protocol.Errorf(protocol.CodeSessionUnfinished, "the previous accompaniment was not fully cleaned; end it first")
	case errors.Is(err, session.ErrState):
		return protocol.Errorf(protocol.CodeInternal, "the session state is unreadable; run `tablerase doctor`")
	}
	return protocol.Errorf(protocol.CodeInternal, "internal error")
}
