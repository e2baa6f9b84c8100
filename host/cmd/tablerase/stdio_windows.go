package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// claimStdout moves the native-messaging stream off the standard output handle: frames go to a
// private duplicate, and STD_OUTPUT_HANDLE (what os.Stdout and child processes see) becomes stderr.
func claimStdout() (*os.File, error) {
	cur := windows.CurrentProcess()
	var dup windows.Handle
	if err := windows.DuplicateHandle(cur, windows.Stdout, cur, &dup, 0, false, windows.DUPLICATE_SAME_ACCESS); err != nil {
		return nil, err
	}
	if err := windows.SetStdHandle(windows.STD_OUTPUT_HANDLE, windows.Stderr); err != nil {
		windows.CloseHandle(dup)
		return nil, err
	}
	os.Stdout = os.Stderr
	return os.NewFile(uintptr(dup), "native-messaging"), nil
}
