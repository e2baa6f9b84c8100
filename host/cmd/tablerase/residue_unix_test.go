//go:build unix

package main

import (
	"bytes"
	le "encoding/binary"
	"encoding/json"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ldbRecord is one whole LevelDB log record (FULL, within a block): enough for a small log.
func ldbRecord(data string) []byte {
	tab := crc32.MakeTable(crc32.Castagnoli)
	crc := crc32.Update(crc32.Checksum([]byte{1}, tab), tab, []byte(data))
	h := make([]byte, 7)
	le.LittleEndian.PutUint32(h, ((crc>>15)|(crc<<17))+0xa282ead8)
	le.LittleEndian.PutUint16(h[4:], uint16(len(data)))
	h[6] = 1
	return append(h, data...)
}

// The aidant's own computer, end to end through the binary: session.start records the browser's
// Local Storage log, the accompaniment appends to it and writes session-restore and cache files,
// the extension ends the session, and `tablerase clean` (the logoff hook, browser closed) removes
// what the accompaniment wrote and nothing of the aidant's.
func TestCleanInScopeSessionRemovesTheAccompanimentsBrowserResidue(t *testing.T) {
	e := newEnv(t, "")
	// This computer has the logoff hook: the clean below is the hook's (without it the host waits
	// for the browser's exit itself, see TestWithoutTheHookTheResidueGoesWhenTheBrowserCloses).
	install := exec.Command(binary, "install", "--user", "--hooks", "--browsers", "brave")
	install.Env = e.vars
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("install --hooks: %v\n%s", err, out)
	}
	profile := filepath.Join(e.home, ".config", "chromium", "Default")
	ls := filepath.Join(profile, "Local Storage", "leveldb")
	write := func(p string, b []byte) string {
		t.Helper()
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write(filepath.Join(profile, "Preferences"), []byte("{}"))
	aidant := ldbRecord("_https://aidant.example\x00jeton de l'aidant")
	logPath := write(filepath.Join(ls, "000005.log"), aidant)
	past := time.Now().Add(-48 * time.Hour)
	table := write(filepath.Join(ls, "000004.ldb"), []byte("aidant's compacted local storage"))
	os.Chtimes(table, past, past)
	cookies := write(filepath.Join(profile, "Cookies"), []byte("aidant's cookies"))

	resps, _, _ := e.exchange([]string{chromeOrigin}, `{"id":"1","cmd":"session.start"}`)
	if len(resps) != 1 || !resps[0].OK {
		t.Fatalf("session.start: %+v", resps)
	}
	f, _ := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND, 0)
	f.Write(ldbRecord("_https://www.caf.fr\x00numéro fiscal 1234567890123"))
	f.Close()
	gone := []string{
		write(filepath.Join(profile, "Sessions", "Session_13439927248691519"), []byte("Jean-Marc Dupont")),
		write(filepath.Join(profile, "shared_proto_db", "000003.log"), []byte("attestation-caf-dupont.pdf")),
		write(filepath.Join(e.home, ".cache", "chromium", "Default", "Cache", "Cache_Data", "f_000001"), []byte("x")),
	}
	resps, _, _ = e.exchange([]string{chromeOrigin}, `{"id":"2","cmd":"session.end"}`)
	if len(resps) != 1 || !resps[0].OK {
		t.Fatalf("session.end: %+v", resps)
	}

	cmd := exec.Command(binary, "clean", "--json")
	cmd.Env = e.vars
	out, err := cmd.Output()
	var rep struct {
		Scope          string
		BrowserResidue *struct {
			Status  string
			Removed int
		} `json:"browser_residue"`
	}
	if err != nil || json.Unmarshal(out, &rep) != nil || rep.Scope != "session" || rep.BrowserResidue == nil ||
		rep.BrowserResidue.Status != "cleared" || rep.BrowserResidue.Removed < len(gone)+1 {
		t.Fatalf("clean: %v %s", err, out)
	}
	for _, p := range gone {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("left: %s", strings.TrimPrefix(p, e.home))
		}
	}
	if b, _ := os.ReadFile(logPath); !bytes.Equal(b, aidant) {
		t.Errorf("Local Storage log: %q, want exactly the aidant's record from before the start", b)
	}
	for _, p := range []string{table, cookies} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("the aidant's %s was removed", filepath.Base(p))
		}
	}
	// Nothing of the marks names a file.
	st, _ := os.ReadFile(filepath.Join(e.state, "tablerase", "session.json"))
	if len(st) == 0 || bytes.Contains(st, []byte("000005")) || bytes.Contains(st, []byte("Local Storage")) || !bytes.Contains(st, []byte("residue_logs")) {
		t.Errorf("state: %s", st)
	}
}

