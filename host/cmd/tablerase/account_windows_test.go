package main

import (
	"errors"
	"os"
	"testing"
)

type testingT = testing.TB

// skipWithoutOwnAccount: on Windows the host finds its state folder and the watched folders through
// the known folders of the user's profile (LocalAppData, Downloads), which no environment variable
// moves, so a test cannot give a process an account of its own. The whole accompaniment of the
// Windows binary, over stdio, is the Windows lane's (scripts/windows/test-wine.sh, in a throwaway
// profile).
func skipWithoutOwnAccount(t testingT) {
	t.Helper()
	t.Skip("about the Unix account (HOME, XDG_*): on Windows the state and watched folders are known folders of the profile; the Windows lane runs the whole accompaniment in a throwaway profile")
}

// skipLinuxLayout: TestAdminRoundTrip installs into a Linux tree (/usr/bin, /etc); the Windows
// install writes registry keys, tested by the install package's TestWindows* and by the lane.
func skipLinuxLayout(t testingT) {
	t.Helper()
	t.Skip("about the Linux layout (/usr/bin, /etc): the Windows install round trip is the Windows lane's install step, with the real registry")
}

const absHostPath = `C:\x`

// freeze and thaw: only the Unix tests, which run the host in an account of their own, use them.
func freeze(*os.Process) error { return errors.ErrUnsupported }
func thaw(*os.Process) error   { return errors.ErrUnsupported }
