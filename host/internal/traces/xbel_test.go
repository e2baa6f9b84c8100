package traces

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/testenv"
)

var mark = RecentMark{Since: time.Date(2026, 11, 23, 14, 0, 0, 500_000_000, time.UTC)}

const xbelHead = `<?xml version="1.0" encoding="UTF-8"?>
<xbel version="1.0"
      xmlns:bookmark="http://www.freedesktop.org/standards/desktop-bookmarks"
      xmlns:mime="http://www.freedesktop.org/standards/shared-mime-info"
>
`

// bookmark renders one GLib-style entry.
func bookmark(href, added, modified string) string {
	return `  <bookmark href="` + href + `" added="` + added + `" modified="` + modified + `" visited="` + modified + `">
    <info>
      <metadata owner="http://freedesktop.org">
        <mime:mime-type type="application/pdf"/>
        <bookmark:applications>
          <bookmark:application name="Visionneur de documents" exec="&apos;evince %u&apos;" modified="` + modified + `" count="1"/>
        </bookmark:applications>
      </metadata>
    </info>
  </bookmark>
`
}

var (
	oldAidant  = bookmark("file:///home/aidant/Documents/planning%20%C3%A9t%C3%A9.odt", "2025-01-02T10:00:00.000001Z", "2026-11-23T13:59:59.999999Z")
	oldSecond  = bookmark("file:///home/aidant/fiche.pdf", "2026-11-23T13:59:59Z", "2026-11-23T13:59:59Z")
	newCAF     = bookmark("file:///home/aidant/T%C3%A9l%C3%A9chargements/attestation%20CAF%20Mme%20Dupr%C3%A9.pdf", "2026-11-23T14:05:00.123456Z", "2026-11-23T14:05:00.123456Z")
	sameSecond = bookmark("file:///home/aidant/Scan%201.pdf", "2026-11-23T14:00:00Z", "2026-11-23T14:00:00Z")
	reopened   = bookmark("file:///home/aidant/avis%20d%27imp%C3%B4t.pdf", "2024-05-01T08:00:00Z", "2026-11-23T14:10:00Z")
	badDates   = bookmark("file:///home/aidant/x.pdf", "hier", "demain")
)

func writeXBEL(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(testenv.TempDir(t), "recently-used.xbel")
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestXBELRemovesOnlyNewEntries(t *testing.T) {
	in := xbelHead + oldAidant + newCAF + oldSecond + sameSecond + badDates + reopened + "</xbel>"
	path := writeXBEL(t, in, 0o640)
	before, _ := os.Stat(path) // 0640 on Unix; on Windows, what the read-only attribute gives
	got := rewriteXBEL(context.Background(), path, mark.cut(), false)
	if got != (Outcome{Status: StatusCleared, Removed: 3}) {
		t.Fatalf("outcome %+v, want cleared with 3 removed", got)
	}
	want := xbelHead + oldAidant + oldSecond + badDates + "</xbel>"
	if s := read(t, path); s != want {
		t.Fatalf("file after clearing:\n%s\nwant (byte-identical rest):\n%s", s, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != before.Mode().Perm() {
		t.Fatalf("mode %v, want %v kept", fi.Mode().Perm(), before.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".tablerase-*")); len(leftovers) != 0 {
		t.Fatalf("temporary files left: %d", len(leftovers))
	}
	// Idempotent: a second run finds nothing.
	if got := rewriteXBEL(context.Background(), path, mark.cut(), false); got.Status != StatusNothing {
		t.Fatalf("second run: %+v, want nothing", got)
	}
}

func TestXBELScopeAll(t *testing.T) {
	path := writeXBEL(t, xbelHead+oldAidant+newCAF+"<bookmark href=\"file:///a\"/></xbel>\n", 0o600)
	got := rewriteXBEL(context.Background(), path, mark.cut(), true)
	if got != (Outcome{Status: StatusCleared, Removed: 3}) {
		t.Fatalf("outcome %+v", got)
	}
	if s := read(t, path); s != xbelHead+"</xbel>\n" {
		t.Fatalf("got %q", s)
	}
}

func TestXBELMalformedUntouched(t *testing.T) {
	for name, doc := range map[string]string{
		"cut short":    xbelHead + newCAF[:len(newCAF)/2],
		"not xbel":     `<?xml version="1.0"?><html>` + newCAF + `</html>`,
		"two roots":    xbelHead + newCAF + "</xbel><xbel></xbel>",
		"garbage":      "\x00\x01 not xml",
		"empty":        "",
		"text outside": xbelHead + newCAF + "</xbel> trailing",
	} {
		t.Run(name, func(t *testing.T) {
			path := writeXBEL(t, doc, 0o600)
			got := rewriteXBEL(context.Background(), path, mark.cut(), true)
			if got != (Outcome{Status: StatusFailed, Code: CodeMalformed}) {
				t.Fatalf("outcome %+v, want failed/malformed", got)
			}
			if read(t, path) != doc {
				t.Fatal("a malformed file was modified")
			}
		})
	}
}

func TestXBELMissingAndSymlink(t *testing.T) {
	dir := testenv.TempDir(t)
	missing := filepath.Join(dir, "recently-used.xbel")
	if got := rewriteXBEL(context.Background(), missing, mark.cut(), true); got.Status != StatusNothing {
		t.Fatalf("missing file: %+v, want nothing", got)
	}
	target := writeXBEL(t, xbelHead+newCAF+"</xbel>", 0o600)
	testenv.Symlink(t, target, missing)
	if got := rewriteXBEL(context.Background(), missing, mark.cut(), true); got.Code != CodeNotRegular {
		t.Fatalf("symlink: %+v, want not_regular", got)
	}
	if !strings.Contains(read(t, target), "attestation") {
		t.Fatal("the symlink's target was modified")
	}
}

func TestClearRecentRefusesZeroMark(t *testing.T) {
	if got := ClearRecent(context.Background(), RecentMark{}, false); got.Code != CodeNoMark {
		t.Fatalf("zero mark in scope session: %+v, want skipped/no_mark", got)
	}
}

func TestMarkIsOnlyATime(t *testing.T) {
	m := MarkRecent()
	if time.Since(m.Since) < 0 || time.Since(m.Since) > time.Minute {
		t.Fatalf("mark %v is not now", m.Since)
	}
	if m.cut().After(m.Since) || m.Since.Sub(m.cut()) >= time.Second {
		t.Fatalf("cut %v for mark %v", m.cut(), m.Since)
	}
}

func FuzzFilterXBEL(f *testing.F) {
	f.Add([]byte(xbelHead + oldAidant + newCAF + "</xbel>"))
	f.Add([]byte(xbelHead + "<bookmark added=\"2026-11-23T14:00:00Z\"/></xbel>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, removed, err := filterXBEL(data, mark.cut(), false)
		if err != nil {
			return
		}
		if len(out) > len(data) || (removed == 0 && string(out) != string(data)) {
			t.Fatalf("output grew or changed without removal")
		}
	})
}
