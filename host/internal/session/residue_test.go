package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/config"
	"github.com/tablerase/tablerase/host/internal/profiles"
)

// residueCalls records the closed-browser step's calls and answers with what running says.
type residueCalls struct {
	since   []time.Time
	logs    []int // marks given with each call
	marked  int   // MarkLogs calls
	running bool
}

func (c *residueCalls) mark(_ context.Context, key []byte) []profiles.LogMark {
	c.marked++
	if len(key) != 32 {
		panic("no key")
	}
	return []profiles.LogMark{{ID: "00", Size: 10}}
}

func (c *residueCalls) step(_ context.Context, w profiles.Window) profiles.Result {
	c.since = append(c.since, w.Since)
	c.logs = append(c.logs, len(w.Logs))
	if c.running {
		return profiles.Result{Profiles: 2, Running: 1, SiteData: 4}
	}
	return profiles.Result{Profiles: 2, SiteData: 5}
}

// The clock of these tests: each call moves it on a minute.
func ticking(m *Manager) {
	t := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	m.Now = func() time.Time { t = t.Add(time.Minute); return t }
}

// In scope session, `tablerase clean` after an accompaniment (ended by the extension, or ended by
// the clean itself) removes from closed profiles what was written since its start, reports it as
// browser_residue, and then leaves the profiles alone: the aidant's later browsing is the aidant's.
func TestCleanInScopeSessionClearsTheLastAccompanimentsBrowserResidueOnce(t *testing.T) {
	f := newFixture(t, config.ScopeSession)
	ticking(f.manager)
	calls := &residueCalls{}
	f.manager.Steps.Residue = calls.step
	f.manager.Steps.MarkLogs = calls.mark
	ctx := context.Background()
	started, err := f.manager.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.manager.End(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := f.manager.Clean(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b := rep.BrowserResidue; b == nil || b.Status != "cleared" || b.Removed != 5 || rep.BrowserStores != nil {
		t.Fatalf("browser_residue = %+v (stores %+v), want cleared, 5", b, rep.BrowserStores)
	}
	if len(calls.since) != 1 || !calls.since[0].Equal(started.StartedAt) || calls.marked != 1 || calls.logs[0] != 1 {
		t.Fatalf("residue since %v, want the session's start %v", calls.since, started.StartedAt)
	}
	if rep.Status != "clean" || !rep.AlreadyEnded {
		t.Fatalf("report %+v", rep)
	}
	rep, err = f.manager.Clean(ctx)
	if err != nil || rep.BrowserResidue == nil || rep.BrowserResidue.Status != "nothing" || len(calls.since) != 1 {
		t.Fatalf("second clean: %+v, %v; calls %d — want nothing, and the profiles left alone", rep.BrowserResidue, err, len(calls.since))
	}
	// The state holds times and counts, and no name of any kind.
	b, _ := os.ReadFile(filepath.Join(f.manager.Dir, stateFile))
	if !strings.Contains(string(b), `"residue_cleared":true`) {
		t.Fatalf("state does not record the cleared residue: %s", b)
	}
	// A clean with no session at all still has nothing it may delete.
	g := newFixture(t, config.ScopeSession)
	g.manager.Steps.Residue = calls.step
	if _, err := g.manager.Clean(ctx); !errors.Is(err, ErrNoSession) || len(calls.since) != 1 {
		t.Fatalf("clean with no session: %v, calls %d", err, len(calls.since))
	}
}

// A browser still open keeps the residue pending: the next clean tries again from the same start,
// and so does a clean after a later accompaniment (its start would miss the first one's files).
func TestBrowserResidueStaysPendingUntilEveryProfileIsClosed(t *testing.T) {
	f := newFixture(t, config.ScopeSession)
	ticking(f.manager)
	calls := &residueCalls{running: true}
	f.manager.Steps.Residue = calls.step
	f.manager.Steps.MarkLogs = calls.mark
	ctx := context.Background()
	first, err := f.manager.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.manager.Clean(ctx) // logoff during the accompaniment: ended here
	if err != nil || rep.AlreadyEnded {
		t.Fatalf("clean = %+v, %v", rep, err)
	}
	if b := rep.BrowserResidue; b == nil || b.Status != "skipped" || b.Code != "browser_running" || rep.Status != "partial" {
		t.Fatalf("browser_residue = %+v, status %s; want skipped browser_running, partial", b, rep.Status)
	}
	second, err := f.manager.Start(ctx)
	if err != nil || !second.StartedAt.After(first.StartedAt) {
		t.Fatalf("second start %+v, %v", second, err)
	}
	if _, err := f.manager.End(ctx); err != nil {
		t.Fatal(err)
	}
	calls.running = false
	if rep, err := f.manager.Clean(ctx); err != nil || rep.BrowserResidue.Status != "cleared" {
		t.Fatalf("clean = %+v, %v", rep.BrowserResidue, err)
	}
	if len(calls.since) != 2 || !calls.since[0].Equal(first.StartedAt) || !calls.since[1].Equal(first.StartedAt) {
		t.Fatalf("residue since %v, want the first accompaniment's start %v twice", calls.since, first.StartedAt)
	}
	if calls.marked != 1 {
		t.Fatalf("Local Storage marked %d times, want once: the second start keeps the first's marks", calls.marked)
	}
	// Once cleared, a new accompaniment starts its own window.
	third, _ := f.manager.Start(ctx)
	f.manager.End(ctx)
	f.manager.Clean(ctx)
	if len(calls.since) != 3 || !calls.since[2].Equal(third.StartedAt) || calls.marked != 2 {
		t.Fatalf("residue since %v, want the third start %v last", calls.since, third.StartedAt)
	}
}
