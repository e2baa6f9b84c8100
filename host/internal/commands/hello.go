package commands

import (
	"context"

	"github.com/tablerase/tablerase/host/internal/config"
	"github.com/tablerase/tablerase/host/internal/contract"
	"github.com/tablerase/tablerase/host/internal/policy"
	"github.com/tablerase/tablerase/host/internal/protocol"
	"github.com/tablerase/tablerase/host/internal/session"
)

// HelloResult is the handshake: who the host is, what it can do on this computer, what the
// browsers' policies really guarantee, and whether a session is in progress or unfinished.
type HelloResult struct {
	Version      string        `json:"version"`
	Protocol     int           `json:"protocol"`
	OS           string        `json:"os"`
	Arch         string        `json:"arch"`
	Capabilities []string      `json:"capabilities"`
	Scope        string        `json:"scope"`
	Policy       policy.Report `json:"policy"`
	Session      session.Info  `json:"session"`
}

func (e *Env) hello(ctx context.Context) (any, error) {
	caps := []string{contract.CapFiles}
	if e.Config.ClearClipboard {
		caps = append(caps, contract.CapClipboard)
	}
	if e.Config.ClearRecentDocuments {
		caps = append(caps, contract.CapRecentDocuments)
	}
	closed := e.ClosedBrowsers != nil && e.ClosedBrowsers()
	if closed {
		caps = append(caps, contract.CapClosedBrowsers)
	}
	info := session.Info{State: contract.SessionUnavailable}
	if e.Sessions != nil {
		info, _ = e.Sessions.Info() // an unreadable state is reported as such; hello still answers
		// A browser starts (or its popup opens) while an earlier accompaniment's residue is still
		// in some profile — the computer went off before the browser closed, say — and no logoff
		// clean will take it: start the wait for the browsers' exit (one at a time, see
		// session.CleanResidueAfterExit).
		if !closed && e.AfterExit != nil && e.Config.Scope == config.ScopeSession && e.Sessions.ResiduePending() {
			e.AfterExit()
		}
	}
	var rep policy.Report
	if e.Policy != nil {
		rep = e.Policy(ctx)
	}
	return HelloResult{Version: e.Version, Protocol: protocol.Version, OS: e.OS, Arch: e.Arch,
		Capabilities: caps, Scope: string(e.Config.Scope), Policy: rep, Session: info}, nil
}
