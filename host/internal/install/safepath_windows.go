package install

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
)

// On Windows the walk checks each component by path: no reparse point
// (symbolic link, junction, mount point), and an access check of its owner
// and DACL (windowsWritable). There are no openat-style handles here, but a
// folder that only administrators can change cannot be swapped by anyone
// else between the check and the write, which is what the check ensures.

// startOf returns where the walk of target path p starts: Env.Root, or the
// volume root of p.
func startOf(env machine.Env, p string) string {
	if env.Root != "" {
		return env.Root
	}
	return filepath.VolumeName(p) + `\`
}

// sandboxSID is the running user's SID under a --root sandbox, else "".
func sandboxSID(env machine.Env) string {
	if env.Root == "" {
		return ""
	}
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return ""
	}
	return u.User.Sid.String()
}

// checkACL applies the Windows rule to one object.
func checkACL(local string, strict bool, trusted string) (reason, detail string, err error) {
	sd, err := windows.GetNamedSecurityInfo(local, windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return "", "", err
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return "", "", err
	}
	if o := owner.String(); !adminSIDs[o] && o != trusted {
		return ReasonOwner, "owned by " + sidName(o) + ", not Administrators, SYSTEM or TrustedInstaller", nil
	}
	dacl, _, err := sd.DACL()
	if errors.Is(err, windows.ERROR_OBJECT_NOT_FOUND) || err == nil && dacl == nil {
		return ReasonWritable, "no access list: everyone can change it", nil
	}
	if err != nil {
		return "", "", err
	}
	var entries []aclEntry
	for i := 0; i < int(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, uint32(i), &ace); err != nil {
			return "", "", err
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || ace.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0 {
			continue // deny entries only take away; inherit-only ones do not apply here
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		entries = append(entries, aclEntry{SID: sid.String(), Mask: uint32(ace.Mask)})
	}
	if s := windowsWritable(entries, strict, trusted); s != "" {
		return ReasonWritable, sidName(s) + " can change it", nil
	}
	return "", "", nil
}

func windowsFix(reason, p string) string {
	switch reason {
	case ReasonLink:
		return "Table rase never writes through a link or junction: put the real folder at " + p + ", or merge the policies by hand where it points"
	case ReasonOwner, ReasonWritable:
		return "if this folder is legitimate, let only administrators change " + p + " (Properties > Security, or reinstall Firefox under Program Files), then run install again"
	}
	return ""
}

// walk checks the start and each folder of names; see the Unix walk.
func walk(env machine.Env, target string, names []string, strict, create int, kind error) (string, []string, error) {
	trusted := sandboxSID(env)
	local := startOf(env, target)
	var created []string
	fail := func(i int, reason, detail string) (string, []string, error) {
		p := targetPath(target, i+1)
		e := &UnsafePathError{Err: kind, Path: p, Reason: reason, Detail: detail, depth: i}
		if kind == ErrUnsafeFolder {
			e.Fix = windowsFix(reason, p)
		}
		return "", created, e
	}
	if r, d, err := checkACL(local, strict < 0, trusted); err != nil {
		return "", nil, fmt.Errorf("%s: %w", local, err)
	} else if r != "" {
		return fail(-1, r, d)
	}
	for i, name := range names {
		local = filepath.Join(local, name)
		fi, err := os.Lstat(local)
		if errors.Is(err, fs.ErrNotExist) && i >= create {
			if err = os.Mkdir(local, 0o755); err == nil {
				created = append(created, targetPath(target, i+1))
			}
			fi, err = os.Lstat(local)
		}
		if errors.Is(err, fs.ErrNotExist) {
			return "", created, fmt.Errorf("%s: %w", targetPath(target, i+1), fs.ErrNotExist)
		}
		if err != nil {
			return "", created, err
		}
		switch {
		case fi.Mode()&(fs.ModeSymlink|fs.ModeIrregular) != 0:
			return fail(i, ReasonLink, "a link, junction or reparse point, not followed")
		case !fi.IsDir():
			return fail(i, ReasonNotFolder, "")
		}
		if r, d, err := checkACL(local, i >= strict, trusted); err != nil {
			return "", created, fmt.Errorf("%s: %w", targetPath(target, i+1), err)
		} else if r != "" {
			return fail(i, r, d)
		}
	}
	return local, created, nil
}

func openSecured(env machine.Env, spec folderSpec) (securedFolder, []string, error) {
	names, ok := components(spec.Path)
	if !ok {
		return nil, nil, &UnsafePathError{Err: ErrUnsafeFolder, Path: spec.Path, Reason: ReasonLink, Detail: `".." in the path`}
	}
	local, created, err := walk(env, spec.Path, names, spec.Strict, spec.Create, ErrUnsafeFolder)
	if err != nil {
		return nil, created, err
	}
	return &winFolder{local: local, path: spec.Path, depth: len(names)}, created, nil
}

type winFolder struct {
	local, path string
	depth       int
}

func (d *winFolder) ReadFile(name string) ([]byte, error) {
	local := filepath.Join(d.local, name)
	fi, err := os.Lstat(local)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		p := d.path + `\` + name
		r := ReasonNotFile
		if fi.Mode()&(fs.ModeSymlink|fs.ModeIrregular) != 0 {
			r = ReasonLink
		}
		return nil, &UnsafePathError{Err: ErrUnsafeFolder, Path: p, Reason: r, Fix: windowsFix(r, p), depth: d.depth}
	}
	f, err := os.Open(local)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFirefoxPolicy+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFirefoxPolicy {
		return nil, fmt.Errorf("%s: %w: file too large", d.path, policy.ErrInvalid)
	}
	return data, nil
}

func (d *winFolder) WriteFile(name string, data []byte) (err error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(d.local, ".tablerase-"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(d.local, name))
}

func (d *winFolder) Remove(name string) error {
	if err := os.Remove(filepath.Join(d.local, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (d *winFolder) Close() error { return nil }

func checkHostBinary(env machine.Env, p string) error {
	names, ok := components(p)
	if !ok || len(names) == 0 {
		return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: ReasonNotFile, Detail: "not a plain absolute path"}
	}
	last := len(names) - 1
	local, _, err := walk(env, p, names[:last], last-1, len(names), ErrUnsafeHost)
	if errors.Is(err, fs.ErrNotExist) {
		return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: ReasonMissing, Detail: "a folder on the way does not exist"}
	}
	if err != nil {
		return err
	}
	local = filepath.Join(local, names[last])
	fi, err := os.Lstat(local)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: ReasonMissing}
	case err != nil:
		return err
	case fi.Mode()&(fs.ModeSymlink|fs.ModeIrregular) != 0:
		return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: ReasonLink, Detail: "a link: give --host-path the real file"}
	case !fi.Mode().IsRegular():
		return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: ReasonNotFile}
	}
	if r, d, err := checkACL(local, true, sandboxSID(env)); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	} else if r != "" {
		return &UnsafePathError{Err: ErrUnsafeHost, Path: p, Reason: r, Detail: d}
	}
	return nil
}
