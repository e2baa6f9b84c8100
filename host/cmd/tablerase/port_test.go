package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/framing"
)

// TestPortKeptOpenBesideOneShots is what the extension does since issue 14: a port
// (connectNative) opened at the start of the accompaniment and kept open, its host answering each
// frame as it comes (not at the end of input), while one-shot hosts (sendNativeMessage: a popup's
// hello, a request made while the port is busy) run beside it. The idle port must hold no session
// lock (a one-shot session.start gets no `busy`), and the port's session.end must wipe what was
// downloaded, then the host exits at the end of input.
func TestPortKeptOpenBesideOneShots(t *testing.T) {
	e := newEnv(t, "")
	os.WriteFile(filepath.Join(e.downloads, "aidant.pdf"), []byte("keep"), 0o600)

	cmd, stdin, stdout := e.startHost()
	frames := framing.NewReader(stdout)
	ask := func(id, cmdName string) response {
		t.Helper()
		if _, err := stdin.Write(framing.Encode([]byte(fmt.Sprintf(`{"id":%q,"cmd":%q}`, id, cmdName)))); err != nil {
			t.Fatalf("writing to the port: %v", err)
		}
		got := make(chan response, 1)
		go func() {
			var r response
			if p, err := frames.Read(); err == nil {
				json.Unmarshal(p, &r)
			}
			got <- r
		}()
		select {
		case r := <-got:
			if r.ID == nil || *r.ID != id {
				t.Fatalf("%s on the port: answer %+v", cmdName, r)
			}
			return r
		case <-time.After(time.Minute):
			t.Fatalf("%s on the port: no answer while the port stays open", cmdName)
		}
		return response{}
	}

	if r := ask("p1", "hello"); !r.OK {
		t.Fatalf("hello on the port: %+v", r.Error)
	}
	if r := ask("p2", "session.start"); !r.OK {
		t.Fatalf("session.start on the port: %+v", r.Error)
	}
	var started struct {
		SessionID string `json:"session_id"`
	}
	// The port is idle and open: one-shots beside it are served; the lock is free (held, it would
	// make session.start answer `busy` after its 2 s wait).
	resps, code, _ := e.exchange([]string{chromeOrigin}, `{"id":"o1","cmd":"hello"}`, `{"id":"o2","cmd":"session.start"}`)
	if code != 0 || len(resps) != 2 || !resps[0].OK || !resps[1].OK {
		t.Fatalf("one-shot beside the open port: exit %d, %+v", code, resps)
	}
	json.Unmarshal(resps[1].Result, &started)
	var resumed struct {
		Resumed bool `json:"resumed"`
	}
	json.Unmarshal(resps[1].Result, &resumed)
	if !resumed.Resumed || started.SessionID == "" {
		t.Fatalf("a second session.start beside the port must resume the same session: %s", resps[1].Result)
	}

	os.WriteFile(filepath.Join(e.downloads, "attestation-caf.pdf"), []byte("person"), 0o600)
	r := ask("p3", "session.end")
	if !r.OK {
		t.Fatalf("session.end on the port: %+v", r.Error)
	}
	var rep struct {
		SessionID string `json:"session_id"`
		Status    string `json:"status"`
	}
	json.Unmarshal(r.Result, &rep)
	if rep.SessionID != started.SessionID || rep.Status != "clean" {
		t.Fatalf("session.end on the port: %s", r.Result)
	}
	if _, err := os.Stat(filepath.Join(e.downloads, "attestation-caf.pdf")); !os.IsNotExist(err) {
		t.Fatal("the file downloaded during the accompaniment is still there")
	}
	if _, err := os.Stat(filepath.Join(e.downloads, "aidant.pdf")); err != nil {
		t.Fatal("the older file is gone")
	}
	// The port is still open after session.end: the host keeps serving until the end of input.
	if r := ask("p4", "status"); !r.OK {
		t.Fatalf("status after session.end on the port: %+v", r.Error)
	}
	stdin.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the host did not exit cleanly at the end of input: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the host did not exit at the end of input")
	}
}
