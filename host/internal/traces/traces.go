// Package traces erases what the operating system keeps of a session outside
// the browser and the watched folders: the clipboard and the "recent
// documents" lists.
//
// Design decisions:
//
//   - Nothing here takes a name, a path or a command from a message. Each OS
//     has one fixed place per trace (recently-used.xbel, the Recent folder…)
//     and one fixed tool or API for the clipboard.
//   - The host's stdin and stdout are the native-messaging channel. External
//     tools (wl-copy, xclip, xsel, pbcopy) are started by one helper, runTool,
//     that never hands them our stdin, stdout or stderr: they get the null
//     device, so a chatty tool cannot corrupt a frame or swallow a request.
//     Tools are found with exec.LookPath and must resolve to an absolute path;
//     each run is bounded (toolTimeout, or the caller's earlier deadline) and a
//     timed-out tool is killed with its whole process group.
//   - The clipboard is never read: it is replaced by nothing.
//   - Recent documents: the RecentMark taken at session start is only a time;
//     no name is ever stored. With scope `session` only entries added or
//     modified at or after the mark (to the second: GLib wrote whole seconds
//     for years) go; with scope `all`, every entry goes. Files are rewritten
//     atomically (temporary file, same mode, rename) and a file we cannot parse
//     is left untouched: a failed cleanup must never destroy the list.
//   - Every function returns an Outcome, never an error: one failing trace must
//     not stop the others, and the receipt says which failed and why (Code).
package traces

import (
	"context"
	"time"

	"github.com/tablerase/tablerase/host/internal/contract"
)

// Outcome statuses.
// They are the contract's step statuses (package contract, PROTOCOL.md).
const (
	StatusCleared  = contract.StepCleared  // something was erased
	StatusNothing  = contract.StepNothing  // nothing to erase (no entry after the mark, no file)
	StatusSkipped  = contract.StepSkipped  // cannot run here (no display, no tool, unsupported OS)
	StatusFailed   = contract.StepFailed   // tried and failed; Code says why
	StatusDisabled = contract.StepDisabled // turned off by the admin configuration
)

// Outcome codes (stable; shown in receipts and logs).
const (
	CodeNoDisplay    = contract.CodeNoDisplay   // no X11 or Wayland display in the environment
	CodeNoTool       = "no_tool"                // no clipboard tool installed
	CodeTimeout      = "timeout"                // a tool or step ran out of time
	CodeToolFailed   = "tool_failed"            // a tool exited with an error
	CodeBusy         = "busy"                   // the clipboard or file was held by another program
	CodeAPIFailed    = "api_failed"             // an OS call failed
	CodeUnsupported  = contract.CodeUnsupported // no safe, documented way on this OS
	CodeNoMark       = "no_mark"                // scope session without a session mark
	CodeMalformed    = "malformed"              // a file we could not parse (left untouched)
	CodeNotRegular   = "not_regular"            // a symlink or special file where a file or folder was expected
	CodeTooLarge     = "too_large"              // a file above our read limit (left untouched)
	CodeIOError      = "io_error"               // reading or writing failed
	CodeDeleteFailed = "delete_failed"          // some entries could not be deleted
)

// Outcome is the result of one trace cleaner. It carries counts and codes
// only, never a name.
type Outcome struct {
	Status  string `json:"status"`
	Code    string `json:"code,omitempty"`
	Removed int    `json:"removed"`
}

// Disabled is the Outcome of a cleaner the admin turned off.
func Disabled() Outcome { return Outcome{Status: StatusDisabled} }

// toolTimeout bounds every external tool run.
const toolTimeout = 3 * time.Second

// ClearClipboard empties the system clipboard (and, on X11 and Wayland, the
// primary selection), without reading it. Bounded by ctx and toolTimeout.
func ClearClipboard(ctx context.Context) Outcome {
	if err := ctx.Err(); err != nil {
		return Outcome{Status: StatusFailed, Code: CodeTimeout}
	}
	return clearClipboard(ctx)
}
