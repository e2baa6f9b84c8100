//go:build windows

package wipe

import (
	"encoding/binary"
	"errors"
	"unsafe"

	"golang.org/x/sys/windows"
)

// winDir is a directory handle; children are opened with NtCreateFile relative to it
// (OBJECT_ATTRIBUTES.RootDirectory), always with FILE_OPEN_REPARSE_POINT, and deleted by handle.
//
// Entry names are kept as the raw UTF-16 units returned by the enumeration, packed in a Go string,
// so that names which are not valid UTF-16 are reopened exactly.
type winDir struct {
	h   windows.Handle
	vol uint64   // volume serial, shared by every entry listed (reparse points are never crossed)
	id  identity // the directory itself, read through h when it was opened
}

const shareAll = windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE

func openRoot(path string) (dir, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, ErrNotDir
	}
	h, err := windows.CreateFile(p, windows.FILE_LIST_DIRECTORY|windows.FILE_READ_ATTRIBUTES|windows.SYNCHRONIZE,
		shareAll, nil, windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return nil, mapWinErr(err)
	}
	id, err := handleIdentity(h)
	if err == nil && id.kind != kindDir {
		err = ErrNotDir
	}
	if err != nil {
		windows.CloseHandle(h)
		return nil, err
	}
	return &winDir{h: h, vol: id.dev, id: id}, nil
}

func (d *winDir) close() error   { return windows.CloseHandle(d.h) }
func (d *winDir) self() identity { return d.id }

// list enumerates with FileIdExtdDirectoryInfo (128-bit ids), or FileIdBothDirectoryInfo where
// the file system does not support it.
func (d *winDir) list() ([]entry, error) {
	buf := make([]byte, 64<<10)
	var out []entry
	class, extd := uint32(windows.FileIdExtdDirectoryRestartInfo), true
	for first := true; ; first = false {
		err := windows.GetFileInformationByHandleEx(d.h, class, &buf[0], uint32(len(buf)))
		if first && extd && (errors.Is(err, windows.ERROR_INVALID_PARAMETER) || errors.Is(err, windows.ERROR_NOT_SUPPORTED) ||
			errors.Is(err, windows.ERROR_INVALID_FUNCTION)) {
			class, extd, first = windows.FileIdBothDirectoryRestartInfo, false, true
			err = windows.GetFileInformationByHandleEx(d.h, class, &buf[0], uint32(len(buf)))
		}
		if errors.Is(err, windows.ERROR_NO_MORE_FILES) {
			return out, nil
		}
		if err != nil {
			return nil, mapWinErr(err)
		}
		out = d.parse(buf, extd, out)
		if extd {
			class = windows.FileIdExtdDirectoryInfo
		} else {
			class = windows.FileIdBothDirectoryInfo
		}
	}
}

// parse decodes FILE_ID_EXTD_DIR_INFO or FILE_ID_BOTH_DIR_INFO records (little-endian offsets).
func (d *winDir) parse(buf []byte, extd bool, out []entry) []entry {
	for off := 0; off < len(buf); {
		r := buf[off:]
		if len(r) < 104 {
			break
		}
		next := binary.LittleEndian.Uint32(r[0:])
		id := identity{dev: d.vol}
		if ct := int64(binary.LittleEndian.Uint64(r[8:])); ct > 0 {
			id.btime = filetimeNs(ct)
		}
		id.mtime = filetimeNs(int64(binary.LittleEndian.Uint64(r[24:])))
		id.size = int64(binary.LittleEndian.Uint64(r[40:]))
		id.kind = kindOf(binary.LittleEndian.Uint32(r[56:]))
		nameLen := int(binary.LittleEndian.Uint32(r[60:]))
		nameOff := 104
		if extd {
			copy(id.ino[:], r[72:88])
			nameOff = 88
		} else {
			copy(id.ino[:8], r[96:104])
		}
		if nameOff+nameLen <= len(r) {
			name := string(r[nameOff : nameOff+nameLen])
			if name != ".\x00" && name != ".\x00.\x00" {
				if id.kind == kindDir {
					id.size = 0
				}
				out = append(out, entry{name: name, id: id})
			}
		}
		if next == 0 {
			break
		}
		off += int(next)
	}
	return out
}

