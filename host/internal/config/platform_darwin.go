package config

import (
	"errors"
	"os"
	"path/filepath"
)

func configPath() string { return "/Library/Application Support/TableRase/config.json" }

// defaultFolders: ~/Downloads only. Image Capture and Preview ask where to
// save scans and default to ~/Pictures, which also holds the Photos library:
// not a folder to empty (see the package comment).
func defaultFolders(p platform, _ Scope) []Folder {
	if p.env.Home == "" {
		return nil
	}
	return []Folder{{Label: "downloads", Path: filepath.Join(p.env.Home, "Downloads")}}
}

func stateBase() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("config: home folder unknown")
	}
	return filepath.Join(home, "Library", "Application Support", "TableRase", "state"), nil
}
