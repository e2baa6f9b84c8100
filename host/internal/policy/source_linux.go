package policy

import "github.com/tablerase/tablerase/host/internal/machine"

// NativeSource returns the policy source of this OS: JSON files on Linux.
func NativeSource(env machine.Env) Source { return FileSource{Env: env} }
