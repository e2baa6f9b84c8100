// Package contract is the host–extension contract (PROTOCOL.md) in one place: the protocol
// version, the result types of session.start, session.end and status, the status, code and scope
// words they carry, the rules that judge a report, and the time budgets both sides keep.
//
// Why one place: the extension reads what this package writes. Its tests do not copy the JSON of
// a report by hand: TestGoldens writes example results made with these types and rules into
// extension/test/golden/, and the time budgets and step rule into extension/lib/contract.js; the
// test fails when the committed files differ from what the Go types produce, so a renamed field,
// a new status or a changed budget cannot pass one suite and not the other.
//
// Why the budgets are a table both sides read: the extension must wait for session.end at least
// as long as the host may take (its lock wait plus the longest step, plus the time to start the
// host and carry the frames), and that wait must fit inside the extension's cleanup deadline.
// Written twice, the numbers drifted (the host took 7 s, the extension waited 4 s and said
// « échec » while the host was still deleting). Waits derives what the extension waits from the
// host's budgets; TestBudgetsFit checks the sum.
//
// This package imports nothing of the host: the packages that judge (wipe, session, traces) take
// their words from here.
package contract

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"time"
)

// Protocol is the protocol version spoken by this host (hello's `protocol`). The extension
// refuses to send session commands to a host of another version and says so.
const Protocol = 1

// Scopes (configuration, hello, session.start, session.end).
const (
	ScopeSession = "session" // only what the session created or modified goes
	ScopeAll     = "all"     // the watched folders are emptied; the folders stay
)

// Capabilities (hello's `capabilities`): what session.end clears on this computer.
const (
	CapFiles           = "files"
	CapClipboard       = "clipboard"
	CapRecentDocuments = "recent_documents"
	CapClosedBrowsers  = "closed_browsers" // the logon/logoff clean purges closed browsers' files
)

// Session states (hello's and status's `session.state`).
const (
	SessionNone        = "none"
	SessionActive      = "active"
	SessionEnding      = "ending"
	SessionEnded       = "ended"
	SessionUnreadable  = "unreadable"  // the state file could not be read
	SessionUnavailable = "unavailable" // the host runs without a state directory
)

// Statuses of a report, of its files, and of one folder.
const (
	StatusClean   = "clean"   // everything that had to go went
	StatusPartial = "partial" // something is left, or time ran out
	StatusFailed  = "failed"  // nothing could be done
	// Folder statuses only.
	StatusMissing = "missing" // the watched folder does not exist: nothing to do
	StatusMoved   = "moved"   // scope session: not the folder snapshotted at the start; nothing touched
	StatusRefused = "refused" // may never be wiped (a root, a home, what holds the host); nothing touched
	StatusSkipped = "skipped" // no snapshot of it was taken at the start; nothing touched
)

// Statuses of a non-file step (clipboard, recent documents, browser stores).
const (
	StepCleared  = "cleared"  // something was erased
	StepNothing  = "nothing"  // nothing to erase
	StepSkipped  = "skipped"  // cannot run here; Code says why
	StepFailed   = "failed"   // tried and failed; Code says why
	StepDisabled = "disabled" // turned off by the admin configuration
)

// Codes the contract's rules or the session itself name (the trace cleaners have more, see
// package traces; folder errors are package wipe's reason codes).
const (
	CodeNoDisplay      = "no_display"      // step skipped: no X11 or Wayland display, so no clipboard
	CodeUnsupported    = "unsupported"     // step skipped: no safe, documented way on this OS
	CodeBrowserRunning = "browser_running" // browser stores skipped: a profile's browser runs
	CodeNotRemoved     = "not_removed"     // browser stores: some could not be removed
	// browser stores: a profile folder's place could not be worked out (a variable unset, the home
	// unknown), so nothing there was touched.
	CodeUnresolved = "unresolved_path"
	// Folder error codes set by the session (not by the wipe).
	CodeNoSnapshot         = "no_snapshot"
	CodeSnapshotUnreadable = "snapshot_unreadable"
)

// Started is the result of session.start.
type Started struct {
	SessionID string    `json:"session_id"`
	StartedAt time.Time `json:"started_at"`
	Scope     string    `json:"scope"`
	Folders   int       `json:"folders"`
	Resumed   bool      `json:"resumed"`
}

