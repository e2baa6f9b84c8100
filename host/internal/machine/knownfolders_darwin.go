package machine

import (
	"errors"
	"os"
	"path/filepath"
)

// ConfigFile is where the admin configuration is read when TABLERASE_CONFIG is unset.
func ConfigFile() string { return "/Library/Application Support/TableRase/config.json" }

// KnownFolders: ~/Downloads only. Image Capture and Preview ask where to
// save scans and default to ~/Pictures, which also holds the Photos library:
// not a folder to empty (see package config).
func (e Env) KnownFolders() []KnownFolder {
	if e.Home == "" {
		return nil
	}
	return []KnownFolder{{Label: "downloads", Path: filepath.Join(e.Home, "Downloads")}}
}

// StateFolder is the host's state folder.
func StateFolder() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("home folder unknown")
	}
	return filepath.Join(home, "Library", "Application Support", "TableRase", "state"), nil
}
