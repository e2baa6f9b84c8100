//go:build !windows

package config

// openPolicy: outside Windows, policy is the configuration file itself.
func openPolicy() (policySource, func()) { return nil, func() {} }
