package session

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/tablerase/tablerase/host/internal/contract"
	"github.com/tablerase/tablerase/host/internal/profiles"
	"github.com/tablerase/tablerase/host/internal/wipe"
)

// Start begins a session: it snapshots every watched folder (scope "session") and records the
// state. If a session is already active it is returned unchanged (Resumed): starting twice never
// loses the earlier start time, which would shrink what the end removes. If a previous end was
// interrupted, Start refuses with ErrUnfinished: that wipe must be finished first.
func (m *Manager) Start(ctx context.Context) (Started, error) {
	t0 := time.Now()
	release, err := m.lock(ctx, m.Budgets.Lock)
	if err != nil {
		return Started{}, err
	}
	defer release()

	st, err := m.load()
	if errors.Is(err, ErrState) {
		// An unreadable state cannot be resumed; set it aside rather than block every start.
		m.log().Failure("session.start", "state_unreadable")
		st, err = &state{Phase: PhaseNone}, m.setAsideState()
	}
	if err != nil {
		return Started{}, err
	}
	switch st.Phase {
	case PhaseActive:
		m.log().SessionStart(st.ID, st.Scope, len(st.Folders), 0, true, time.Since(t0))
		return Started{SessionID: st.ID, StartedAt: st.StartedAt, Scope: st.Scope, Folders: len(st.Folders), Resumed: true}, nil
	case PhaseEnding:
		return Started{}, ErrUnfinished
	}
	m.removeLeftovers()

	pending := st.residue()
	st = &state{Version: stateVersion, ID: uuid.NewString(), StartedAt: m.now().UTC(), Scope: string(m.Config.Scope),
		Phase: PhaseActive, Key: make([]byte, 32)}
	if st.Scope == "" {
		st.Scope = contract.ScopeSession
	}
	if _, err := rand.Read(st.Key); err != nil {
		return Started{}, err
	}
	sctx, cancel := context.WithTimeout(ctx, m.Budgets.Snapshot)
	defer cancel()
	if err := m.openResidueWindow(sctx, st, pending); err != nil {
		return Started{}, err
	}
	entries := 0
	for _, f := range m.Config.Folders {
		fs := folderState{ID: folderID(st.Key, f.Path), Label: f.Label}
		if f.Refused != "" {
			// Never to be wiped (a root, a home, what holds the host…): no snapshot either,
			// so that nothing of it can be deleted even if the guard changed its mind.
			fs.Error = "refused"
			m.log().Failure("snapshot", "folder_refused")
		} else if st.Scope == contract.ScopeSession {
			snap, err := m.Steps.Snapshot(sctx, f.Path, st.Key)
			if err == nil {
				err = m.saveSnapshot(fs.ID, snap)
			}
			if err != nil {
				fs.Error = reasonOf(err)
				m.log().Failure("snapshot", fs.Error)
			} else {
				fs.Snapshot = true
				entries += snap.Len()
			}
		}
		st.Folders = append(st.Folders, fs)
	}
	if m.Steps.MarkRecent != nil {
		st.Recent = m.Steps.MarkRecent()
	}
	// The snapshots are on disk (synced) before the state that points to them.
	if err := m.save(st); err != nil {
		return Started{}, err
	}
	m.log().SessionStart(st.ID, st.Scope, len(st.Folders), entries, false, time.Since(t0))
	return Started{SessionID: st.ID, StartedAt: st.StartedAt, Scope: st.Scope, Folders: len(st.Folders)}, nil
}

// openResidueWindow records in st where the browser residue of this accompaniment begins: the
// previous accompaniment's window while its residue is still pending (a later start would miss
// what it wrote), else now, with the browsers' Local Storage logs as they are now (scope session
// only: scope all purges the closed profiles whole).
func (m *Manager) openResidueWindow(ctx context.Context, st *state, pending profiles.Window) error {
	if !pending.Since.IsZero() && pending.Since.Before(st.StartedAt) {
		st.ResidueSince, st.ResidueKey, st.ResidueLogs = pending.Since, pending.Key, pending.Logs
		return nil
	}
	st.ResidueSince = st.StartedAt
	if st.Scope != "session" || m.Steps.MarkLogs == nil {
		return nil
	}
	st.ResidueKey = make([]byte, 32)
	if _, err := rand.Read(st.ResidueKey); err != nil {
		return err
	}
	st.ResidueLogs = m.Steps.MarkLogs(ctx, st.ResidueKey)
	return nil
}

// reasonOf turns an error into a short code for reports and logs (never its text, which may
// hold a path).
func reasonOf(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "timeout"
	case errors.Is(err, wipe.ErrTooManyEntries):
		return "too_many_entries"
	default:
		return "error"
	}
}
