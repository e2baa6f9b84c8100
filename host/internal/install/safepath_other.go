//go:build !unix && !windows

package install

import "github.com/tablerase/tablerase/host/internal/policy"

// Systems without openat or Windows ACLs: a system install refuses rather than
// writing without the checks.

func openSecured(env policy.Env, spec folderSpec) (securedFolder, []string, error) {
	return nil, nil, &UnsafePathError{Err: ErrUnsafeFolder, Path: spec.Path, Reason: ReasonUnchecked, Detail: "cannot be checked on this system"}
}

func checkHostBinary(env policy.Env, p string) error {
	return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: ReasonUnchecked, Detail: "cannot be checked on this system"}
}
