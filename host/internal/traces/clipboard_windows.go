package traces

import (
	"context"
	"runtime"
	"time"

	"golang.org/x/sys/windows"
)

var (
	user32         = windows.NewLazySystemDLL("user32.dll")
	openClipboard  = user32.NewProc("OpenClipboard")
	emptyClipboard = user32.NewProc("EmptyClipboard")
	closeClipboard = user32.NewProc("CloseClipboard")
)

// clearClipboard opens the clipboard (retrying while another program holds
// it, up to ctx or toolTimeout), empties it and closes it. The clipboard
// history (Win+V) and cloud clipboard are separate stores this does not reach.
func clearClipboard(ctx context.Context) Outcome {
	ctx, cancel := context.WithTimeout(ctx, toolTimeout)
	defer cancel()
	for _, p := range []*windows.LazyProc{openClipboard, emptyClipboard, closeClipboard} {
		if p.Find() != nil {
			return Outcome{Status: StatusFailed, Code: CodeAPIFailed}
		}
	}
	// The clipboard is opened by a thread: keep the three calls on one.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for {
		if r, _, _ := openClipboard.Call(0); r != 0 {
			break
		}
		select {
		case <-ctx.Done():
			return Outcome{Status: StatusFailed, Code: CodeBusy}
		case <-time.After(50 * time.Millisecond):
		}
	}
	r, _, _ := emptyClipboard.Call()
	closeClipboard.Call()
	if r == 0 {
		return Outcome{Status: StatusFailed, Code: CodeAPIFailed}
	}
	return Outcome{Status: StatusCleared}
}
