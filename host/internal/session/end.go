package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tablerase/tablerase/host/internal/audit"
	"github.com/tablerase/tablerase/host/internal/config"
	"github.com/tablerase/tablerase/host/internal/contract"
	"github.com/tablerase/tablerase/host/internal/profiles"
	"github.com/tablerase/tablerase/host/internal/wipe"
)

// End finishes the session: it removes what the session added to the watched folders, clears the
// clipboard and the recent-documents entries, and returns the report. The three steps run side by
// side, each within its budget; one failing never stops the others.
//
// End is idempotent: after a complete end it returns the same report with AlreadyEnded set. An
// end cut short (timeout, crash, kill) leaves the state "ending", and the next End resumes it.
func (m *Manager) End(ctx context.Context) (Report, error) {
	release, err := m.lock(ctx, m.Budgets.Lock)
	if err != nil {
		return Report{}, err
	}
	defer release()
	st, err := m.load()
	if err != nil {
		return Report{}, err
	}
	switch st.Phase {
	case PhaseNone:
		return Report{}, ErrNoSession
	case PhaseEnded:
		if st.Report == nil {
			return Report{}, ErrState
		}
		r := *st.Report
		r.AlreadyEnded = true
		m.log().SessionEnd(summary(r))
		return r, nil
	}
	return m.finish(ctx, st)
}

// Clean is `tablerase clean`, run by OS logon/logoff hooks and by hand: it finishes an active or
// interrupted session. In scope "all" it also empties the watched folders and clears the traces
// when there is no session, and purges the password and autofill stores and the site data of
// browser profiles that are not running. In scope "session" it then removes from closed browser
// profiles what the last accompaniments wrote there, and only that (cleanResidue). With no session
// in scope "session" there is nothing it may delete (ErrNoSession).
func (m *Manager) Clean(ctx context.Context) (Report, error) {
	r, err := m.End(ctx)
	if m.Config.Scope != config.ScopeAll {
		if err != nil {
			return r, err
		}
		residue, rerr := m.cleanResidue(ctx)
		if rerr != nil {
			return r, rerr
		}
		r.BrowserResidue = &residue
		r.Status = contract.Overall(r)
		return r, nil
	}
	if errors.Is(err, ErrNoSession) || err == nil && r.AlreadyEnded {
		release, lerr := m.lock(ctx, m.Budgets.Lock)
		if lerr != nil {
			return Report{}, lerr
		}
		st := &state{Version: stateVersion, Scope: contract.ScopeAll, Phase: PhaseEnding, StartedAt: m.now().UTC(), Key: make([]byte, 32)}
		for _, f := range m.Config.Folders {
			st.Folders = append(st.Folders, folderState{ID: folderID(st.Key, f.Path), Label: f.Label})
		}
		r, err = m.run(ctx, st, false), nil
		release()
	}
	if err != nil {
		return r, err
	}
	stores := m.purgeStores(ctx)
	r.BrowserStores = &stores
	r.Status = contract.Overall(r)
	return r, nil
}

func (m *Manager) purgeStores(ctx context.Context) StepReport {
	if m.Steps.PurgeStores == nil {
		return StepReport{Status: contract.StepDisabled}
	}
	ctx, cancel := context.WithTimeout(ctx, m.Budgets.Stores)
	defer cancel()
	return profilesStep(m.Steps.PurgeStores(ctx))
}

// cleanResidue runs scope session's closed-browser step for the accompaniments whose residue is
// still pending (state.residue), under the session lock, and records when it is all gone:
// every profile closed and nothing failed. A browser left open keeps it pending for the next
// clean (logon, logoff).
func (m *Manager) cleanResidue(ctx context.Context) (StepReport, error) {
	rep, _, err := m.cleanResidueOnce(ctx)
	return rep, err
}

// cleanResidueOnce is cleanResidue, also saying whether anything is still pending afterwards (a
// profile was running, a removal failed or the time ran out).
func (m *Manager) cleanResidueOnce(ctx context.Context) (rep StepReport, pending bool, err error) {
	if m.Steps.Residue == nil {
		return StepReport{Status: "disabled"}, false, nil
	}
	release, err := m.lock(ctx, m.Budgets.Lock)
	if err != nil {
		return StepReport{}, false, err
	}
	defer release()
	st, err := m.load()
	if err != nil {
		return StepReport{}, false, err
	}
	w := st.residue()
	if w.Since.IsZero() || st.Phase != PhaseEnded && st.Phase != PhaseEnding {
		return StepReport{Status: "nothing"}, false, nil
	}
	sctx, cancel := context.WithTimeout(ctx, m.Budgets.Stores)
	res := m.Steps.Residue(sctx, w)
	timedOut := sctx.Err() != nil
	cancel()
	rep = profilesStep(res)
	if timedOut && rep.Status != "failed" {
		rep = StepReport{Status: "failed", Code: "timeout", Removed: rep.Removed}
	}
	m.log().BrowserStep("browser_residue", rep.Status, rep.Code, rep.Removed)
	if res.Failed == 0 && res.Unresolved == 0 && res.Running == 0 && !timedOut {
		st.ResidueCleared = true
		if err := m.save(st); err != nil {
			m.log().Failure("clean", "state_write")
		}
		return rep, false, nil
	}
	return rep, true, nil
}

