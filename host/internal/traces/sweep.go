package traces

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// sweepDir deletes the regular files of dir whose name matches and whose
// modification time is at or after cut (every matching file when all).
// Nothing is followed: dir itself must be a plain directory (not a symlink
// or junction), entries are examined with Lstat and only regular files are
// removed. A missing dir is "nothing".
func sweepDir(ctx context.Context, dir string, match func(name string) bool, cut time.Time, all bool) Outcome {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return Outcome{Status: StatusNothing}
	}
	if err != nil {
		return Outcome{Status: StatusFailed, Code: CodeIOError}
	}
	if fi.Mode().Type() != fs.ModeDir {
		return Outcome{Status: StatusFailed, Code: CodeNotRegular}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Outcome{Status: StatusFailed, Code: CodeIOError}
	}
	out := Outcome{Status: StatusNothing}
	failed := false
	for _, e := range entries {
		if ctx.Err() != nil {
			out.Status, out.Code = StatusFailed, CodeTimeout
			return out
		}
		if !match(e.Name()) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		fi, err := os.Lstat(path)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if !all && fi.ModTime().Before(cut) {
			continue
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			failed = true
			continue
		}
		out.Removed++
	}
	switch {
	case failed:
		out.Status, out.Code = StatusFailed, CodeDeleteFailed
	case out.Removed > 0:
		out.Status = StatusCleared
	}
	return out
}
