package traces

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkFilterXBEL: a GTK list at its usual size (1000 entries), one in
// ten new.
func BenchmarkFilterXBEL(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(xbelHead)
	for i := 0; i < 1000; i++ {
		when := "2025-01-02T10:00:00Z"
		if i%10 == 0 {
			when = "2026-11-23T14:05:00Z"
		}
		sb.WriteString(bookmark(fmt.Sprintf("file:///home/a/doc%d.pdf", i), when, when))
	}
	sb.WriteString("</xbel>\n")
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, n, err := filterXBEL(data, mark.cut(), false); err != nil || n != 100 {
			b.Fatal(n, err)
		}
	}
}