// afterExitLockFile is held by the one CleanResidueAfterExit running for this user.
const afterExitLockFile = "after-exit.lock"

// ResiduePending says whether an accompaniment's browser residue is still to be removed from
// closed profiles (read without the lock: a hint for starting the wait, which checks again).
func (m *Manager) ResiduePending() bool {
	st, err := m.load()
	return err == nil && (st.Phase == PhaseEnded || st.Phase == PhaseEnding) && !st.residue().Since.IsZero()
}

// CleanResidueAfterExit is the closed-browser step of scope "session" on a computer without the
// logon/logoff hook (`tablerase clean --after-exit`, which the native host starts, detached, when
// an accompaniment ends there): it waits, checking every `every`, until the browsers are closed,
// and removes what the accompaniment wrote in their profiles, as the hook would (cleanResidue;
// profiles already closed are cleaned at the first pass). It returns when nothing is pending any
// more — all cleared, or a new accompaniment began (whose own end will see to it), or no session
// at all — or when ctx ends, which bounds the wait; the last report says where it stopped. Never
// in scope "all": there the hook is required (tablerase doctor warns), and a purge of whole
// stores is not something to run unattended from a browser's request.
func (m *Manager) CleanResidueAfterExit(ctx context.Context, every time.Duration) (StepReport, error) {
	if m.Config.Scope == config.ScopeAll {
		return StepReport{Status: contract.StepSkipped, Code: contract.CodeUnsupported}, nil
	}
	// One wait at a time: the host starts one at every end and at a browser's start while
	// residue is pending; a second finds the first's lock and leaves.
	f, err := os.OpenFile(filepath.Join(m.Dir, afterExitLockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return StepReport{}, err
	}
	defer f.Close()
	if err := tryLock(f); err != nil {
		return StepReport{Status: contract.StepNothing}, nil
	}
	defer unlock(f)
	for {
		rep, pending, err := m.cleanResidueOnce(ctx)
		if errors.Is(err, ErrBusy) { // another clean or a start holds the lock: look again later
			pending, err = true, nil
		}
		if err != nil || !pending {
			return rep, err
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return rep, nil
		case <-t.C:
		}
	}
}

// profilesStep turns a closed-profile step's counts into its report.
func profilesStep(res profiles.Result) StepReport {
	removed := res.Removed + res.SiteData
	switch {
	case res.Failed > 0:
		return StepReport{Status: contract.StepFailed, Code: contract.CodeNotRemoved, Removed: removed}
	case res.Unresolved > 0:
		return StepReport{Status: contract.StepFailed, Code: contract.CodeUnresolved, Removed: removed}
	case res.Running > 0:
		return StepReport{Status: contract.StepSkipped, Code: contract.CodeBrowserRunning, Removed: removed}
	case removed > 0:
		return StepReport{Status: contract.StepCleared, Removed: removed}
	}
	return StepReport{Status: contract.StepNothing}
}

// finish marks the state "ending" (durably, before the first deletion), runs the steps and
// records the outcome.
func (m *Manager) finish(ctx context.Context, st *state) (Report, error) {
	resumed := st.Phase == PhaseEnding
	if !resumed {
		st.Phase = PhaseEnding
		if err := m.save(st); err != nil {
			return Report{}, err
		}
	}
	r := m.run(ctx, st, resumed)
	st.Report = &r
	if !timedOut(r) {
		st.Phase = PhaseEnded
	}
	if err := m.save(st); err != nil {
		m.log().Failure("session.end", "state_write")
		return r, nil // the wipe happened; the report is still true
	}
	if st.Phase == PhaseEnded {
		m.removeLeftovers()
	}
	return r, nil
}

// run executes the three steps for st and builds the report. It does not touch the state file.
func (m *Manager) run(ctx context.Context, st *state, resumed bool) Report {
	t0 := time.Now()
	r := Report{SessionID: st.ID, StartedAt: st.StartedAt, Scope: st.Scope, Resumed: resumed}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); r.Files = m.wipeFolders(ctx, st) }()
	go func() { defer wg.Done(); r.Clipboard = m.clearClipboard(ctx) }()
	go func() { defer wg.Done(); r.RecentDocuments = m.clearRecent(ctx, st) }()
	wg.Wait()
	r.EndedAt = m.now().UTC()
	r.DurationMS = time.Since(t0).Milliseconds()
	r.Status = contract.Overall(r)
	m.log().SessionEnd(summary(r))
	return r
}

