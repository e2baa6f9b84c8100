package machine

import "os"

// KnownFolder is a folder the OS names for the user, that the host watches by
// default. Label is safe to log ("downloads", "scans", "scans-2"); Path is
// not (it holds the user name).
type KnownFolder struct{ Label, Path string }

// Known folders, the configuration file and the state folder are those of
// the running computer: KnownFolders asks the OS (Windows known folders,
// xdg-user-dirs on Linux) and uses e only for the home and the environment.
// See knownfolders_<os>.go for what each OS names and why.

// existingDir reports whether path is a directory (following links: the OS
// puts known folders where it likes; the wipe itself never follows links).
func existingDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
