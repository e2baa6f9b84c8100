package policy

import (
	"context"
	"os"
	"os/exec"
	"os/user"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// NativeSource returns the policy source of macOS: managed preferences read
// through plutil, plus Firefox's policies.json in its bundle.
func NativeSource(env machine.Env) Source {
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return PlistSource{Env: env, User: name, Convert: plutil,
		Files: pathsSource{Env: env}}
}

// plutil converts a plist to JSON. A profile with a date or data value cannot be
// expressed in JSON: plutil fails and the browser is reported unreadable.
func plutil(ctx context.Context, path string) ([]byte, error) {
	if _, err := os.Stat("/usr/bin/plutil"); err != nil {
		return nil, ErrUnsupported
	}
	return exec.CommandContext(ctx, "/usr/bin/plutil", "-convert", "json", "-o", "-", path).Output()
}