// Without the logon/logoff hook (a computer where `tablerase install` ran without --hooks), the
// host's session.end starts `tablerase clean --after-exit`, detached: it waits while the browser
// runs (its SingletonLock names a live process of this computer) and, once the browser has
// exited, removes what the accompaniment wrote in the profile — and nothing of the aidant's —
// with no clean run by anyone.
func TestWithoutTheHookTheResidueGoesWhenTheBrowserCloses(t *testing.T) {
	e := newEnv(t, "")
	root := filepath.Join(e.home, ".config", "chromium")
	profile := filepath.Join(root, "Default")
	write := func(p string, b []byte) string {
		t.Helper()
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write(filepath.Join(profile, "Preferences"), []byte("{}"))
	past := time.Now().Add(-48 * time.Hour)
	cookies := write(filepath.Join(profile, "Cookies"), []byte("aidant's cookies"))
	older := write(filepath.Join(profile, "Sessions", "Session_13439000000000000"), []byte("aidant's last session"))
	os.Chtimes(older, past, past)
	// The browser runs: its lock names this computer and a live process (this test).
	host, _ := os.Hostname()
	lock := filepath.Join(root, "SingletonLock")
	if err := os.Symlink(host+"-"+strconv.Itoa(os.Getpid()), lock); err != nil {
		t.Fatal(err)
	}

	resps, _, _ := e.exchange([]string{chromeOrigin}, `{"id":"1","cmd":"session.start"}`)
	if len(resps) != 1 || !resps[0].OK {
		t.Fatalf("session.start: %+v", resps)
	}
	time.Sleep(1100 * time.Millisecond) // coarse file times: written clearly after the start
	gone := []string{
		write(filepath.Join(profile, "Sessions", "Session_13439927248691519"), []byte("Jean-Marc Dupont")),
		write(filepath.Join(profile, "shared_proto_db", "000003.log"), []byte("attestation-caf-dupont.pdf")),
		write(filepath.Join(e.home, ".cache", "chromium", "Default", "Cache", "Cache_Data", "f_000001"), []byte("x")),
	}
	resps, _, _ = e.exchange([]string{chromeOrigin}, `{"id":"2","cmd":"session.end"}`)
	if len(resps) != 1 || !resps[0].OK || !strings.Contains(string(resps[0].Result), `"closed_browsers":false`) {
		t.Fatalf("session.end: %+v", resps)
	}
	logFile := filepath.Join(e.state, "tablerase", "tablerase.log")
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for end := time.Now().Add(60 * time.Second); !ok(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(end) {
				b, _ := os.ReadFile(logFile)
				t.Fatalf("%s: not within 60 s; log:\n%s", what, b)
			}
		}
	}
	waitFor("the wait started", func() bool {
		b, _ := os.ReadFile(logFile)
		return bytes.Contains(b, []byte(`"clean-after-exit"`)) && bytes.Contains(b, []byte(`"browser_residue","status":"skipped"`))
	})
	for _, p := range gone {
		if _, err := os.Lstat(p); err != nil {
			t.Fatalf("removed while the browser runs: %s", strings.TrimPrefix(p, e.home))
		}
	}
	os.Remove(lock) // the browser exits
	waitFor("the residue removed after the exit", func() bool {
		for _, p := range gone {
			if _, err := os.Lstat(p); err == nil {
				return false
			}
		}
		return true
	})
	for _, p := range []string{cookies, older} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("the aidant's %s was removed", filepath.Base(p))
		}
	}
	waitFor("the wait ended", func() bool {
		b, _ := os.ReadFile(logFile)
		return bytes.Contains(b, []byte(`"browser_residue","status":"cleared"`)) && bytes.Count(b, []byte(`"host.stop"`)) >= 3
	})
	// The log says what happened in counts and codes only.
	if b, _ := os.ReadFile(logFile); bytes.Contains(b, []byte("jmdupont")) || bytes.Contains(b, []byte("Session_")) {
		t.Errorf("log holds a name: %s", b)
	}
}
