//go:build !windows

package machine

// NativeRegistry returns nil: only Windows has a registry.
func NativeRegistry() Registry { return nil }

// NativeRegistryReader returns nil: only Windows has a registry.
func NativeRegistryReader() RegistryReader { return nil }
