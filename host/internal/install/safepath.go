package install

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// What a system install trusts, and how it checks it.
//
// A system install writes files that every user's browser obeys (Firefox's
// policies.json) and points every user's browser at a program (the host
// manifests, the logon hook). Both are only worth something if no ordinary
// user can change them afterwards, and writing them must not be redirected by
// a link an ordinary user planted. So:
//
//   - Firefox's policies.json is reached from the root one folder at a time,
//     each opened relative to the one before and never through a link (on
//     Unix openat with O_NOFOLLOW; on Windows no reparse point is accepted).
//     From the Firefox folder down (for example /usr/lib/firefox-esr, then
//     distribution), every folder must belong to the administrator and be
//     writable by nobody else; the folders above it may be writable by others
//     only with the sticky bit (Unix) or only to add entries (Windows). A
//     folder that fails is skipped and reported with a stable reason; the file
//     is replaced atomically (temporary file in the same opened folder, then
//     rename) with mode 0644.
//   - The host binary (install --system, and doctor for a system-level
//     manifest) must be a plain file of the administrator that nobody else
//     can write, in a folder nobody else can write (the sticky bit does not
//     help: anyone could add a file there), under folders up to the root that
//     nobody else can rename or replace.
//
// "The administrator" is root (uid 0) on Unix; SYSTEM, Administrators and
// TrustedInstaller on Windows. Under a --root sandbox (tests, package builds)
// the user running the command is trusted too: the sandbox is theirs.
//
// The per-OS code (safepath_unix.go, safepath_windows.go) provides
// openSecured and checkHostBinary; what is portable (paths, reasons, the
// Windows access rule) is here and tested on every OS.

// Sentinel errors of the checks; an *UnsafePathError wraps one of them.
var (
	ErrUnsafeHost   = errors.New("install: host binary refused (a non-administrator could change it or a folder above it)")
	ErrUnsafeFolder = errors.New("install: folder skipped (reached through a link, or a non-administrator could change it)")
)

// The reasons of an UnsafePathError. They are stable: scripts and doctor's
// JSON show them.
const (
	ReasonLink      = "link"               // a symbolic link, junction or other reparse point
	ReasonOwner     = "not_admin_owned"    // owned by someone other than the administrator
	ReasonWritable  = "writable_by_others" // group or others (non-administrators) can write
	ReasonNotFolder = "not_a_folder"
	ReasonNotFile   = "not_a_file"
	ReasonMissing   = "missing" // the host binary (or a folder above it) does not exist
	ReasonUnchecked = "unchecked"
)

// UnsafePathError says which path failed, why, and what to do.
type UnsafePathError struct {
	Err    error  // ErrUnsafeHost or ErrUnsafeFolder
	Path   string // the path that failed, on the target system
	Reason string // one of the Reason constants
	Detail string // what was seen (owner, mode, access), for the admin
	Fix    string // what to do, in words
	depth  int    // index of the failing path component
}

func (e *UnsafePathError) Error() string {
	d := e.Detail
	if d == "" {
		d = map[string]string{ReasonMissing: "does not exist", ReasonNotFile: "not a regular file",
			ReasonNotFolder: "not a folder", ReasonLink: "a link, never followed"}[e.Reason]
	}
	return fmt.Sprintf("%v: %s: %s [%s]", e.Err, e.Path, d, e.Reason)
}

func (e *UnsafePathError) Unwrap() error { return e.Err }

// Fix texts. The host one names the .deb's and the MSI's places.
const (
	fixHostUnix    = "copy tablerase to a folder only root can change, for example /usr/local/lib/tablerase/ (owned by root, mode 0755, the binary too), then run install --system from there or with --host-path"
	fixHostDarwin  = "copy tablerase to a folder only root can change, for example /Library/Application Support/TableRase/ (what scripts/install.sh uses; not /usr/local, which Homebrew gives to a user), owned by root, mode 0755, the binary too, then run install --system from there or with --host-path"
	fixHostWindows = `install with the MSI (C:\Program Files\TableRase), or copy tablerase.exe to a folder under C:\Program Files that only administrators can change, then run install --system from there`
)

