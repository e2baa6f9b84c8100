package traces

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeTool installs an executable shell script called name in a fresh
// directory put alone on PATH. The script records its arguments and whatever
// it reads on stdin to $TRACES_LOG, then writes junk to stdout and stderr.
func fakeTool(t *testing.T, name, extra string) (logFile string) {
	t.Helper()
	dir := t.TempDir()
	logFile = filepath.Join(dir, "calls.log")
	script := "#!/bin/sh\n" +
		"echo \"$0 $*\" >> \"$TRACES_LOG\"\n" +
		"stdin=$(/bin/cat)\n" +
		"echo \"stdin=[$stdin]\" >> \"$TRACES_LOG\"\n" +
		"echo JUNK-ON-STDOUT\n" +
		"echo JUNK-ON-STDERR >&2\n" + extra
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	t.Setenv("TRACES_LOG", logFile)
	return logFile
}

func TestClipboardSkippedWithoutDisplay(t *testing.T) {
	fakeTool(t, "xclip", "")
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if got := ClearClipboard(context.Background()); got != (Outcome{Status: StatusSkipped, Code: CodeNoDisplay}) {
		t.Fatalf("got %+v, want skipped/no_display", got)
	}
	t.Setenv("DISPLAY", ":42")
	t.Setenv("PATH", t.TempDir())
	if got := ClearClipboard(context.Background()); got != (Outcome{Status: StatusSkipped, Code: CodeNoTool}) {
		t.Fatalf("got %+v, want skipped/no_tool", got)
	}
}

func TestClipboardRunsToolWithArgs(t *testing.T) {
	log := fakeTool(t, "wl-copy", "")
	t.Setenv("WAYLAND_DISPLAY", "wayland-9")
	t.Setenv("DISPLAY", "")
	if got := ClearClipboard(context.Background()); got.Status != StatusCleared {
		t.Fatalf("got %+v, want cleared", got)
	}
	calls, _ := os.ReadFile(log)
	if !strings.Contains(string(calls), "wl-copy --clear\n") || !strings.Contains(string(calls), "wl-copy --primary --clear\n") {
		t.Fatalf("calls:\n%s", calls)
	}
}

func TestClipboardToolFailure(t *testing.T) {
	fakeTool(t, "xsel", "exit 3\n")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("DISPLAY", ":42")
	if got := ClearClipboard(context.Background()); got != (Outcome{Status: StatusFailed, Code: CodeToolFailed}) {
		t.Fatalf("got %+v, want failed/tool_failed", got)
	}
}

