package session

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/audit"
	"github.com/tablerase/tablerase/host/internal/config"
	"github.com/tablerase/tablerase/host/internal/profiles"
	"github.com/tablerase/tablerase/host/internal/testenv"
	"github.com/tablerase/tablerase/host/internal/traces"
	"github.com/tablerase/tablerase/host/internal/wipe"
)

// testSteps are the real file steps with the machine's clipboard and recent documents left alone.
func testSteps() Steps {
	s := DefaultSteps()
	s.ClearClipboard = func(context.Context) traces.Outcome { return traces.Outcome{Status: "cleared"} }
	s.MarkRecent = func() traces.RecentMark { return traces.RecentMark{} }
	s.ClearRecent = func(context.Context, traces.RecentMark, bool) traces.Outcome {
		return traces.Outcome{Status: "cleared", Removed: 2}
	}
	s.PurgeStores = func(context.Context) profiles.Result { return profiles.Result{Profiles: 1, Removed: 3} }
	// Never the real profiles of the machine running the tests.
	s.Residue = func(context.Context, profiles.Window) profiles.Result { return profiles.Result{} }
	s.MarkLogs = func(context.Context, []byte) []profiles.LogMark { return nil }
	return s
}

type fixture struct {
	t         *testing.T
	manager   *Manager
	downloads string
	logBuf    *bytes.Buffer
}

func newFixture(t *testing.T, scope config.Scope) *fixture {
	t.Helper()
	root := testenv.TempDir(t)
	dl := filepath.Join(root, "Downloads")
	state := filepath.Join(root, "state")
	for _, d := range []string{dl, state} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	m := &Manager{Dir: state, Steps: testSteps(), Budgets: CLIBudgets, Log: audit.New(&buf),
		Config: config.Config{Scope: scope, Folders: []config.Folder{{Label: "downloads", Path: dl}},
			ClearClipboard: true, ClearRecentDocuments: true}}
	return &fixture{t: t, manager: m, downloads: dl, logBuf: &buf}
}

func (f *fixture) write(name, content string) string {
	f.t.Helper()
	p := filepath.Join(f.downloads, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		f.t.Fatal(err)
	}
	return p
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

func TestSessionKeepsOlderFilesAndRemovesTheSessions(t *testing.T) {
	f := newFixture(t, config.ScopeSession)
	old := f.write("releve-2023.pdf", "the aidant's own file")
	touched := f.write("notes.txt", "old notes")
	ctx := context.Background()
	started, err := f.manager.Start(ctx)
	if err != nil || started.SessionID == "" || started.Resumed || started.Folders != 1 {
		t.Fatalf("Start = %+v, %v", started, err)
	}
	again, err := f.manager.Start(ctx)
	if err != nil || !again.Resumed || again.SessionID != started.SessionID || !again.StartedAt.Equal(started.StartedAt) {
		t.Fatalf("second Start = %+v, %v; want the same session, resumed", again, err)
	}
	newDoc := f.write("attestation-caf.pdf", "the person's document")
	newTree := f.write("scans/2026/avis.pdf", "scan")
	time.Sleep(10 * time.Millisecond) // mtime granularity on some file systems
	if err := os.WriteFile(touched, []byte("modified during the session"), 0o600); err != nil {
		t.Fatal(err)
	}

	rep, err := f.manager.End(ctx)
	if err != nil {
		t.Fatalf("End: %v", err)
	}
	if !exists(old) || exists(newDoc) || exists(newTree) || exists(filepath.Dir(newTree)) || exists(touched) {
		t.Fatalf("after End: old kept=%v, new gone=%v, tree gone=%v, modified gone=%v",
			exists(old), !exists(newDoc), !exists(newTree), !exists(touched))
	}
	if !exists(f.downloads) {
		t.Fatal("the watched folder itself was removed")
	}
	if rep.Status != "clean" || rep.Files.Kept != 1 || rep.Files.Removed < 4 || rep.AlreadyEnded ||
		rep.Clipboard.Status != "cleared" || rep.RecentDocuments.Removed != 2 || rep.SessionID != started.SessionID {
		t.Fatalf("report = %+v", rep)
	}
	second, err := f.manager.End(ctx)
	if err != nil || !second.AlreadyEnded || second.Files.Removed != rep.Files.Removed {
		t.Fatalf("second End = %+v, %v; want already_ended with the same counts", second, err)
	}
	if info, _ := f.manager.Info(); info.State != PhaseEnded || info.Unfinished {
		t.Fatalf("Info after end = %+v", info)
	}
}

func TestEndWithoutStart(t *testing.T) {
	f := newFixture(t, config.ScopeSession)
	if _, err := f.manager.End(context.Background()); !errors.Is(err, ErrNoSession) {
		t.Fatalf("End without Start = %v, want ErrNoSession", err)
	}
	if _, err := f.manager.Clean(context.Background()); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Clean in scope session without a session = %v, want ErrNoSession", err)
	}
}

