package traces

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestClearRecentLinux(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	if got := ClearRecent(context.Background(), mark, false); got.Status != StatusNothing {
		t.Fatalf("no files: %+v, want nothing", got)
	}
	xbel := filepath.Join(data, "recently-used.xbel")
	if err := os.WriteFile(xbel, []byte(xbelHead+oldAidant+newCAF+"</xbel>\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	kde := filepath.Join(data, "RecentDocuments")
	touch(t, kde, "attestation.pdf.desktop", mark.Since.Add(time.Minute))
	touch(t, kde, "planning.odt.desktop", mark.Since.Add(-time.Hour))

	got := ClearRecent(context.Background(), mark, false)
	if got != (Outcome{Status: StatusCleared, Removed: 2}) {
		t.Fatalf("got %+v, want cleared with 2 removed", got)
	}
	b, _ := os.ReadFile(xbel)
	if strings.Contains(string(b), "attestation") || !strings.Contains(string(b), "planning") {
		t.Fatalf("xbel after clearing:\n%s", b)
	}
	if names := listAll(t, kde); !equal(names, []string{"planning.odt.desktop"}) {
		t.Fatalf("RecentDocuments left %q", names)
	}

	// A malformed xbel fails the step, the other place is still cleaned.
	if err := os.WriteFile(xbel, []byte("<xbel><bookmark"), 0o600); err != nil {
		t.Fatal(err)
	}
	touch(t, kde, "new.desktop", mark.Since.Add(time.Minute))
	got = ClearRecent(context.Background(), mark, true)
	if got != (Outcome{Status: StatusFailed, Code: CodeMalformed, Removed: 2}) {
		t.Fatalf("got %+v, want failed/malformed with the 2 KDE entries removed", got)
	}
	if b, _ := os.ReadFile(xbel); string(b) != "<xbel><bookmark" {
		t.Fatal("malformed xbel modified")
	}
}
