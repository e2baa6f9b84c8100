//go:build unix

package traces

import (
	"os/exec"
	"syscall"
)

// isolate puts the tool in its own process group so that a timeout kills the
// tool and anything it started (a shell wrapper's children included).
func isolate(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
