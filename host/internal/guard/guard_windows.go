//go:build windows

package guard

import (
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// key folds case: Windows paths are case-insensitive.
func key(p string) string { return strings.ToLower(p) }

// isRoot: `C:\`, or a share root `\\server\share`.
func isRoot(p string) bool {
	v := filepath.VolumeName(p)
	return v != "" && (p == v || p == v+`\`)
}

// finalPath asks Windows where p really is: links, junctions and mount points resolved, the
// drive letter form kept (\\?\UNC\server\share becomes \\server\share).
// volumeNameDOS (with FILE_NAME_NORMALIZED, 0) is GetFinalPathNameByHandle's flag for a
// drive-letter path.
const volumeNameDOS = 0x0

func finalPath(p string) (string, bool) {
	u, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return "", false
	}
	h, err := windows.CreateFile(u, 0, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil,
		windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return "", false
	}
	defer windows.CloseHandle(h)
	buf := make([]uint16, windows.MAX_LONG_PATH)
	n, err := windows.GetFinalPathNameByHandle(h, &buf[0], uint32(len(buf)), volumeNameDOS)
	if err != nil || int(n) >= len(buf) {
		return "", false
	}
	s := windows.UTF16ToString(buf[:n])
	switch {
	case strings.HasPrefix(s, `\\?\UNC\`):
		s = `\\` + s[len(`\\?\UNC\`):]
	case strings.HasPrefix(s, `\\?\`):
		s = s[len(`\\?\`):]
	}
	return filepath.Clean(s), true
}

func knownFolder(id *windows.KNOWNFOLDERID) string {
	p, err := windows.KnownFolderPath(id, 0)
	if err != nil || !filepath.IsAbs(p) {
		return ""
	}
	return p
}

func machinePlaces() []Place {
	home := knownFolder(windows.FOLDERID_Profile)
	env, _ := os.UserHomeDir() // %USERPROFILE%: the same folder, unless something changed it
	if home == "" {
		home = env
	}
	profiles := knownFolder(windows.FOLDERID_UserProfiles)
	if profiles == "" && home != "" {
		profiles = filepath.Dir(home)
	}
	out := homePlaces(home, profiles)
	if env != "" && !strings.EqualFold(filepath.Clean(env), filepath.Clean(home)) {
		out = append(out, Place{Path: env, Code: CodeHome})
	}
	for _, id := range []*windows.KNOWNFOLDERID{windows.FOLDERID_Windows, windows.FOLDERID_ProgramFiles,
		windows.FOLDERID_ProgramFilesX86, windows.FOLDERID_ProgramFilesX64} {
		if p := knownFolder(id); p != "" {
			out = append(out, Place{Path: p, Code: CodeSystem, Inside: true})
		}
	}
	for _, p := range []string{knownFolder(windows.FOLDERID_ProgramData), profiles} {
		if p != "" {
			out = append(out, Place{Path: p, Code: CodeSystem})
		}
	}
	if exe, err := os.Executable(); err == nil {
		out = append(out, Place{Path: filepath.Dir(exe), Code: CodeBinary})
	}
	return out
}

// resolvePlace is resolve: only Windows itself knows junctions, mount points and short names.
func resolvePlace(path string, _ func(string) os.FileInfo) string { return resolve(path) }
