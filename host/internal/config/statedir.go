package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// ErrUnsafeStateDir is returned by StateDir when the state directory exists
// but is a symbolic link (or junction, or anything but a plain directory).
var ErrUnsafeStateDir = errors.New("config: state directory is not a plain directory")

// StateDir returns the host's state directory, creating it with mode 0700 if
// missing and tightening an existing one to 0700. It refuses a state
// directory that is a symbolic link: the session state and the lock must not
// be redirected to a place another user chose.
func StateDir() (string, error) {
	dir, err := machine.StateFolder()
	if err != nil {
		return "", fmt.Errorf("config: %w", err)
	}
	return dir, ensurePrivateDir(dir)
}

func ensurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("config: create state directory: %w", cause(err))
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("config: state directory: %w", cause(err))
	}
	if fi.Mode().Type() != os.ModeDir {
		return ErrUnsafeStateDir
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("config: restrict state directory: %w", cause(err))
		}
	}
	return nil
}

// cause drops the path from an *fs.PathError (paths name the user: errors
// end up in logs).
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
