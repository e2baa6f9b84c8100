package policy

// NativeSource returns the policy source of this OS: JSON files on Linux.
func NativeSource(env Env) Source { return FileSource{Env: env} }
