//go:build !windows

package testenv

func wine() bool { return false }

var errPrivilegeNotHeld error = errNever{}

type errNever struct{}

func (errNever) Error() string { return "never" }
