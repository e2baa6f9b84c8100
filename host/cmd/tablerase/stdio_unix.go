//go:build unix

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// claimStdout moves the native-messaging stream off file descriptor 1: frames go to a private
// duplicate, and fd 1 (what os.Stdout, fmt.Print and child processes see) becomes stderr.
func claimStdout() (*os.File, error) {
	fd, err := unix.Dup(1)
	if err != nil {
		return nil, err
	}
	unix.CloseOnExec(fd)
	if err := dupOnto(2, 1); err != nil {
		unix.Close(fd)
		return nil, err
	}
	os.Stdout = os.Stderr
	return os.NewFile(uintptr(fd), "native-messaging"), nil
}
