package profiles

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// removeStores removes the named regular files of profile name under root. Reparse points are
// never followed: Lstat sees the link itself, and only regular files are removed.
func removeStores(root, name string, stores []string) (removed, failed int) {
	dir := filepath.Join(root, name)
	if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() || fi.Mode()&os.ModeSymlink != 0 {
		return 0, 1
	}
	for _, s := range stores {
		p := filepath.Join(dir, s)
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if !fi.Mode().IsRegular() {
			failed++
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			failed++
			continue
		}
		removed++
	}
	return removed, failed
}

// fileIdentity returns the identity (volume serial, file index) and length of the regular file
// name in root/rel..., a reparse point never followed (nor taken for a file).
func fileIdentity(root string, rel []string, name string) (id []byte, size int64, ok bool) {
	h, err := openFile(root, rel, name, windows.FILE_READ_ATTRIBUTES)
	if err != nil {
		return nil, 0, false
	}
	defer windows.CloseHandle(h)
	id, size, err = handleID(h)
	return id, size, err == nil
}

func handleID(h windows.Handle) ([]byte, int64, error) {
	var fi windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &fi); err != nil {
		return nil, 0, err
	}
	if fi.FileAttributes&(windows.FILE_ATTRIBUTE_REPARSE_POINT|windows.FILE_ATTRIBUTE_DIRECTORY) != 0 {
		return nil, 0, errNotSame
	}
	id := make([]byte, 12)
	binary.LittleEndian.PutUint32(id, fi.VolumeSerialNumber)
	binary.LittleEndian.PutUint32(id[4:], fi.FileIndexHigh)
	binary.LittleEndian.PutUint32(id[8:], fi.FileIndexLow)
	return id, int64(fi.FileSizeHigh)<<32 | int64(fi.FileSizeLow), nil
}

// openFile opens root\rel...\name with the share modes a browser's own handles allow, never
// following a reparse point at the file (a folder of rel that is one is refused).
func openFile(root string, rel []string, name string, access uint32) (windows.Handle, error) {
	p := root
	for _, c := range rel {
		p = filepath.Join(p, c)
		if fi, err := os.Lstat(p); err != nil || !fi.IsDir() || fi.Mode()&os.ModeSymlink != 0 || fi.Mode()&os.ModeIrregular != 0 {
			return 0, errNotSame
		}
	}
	u, err := windows.UTF16PtrFromString(filepath.Join(p, name))
	if err != nil {
		return 0, err
	}
	return windows.CreateFile(u, access, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
}

// truncateLog cuts the log name in root\rel... back to its last whole record within limit, if it
// is still the file id names (checked through the handle it is cut through).
func truncateLog(root string, rel []string, name string, id []byte, limit int64) error {
	h, err := openFile(root, rel, name, windows.GENERIC_READ|windows.GENERIC_WRITE)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(h), "log")
	defer f.Close()
	got, _, err := handleID(h)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, id) {
		return errNotSame
	}
	return f.Truncate(wholeRecordsEnd(f, limit))
}

// chromiumRunning: Chrome holds "lockfile" in the user-data folder open without sharing.
func chromiumRunning(root string) bool { return heldOpen(filepath.Join(root, "lockfile")) }

// firefoxRunning: Firefox holds "parent.lock" open without sharing while a profile is in use.
func firefoxRunning(profile string) bool { return heldOpen(filepath.Join(profile, "parent.lock")) }

// heldOpen tries to open p with no sharing: a sharing violation means its owner runs.
func heldOpen(p string) bool {
	name, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return true
	}
	h, err := windows.CreateFile(name, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING,
		windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
		return false
	}
	if err != nil {
		return true // sharing violation, or anything we cannot judge
	}
	windows.CloseHandle(h)
	return false
}
