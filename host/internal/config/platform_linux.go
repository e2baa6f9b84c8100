package config

import (
	"errors"
	"os"
	"path/filepath"
)

func configPath() string { return "/etc/tablerase/config.json" }

// defaultFolders: Downloads as xdg-user-dirs defines it, else ~/Downloads.
// No scanner folder: simple-scan saves to XDG_DOCUMENTS_DIR by default (its
// gsettings key save-directory, else GLib's DOCUMENTS special dir), and the
// whole Documents folder is no default of ours (see the package comment).
func defaultFolders(p platform, _ Scope) []Folder {
	if p.env.Home == "" {
		return nil
	}
	downloads := filepath.Join(p.env.Home, "Downloads")
	if d, ok := userDirs(p)["DOWNLOAD"]; ok {
		downloads = d
	}
	return []Folder{{Label: "downloads", Path: downloads}}
}

func userDirs(p platform) map[string]string {
	dir := p.env.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(p.env.Home, ".config")
	}
	data, err := os.ReadFile(filepath.Join(dir, "user-dirs.dirs"))
	if err != nil {
		return nil
	}
	return parseUserDirs(data, p.env.Home)
}

// stateBase: $XDG_STATE_HOME/tablerase, else ~/.local/state/tablerase (the
// XDG base directory spec ignores relative values).
func stateBase() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "tablerase"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("config: home folder unknown")
	}
	return filepath.Join(home, ".local", "state", "tablerase"), nil
}
