//go:build !windows

package main

import (
	"os"
	"syscall"
	"testing"
)

type testingT = testing.TB

// The host's account on Unix is made of environment variables (HOME, XDG_STATE_HOME…): a test
// gives each process its own.
func skipWithoutOwnAccount(testingT) {}

func skipLinuxLayout(testingT) {}

const absHostPath = "/x"

// freeze and thaw stop and continue a host process, so a test can look at the disk while the host
// is between two deletions and kill it exactly there.
func freeze(p *os.Process) error { return p.Signal(syscall.SIGSTOP) }
func thaw(p *os.Process) error   { return p.Signal(syscall.SIGCONT) }
