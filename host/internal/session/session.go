// Package session is the life of one accompaniment on the host: start (snapshot the watched
// folders), end (wipe what the session added, clear the clipboard and recent documents, report),
// and the state in between, which survives crashes.
//
// Why a snapshot, and why scope "session" is the default: on an aidant's own computer the
// Downloads folder also holds the aidant's files. Only what was created or modified after
// session.start is the person's, so at start we record a keyed digest of every entry's identity
// (never its name), and at end we remove exactly the entries whose identity is not in that record.
// Scope "all" (public computers) needs no snapshot: the folders are emptied.
//
// Crash safety comes from ordering, not from luck. The snapshot is written and synced before the
// state says "active"; the state says "ending" before the first deletion; decisions at end come only
// from the snapshot and the disk, so an end interrupted at any point (kill -9 included) is finished
// by the next End, which deletes nothing the first run would have kept. One lock file serialises
// host processes: two browsers, or a browser and the logoff hook, never end a session twice at once.
//
// The state directory holds no file name and no path in clear: folders are keyed by an HMAC of
// their path under the session's random key, and snapshots hold only digests.
package session

import (
	"context"
	"errors"
	"time"

	"github.com/tablerase/tablerase/host/internal/audit"
	"github.com/tablerase/tablerase/host/internal/config"
	"github.com/tablerase/tablerase/host/internal/policy"
	"github.com/tablerase/tablerase/host/internal/profiles"
	"github.com/tablerase/tablerase/host/internal/traces"
	"github.com/tablerase/tablerase/host/internal/wipe"
)

// Sentinel errors; the commands package maps them to protocol codes.
var (
	ErrNoSession  = errors.New("no session was started")
	ErrBusy       = errors.New("another host process holds the session")
	ErrUnfinished = errors.New("a previous session's wipe was interrupted")
	ErrState      = errors.New("session state unreadable")
)

// Phases of a session as stored on disk.
const (
	PhaseNone   = "none"
	PhaseActive = "active"
	PhaseEnding = "ending"
	PhaseEnded  = "ended"
)

// Steps are the actions a session runs. Production code uses Default(); tests replace the OS
// edges (the clipboard of the machine running the tests is not ours to clear).
type Steps struct {
	Snapshot       func(ctx context.Context, root string, key []byte) (*wipe.Snapshot, error)
	Wipe           func(ctx context.Context, root string, scope wipe.Scope, snap *wipe.Snapshot, key []byte) wipe.Result
	ClearClipboard func(ctx context.Context) traces.Outcome
	MarkRecent     func() traces.RecentMark
	ClearRecent    func(ctx context.Context, mark traces.RecentMark, all bool) traces.Outcome
	// PurgeStores removes the password and autofill stores and the site data of browser profiles
	// that are not running; only `tablerase clean` in scope "all" calls it.
	PurgeStores func(ctx context.Context) profiles.Result
	// Residue removes from browser profiles that are not running what an accompaniment begun at
	// since can have written there (caches, session restore, LevelDB logs, DOM caches), and only
	// that; only `tablerase clean` in scope "session" calls it.
	Residue func(ctx context.Context, w profiles.Window) profiles.Result
	// MarkLogs records the browsers' Local Storage logs when an accompaniment starts (scope
	// "session"), so that Residue keeps what the aidant wrote there before.
	MarkLogs func(ctx context.Context, key []byte) []profiles.LogMark
}

// DefaultSteps are the real actions.
func DefaultSteps() Steps {
	return Steps{
		Snapshot:       wipe.Take,
		Wipe:           wipe.Wipe,
		ClearClipboard: traces.ClearClipboard,
		MarkRecent:     traces.MarkRecent,
		ClearRecent:    traces.ClearRecent,
		PurgeStores:    func(ctx context.Context) profiles.Result { return profiles.Purge(ctx, policy.NativeEnv()) },
		Residue: func(ctx context.Context, w profiles.Window) profiles.Result {
			return profiles.Residue(ctx, policy.NativeEnv(), w)
		},
		MarkLogs: func(ctx context.Context, key []byte) []profiles.LogMark {
			return profiles.MarkLogs(ctx, policy.NativeEnv(), key)
		},
	}
}

