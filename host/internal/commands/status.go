package commands

import (
	"context"

	"github.com/tablerase/tablerase/host/internal/session"
)

// StatusResult is the session state alone: cheap, for the popup's badge.
type StatusResult struct {
	Session session.Info `json:"session"`
}

func (e *Env) status(ctx context.Context) (any, error) {
	info, err := e.Sessions.Info()
	if err != nil {
		return nil, err
	}
	return StatusResult{Session: info}, nil
}
