//go:build !linux && !windows && !darwin

package policy

// Other Unix systems use the Linux tables (same XDG and /etc conventions).
const nativeOS = "linux"