func TestScopeAllEmptiesFoldersButKeepsThem(t *testing.T) {
	f := newFixture(t, config.ScopeAll)
	old := f.write("old.pdf", "x")
	if _, err := f.manager.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.write("new/doc.pdf", "y")
	rep, err := f.manager.End(context.Background())
	if err != nil || rep.Status != "clean" || exists(old) || rep.Files.Removed != 3 {
		t.Fatalf("End in scope all = %+v, %v (old still there: %v)", rep, err, exists(old))
	}
	entries, _ := os.ReadDir(f.downloads)
	if !exists(f.downloads) || len(entries) != 0 {
		t.Fatalf("watched folder after scope all: exists=%v entries=%d", exists(f.downloads), len(entries))
	}
	// A logoff hook with no session still empties the folders on a public computer.
	f.write("left-behind.pdf", "z")
	rep, err = f.manager.Clean(context.Background())
	if err != nil || exists(filepath.Join(f.downloads, "left-behind.pdf")) || rep.Files.Removed != 1 ||
		rep.BrowserStores == nil || rep.BrowserStores.Removed != 3 || rep.Status != "clean" {
		t.Fatalf("Clean in scope all = %+v, %v", rep, err)
	}
	// A browser still running keeps its stores: the report says so instead of claiming clean.
	f.manager.Steps.PurgeStores = func(context.Context) profiles.Result { return profiles.Result{Profiles: 1, Running: 1} }
	rep, err = f.manager.Clean(context.Background())
	if err != nil || rep.Status != "partial" || rep.BrowserStores.Code != "browser_running" {
		t.Fatalf("Clean with a running browser = %+v, %v", rep, err)
	}
}

func TestFolderAddedDuringSessionIsNotTouched(t *testing.T) {
	f := newFixture(t, config.ScopeSession)
	if _, err := f.manager.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(filepath.Dir(f.downloads), "Documents")
	os.MkdirAll(other, 0o700)
	kept := filepath.Join(other, "family.odt")
	os.WriteFile(kept, []byte("x"), 0o600)
	f.manager.Config.Folders = append(f.manager.Config.Folders, config.Folder{Label: "watch-1", Path: other})
	rep, err := f.manager.End(context.Background())
	if err != nil || !exists(kept) || rep.Files.Folders[1].Status != "skipped" || rep.Status != "partial" {
		t.Fatalf("End = %+v, %v; file in unsnapshotted folder kept: %v", rep, err, exists(kept))
	}
}

// A folder the guard refuses gets no snapshot and is never wiped, in either scope; the report
// names it by label with the guard's code, and the other folders are cleaned.
func TestRefusedFolderIsNeverWiped(t *testing.T) {
	for _, scope := range []config.Scope{config.ScopeSession, config.ScopeAll} {
		t.Run(string(scope), func(t *testing.T) {
			f := newFixture(t, scope)
			home := testenv.TempDir(t)
			mine := filepath.Join(home, ".bashrc")
			os.WriteFile(mine, []byte("x"), 0o600)
			f.manager.Config.Folders = append(f.manager.Config.Folders, config.Folder{Label: "watch-1", Path: home, Refused: "home"})
			ctx := context.Background()
			if _, err := f.manager.Start(ctx); err != nil {
				t.Fatal(err)
			}
			newFile := f.write("new.pdf", "x")
			os.WriteFile(filepath.Join(home, "new-in-home.txt"), []byte("x"), 0o600)
			r, err := f.manager.End(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !exists(mine) || !exists(filepath.Join(home, "new-in-home.txt")) || exists(newFile) {
				t.Errorf("refused folder touched, or the other folder not cleaned")
			}
			if len(r.Files.Folders) != 2 || r.Files.Folders[1].Status != StatusRefused || r.Files.Folders[1].Errors["home"] != 1 ||
				r.Status != "partial" {
				t.Errorf("report = %+v, want watch-1 refused (home), partial", r.Files)
			}
		})
	}
}

func TestInterruptedEndIsResumedAndBlocksStart(t *testing.T) {
	f := newFixture(t, config.ScopeSession)
	ctx := context.Background()
	if _, err := f.manager.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		f.write(filepath.Join("batch", string(rune('a'+i))+".pdf"), "x")
	}
	realWipe := f.manager.Steps.Wipe
	// The first end runs out of time after the wipe started.
	f.manager.Steps.Wipe = func(ctx context.Context, root string, scope wipe.Scope, snap *wipe.Snapshot, key []byte) wipe.Result {
		dead, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
		defer cancel()
		return realWipe(dead, root, scope, snap, key)
	}
	rep, err := f.manager.End(ctx)
	if err != nil || rep.Status == "clean" {
		t.Fatalf("interrupted End = %+v, %v; want partial", rep, err)
	}
	if info, _ := f.manager.Info(); !info.Unfinished || info.State != PhaseEnding {
		t.Fatalf("Info after an interrupted end = %+v, want unfinished", info)
	}
	if _, err := f.manager.Start(ctx); !errors.Is(err, ErrUnfinished) {
		t.Fatalf("Start after an interrupted end = %v, want ErrUnfinished", err)
	}
	f.manager.Steps.Wipe = realWipe
	rep, err = f.manager.End(ctx)
	if err != nil || rep.Status != "clean" || !rep.Resumed || exists(filepath.Join(f.downloads, "batch")) {
		t.Fatalf("resumed End = %+v, %v", rep, err)
	}
}