func (m *Manager) wipeFolders(ctx context.Context, st *state) FilesReport {
	ctx, cancel := context.WithTimeout(ctx, m.Budgets.Files)
	defer cancel()
	// Folders are matched by the HMAC of their path: a folder the admin added during the session
	// has no snapshot, and in scope "session" nothing in it may be deleted.
	byID := map[string]folderState{}
	for _, f := range st.Folders {
		byID[f.ID] = f
	}
	fr := FilesReport{Folders: []FolderReport{}}
	for _, f := range m.Config.Folders {
		fs, known := byID[folderID(st.Key, f.Path)]
		rep := FolderReport{Label: f.Label}
		switch {
		case f.Refused != "":
			// The guard's verdict, taken again at this load: never wiped, in any scope.
			rep.Status, rep.Errors = StatusRefused, map[string]int{f.Refused: 1}
		case st.Scope == contract.ScopeAll:
			rep = fromResult(f.Label, m.Steps.Wipe(ctx, f.Path, wipe.ScopeAll, nil, st.Key))
		case !known || !fs.Snapshot:
			// No snapshot: we cannot tell the person's files from older ones, so nothing goes.
			rep.Status, rep.Errors = StatusSkipped, map[string]int{contract.CodeNoSnapshot: 1}
		default:
			snap, err := m.loadSnapshot(fs.ID)
			if err != nil {
				rep.Status, rep.Errors = contract.StatusFailed, map[string]int{contract.CodeSnapshotUnreadable: 1}
				break
			}
			rep = fromResult(f.Label, m.Steps.Wipe(ctx, f.Path, wipe.ScopeSession, snap, st.Key))
		}
		fr.Folders = append(fr.Folders, rep)
		fr.Removed += rep.Removed
		fr.Kept += rep.Kept
		fr.Failed += rep.Failed
		fr.RemovedBytes += rep.RemovedBytes
	}
	fr.Status = contract.FilesStatus(fr.Folders)
	return fr
}

func fromResult(label string, res wipe.Result) FolderReport {
	return FolderReport{Label: label, Status: res.Status, Removed: res.Removed, Kept: res.Kept, Failed: res.Failed,
		RemovedBytes: res.RemovedBytes, Errors: res.Errors}
}

func (m *Manager) clearClipboard(ctx context.Context) StepReport {
	if !m.Config.ClearClipboard || m.Steps.ClearClipboard == nil {
		return StepReport{Status: contract.StepDisabled}
	}
	ctx, cancel := context.WithTimeout(ctx, m.Budgets.Clipboard)
	defer cancel()
	o := m.Steps.ClearClipboard(ctx)
	return StepReport{Status: o.Status, Code: o.Code, Removed: o.Removed}
}

func (m *Manager) clearRecent(ctx context.Context, st *state) StepReport {
	if !m.Config.ClearRecentDocuments || m.Steps.ClearRecent == nil {
		return StepReport{Status: contract.StepDisabled}
	}
	ctx, cancel := context.WithTimeout(ctx, m.Budgets.Recent)
	defer cancel()
	o := m.Steps.ClearRecent(ctx, st.Recent, st.Scope == contract.ScopeAll)
	return StepReport{Status: o.Status, Code: o.Code, Removed: o.Removed}
}

func timedOut(r Report) bool {
	for _, f := range r.Files.Folders {
		if f.Errors[wipe.ReasonTimeout] > 0 {
			return true
		}
	}
	return false
}

func summary(r Report) audit.EndSummary {
	codes := map[string]int{}
	for _, f := range r.Files.Folders {
		for c, n := range f.Errors {
			codes[c] += n
		}
	}
	return audit.EndSummary{Session: r.SessionID, Scope: r.Scope, Status: r.Status, Removed: r.Files.Removed,
		Kept: r.Files.Kept, Failed: r.Files.Failed, RemovedBytes: r.Files.RemovedBytes, Clipboard: r.Clipboard.Status,
		RecentDocuments: r.RecentDocuments.Status, RecentRemoved: r.RecentDocuments.Removed,
		AlreadyEnded: r.AlreadyEnded, Resumed: r.Resumed, Duration: time.Duration(r.DurationMS) * time.Millisecond,
		FailureCodes: codes}
}

// Info returns the session state without taking the lock (a read of one atomically replaced file).
func (m *Manager) Info() (Info, error) {
	st, err := m.load()
	if err != nil {
		return Info{State: contract.SessionUnreadable, Unfinished: true}, err
	}
	in := Info{State: st.Phase, ID: st.ID, Unfinished: st.Phase == PhaseEnding}
	if st.Phase != PhaseNone {
		t := st.StartedAt
		in.StartedAt = &t
	}
	return in, nil
}

// setAsideState renames an unreadable state file so a new session can start; it is kept for
// diagnosis (it holds no names).
func (m *Manager) setAsideState() error {
	err := os.Rename(filepath.Join(m.Dir, stateFile), filepath.Join(m.Dir, stateFile+".unreadable"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
