//go:build linux

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// waitDetached waits, before a test's temp home is removed, for the host processes still running
// for that home: the `tablerase clean --after-exit` a session.end in scope session starts,
// detached, outlives the exchange and writes its lock and log in the home's state folder. Removed
// under it, the home came back (state/tablerase/{session.lock,after-exit.lock,tablerase.log} left
// in /tmp) or its removal failed with "directory not empty". One still running after the bound
// (a wait for a browser that never closes) is killed: it is this test's.
func waitDetached(t testing.TB, home string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		pids := processesOf(home)
		if len(pids) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, pid := range pids {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			t.Logf("killed %d host process(es) still running for this test's home", len(pids))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processesOf lists the live processes whose environment has HOME=home (each test's home is its
// own; a zombie's environment reads empty).
func processesOf(home string) []int {
	want := []byte("HOME=" + home)
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		environ, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		for _, v := range bytes.Split(environ, []byte{0}) {
			if bytes.Equal(v, want) {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}
