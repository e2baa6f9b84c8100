//go:build !windows

package install

// NativeRegistry returns nil: only Windows has a registry.
func NativeRegistry() Registry { return nil }