// Budgets bound each step of an end. Files, clipboard and recent documents run side by side, so
// an end takes at most the largest budget (plus the lock wait).
type Budgets struct {
	Snapshot, Files, Clipboard, Recent, Lock, Stores time.Duration
}

// NativeBudgets fit inside the extension's 10-second cleanup: what does not finish in time is
// reported as partial and finished by the next end.
var NativeBudgets = Budgets{Snapshot: 8 * time.Second, Files: 7 * time.Second, Clipboard: 3 * time.Second,
	Recent: 3 * time.Second, Lock: 2 * time.Second, Stores: 3 * time.Second}

// CLIBudgets are for `tablerase clean`, run by OS hooks where nobody is waiting on a popup.
var CLIBudgets = Budgets{Snapshot: 2 * time.Minute, Files: 5 * time.Minute, Clipboard: 5 * time.Second,
	Recent: 10 * time.Second, Lock: 30 * time.Second, Stores: 30 * time.Second}

// Manager runs sessions against one state directory.
type Manager struct {
	Dir     string // state directory (0700), from config.StateDir
	Config  config.Config
	Steps   Steps
	Budgets Budgets
	Log     *audit.Logger
	Now     func() time.Time
}

// Info is the session state shown by hello and status.
type Info struct {
	State      string     `json:"state"`
	ID         string     `json:"id,omitempty"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	Unfinished bool       `json:"unfinished"`
}

// Started is the result of Start.
type Started struct {
	SessionID string    `json:"session_id"`
	StartedAt time.Time `json:"started_at"`
	Scope     string    `json:"scope"`
	Folders   int       `json:"folders"`
	Resumed   bool      `json:"resumed"`
}

// Report is the result of End: what was removed, kept and failed, step by step.
type Report struct {
	SessionID       string      `json:"session_id"`
	StartedAt       time.Time   `json:"started_at"`
	EndedAt         time.Time   `json:"ended_at"`
	Scope           string      `json:"scope"`
	DurationMS      int64       `json:"duration_ms"`
	AlreadyEnded    bool        `json:"already_ended"`
	Resumed         bool        `json:"resumed"`
	Status          string      `json:"status"`
	Files           FilesReport `json:"files"`
	Clipboard       StepReport  `json:"clipboard"`
	RecentDocuments StepReport  `json:"recent_documents"`
	// BrowserStores is set by Clean in scope "all": saved passwords, autofill and site data of
	// browser profiles that were not running.
	BrowserStores *StepReport `json:"browser_stores,omitempty"`
	// BrowserResidue is set by Clean in scope "session": what the last accompaniments wrote in
	// browser profiles that were not running (caches, session restore, LevelDB logs, DOM caches).
	BrowserResidue *StepReport `json:"browser_residue,omitempty"`
}

// FilesReport sums the watched folders.
type FilesReport struct {
	Status       string         `json:"status"`
	Removed      int            `json:"removed"`
	Kept         int            `json:"kept"`
	Failed       int            `json:"failed"`
	RemovedBytes int64          `json:"removed_bytes"`
	Folders      []FolderReport `json:"folders"`
}

// Folder statuses of a FolderReport beyond the wipe's own ("clean", "partial", "failed",
// "missing", "moved"; see package wipe).
const (
	// StatusRefused: the folder may never be wiped (a root, a home, a system folder, what holds
	// the host); Errors names why with the guard's code. Nothing of it was touched.
	StatusRefused = "refused"
	// StatusSkipped: no snapshot of the folder was taken at the start (added to the
	// configuration during the session, or the snapshot failed); nothing of it was touched.
	StatusSkipped = "skipped"
)

// FolderReport is one watched folder, named by its label ("downloads", "scans", "watch-1"…).
type FolderReport struct {
	Label        string         `json:"label"`
	Status       string         `json:"status"`
	Removed      int            `json:"removed"`
	Kept         int            `json:"kept"`
	Failed       int            `json:"failed"`
	RemovedBytes int64          `json:"removed_bytes"`
	Errors       map[string]int `json:"errors,omitempty"`
}

// StepReport is the outcome of a non-file step.
type StepReport struct {
	Status  string `json:"status"`
	Code    string `json:"code,omitempty"`
	Removed int    `json:"removed,omitempty"`
}

func (m *Manager) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *Manager) log() *audit.Logger {
	if m.Log == nil {
		return audit.Discard()
	}
	return m.Log
}