func TestConcurrentEndsWipeOnce(t *testing.T) {
	f := newFixture(t, config.ScopeSession)
	ctx := context.Background()
	if _, err := f.manager.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		f.write(filepath.Join("d", string(rune('a'+i%26)), string(rune('a'+i/26))+".txt"), "x")
	}
	var wg sync.WaitGroup
	reports := make([]Report, 4)
	errs := make([]error, 4)
	for i := range reports {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			m := *f.manager // separate Manager values: separate lock file handles, as in separate processes
			reports[i], errs[i] = m.End(ctx)
		}(i)
	}
	wg.Wait()
	fresh := 0
	for i := range reports {
		if errs[i] != nil {
			t.Fatalf("concurrent End %d: %v", i, errs[i])
		}
		if !reports[i].AlreadyEnded {
			fresh++
		}
		if reports[i].Files.Removed != reports[0].Files.Removed {
			t.Fatalf("concurrent ends disagree: %d vs %d removed", reports[i].Files.Removed, reports[0].Files.Removed)
		}
	}
	if fresh != 1 {
		t.Fatalf("%d ends did the wipe, want exactly 1", fresh)
	}
}

func TestUnreadableStateIsSetAsideByStart(t *testing.T) {
	f := newFixture(t, config.ScopeSession)
	os.WriteFile(filepath.Join(f.manager.Dir, stateFile), []byte("{truncated"), 0o600)
	if info, err := f.manager.Info(); !errors.Is(err, ErrState) || !info.Unfinished {
		t.Fatalf("Info on a corrupt state = %+v, %v", info, err)
	}
	if _, err := f.manager.End(context.Background()); !errors.Is(err, ErrState) {
		t.Fatalf("End on a corrupt state = %v, want ErrState", err)
	}
	if _, err := f.manager.Start(context.Background()); err != nil {
		t.Fatalf("Start on a corrupt state = %v", err)
	}
	if !exists(filepath.Join(f.manager.Dir, stateFile+".unreadable")) {
		t.Fatal("corrupt state was not kept aside")
	}
}

func TestStateAndLogHoldNoNames(t *testing.T) {
	f := newFixture(t, config.ScopeSession)
	secrets := []string{"Jean_Dupont_avis_imposition", "1234567890123", "Downloads"}
	f.write(secrets[0]+"_"+secrets[1]+".pdf", "x")
	ctx := context.Background()
	if _, err := f.manager.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f.write("new_"+secrets[0]+".pdf", "y")
	// Inspect the state while the session is active (snapshots present) and after it ended.
	check := func(when string) {
		entries, _ := os.ReadDir(f.manager.Dir)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(f.manager.Dir, e.Name()))
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s: state file %s contains %q", when, e.Name(), s)
				}
			}
		}
	}
	check("active")
	if _, err := f.manager.End(ctx); err != nil {
		t.Fatal(err)
	}
	check("ended")
	for _, s := range secrets {
		if bytes.Contains(f.logBuf.Bytes(), []byte(s)) {
			t.Errorf("log contains %q", s)
		}
	}
	if !bytes.Contains(f.logBuf.Bytes(), []byte(`"event":"session.end"`)) {
		t.Fatalf("log has no session.end event: %s", f.logBuf.String())
	}
}
