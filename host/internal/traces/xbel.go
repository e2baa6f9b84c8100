package traces

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// maxXBEL bounds the recently-used.xbel read (GLib caps the list at a few
// thousand entries; a larger file is left alone).
const maxXBEL = 32 << 20

var errMalformed = errors.New("malformed xbel")

// filterXBEL removes the top-level <bookmark> elements added or modified at
// or after cut (all: every bookmark) from an XBEL document, byte-exactly: the
// rest of the document, including the kept bookmarks, is copied unchanged. A
// removed bookmark's own line (indentation and line end) goes with it.
// A bookmark whose dates cannot be read is kept. A document that is not
// well-formed XBEL returns errMalformed.
func filterXBEL(data []byte, cut time.Time, all bool) (out []byte, removed int, err error) {
	type span struct{ start, end int64 }
	var drop []span
	total, err := scanXBEL(data, func(start, end int64, attrs []xml.Attr) {
		if all || isNew(attrs, cut) {
			drop = append(drop, span{start, end})
		}
	})
	if err != nil {
		return nil, 0, err
	}
	if len(drop) == 0 {
		return data, 0, nil
	}
	var b bytes.Buffer
	b.Grow(len(data))
	prev := 0
	for _, d := range drop {
		s, e := int(d.start), int(d.end)
		// Take the whole line when the bookmark is alone on it.
		ls := s
		for ls > prev && (data[ls-1] == ' ' || data[ls-1] == '\t') {
			ls--
		}
		le := e
		for le < len(data) && (data[le] == ' ' || data[le] == '\t' || data[le] == '\r') {
			le++
		}
		if (ls == 0 || data[ls-1] == '\n') && le < len(data) && data[le] == '\n' {
			s, e = ls, le+1
		}
		b.Write(data[prev:s])
		prev = e
	}
	b.Write(data[prev:])
	out = b.Bytes()
	// Belt and braces: what we write must parse and hold what we kept.
	left, err := scanXBEL(out, func(int64, int64, []xml.Attr) {})
	if err != nil || left != total-len(drop) {
		return nil, 0, errMalformed
	}
	return out, len(drop), nil
}

// scanXBEL checks that data is a well-formed document whose root is <xbel>
// and calls fn with the byte span and attributes of each top-level bookmark.
// It returns the number of bookmarks.
func scanXBEL(data []byte, fn func(start, end int64, attrs []xml.Attr)) (int, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	depth, n, root := 0, 0, false
	var start int64
	var attrs []xml.Attr
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, errMalformed
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				if root || t.Name.Local != "xbel" {
					return 0, errMalformed
				}
				root = true
			}
			if depth == 2 && t.Name.Local == "bookmark" {
				start, attrs = off, t.Attr
			}
		case xml.EndElement:
			if depth == 2 && t.Name.Local == "bookmark" {
				fn(start, dec.InputOffset(), attrs)
				n++
			}
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return 0, errMalformed
			}
		}
	}
	if !root || depth != 0 {
		return 0, errMalformed
	}
	return n, nil
}

// isNew: the bookmark's added or modified time is at or after cut.
func isNew(attrs []xml.Attr, cut time.Time) bool {
	for _, a := range attrs {
		if a.Name.Space != "" || (a.Name.Local != "added" && a.Name.Local != "modified") {
			continue
		}
		if t, err := time.Parse(time.RFC3339Nano, a.Value); err == nil && !t.Before(cut) {
			return true
		}
	}
	return false
}

// rewriteXBEL filters the file at path and replaces it atomically (temporary
// file in the same folder, same mode, rename). The file must be a regular
// file (not followed if a symlink). If the file changes while we work (an
// application adding an entry), we start again, a few times at most.
func rewriteXBEL(ctx context.Context, path string, cut time.Time, all bool) Outcome {
	for attempt := 0; attempt < 3; attempt++ {
		if ctx.Err() != nil {
			return Outcome{Status: StatusFailed, Code: CodeTimeout}
		}
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return Outcome{Status: StatusNothing}
		}
		if err != nil {
			return Outcome{Status: StatusFailed, Code: CodeIOError}
		}
		if !fi.Mode().IsRegular() {
			return Outcome{Status: StatusFailed, Code: CodeNotRegular}
		}
		if fi.Size() > maxXBEL {
			return Outcome{Status: StatusFailed, Code: CodeTooLarge}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return Outcome{Status: StatusFailed, Code: CodeIOError}
		}
		out, removed, err := filterXBEL(data, cut, all)
		if err != nil {
			return Outcome{Status: StatusFailed, Code: CodeMalformed}
		}
		if removed == 0 {
			return Outcome{Status: StatusNothing}
		}
		switch code := replaceIfUnchanged(path, fi, out); code {
		case "":
			return Outcome{Status: StatusCleared, Removed: removed}
		case CodeBusy:
			continue
		default:
			return Outcome{Status: StatusFailed, Code: code}
		}
	}
	return Outcome{Status: StatusFailed, Code: CodeBusy}
}

// replaceIfUnchanged writes data to a temporary file beside path and renames
// it over path, unless path changed since fi was taken (then CodeBusy).
func replaceIfUnchanged(path string, fi fs.FileInfo, data []byte) string {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tablerase-*.tmp")
	if err != nil {
		return CodeIOError
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			os.Remove(name)
		}
	}()
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Chmod(fi.Mode().Perm())
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr != nil || cerr != nil {
		return CodeIOError
	}
	now, err := os.Lstat(path)
	if err != nil || !now.Mode().IsRegular() || now.Size() != fi.Size() || !now.ModTime().Equal(fi.ModTime()) {
		return CodeBusy
	}
	if err := os.Rename(name, path); err != nil {
		return CodeIOError
	}
	ok = true
	return ""
}
