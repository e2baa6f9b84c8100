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
	"github.com/tablerase/tablerase/host/internal/contract"
	"github.com/tablerase/tablerase/host/internal/machine"
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
	PhaseNone   = contract.SessionNone
	PhaseActive = contract.SessionActive
	PhaseEnding = contract.SessionEnding
	PhaseEnded  = contract.SessionEnded
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
		PurgeStores:    func(ctx context.Context) profiles.Result { return profiles.Purge(ctx, machine.NativeEnv()) },
		Residue: func(ctx context.Context, w profiles.Window) profiles.Result {
			return profiles.Residue(ctx, machine.NativeEnv(), w)
		},
		MarkLogs: func(ctx context.Context, key []byte) []profiles.LogMark {
			return profiles.MarkLogs(ctx, machine.NativeEnv(), key)
		},
	}
}

// Budgets bound each step of a session (contract.Budgets).
type Budgets = contract.Budgets

// NativeBudgets are for a host started by a browser: the contract's table (budgets.json), which
// the extension's waits are derived from, so it never gives up while the host is still working.
var NativeBudgets = contract.NativeBudgets()

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

// The results the protocol carries: their types, and the words in them, are the contract's.
type (
	Info         = contract.Info
	Started      = contract.Started
	Report       = contract.Report
	FilesReport  = contract.FilesReport
	FolderReport = contract.FolderReport
	StepReport   = contract.StepReport
)

// Folder statuses of a FolderReport beyond the wipe's own (see package contract).
const (
	StatusRefused = contract.StatusRefused
	StatusSkipped = contract.StatusSkipped
)

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
