package machine

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// ConfigFile is where the admin configuration is read when TABLERASE_CONFIG
// is unset: %ProgramData%\TableRase\config.json.
func ConfigFile() string {
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

// KnownFolders: FOLDERID_Downloads always; the dedicated scan folders of
// Windows Fax and Scan (Documents\Scanned Documents) and of the Windows Scan
// app (Pictures\Scans) when they exist. Both folders carry their English name
// on disk; Explorer shows a translated name through desktop.ini.
func (e Env) KnownFolders() []KnownFolder {
	var out []KnownFolder
	if d, err := windows.KnownFolderPath(windows.FOLDERID_Downloads, 0); err == nil {
		out = append(out, KnownFolder{Label: "downloads", Path: filepath.Clean(d)})
	} else if e.Home != "" {
		out = append(out, KnownFolder{Label: "downloads", Path: filepath.Join(e.Home, "Downloads")})
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
			out = append(out, KnownFolder{Label: label, Path: dir})
			label = "scans-2"
		}
	}
	return out
}

// StateFolder is the host's state folder: LocalAppData\TableRase\state.
func StateFolder() (string, error) {
	base, err := windows.KnownFolderPath(windows.FOLDERID_LocalAppData, 0)
	if err != nil {
		base = os.Getenv("LOCALAPPDATA")
	}
	if !filepath.IsAbs(base) {
		return "", errors.New("LocalAppData folder unknown")
	}
	return filepath.Join(base, "TableRase", "state"), nil
}
