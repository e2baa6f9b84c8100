package commands

import "context"

// session.end: remove what the accompaniment left in the watched folders, clear the clipboard
// and recent documents, and answer the report (session.Manager.End).
func (e *Env) sessionEnd(ctx context.Context) (any, error) {
	return e.Sessions.End(ctx)
}
