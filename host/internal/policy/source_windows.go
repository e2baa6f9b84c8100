package policy

import "github.com/tablerase/tablerase/host/internal/machine"

// NativeSource returns the policy source of Windows: the registry (64-bit
// view) plus Firefox's distribution policies.json.
func NativeSource(env machine.Env) Source {
	return RegistrySource{Reg: machine.NativeRegistryReader(), Files: pathsSource{Env: env}}
}
