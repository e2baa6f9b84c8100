package profiles

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/testenv"
)

// appendRecord writes data to a LevelDB log as leveldb's log::Writer does: fragments across 32 KiB
// blocks, zero trailers, masked CRC-32C of type and data.
func appendRecord(log []byte, data []byte) []byte {
	first := true
	for {
		left := logBlock - len(log)%logBlock
		if left < logHeader {
			log = append(log, make([]byte, left)...)
			left = logBlock
		}
		n := min(len(data), left-logHeader)
		last := n == len(data)
		typ := byte(recMiddle)
		switch {
		case first && last:
			typ = recFull
		case first:
			typ = recFirst
		case last:
			typ = recLast
		}
		crc := crc32.Update(crc32.Checksum([]byte{typ}, castagnoli), castagnoli, data[:n])
		var h [logHeader]byte
		binary.LittleEndian.PutUint32(h[:], ((crc>>15)|(crc<<17))+0xa282ead8)
		binary.LittleEndian.PutUint16(h[4:], uint16(n))
		h[6] = typ
		log = append(append(log, h[:]...), data[:n]...)
		data, first = data[n:], false
		if last {
			return log
		}
	}
}

func TestWholeRecordsEndFindsTheLastCompleteRecord(t *testing.T) {
	var log []byte
	log = appendRecord(log, []byte("aidant: préférences"))
	one := int64(len(log))
	log = appendRecord(log, bytes.Repeat([]byte("x"), 70000)) // FIRST, MIDDLE, LAST over three blocks
	two := int64(len(log))
	log = appendRecord(log, []byte("numéro fiscal"))
	r := bytes.NewReader(log)
	for _, c := range []struct {
		limit, want int64
	}{
		{0, 0}, {one - 1, 0}, {one, one}, {one + 10, one}, {logBlock + 5, one}, {two - 1, one}, {two, two},
		{int64(len(log)), int64(len(log))}, {int64(len(log)) + 100, int64(len(log))},
	} {
		if got := wholeRecordsEnd(r, c.limit); got != c.want {
			t.Errorf("wholeRecordsEnd(%d) = %d, want %d", c.limit, got, c.want)
		}
	}
	// A damaged record ends the log there, as a reader would.
	bad := append([]byte(nil), log...)
	bad[two+logHeader] ^= 0xff
	if got := wholeRecordsEnd(bytes.NewReader(bad), int64(len(bad))); got != two {
		t.Errorf("damaged third record: %d, want %d", got, two)
	}
}

// What the aidant wrote in Local Storage before the accompaniment stays even when it sits in the
// log the accompaniment appended to: the log is cut back to its length at the start. A log born
// during the accompaniment goes; so does the session's log in Session Storage.
func TestResidueCutsLocalStorageLogsBackToTheStart(t *testing.T) {
	home := testenv.TempDir(t)
	env := machine.Env{OS: "linux", Home: home, Getenv: func(string) string { return "" }}
	if os.PathSeparator == '\\' {
		env = machine.Env{OS: "windows", Home: home, Getenv: func(k string) string {
			if strings.EqualFold(k, "LOCALAPPDATA") {
				return filepath.Join(home, "AppData", "Local")
			}
			return ""
		}}
	}
	profilesRoot, err := env.Resolve(env.Places(machine.Chromium).Profiles)
	if err != nil {
		t.Fatal(err)
	}
	userData := env.Path(profilesRoot)
	profile := filepath.Join(userData, "Default")
	ls := filepath.Join(profile, "Local Storage", "leveldb")
	write := func(p string, b []byte) {
		t.Helper()
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(profile, "Preferences"), []byte("{}"))
	before := appendRecord(appendRecord(nil, []byte("_https://aidant.example\x00session=jeton de l'aidant")), bytes.Repeat([]byte("a"), 40000))
	write(filepath.Join(ls, "000005.log"), before)
	write(filepath.Join(ls, "CURRENT"), []byte("MANIFEST-000004\n"))

	key := bytes.Repeat([]byte{7}, 32)
	since := time.Now()
	marks := MarkLogs(context.Background(), env, key)
	if len(marks) != 1 || marks[0].Size != int64(len(before)) || strings.Contains(marks[0].ID, "000005") {
		t.Fatalf("marks = %+v", marks)
	}
	// The accompaniment: appended to the same log, a new log, Session Storage.
	f, err := os.OpenFile(filepath.Join(ls, "000005.log"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	after := appendRecord(append([]byte(nil), before...), []byte("_https://www.caf.fr\x00numéro fiscal 1234567890123"))
	f.Write(after[len(before):])
	f.Close()
	write(filepath.Join(ls, "000009.log"), appendRecord(nil, []byte("numéro fiscal")))
	write(filepath.Join(profile, "Session Storage", "000003.log"), []byte("numéro fiscal"))

	r := Residue(context.Background(), env, Window{Since: since.Add(-time.Second), Key: key, Logs: marks})
	got, err := os.ReadFile(filepath.Join(ls, "000005.log"))
	if err != nil || !bytes.Equal(got, before) {
		t.Fatalf("the aidant's log: %d bytes (%v), want exactly its %d bytes from before the start", len(got), err, len(before))
	}
	for _, p := range []string{filepath.Join(ls, "000009.log"), filepath.Join(profile, "Session Storage", "000003.log")} {
		if exists(p) {
			t.Errorf("left: %s", p)
		}
	}
	if !exists(filepath.Join(ls, "CURRENT")) {
		t.Error("CURRENT removed")
	}
	if r.Failed != 0 || r.SiteData != 3 {
		t.Fatalf("Residue = %+v, want 3 (one cut, two removed), no failure", r)
	}
	// Idempotent: the cut log is now within its mark.
	if again := Residue(context.Background(), env, Window{Since: since.Add(-time.Second), Key: key, Logs: marks}); again.SiteData != 0 || again.Failed != 0 {
		t.Fatalf("second Residue = %+v", again)
	}
}
