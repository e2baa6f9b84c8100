package audit

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/testenv"
)

type fakeOSLog struct{ lines []string }

func (f *fakeOSLog) Info(l string) error    { f.lines = append(f.lines, "I "+l); return nil }
func (f *fakeOSLog) Warning(l string) error { f.lines = append(f.lines, "W "+l); return nil }
func (f *fakeOSLog) Close() error           { return nil }

// Whatever a caller passes by mistake, a path, a URL or a name never reaches the file or the OS log.
func TestPersonalDataCannotReachTheLog(t *testing.T) {
	var buf bytes.Buffer
	fake := &fakeOSLog{}
	l := New(&buf)
	l.osOpen = func() osLog { return fake }
	personal := []string{"/home/jean.dupont/Téléchargements/avis.pdf", "https://www.caf.fr/?nir=1234", "Jean Dupont"}
	for _, p := range personal {
		l.HostStart(p, p, p, true)
		l.Command(p, p, time.Millisecond)
		l.SessionStart(p, p, 1, 2, false, time.Millisecond)
		l.SessionEnd(EndSummary{Session: p, Scope: p, Status: p, Clipboard: p, RecentDocuments: p,
			FailureCodes: map[string]int{p: 1}})
		l.Failure(p, p)
	}
	all := buf.String() + strings.Join(fake.lines, "\n")
	for _, p := range personal {
		for _, part := range []string{p, "dupont", "caf.fr", "Dupont"} {
			if strings.Contains(all, part) {
				t.Fatalf("log contains %q:\n%s", part, all)
			}
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil || m["event"] == nil || m["time"] == nil {
			t.Fatalf("not a JSON event line: %q", line)
		}
	}
}

func TestSessionEndGoesToTheOSLog(t *testing.T) {
	fake := &fakeOSLog{}
	l := New(&bytes.Buffer{})
	l.osOpen = func() osLog { return fake }
	l.SessionEnd(EndSummary{Session: "8d38d992-51f2-4019-b941-b18b5afbf5eb", Status: "clean", Removed: 3})
	l.SessionEnd(EndSummary{Session: "x", Status: "partial"})
	if len(fake.lines) != 2 || !strings.HasPrefix(fake.lines[0], "I cleanup clean: session=8d38d992") ||
		!strings.Contains(fake.lines[0], "removed=3") || !strings.HasPrefix(fake.lines[1], "W cleanup partial") {
		t.Fatalf("OS log lines: %q", fake.lines)
	}
}

func TestOpenRotatesPastMaxSizeAndIsPrivate(t *testing.T) {
	dir := testenv.TempDir(t)
	path := filepath.Join(dir, FileName)
	os.WriteFile(path, bytes.Repeat([]byte("x"), MaxSize+1), 0o600)
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.HostStart("native", "chromium", "1.0", true)
	l.Close()
	old, _ := os.Stat(path + ".1")
	cur, _ := os.Stat(path)
	if old == nil || old.Size() != MaxSize+1 || cur == nil || cur.Size() == 0 || cur.Size() > 1024 {
		t.Fatalf("rotation: old %v, current %v", old, cur)
	}
	testenv.CheckPrivate(t, path) // Unix: no group or other bits; Windows: no ACE for other users
}
