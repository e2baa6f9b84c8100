package machine

import (
	"bufio"
	"bytes"
	"path/filepath"
	"strings"
)

// parseUserDirs reads xdg-user-dirs' user-dirs.dirs the way GLib does: lines
// `XDG_<NAME>_DIR="<value>"`, where value is "$HOME/…" (or "$HOME") or an
// absolute path, with backslash escapes inside the quotes. Anything else
// (comments, other syntax, relative paths) is ignored. A value equal to the
// home folder means "disabled" for xdg-user-dirs and is dropped too.
func parseUserDirs(data []byte, home string) map[string]string {
	dirs := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line := strings.TrimLeft(sc.Text(), " \t")
		if !strings.HasPrefix(line, "XDG_") {
			continue
		}
		eq := strings.IndexByte(line, '=')
		if eq < 0 {
			continue
		}
		key := strings.TrimRight(line[:eq], " \t")
		if !strings.HasSuffix(key, "_DIR") || strings.ContainsAny(key, " \t") {
			continue
		}
		val := strings.TrimLeft(line[eq+1:], " \t")
		if !strings.HasPrefix(val, `"`) {
			continue
		}
		val = val[1:]
		relative := false
		if rest, ok := strings.CutPrefix(val, "$HOME"); ok && (strings.HasPrefix(rest, "/") || strings.HasPrefix(rest, `"`)) {
			relative, val = true, rest
		} else if !strings.HasPrefix(val, "/") {
			continue
		}
		var b strings.Builder
		closed := false
		for i := 0; i < len(val); i++ {
			c := val[i]
			if c == '"' {
				closed = true
				break
			}
			if c == '\\' && i+1 < len(val) {
				i++
				c = val[i]
			}
			b.WriteByte(c)
		}
		if !closed {
			continue
		}
		p := b.String()
		if relative {
			if home == "" {
				continue
			}
			p = home + "/" + p
		}
		p = filepath.Clean(p)
		if home != "" && p == filepath.Clean(home) {
			continue
		}
		dirs[strings.TrimSuffix(strings.TrimPrefix(key, "XDG_"), "_DIR")] = p
	}
	return dirs
}
