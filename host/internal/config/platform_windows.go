package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"

	"github.com/tablerase/tablerase/host/internal/machine"
)

func configPath() string {
	base := os.Getenv("ProgramData")
	if !filepath.IsAbs(base) {
		if p, err := windows.KnownFolderPath(windows.FOLDERID_ProgramData, 0); err == nil {
			base = p
		} else {
			base = `C:\ProgramData`
		}
	}
	return filepath.Join(base, "TableRase", "config.json")
}

func currentPlatform() platform {
	return platform{
		env:      machine.NativeEnv(), // its Getenv ignores case, as Windows does
		defaults: defaultFolders,
		key:      strings.ToLower,
		refuse:   refuser(),
	}
}

// defaultFolders: FOLDERID_Downloads always; the dedicated scan folders of
// Windows Fax and Scan (Documents\Scanned Documents) and of the Windows Scan
// app (Pictures\Scans) when they exist. Both folders carry their English name
// on disk; Explorer shows a translated name through desktop.ini.
func defaultFolders(p platform, _ Scope) []Folder {
	var out []Folder
	if d, err := windows.KnownFolderPath(windows.FOLDERID_Downloads, 0); err == nil {
		out = append(out, Folder{Label: "downloads", Path: filepath.Clean(d)})
	} else if p.env.Home != "" {
		out = append(out, Folder{Label: "downloads", Path: filepath.Join(p.env.Home, "Downloads")})
	}
	label := "scans"
	for _, s := range []struct {
		id  *windows.KNOWNFOLDERID
		sub string
	}{
		{windows.FOLDERID_Documents, "Scanned Documents"},
		{windows.FOLDERID_Pictures, "Scans"},
	} {
		base, err := windows.KnownFolderPath(s.id, 0)
		if err != nil {
			continue
		}
		if dir := filepath.Join(base, s.sub); existingDir(dir) {
			out = append(out, Folder{Label: label, Path: dir})
			label = "scans-2"
		}
	}
	return out
}

func stateBase() (string, error) {
	base, err := windows.KnownFolderPath(windows.FOLDERID_LocalAppData, 0)
	if err != nil {
		base = os.Getenv("LOCALAPPDATA")
	}
	if !filepath.IsAbs(base) {
		return "", errors.New("config: LocalAppData folder unknown")
	}
	return filepath.Join(base, "TableRase", "state"), nil
}
