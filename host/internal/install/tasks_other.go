//go:build !windows

package install

// NativeTasks returns nil: scheduled tasks are Windows only.
func NativeTasks() Tasks { return nil }

// TaskInstalled is Windows only.
func TaskInstalled() (bool, error) { return false, ErrNoTasks }