func TestClipboardHangingToolTimesOut(t *testing.T) {
	log := fakeTool(t, "xclip", "/bin/sleep 60 &\necho $! > \"$TRACES_LOG.pid\"\nwait\n")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("DISPLAY", ":42")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if got := ClearClipboard(ctx); got != (Outcome{Status: StatusFailed, Code: CodeTimeout}) {
		t.Fatalf("got %+v, want failed/timeout", got)
	}
	// The whole process group was killed: the script's own child is gone too.
	pid, err := os.ReadFile(log + ".pid")
	if err != nil {
		t.Fatal(err)
	}
	stat := "/proc/" + strings.TrimSpace(string(pid)) + "/stat"
	for i := 0; ; i++ {
		b, err := os.ReadFile(stat)
		if err != nil || strings.Contains(string(b), ") Z ") {
			break // gone or a zombie: killed
		}
		if i == 100 {
			t.Fatal("the tool's child survived the timeout")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestClipboardNeverTouchesOurStdio runs the real ClearClipboard in a child
// process whose stdin holds a fake native-messaging frame and whose stdout is
// captured: the fake tool's junk must not reach our stdout, and the tool must
// not read our stdin.
func TestClipboardNeverTouchesOurStdio(t *testing.T) {
	if os.Getenv("TRACES_CHILD") == "1" {
		o := ClearClipboard(context.Background())
		b, _ := json.Marshal(o)
		os.WriteFile(os.Getenv("TRACES_RESULT"), b, 0o600)
		os.Exit(0) // before the test framework writes to stdout
	}
	for _, tool := range []string{"xclip", "xsel", "wl-copy"} {
		t.Run(tool, func(t *testing.T) {
			log := fakeTool(t, tool, "")
			result := filepath.Join(t.TempDir(), "result.json")
			cmd := exec.Command(os.Args[0], "-test.run=^TestClipboardNeverTouchesOurStdio$")
			cmd.Env = append(os.Environ(), "TRACES_CHILD=1", "TRACES_RESULT="+result, "DISPLAY=:42", "WAYLAND_DISPLAY=")
			if tool == "wl-copy" {
				cmd.Env = append(cmd.Env, "WAYLAND_DISPLAY=wayland-9")
			}
			cmd.Stdin = strings.NewReader("\x10\x00\x00\x00{\"cmd\":\"hello\"}")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("child: %v\n%s", err, stderr.String())
			}
			if stdout.Len() != 0 || stderr.Len() != 0 {
				t.Fatalf("child wrote to its stdio: stdout %q stderr %q", stdout.String(), stderr.String())
			}
			var o Outcome
			if b, err := os.ReadFile(result); err != nil || json.Unmarshal(b, &o) != nil || o.Status != StatusCleared {
				t.Fatalf("child outcome %+v (%v)", o, err)
			}
			calls, _ := os.ReadFile(log)
			if !strings.Contains(string(calls), tool) || strings.Contains(string(calls), "hello") || !strings.Contains(string(calls), "stdin=[]") {
				t.Fatalf("tool calls / stdin seen:\n%s", calls)
			}
		})
	}
}

// TestClipboardRealX11 clears a real X clipboard under Xvfb. It needs
// xvfb-run and xclip (the CI installs them: apt-get install xvfb xclip xsel).
func TestClipboardRealX11(t *testing.T) {
	if os.Getenv("TRACES_XVFB") == "1" {
		realX11(t)
		return
	}
	for _, tool := range []string{"xvfb-run", "xclip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: apt-get install xvfb xclip xsel to run the real clipboard test", tool)
		}
	}
	for _, hide := range []string{"", "xsel"} {
		t.Run("hide="+hide, func(t *testing.T) {
			cmd := exec.Command("xvfb-run", "-a", os.Args[0], "-test.run=^TestClipboardRealX11$", "-test.v")
			cmd.Env = append(os.Environ(), "TRACES_XVFB=1", "TRACES_HIDE="+hide, "WAYLAND_DISPLAY=")
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "--- PASS") {
				t.Fatalf("under xvfb-run: %v\n%s", err, out)
			}
		})
	}
}

func realX11(t *testing.T) {
	xclip, err := exec.LookPath("xclip")
	if err != nil {
		t.Fatal(err)
	}
	if hide := os.Getenv("TRACES_HIDE"); hide != "" {
		// Test the xclip path: a PATH without xsel.
		dir := t.TempDir()
		os.Symlink(xclip, filepath.Join(dir, "xclip"))
		t.Setenv("PATH", dir)
	}
	for _, sel := range []string{"clipboard", "primary"} {
		set := exec.Command(xclip, "-selection", sel, "-in")
		set.Stdin = strings.NewReader("numéro fiscal 1234567890123")
		if err := set.Run(); err != nil {
			t.Fatal(err)
		}
		if got := waitSelection(t, xclip, sel, func(s string) bool { return strings.Contains(s, "1234567890123") }); !strings.Contains(got, "1234567890123") {
			t.Fatalf("setup: %s holds %q", sel, got)
		}
	}
	if got := ClearClipboard(context.Background()); got.Status != StatusCleared {
		t.Fatalf("ClearClipboard = %+v", got)
	}
	for _, sel := range []string{"clipboard", "primary"} {
		// xclip takes the selection from a forked child a moment after its
		// parent returns: wait (bounded) for the X server to see it.
		if got := waitSelection(t, xclip, sel, func(s string) bool { return s == "" }); got != "" {
			t.Fatalf("%s still holds %q", sel, got)
		}
	}
}

// waitSelection reads the selection until ok accepts it (at most ~3 s) and
// returns the last content read.
func waitSelection(t *testing.T, xclip, sel string, ok func(string) bool) string {
	var got string
	for i := 0; i < 60; i++ {
		if got = readSelection(xclip, sel); ok(got) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return got
}

func readSelection(xclip, sel string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, xclip, "-o", "-selection", sel).Output()
	return string(out)
}