// Info is the session state shown by hello and status.
type Info struct {
	State      string     `json:"state"`
	ID         string     `json:"id,omitempty"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	Unfinished bool       `json:"unfinished"`
}

// Report is the result of session.end: what was removed, kept and failed, step by step.
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
	// BrowserStores is set by `tablerase clean` in scope all: saved passwords, autofill and site
	// data of browser profiles that were not running.
	BrowserStores *StepReport `json:"browser_stores,omitempty"`
	// BrowserResidue is set by `tablerase clean` in scope session: what the last accompaniments
	// wrote in browser profiles that were not running (caches, session restore, LevelDB logs,
	// DOM caches).
	BrowserResidue *StepReport `json:"browser_residue,omitempty"`
	// ClosedBrowsers is set by session.end: this very program's logon/logoff `tablerase clean` is
	// installed on this computer, so what the browser keeps in its own files until it closes
	// (caches, session restore, LevelDB logs, offline copies; its stores in scope all) is removed
	// at the next logoff or logon. The receipt says so only when it is true.
	ClosedBrowsers bool `json:"closed_browsers"`
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

// FolderReport is one watched folder, named by its label ("downloads", "scans", "watch-1"…),
// never by its path.
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

// StepOKRule says which step outcomes leave nothing behind: for each status, "*" (any code) or
// the codes that do. A status not listed never does. The extension judges its clipboard and
// recent-documents lines with this same table (extension/lib/contract.js).
var StepOKRule = map[string][]string{
	StepCleared:  {"*"},
	StepDisabled: {"*"}, // switched off by the admin: nothing of ours to clear
	StepNothing:  {"*"},
	StepSkipped:  {CodeNoDisplay, CodeUnsupported}, // no clipboard at all, or no such list on this OS
}

// StepOK tells whether a non-file step leaves nothing behind (StepOKRule).
func StepOK(s StepReport) bool {
	for _, c := range StepOKRule[s.Status] {
		if c == "*" || c == s.Code {
			return true
		}
	}
	return false
}

// FilesStatus folds the folders: clean when every folder is clean or missing; failed when every
// folder that exists failed; partial otherwise (a skipped, moved or refused folder is never
// clean: nothing of it was looked at).
func FilesStatus(folders []FolderReport) string {
	failed, bad, present := 0, 0, 0
	for _, f := range folders {
		switch f.Status {
		case StatusClean, StatusMissing:
		case StatusFailed:
			failed++
			bad++
		default:
			bad++
		}
		if f.Status != StatusMissing {
			present++
		}
	}
	switch {
	case bad == 0:
		return StatusClean
	case failed == present:
		return StatusFailed
	default:
		return StatusPartial
	}
}

// Overall is a report's status: failed when the files step failed entirely; clean when the files
// are clean and every other step is StepOK; partial otherwise.
func Overall(r Report) string {
	switch {
	case r.Files.Status == StatusFailed:
		return StatusFailed
	case r.Files.Status != StatusClean || !StepOK(r.Clipboard) || !StepOK(r.RecentDocuments):
		return StatusPartial
	case r.BrowserStores != nil && !StepOK(*r.BrowserStores):
		return StatusPartial
	case r.BrowserResidue != nil && !StepOK(*r.BrowserResidue):
		return StatusPartial
	}
	return StatusClean
}

// Budgets bound each step of a session on the host. Files, clipboard and recent documents run
// side by side, so an end takes at most the lock wait plus the largest of the three.
type Budgets struct {
	Snapshot, Files, Clipboard, Recent, Lock, Stores time.Duration
}

// End is the longest a session.end may take on the host: the lock wait, then the steps side by side.
func (b Budgets) End() time.Duration { return b.Lock + max(b.Files, b.Clipboard, b.Recent) }

// Start is the longest a session.start may take on the host: the lock wait, then the snapshot.
func (b Budgets) Start() time.Duration { return b.Lock + b.Snapshot }

// Table is budgets.json: the host's budgets when a browser starts it, and the extension's own
// limits the waits must fit in. Milliseconds.
type Table struct {
	Host struct {
		LockMS      int64 `json:"lock_ms"`
		SnapshotMS  int64 `json:"snapshot_ms"`
		FilesMS     int64 `json:"files_ms"`
		ClipboardMS int64 `json:"clipboard_ms"`
		RecentMS    int64 `json:"recent_ms"`
		StoresMS    int64 `json:"stores_ms"`
	} `json:"host"`
	Extension struct {
		// CleanupMS: the whole cleanup after « Fin d'accompagnement », browser and host.
		CleanupMS int64 `json:"cleanup_ms"`
		// TransportMS: starting the host process and carrying the frames, on top of the host's own time.
		TransportMS int64 `json:"transport_ms"`
		HelloMS     int64 `json:"hello_ms"`
		// VerifyMS: the re-reading after the host has answered.
		VerifyMS int64 `json:"verify_ms"`
		// BeforeHostMS: what comes before session.end may take: a session.start still in
		// flight at the click (end.js waits for it at most this long), then the browser steps
		// that must precede the host (closing the tabs that could hold files open).
		BeforeHostMS int64 `json:"before_host_ms"`
	} `json:"extension"`
}

//go:embed budgets.json
var budgetsJSON []byte

// Limits is the table in budgets.json.
var Limits = mustTable(budgetsJSON)

func mustTable(b []byte) Table {
	var t Table
	if err := json.Unmarshal(b, &t); err != nil {
		panic(fmt.Sprintf("contract: budgets.json: %v", err))
	}
	return t
}

func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// NativeBudgets are the host's budgets when a browser starts it (from budgets.json): what does
// not finish in time is reported partial and finished by the next end.
func NativeBudgets() Budgets {
	h := Limits.Host
	return Budgets{Snapshot: ms(h.SnapshotMS), Files: ms(h.FilesMS), Clipboard: ms(h.ClipboardMS),
		Recent: ms(h.RecentMS), Lock: ms(h.LockMS), Stores: ms(h.StoresMS)}
}

// Waits is how long the extension waits for each command's answer, derived from the host's
// budgets: the host's longest time plus the transport.
type Waits struct {
	HelloMS        int64 `json:"hello_ms"`
	SessionStartMS int64 `json:"session_start_ms"`
	SessionEndMS   int64 `json:"session_end_ms"`
}

// ExtensionWaits derives the extension's waits from the table.
func ExtensionWaits() Waits {
	b, x := NativeBudgets(), Limits.Extension
	return Waits{
		HelloMS:        x.HelloMS,
		SessionStartMS: b.Start().Milliseconds() + x.TransportMS,
		SessionEndMS:   b.End().Milliseconds() + x.TransportMS,
	}
}