// components splits a path of the target system into the names below the
// start of the walk: a volume name is dropped (the start is that volume's
// root, or Env.Root), backslashes separate too. A ".." component makes it
// refused: ok is false.
func components(p string) (names []string, ok bool) {
	if v := filepath.VolumeName(p); v != "" {
		p = p[len(v):]
	}
	if len(p) >= 2 && p[1] == ':' { // a Windows path examined on another OS
		p = p[2:]
	}
	for _, c := range strings.Split(strings.ReplaceAll(p, `\`, "/"), "/") {
		switch c {
		case "", ".":
			continue
		case "..":
			return nil, false
		}
		names = append(names, c)
	}
	return names, true
}

// targetPath returns p cut after its first n components (n = 0: its root),
// spelled as in p: error messages and the install record name the folders
// the way the layout tables do.
func targetPath(p string, n int) string {
	i := len(filepath.VolumeName(p))
	if i == 0 && len(p) >= 2 && p[1] == ':' {
		i = 2
	}
	sep := func(c byte) bool { return c == '/' || c == '\\' }
	if n <= 0 {
		if i < len(p) && sep(p[i]) {
			i++
		}
		return p[:i]
	}
	for count := 0; i < len(p); {
		for i < len(p) && sep(p[i]) {
			i++
		}
		j := i
		for j < len(p) && !sep(p[j]) {
			j++
		}
		if j > i && p[i:j] != "." {
			if count++; count == n {
				return p[:j]
			}
		}
		i = j
	}
	return p
}

// folderSpec says how a system install opens one folder: Path, a folder of
// the target system; from component Strict on (the Firefox folder and below)
// every folder must be the administrator's alone; from component Create on,
// missing folders are created (mode 0755) and returned.
type folderSpec struct {
	Path   string
	Strict int
	Create int
}

// securedFolder is a folder opened by openSecured. Names are plain file names
// in it, never paths.
//
// ReadFile must not follow a link and must return an error wrapping
// fs.ErrNotExist when the file is absent, and one wrapping ErrUnsafeFolder
// when name is a link or not a regular file; it reads at most
// maxFirefoxPolicy bytes. WriteFile must replace name atomically (temporary
// file in the same folder, then rename) with mode 0644. Remove must not fail
// when the file is absent.
type securedFolder interface {
	ReadFile(name string) ([]byte, error)
	WriteFile(name string, data []byte) error
	Remove(name string) error
	Close() error
}

// maxFirefoxPolicy bounds a policies.json read (the policy package's bound).
const maxFirefoxPolicy = 4 << 20

// CheckHostBinary returns nil when no non-administrator can modify the host
// binary p (a path of the target system) nor replace it through a folder above
// it, else an *UnsafePathError wrapping ErrUnsafeHost that says what to do.
// A missing binary is refused: nothing can be vouched for.
func CheckHostBinary(env machine.Env, p string) error {
	err := checkHostBinary(env, p)
	var ue *UnsafePathError
	if errors.As(err, &ue) && ue.Fix == "" {
		ue.Fix = map[string]string{"windows": fixHostWindows, "darwin": fixHostDarwin}[env.OS]
		if ue.Fix == "" {
			ue.Fix = fixHostUnix
		}
	}
	return err
}

// The Windows rule, portable so it is tested everywhere: which access an
// allowed ACE grants that lets its holder change an object.
const (
	accessWriteData   = 0x2        // FILE_WRITE_DATA, on a folder FILE_ADD_FILE
	accessAppendData  = 0x4        // FILE_APPEND_DATA, on a folder FILE_ADD_SUBDIRECTORY
	accessDeleteChild = 0x40       // FILE_DELETE_CHILD
	accessDelete      = 0x10000    // DELETE
	accessWriteDAC    = 0x40000    // WRITE_DAC
	accessWriteOwner  = 0x80000    // WRITE_OWNER
	accessGenericAll  = 0x10000000 // GENERIC_ALL
	accessGenericWr   = 0x40000000 // GENERIC_WRITE
	accessModify      = accessWriteData | accessAppendData | accessDeleteChild | accessDelete | accessWriteDAC | accessWriteOwner | accessGenericAll | accessGenericWr
	// accessAddEntries may be granted to anyone on the folders above the
	// host's and the Firefox folder: adding a file or folder there cannot
	// replace ours (C:\ grants it to Authenticated Users).
	accessAddEntries = accessWriteData | accessAppendData
)

// Well-known SIDs of the administrator. CREATOR OWNER only stands for the
// creator in inheritable ACEs.
var adminSIDs = map[string]bool{
	"S-1-5-18":     true, // LocalSystem
	"S-1-5-32-544": true, // BUILTIN\Administrators
	"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464": true, // NT SERVICE\TrustedInstaller
	"S-1-3-0": true, // CREATOR OWNER
}

// aclEntry is one access-allowed ACE that applies to the object itself
// (inherit-only ACEs are left out by the caller).
type aclEntry struct {
	SID  string
	Mask uint32
}

// windowsWritable returns the SID of the first non-administrator that the
// allowed entries let change the object, or "". strict is for the host's
// own folder, the binary, and the Firefox folder and below: there even
// adding an entry counts. trusted, when not "", is one more SID to trust (the
// user running a sandboxed install).
func windowsWritable(entries []aclEntry, strict bool, trusted string) string {
	for _, e := range entries {
		if adminSIDs[e.SID] || e.SID == trusted && trusted != "" {
			continue
		}
		m := e.Mask & accessModify
		if !strict {
			m &^= accessAddEntries
		}
		if m != 0 {
			return e.SID
		}
	}
	return ""
}

// wellKnownNames names the SIDs an admin meets in a refusal.
var wellKnownNames = map[string]string{
	"S-1-1-0":      "Everyone",
	"S-1-5-11":     "Authenticated Users",
	"S-1-5-32-545": "Users",
	"S-1-5-4":      "INTERACTIVE",
}

func sidName(s string) string {
	if n, ok := wellKnownNames[s]; ok {
		return n + " (" + s + ")"
	}
	return s
}
