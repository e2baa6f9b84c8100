package install

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// NativeTasks returns the Windows Task Scheduler, driven through schtasks.exe.
func NativeTasks() Tasks { return schtasks{} }

type schtasks struct{}

func schtasksPath() string {
	return filepath.Join(os.Getenv("SystemRoot"), "System32", "schtasks.exe")
}

func run(args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, schtasksPath(), args...)
	// Once schtasks exits, stop waiting for its output: a process it started may keep the
	// pipe open (seen under Wine, where doctor then hung for good in TaskInstalled).
	cmd.WaitDelay = 2 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("schtasks %s: %w: %s", args[0], err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Create writes the XML as UTF-16 (what schtasks expects with the declared encoding).
func (schtasks) Create(name string, xml []byte) error {
	f, err := os.CreateTemp("", "tablerase-task-*.xml")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(UTF16File(xml)); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return run("/Create", "/TN", name, "/XML", f.Name(), "/F")
}

func (schtasks) Delete(name string) error {
	if err := run("/Query", "/TN", name); err != nil {
		return nil // not there
	}
	return run("/Delete", "/TN", name, "/F")
}

// TaskInstalled reports whether the logon task exists (schtasks /Query answers for it).
func TaskInstalled() (bool, error) {
	if _, err := os.Stat(schtasksPath()); err != nil {
		return false, err
	}
	return run("/Query", "/TN", TaskName) == nil, nil
}
