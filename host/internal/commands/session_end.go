package commands

import "context"

// session.end: remove what the accompaniment left in the watched folders, clear the clipboard
// and recent documents, and answer the report (session.Manager.End), with whether this
// computer's logoff clean will remove what the browser keeps until it closes (closed_browsers:
// the receipt says it only when it is true).
func (e *Env) sessionEnd(ctx context.Context) (any, error) {
	r, err := e.Sessions.End(ctx)
	if err != nil {
		return r, err
	}
	r.ClosedBrowsers = e.ClosedBrowsers != nil && e.ClosedBrowsers()
	return r, nil
}
