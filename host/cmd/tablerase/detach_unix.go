//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// detach makes cmd a session of its own: the browser ends the native host when the port closes
// (and at its own exit), never a process that left the host's session and process group.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
}

// detachFallback is the second attempt when the first start fails: none on Unix.
func detachFallback(*exec.Cmd) bool { return false }
