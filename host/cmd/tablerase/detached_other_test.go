//go:build !linux

package main

import "testing"

// waitDetached: finding a detached host by its environment needs Linux's /proc; elsewhere the
// temp home's removal may still race a `clean --after-exit` (see detached_linux_test.go).
func waitDetached(testing.TB, string) {}
