package contract

import (
	"testing"
	"time"
)

// The extension waits for session.end as long as the host may take, and that wait, with the
// browser steps before it and the verification after it, fits in its cleanup deadline.
func TestBudgetsFit(t *testing.T) {
	b, x, w := NativeBudgets(), Limits.Extension, ExtensionWaits()
	if w.SessionEndMS < (b.Lock+max(b.Files, b.Clipboard, b.Recent)).Milliseconds()+x.TransportMS {
		t.Errorf("the extension waits %d ms for session.end, the host may take %v plus the transport", w.SessionEndMS, b.End())
	}
	if w.SessionStartMS < (b.Lock+b.Snapshot).Milliseconds()+x.TransportMS {
		t.Errorf("the extension waits %d ms for session.start, the host may take %v plus the transport", w.SessionStartMS, b.Start())
	}
	if sum := x.BeforeHostMS + w.SessionEndMS + x.VerifyMS; sum > x.CleanupMS {
		t.Errorf("browser steps before the host (%d ms) + session.end wait (%d ms) + verify (%d ms) = %d ms, over the cleanup's %d ms",
			x.BeforeHostMS, w.SessionEndMS, x.VerifyMS, sum, x.CleanupMS)
	}
	if x.TransportMS <= 0 || x.HelloMS <= 0 {
		t.Error("transport and hello waits must be positive")
	}
	for name, d := range map[string]time.Duration{"lock": b.Lock, "snapshot": b.Snapshot, "files": b.Files,
		"clipboard": b.Clipboard, "recent": b.Recent, "stores": b.Stores} {
		if d <= 0 {
			t.Errorf("host budget %s is %v", name, d)
		}
	}
}

func TestStepOK(t *testing.T) {
	for _, c := range []struct {
		s  StepReport
		ok bool
	}{
		{StepReport{Status: StepCleared}, true},
		{StepReport{Status: StepDisabled}, true},
		{StepReport{Status: StepNothing}, true},
		{StepReport{Status: StepSkipped, Code: CodeNoDisplay}, true},
		{StepReport{Status: StepSkipped, Code: CodeUnsupported}, true},
		{StepReport{Status: StepSkipped, Code: "no_tool"}, false},
		{StepReport{Status: StepSkipped, Code: CodeBrowserRunning}, false},
		{StepReport{Status: StepFailed, Code: "timeout"}, false},
		{StepReport{Status: ""}, false},
	} {
		if got := StepOK(c.s); got != c.ok {
			t.Errorf("StepOK(%+v) = %v", c.s, got)
		}
	}
}

func TestFilesStatusAndOverall(t *testing.T) {
	f := func(st ...string) []FolderReport {
		var out []FolderReport
		for _, s := range st {
			out = append(out, FolderReport{Status: s})
		}
		return out
	}
	for _, c := range []struct {
		folders []FolderReport
		want    string
	}{
		{f(), StatusClean},
		{f(StatusClean, StatusMissing), StatusClean},
		{f(StatusMissing), StatusClean},
		{f(StatusClean, StatusMoved), StatusPartial},
		{f(StatusRefused), StatusPartial},
		{f(StatusSkipped), StatusPartial},
		{f(StatusFailed, StatusMissing), StatusFailed},
		{f(StatusFailed, StatusClean), StatusPartial},
	} {
		if got := FilesStatus(c.folders); got != c.want {
			t.Errorf("FilesStatus(%v) = %s, want %s", c.folders, got, c.want)
		}
	}
	ok := StepReport{Status: StepCleared}
	r := Report{Files: FilesReport{Status: StatusClean}, Clipboard: StepReport{Status: StepSkipped, Code: CodeNoDisplay}, RecentDocuments: ok}
	if Overall(r) != StatusClean {
		t.Error("no display is not a failure")
	}
	r.BrowserStores = &StepReport{Status: StepSkipped, Code: CodeBrowserRunning}
	if Overall(r) != StatusPartial {
		t.Error("a running browser's stores are left")
	}
	r.Files.Status = StatusFailed
	if Overall(r) != StatusFailed {
		t.Error("files failed")
	}
}
