//go:build !windows

package main

import "testing"

type testingT = testing.TB

// The host's account on Unix is made of environment variables (HOME, XDG_STATE_HOME…): a test
// gives each process its own.
func skipWithoutOwnAccount(testingT) {}

func skipLinuxLayout(testingT) {}

const absHostPath = "/x"
