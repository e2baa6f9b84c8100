//go:build !linux && !darwin && !windows

package wipe

func openRoot(string) (dir, error) { return nil, ErrUnsupported }
