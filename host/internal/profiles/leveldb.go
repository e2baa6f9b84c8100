package profiles

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"path/filepath"
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// Local Storage is the aidant's too. Chromium keeps it in one LevelDB per profile, and reuses that
// database's log across restarts (leveldb reuse_logs, on everywhere but ChromeOS): what the aidant
// wrote before the accompaniment, and not yet compacted into a table, sits at the start of the
// same log the accompaniment then appended to. Removing the log would lose it. So when an
// accompaniment starts, MarkLogs records, for every profile (running or not), the identity and
// length of each log of Local Storage; after it, Residue cuts a marked log back to the last whole
// record within that length, and removes only logs that were not there at the start. A LevelDB
// reader takes a log cut at a record boundary as a log that simply ends there.
//
// The marks hold no name and no path: the identity is a keyed digest of (device, inode) or
// (volume, file id), under a key kept with the session state.

// LogMark is one Local Storage log as it was when an accompaniment started.
type LogMark struct {
	ID   string `json:"id"`   // hex HMAC of the file's identity under the window's key
	Size int64  `json:"size"` // its length then
}

// localStorageLogs is where a profile's Local Storage LevelDB lives, below the profile folder.
var localStorageLogs = []string{"Local Storage", "leveldb"}

func logDir(profile string) []string { return append([]string{profile}, localStorageLogs...) }

// MarkLogs records the Local Storage logs of every Chromium-family profile of the user described
// by env, under key. Nothing is opened for writing; a running browser is no obstacle.
func MarkLogs(ctx context.Context, env machine.Env, key []byte) []LogMark {
	var marks []LogMark
	eachProfile(ctx, env, true, func(b machine.Browser, root, _, name string, _ *Result) {
		if b.IsFirefox() {
			return
		}
		rel := logDir(name)
		for _, n := range logNames(filepath.Join(append([]string{root}, rel...)...)) {
			if id, size, ok := fileIdentity(root, rel, n); ok {
				marks = append(marks, LogMark{ID: logID(key, id), Size: size})
			}
		}
	})
	return marks
}

func logID(key, identity []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("leveldb-log\x00"))
	mac.Write(identity)
	return hex.EncodeToString(mac.Sum(nil)[:16])
}

// logNames lists the *.log regular files of dir (links are not regular files).
func logNames(dir string) []string {
	var out []string
	for _, e := range readDir(dir) {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".log") {
			out = append(out, e.Name())
		}
	}
	return out
}

// cutMarkedLogs cuts back each marked Local Storage log of profile name (under root) to what it
// held at the start, and returns the names of the logs it handled (kept, or cut): the others are
// the accompaniment's.
func cutMarkedLogs(root, name string, key []byte, marks []LogMark) (handled map[string]bool, cut, failed int) {
	handled = map[string]bool{}
	if len(marks) == 0 {
		return handled, 0, 0
	}
	sizes := make(map[string]int64, len(marks))
	for _, m := range marks {
		sizes[m.ID] = m.Size
	}
	rel := logDir(name)
	for _, n := range logNames(filepath.Join(append([]string{root}, rel...)...)) {
		id, size, ok := fileIdentity(root, rel, n)
		if !ok {
			continue
		}
		marked, known := sizes[logID(key, id)]
		if !known {
			continue
		}
		handled[n] = true
		if size <= marked {
			continue // nothing appended since the start
		}
		switch err := truncateLog(root, rel, n, id, marked); err {
		case nil:
			cut++
		default:
			failed++
		}
	}
	return handled, cut, failed
}

// LevelDB log format (leveldb/doc/log_format.md): 32 KiB blocks of physical records, each a
// 7-byte header (masked CRC-32C of type and data, length, type) and its data; fewer than 7 bytes
// left in a block are zero padding. A logical record is FULL, or FIRST MIDDLE* LAST.
const (
	logBlock  = 32768
	logHeader = 7
	recFull   = 1
	recFirst  = 2
	recMiddle = 3
	recLast   = 4
)

// errNotSame: the file is no longer the one marked (replaced, or a link put in its place).
var errNotSame = errors.New("not the marked file")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// wholeRecordsEnd returns the offset just after the last complete logical record that ends at
// or before limit, checking every record's CRC: the length to cut a log to so that it holds
// exactly what was written before limit, less a record being written at that instant. It stops
// at the first damaged or unknown record.
func wholeRecordsEnd(r io.ReaderAt, limit int64) int64 {
	var end, off int64
	var block [logBlock]byte
	inRecord := false
	for off < limit {
		blockStart := off - off%logBlock
		n, _ := r.ReadAt(block[:], blockStart)
		if n == 0 {
			break
		}
		buf := block[:n]
		for p := int(off - blockStart); ; {
			if len(buf)-p < logHeader {
				if n < logBlock {
					return end // end of file
				}
				off = blockStart + logBlock // trailer padding
				break
			}
			h := buf[p : p+logHeader]
			length := int(binary.LittleEndian.Uint16(h[4:6]))
			typ := h[6]
			if typ == 0 && length == 0 {
				return end // zeroed (preallocated) space: no more records
			}
			if p+logHeader+length > len(buf) || typ < recFull || typ > recLast {
				return end
			}
			data := buf[p+logHeader : p+logHeader+length]
			crc := crc32.Update(crc32.Checksum([]byte{typ}, castagnoli), castagnoli, data)
			if binary.LittleEndian.Uint32(h[0:4]) != ((crc>>15)|(crc<<17))+0xa282ead8 { // masked
				return end
			}
			recEnd := blockStart + int64(p+logHeader+length)
			if recEnd > limit {
				return end
			}
			switch typ {
			case recFull:
				if inRecord {
					return end
				}
				end = recEnd
			case recFirst:
				if inRecord {
					return end
				}
				inRecord = true
			case recMiddle:
				if !inRecord {
					return end
				}
			case recLast:
				if !inRecord {
					return end
				}
				inRecord = false
				end = recEnd
			}
			p += logHeader + length
			off = recEnd
			if off >= limit {
				return end
			}
		}
	}
	return end
}
