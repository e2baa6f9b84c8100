package commands

import "context"

// session.start: snapshot the watched folders and begin an accompaniment (session.Manager.Start).
func (e *Env) sessionStart(ctx context.Context) (any, error) {
	return e.Sessions.Start(ctx)
}
