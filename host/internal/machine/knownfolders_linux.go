package machine

import (
	"errors"
	"os"
	"path/filepath"
)

// ConfigFile is where the admin configuration is read when TABLERASE_CONFIG is unset.
func ConfigFile() string { return "/etc/tablerase/config.json" }

// KnownFolders: Downloads as xdg-user-dirs defines it, else ~/Downloads.
// No scanner folder: simple-scan saves to XDG_DOCUMENTS_DIR by default (its
// gsettings key save-directory, else GLib's DOCUMENTS special dir), and the
// whole Documents folder is no default (see package config).
func (e Env) KnownFolders() []KnownFolder {
	if e.Home == "" {
		return nil
	}
	downloads := filepath.Join(e.Home, "Downloads")
	if d, ok := e.userDirs()["DOWNLOAD"]; ok {
		downloads = d
	}
	return []KnownFolder{{Label: "downloads", Path: downloads}}
}

func (e Env) userDirs() map[string]string {
	dir := ""
	if e.Getenv != nil {
		dir = e.Getenv("XDG_CONFIG_HOME")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(e.Home, ".config")
	}
	data, err := os.ReadFile(filepath.Join(dir, "user-dirs.dirs"))
	if err != nil {
		return nil
	}
	return parseUserDirs(data, e.Home)
}

// StateFolder is the host's state folder: $XDG_STATE_HOME/tablerase, else
// ~/.local/state/tablerase (the XDG base directory spec ignores relative values).
func StateFolder() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "tablerase"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("home folder unknown")
	}
	return filepath.Join(home, ".local", "state", "tablerase"), nil
}
