//go:build windows

package main

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// detach starts cmd with no console, in a process group of its own, and out of the browser's job
// object where the job allows it (Firefox and Chrome put native hosts in a job that is closed
// with the host).
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true,
		CreationFlags: windows.DETACHED_PROCESS | windows.CREATE_NEW_PROCESS_GROUP | windows.CREATE_BREAKAWAY_FROM_JOB}
}

// detachFallback drops the breakaway a job may refuse (access denied): the wait then lasts as long
// as the job lets it, and the logon clean or the next end covers the rest.
func detachFallback(cmd *exec.Cmd) bool {
	cmd.SysProcAttr.CreationFlags &^= windows.CREATE_BREAKAWAY_FROM_JOB
	return true
}