func kindOf(attrs uint32) kind {
	switch {
	case attrs&windows.FILE_ATTRIBUTE_REPARSE_POINT != 0:
		return kindLink // symlink, junction, mount point, any reparse point: never followed
	case attrs&windows.FILE_ATTRIBUTE_DIRECTORY != 0:
		return kindDir
	}
	return kindFile
}

// filetimeNs converts 100-ns intervals since 1601 to ns since 1970.
func filetimeNs(ft int64) int64 { return (ft - 116444736000000000) * 100 }

// openChild opens name relative to d without following a reparse point.
func (d *winDir) openChild(name string, access, options uint32) (windows.Handle, error) {
	if len(name) == 0 || len(name)%2 != 0 || len(name) > 0xfffe {
		return 0, ErrGone
	}
	units := make([]uint16, len(name)/2)
	for i := range units {
		units[i] = uint16(name[2*i]) | uint16(name[2*i+1])<<8
	}
	us := windows.NTUnicodeString{Length: uint16(len(name)), MaximumLength: uint16(len(name)), Buffer: &units[0]}
	oa := windows.OBJECT_ATTRIBUTES{RootDirectory: d.h, ObjectName: &us}
	oa.Length = uint32(unsafe.Sizeof(oa))
	var h windows.Handle
	var iosb windows.IO_STATUS_BLOCK
	err := windows.NtCreateFile(&h, access|windows.SYNCHRONIZE|windows.FILE_READ_ATTRIBUTES, &oa, &iosb, nil, 0,
		shareAll, windows.FILE_OPEN,
		options|windows.FILE_OPEN_REPARSE_POINT|windows.FILE_SYNCHRONOUS_IO_NONALERT|windows.FILE_OPEN_FOR_BACKUP_INTENT, 0, 0)
	if err != nil {
		return 0, mapWinErr(err)
	}
	return h, nil
}

func (d *winDir) openDir(name string, want identity) (dir, error) {
	h, err := d.openChild(name, windows.FILE_LIST_DIRECTORY, windows.FILE_DIRECTORY_FILE)
	if err != nil {
		return nil, err
	}
	id, err := handleIdentity(h)
	if err == nil && !id.sameObject(want) {
		err = ErrRaced
	}
	if err != nil {
		windows.CloseHandle(h)
		return nil, err
	}
	return &winDir{h: h, vol: id.dev, id: id}, nil
}

type fileDispositionInfoEx struct{ Flags uint32 }
type fileDispositionInfo struct{ DeleteFile bool }

func (d *winDir) remove(name string, want identity) error {
	var options uint32
	switch want.kind {
	case kindDir:
		options = windows.FILE_DIRECTORY_FILE
	case kindFile:
		options = windows.FILE_NON_DIRECTORY_FILE
	}
	h, err := d.openChild(name, windows.DELETE|windows.FILE_WRITE_ATTRIBUTES, options)
	if errors.Is(err, ErrPermission) {
		// Write-attributes is only needed by the fallback below; DELETE alone may be granted.
		h, err = d.openChild(name, windows.DELETE, options)
	}
	if err != nil {
		return err
	}
	defer windows.CloseHandle(h)
	id, err := handleIdentity(h)
	if err != nil {
		return err
	}
	if !id.sameObject(want) {
		return ErrRaced
	}
	ex := fileDispositionInfoEx{Flags: windows.FILE_DISPOSITION_DELETE | windows.FILE_DISPOSITION_POSIX_SEMANTICS |
		windows.FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE}
	err = windows.SetFileInformationByHandle(h, windows.FileDispositionInfoEx, (*byte)(unsafe.Pointer(&ex)), uint32(unsafe.Sizeof(ex)))
	if err == nil {
		return nil
	}
	if !errors.Is(err, windows.ERROR_INVALID_PARAMETER) && !errors.Is(err, windows.ERROR_NOT_SUPPORTED) &&
		!errors.Is(err, windows.ERROR_INVALID_FUNCTION) {
		return mapWinErr(err)
	}
	// Older systems and FAT: clear the read-only attribute, then the classic disposition.
	var basic fileBasicInfo
	if windows.GetFileInformationByHandleEx(h, windows.FileBasicInfo, (*byte)(unsafe.Pointer(&basic)), uint32(unsafe.Sizeof(basic))) == nil &&
		basic.FileAttributes&windows.FILE_ATTRIBUTE_READONLY != 0 {
		basic.FileAttributes &^= windows.FILE_ATTRIBUTE_READONLY
		if basic.FileAttributes == 0 {
			basic.FileAttributes = windows.FILE_ATTRIBUTE_NORMAL
		}
		windows.SetFileInformationByHandle(h, windows.FileBasicInfo, (*byte)(unsafe.Pointer(&basic)), uint32(unsafe.Sizeof(basic)))
	}
	di := fileDispositionInfo{DeleteFile: true}
	err = windows.SetFileInformationByHandle(h, windows.FileDispositionInfo, (*byte)(unsafe.Pointer(&di)), uint32(unsafe.Sizeof(di)))
	return mapWinErr(err)
}

