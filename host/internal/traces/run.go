package traces

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"time"
)

// lookTool finds a tool in PATH and accepts it only at an absolute path
// (a PATH entry like "." must not let the working directory pick our tool).
func lookTool(name string) (string, bool) {
	p, err := exec.LookPath(name)
	if err != nil || !filepath.IsAbs(p) {
		return "", false
	}
	return p, true
}

// runTool runs path with args, bounded by ctx and toolTimeout, and returns ""
// on success or an Outcome code. The child gets the null device as stdin,
// stdout and stderr: it can neither read a native-messaging frame nor write
// into the channel. This is the only place in the package that starts a
// process, and it never exposes the exec.Cmd.
func runTool(ctx context.Context, path string, args ...string) string {
	ctx, cancel := context.WithTimeout(ctx, toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil // nil: os.DevNull, never our stdio
	cmd.WaitDelay = 500 * time.Millisecond
	isolate(cmd)
	err := cmd.Run()
	switch {
	case err == nil:
		return ""
	case ctx.Err() != nil:
		return CodeTimeout
	case errors.Is(err, exec.ErrWaitDelay):
		return "" // the tool succeeded; a daemonised child kept a handle
	default:
		return CodeToolFailed
	}
}
