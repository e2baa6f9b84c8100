package commands

import (
	"context"

	"github.com/tablerase/tablerase/host/internal/contract"
)

// session.end: remove what the accompaniment left in the watched folders, clear the clipboard
// and recent documents, and answer the report (session.Manager.End), with whether this
// computer's logoff clean will remove what the browser keeps until it closes (closed_browsers:
// the receipt says it only when it is true). Without that clean, in scope session, it starts the
// wait that removes it once the browsers are closed (AfterExit).
func (e *Env) sessionEnd(ctx context.Context) (any, error) {
	r, err := e.Sessions.End(ctx)
	if err != nil {
		return r, err
	}
	r.ClosedBrowsers = e.ClosedBrowsers != nil && e.ClosedBrowsers()
	// No logoff clean here: what the browser keeps in its files until it closes would stay. Start
	// the wait for its exit (once per end actually done, not for an answer replayed).
	if !r.ClosedBrowsers && !r.AlreadyEnded && r.Scope == contract.ScopeSession && e.AfterExit != nil {
		e.AfterExit()
	}
	return r, nil
}