type fileBasicInfo struct {
	CreationTime, LastAccessTime, LastWriteTime, ChangeTime int64
	FileAttributes                                          uint32
	_                                                       uint32
}

type fileStandardInfo struct {
	AllocationSize, EndOfFile int64
	NumberOfLinks             uint32
	DeletePending, Directory  bool
	_                         uint16
}

type fileIDInfo struct {
	VolumeSerialNumber uint64
	FileID             [16]byte
}

// handleIdentity reads an opened object's identity: FileIdInfo (64-bit volume serial, 128-bit id),
// or GetFileInformationByHandle where the file system lacks it, then FileBasicInfo and
// FileStandardInfo.
func handleIdentity(h windows.Handle) (identity, error) {
	var id identity
	var fid fileIDInfo
	if err := windows.GetFileInformationByHandleEx(h, windows.FileIdInfo, (*byte)(unsafe.Pointer(&fid)), uint32(unsafe.Sizeof(fid))); err == nil {
		id.dev, id.ino = fid.VolumeSerialNumber, fid.FileID
	} else {
		var bh windows.ByHandleFileInformation
		if err := windows.GetFileInformationByHandle(h, &bh); err != nil {
			return id, mapWinErr(err)
		}
		id.dev = uint64(bh.VolumeSerialNumber)
		binary.LittleEndian.PutUint32(id.ino[0:], bh.FileIndexLow)
		binary.LittleEndian.PutUint32(id.ino[4:], bh.FileIndexHigh)
	}
	var basic fileBasicInfo
	if err := windows.GetFileInformationByHandleEx(h, windows.FileBasicInfo, (*byte)(unsafe.Pointer(&basic)), uint32(unsafe.Sizeof(basic))); err != nil {
		return id, mapWinErr(err)
	}
	id.kind = kindOf(basic.FileAttributes)
	if basic.CreationTime > 0 {
		id.btime = filetimeNs(basic.CreationTime)
	}
	id.mtime = filetimeNs(basic.LastWriteTime)
	if id.kind == kindDir {
		return id, nil
	}
	var std fileStandardInfo
	if err := windows.GetFileInformationByHandleEx(h, windows.FileStandardInfo, (*byte)(unsafe.Pointer(&std)), uint32(unsafe.Sizeof(std))); err != nil {
		return id, mapWinErr(err)
	}
	id.size = std.EndOfFile
	return id, nil
}

// mapWinErr turns a Win32 or NT error into a package sentinel, dropping any name or path.
func mapWinErr(err error) error {
	if err == nil {
		return nil
	}
	var st windows.NTStatus
	if errors.As(err, &st) {
		if st == windows.STATUS_DELETE_PENDING {
			return ErrGone
		}
		err = st.Errno()
	}
	var errno windows.Errno
	if !errors.As(err, &errno) {
		return errIO
	}
	switch errno {
	case windows.ERROR_ACCESS_DENIED, windows.ERROR_WRITE_PROTECT, windows.ERROR_PRIVILEGE_NOT_HELD:
		return ErrPermission
	case windows.ERROR_SHARING_VIOLATION, windows.ERROR_LOCK_VIOLATION, windows.ERROR_USER_MAPPED_FILE:
		return ErrBusy
	case windows.ERROR_FILE_NOT_FOUND, windows.ERROR_PATH_NOT_FOUND:
		return ErrGone
	case windows.ERROR_DIRECTORY, windows.ERROR_DIR_NOT_EMPTY, windows.ERROR_CANT_ACCESS_FILE,
		windows.ERROR_CANT_RESOLVE_FILENAME, windows.ERROR_STOPPED_ON_SYMLINK:
		return ErrRaced
	}
	return errIO
}
