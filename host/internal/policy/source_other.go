//go:build !linux && !windows && !darwin

package policy

// NativeSource returns the policy source of this OS: the Linux JSON layout.
func NativeSource(env Env) Source { return FileSource{Env: env} }
