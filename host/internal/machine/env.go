package machine

import (
	"os"
	"path/filepath"
	"strings"
)

// Env locates things on one computer: which OS table to use, a root prefixed to
// every filesystem path (tests and package builds use a temporary directory),
// the home directory and the environment. NativeEnv describes the computer the
// binary runs on; tests build their own, so every OS table is exercised on any OS.
type Env struct {
	OS     string // "linux", "windows" or "darwin": selects the path tables
	Root   string // prefixed to every filesystem path; "" means the real root
	Home   string // the user's home directory, as seen on the target system
	Getenv func(string) string
}

// NativeEnv describes the running computer. TABLERASE_ROOT, when set, becomes Root.
func NativeEnv() Env {
	home, _ := os.UserHomeDir()
	return Env{OS: nativeOS, Root: os.Getenv("TABLERASE_ROOT"), Home: home, Getenv: os.Getenv}
}

// Path maps a path of the target system to the local filesystem: it is p under Root.
// A Windows volume name ("C:") is dropped under a root so tests stay in their directory.
func (e Env) Path(p string) string {
	if e.Root == "" {
		return p
	}
	if v := filepath.VolumeName(p); v != "" {
		p = p[len(v):]
	}
	if len(p) >= 2 && p[1] == ':' { // a Windows path examined on another OS
		p = p[2:]
	}
	return filepath.Join(e.Root, filepath.FromSlash(strings.ReplaceAll(p, `\`, "/")))
}

// Absolute reports whether p is an absolute path on the target OS. A template
// whose variable is unset (say %LOCALAPPDATA% for a system service) is not.
func (e Env) Absolute(p string) bool {
	if e.OS == "windows" {
		return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') || strings.HasPrefix(p, `\\`)
	}
	return strings.HasPrefix(p, "/")
}

// Table is the OS table e selects: "windows" or "darwin", else "linux".
func (e Env) Table() string {
	switch e.OS {
	case "windows", "darwin":
		return e.OS
	}
	return "linux"
}
