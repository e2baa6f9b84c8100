package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/framing"
)

// startXvfb gives the test a real X display with a clipboard, when Xvfb and xclip are installed
// (scripts/test.sh installs them). It returns "" when they are not.
func startXvfb(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		return ""
	}
	if _, err := exec.LookPath("xclip"); err != nil {
		return ""
	}
	for n := 90; n < 110; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		cmd := exec.Command("Xvfb", display, "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			return ""
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return display
			}
			time.Sleep(50 * time.Millisecond)
		}
		return ""
	}
	return ""
}

func clipboard(t *testing.T, display string, set *string) string {
	t.Helper()
	args := []string{"-selection", "clipboard", "-o"}
	if set != nil {
		args = []string{"-selection", "clipboard", "-i"}
	}
	cmd := exec.Command("xclip", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if set != nil {
		cmd.Stdin = strings.NewReader(*set)
		if err := cmd.Start(); err != nil { // xclip -i stays to serve the selection
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return ""
	}
	out, _ := cmd.Output()
	return string(out)
}

// TestFullSessionLeavesNoPersonalData runs a whole accompaniment through the real host over files,
// a recent-documents list and (with a display) the clipboard, all named like personal data, and
// checks the wipe and that no log, state file or stderr line holds any of those strings.
func TestFullSessionLeavesNoPersonalData(t *testing.T) {
	e := newEnv(t, "")
	secrets := []string{"Jean-Michel_DUPONT", "1 23 45 67 890 123 45", "avis_imposition_2026", "caf.fr/attestation",
		"Téléchargements", filepath.Base(e.home)}
	old := filepath.Join(e.downloads, "mes_factures_"+secrets[0]+".pdf")
	os.WriteFile(old, []byte("older file of the aidant"), 0o600)
	display := startXvfb(t)
	if display != "" {
		e.vars = append(e.vars, "DISPLAY="+display)
	} else {
		t.Log("Xvfb/xclip not installed: the clipboard part of this test is skipped")
	}

	resps, code, stderr1 := e.exchange([]string{chromeOrigin}, `{"id":"1","cmd":"hello"}`, `{"id":"2","cmd":"session.start"}`)
	if code != 0 || len(resps) != 2 || !resps[1].OK {
		t.Fatalf("start: %d %+v", code, resps)
	}
	newFiles := []string{
		filepath.Join(e.downloads, secrets[2]+"_"+secrets[0]+".pdf"),
		filepath.Join(e.downloads, "scans", secrets[1]+".jpg"),
	}
	for _, p := range newFiles {
		os.MkdirAll(filepath.Dir(p), 0o700)
		os.WriteFile(p, []byte("personal: "+secrets[1]), 0o600)
	}
	xbel := filepath.Join(e.home, ".local/share/recently-used.xbel")
	os.MkdirAll(filepath.Dir(xbel), 0o700)
	added := time.Now().UTC().Add(time.Second).Format("2006-01-02T15:04:05.000000Z")
	os.WriteFile(xbel, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<xbel version="1.0" xmlns:bookmark="http://www.freedesktop.org/standards/desktop-bookmarks" xmlns:mime="http://www.freedesktop.org/standards/shared-mime-info">
  <bookmark href="file://`+newFiles[0]+`" added="`+added+`" modified="`+added+`" visited="`+added+`"><info><metadata owner="http://freedesktop.org"><mime:mime-type type="application/pdf"/></metadata></info></bookmark>
</xbel>
`), 0o600)
	if display != "" {
		clipboard(t, display, &secrets[1])
		got := clipboard(t, display, nil)
		for i := 0; i < 100 && got != secrets[1]; i++ { // xclip takes the selection a moment after it starts
			time.Sleep(50 * time.Millisecond)
			got = clipboard(t, display, nil)
		}
		if got != secrets[1] {
			t.Fatalf("could not seed the clipboard: %q", got)
		}
	}

	resps, code, stderr2 := e.exchange([]string{chromeOrigin}, `{"id":"3","cmd":"session.end"}`)
	if code != 0 || len(resps) != 1 || !resps[0].OK {
		t.Fatalf("end: %d %+v", code, resps)
	}
	type step struct {
		Status, Code string
		Removed      int
	}
	var rep struct {
		Status          string
		Files           struct{ Removed, Kept int }
		Clipboard       step
		RecentDocuments step `json:"recent_documents"`
	}
	json.Unmarshal(resps[0].Result, &rep)
	for _, p := range newFiles {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("a file of the session is still there")
		}
	}
	if _, err := os.Stat(old); err != nil {
		t.Errorf("the aidant's older file was deleted")
	}
	if rep.Files.Kept != 1 || rep.Files.Removed != 3 || rep.RecentDocuments.Removed != 1 {
		t.Errorf("report: %s", resps[0].Result)
	}
	if display != "" {
		got := clipboard(t, display, nil)
		for i := 0; i < 40 && strings.Contains(got, secrets[1]); i++ { // xclip's clear lands just after it returns
			time.Sleep(50 * time.Millisecond)
			got = clipboard(t, display, nil)
		}
		if strings.Contains(got, secrets[1]) || rep.Clipboard.Status != "cleared" {
			t.Errorf("clipboard after end: %q, report %s", got, resps[0].Result)
		}
		if rep.Status != "clean" {
			t.Errorf("status %q, want clean: %s", rep.Status, resps[0].Result)
		}
	}
	if b, _ := os.ReadFile(xbel); bytes.Contains(b, []byte(secrets[2])) {
		t.Errorf("recent documents still list the session's file")
	}

	// Nothing personal anywhere the host writes: state dir (log included) and stderr.
	haystacks := map[string][]byte{"stderr": []byte(stderr1 + stderr2)}
	filepath.Walk(e.state, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			haystacks[p] = b
		}
		return nil
	})
	if len(haystacks) < 3 {
		t.Fatalf("expected a log and a state file, found %d files", len(haystacks)-1)
	}
	for where, b := range haystacks {
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains personal data %q", where, s)
			}
		}
	}
}

// TestKillDuringWipeLosesNothing kills a real host with SIGKILL while it is deleting, then checks
// that every older file survived, that hello reports the unfinished session, and that the next
// session.end finishes the job.
func TestKillDuringWipeLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 30,000 files")
	}
	e := newEnv(t, "")
	const nOld, nNew = 2000, 30000
	for i := 0; i < nOld; i++ {
		os.WriteFile(filepath.Join(e.downloads, fmt.Sprintf("old-%05d.txt", i)), []byte("keep"), 0o600)
	}
	if resps, _, _ := e.exchange([]string{chromeOrigin}, `{"id":"1","cmd":"session.start"}`); len(resps) != 1 || !resps[0].OK {
		t.Fatalf("start: %+v", resps)
	}
	for i := 0; i < nNew; i++ {
		dir := filepath.Join(e.downloads, fmt.Sprintf("new-%02d", i%30))
		os.MkdirAll(dir, 0o700)
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("n-%05d", i)), []byte("x"), 0o600)
	}

	cmd, stdin, stdout := e.startHost()
	stdin.Write(framing.Encode([]byte(`{"id":"2","cmd":"session.end"}`)))
	// Kill in the middle of the wipe, never by luck: the host runs in slices of a millisecond and is
	// frozen (SIGSTOP) while the test looks at the disk; as soon as some new file is gone it is
	// killed right there, between two deletions.
	killed := false
	progress := func() bool {
		entries, _ := os.ReadDir(e.downloads)
		n, _ := os.ReadDir(filepath.Join(e.downloads, "new-00"))
		return len(entries) < nOld+30 || len(n) < nNew/30
	}
	for i := 0; i < 20000 && !killed; i++ {
		if err := freeze(cmd.Process); err != nil {
			break // the host exited
		}
		if progress() {
			cmd.Process.Kill()
			killed = true
			break
		}
		thaw(cmd.Process)
		time.Sleep(time.Millisecond)
	}
	rest, _ := bufio.NewReader(stdout).Peek(1)
	cmd.Wait()
	if !killed || len(rest) > 0 {
		t.Fatal("the host was not killed in the middle of the wipe (it answered, or exited, first)")
	}
	if entries, _ := os.ReadDir(e.downloads); len(entries) <= nOld {
		t.Fatal("killed after the wipe had finished: not a kill in the middle")
	}
	for i := 0; i < nOld; i++ {
		if _, err := os.Stat(filepath.Join(e.downloads, fmt.Sprintf("old-%05d.txt", i))); err != nil {
			t.Fatalf("older file %d lost after kill -9", i)
		}
	}
	resps, _, _ := e.exchange([]string{chromeOrigin}, `{"id":"3","cmd":"hello"}`)
	var hello struct {
		Session struct {
			State      string
			Unfinished bool
		}
	}
	json.Unmarshal(resps[0].Result, &hello)
	if !hello.Session.Unfinished || hello.Session.State != "ending" {
		t.Fatalf("hello after kill: %s", resps[0].Result)
	}
	// Each end is bounded (7 s); on a loaded machine the extension's « Réessayer » may be needed
	// more than once. Every call must make progress and report honestly.
	var rep struct {
		Status  string
		Resumed bool
		Files   struct{ Kept int }
	}
	for try := 0; try < 10; try++ {
		resps, _, _ = e.exchange([]string{chromeOrigin}, `{"id":"4","cmd":"session.end"}`)
		if len(resps) != 1 || !resps[0].OK {
			t.Fatalf("end after kill: %+v", resps)
		}
		json.Unmarshal(resps[0].Result, &rep)
		if !rep.Resumed {
			t.Fatalf("end after kill did not resume: %s", resps[0].Result)
		}
		if rep.Status != "partial" {
			break
		}
	}
	if rep.Status != "clean" || rep.Files.Kept != nOld {
		t.Fatalf("resumed end: %s", resps[0].Result)
	}
	entries, _ := os.ReadDir(e.downloads)
	if len(entries) != nOld {
		t.Fatalf("%d entries left, want the %d older files", len(entries), nOld)
	}
}
