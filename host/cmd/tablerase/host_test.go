package main

// These tests run the real binary as a browser would: a child process with the caller's origin
// as argument, frames on stdin and stdout, and its state, log and watched folder in temp dirs.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/framing"
	"github.com/tablerase/tablerase/host/internal/protocol"
	"github.com/tablerase/tablerase/host/internal/testenv"
)

var binary string

func TestMain(m *testing.M) {
	// A binary built beforehand, where this test binary runs without a Go toolchain (the Windows
	// lane runs it under Wine: scripts/windows/test-wine.sh).
	if prebuilt := os.Getenv("TABLERASE_TEST_BINARY"); prebuilt != "" {
		binary = prebuilt
		os.Exit(m.Run())
	}
	if runtime.GOOS != "windows" {
		os.Exit(runLeavingNothing(m))
	}
	os.Exit(runWithBinary(m))
}

// runLeavingNothing runs the tests with every temp dir (t.TempDir, os.MkdirTemp) inside one root
// of their own and fails the run if anything is left in it once they are done: a folder renamed
// out of its TempDir, a mount left, a detached host writing after the cleanup.
func runLeavingNothing(m *testing.M) int {
	root, err := os.MkdirTemp("", "tablerase-cmd-test-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(root)
	os.Setenv("TMPDIR", root)
	code := runWithBinary(m)
	if left, _ := os.ReadDir(root); len(left) > 0 {
		for _, e := range left {
			fmt.Fprintf(os.Stderr, "left in the temp dir after the tests: %s\n", e.Name())
		}
		if code == 0 {
			code = 1
		}
	}
	return code
}

func runWithBinary(m *testing.M) int {
	dir, err := os.MkdirTemp("", "tablerase-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "tablerase")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building the host: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	return code
}

const chromeOrigin = "chrome-extension://" + protocol.ChromiumExtensionID + "/"

// env is one simulated user account: home, state, config, Downloads.
type env struct {
	t         *testing.T
	home      string
	downloads string
	state     string
	vars      []string
}

func newEnv(t *testing.T, configJSON string) *env {
	t.Helper()
	skipWithoutOwnAccount(t)
	// A home named like a person (user names are personal data the logs must never hold); the
	// temp dir's own name ("001") is too short to search for.
	home := filepath.Join(testenv.TempDir(t), "jmdupont-home")
	os.MkdirAll(home, 0o700)
	// Registered after TempDir's removal, so run before it.
	t.Cleanup(func() { waitDetached(t, home) })
	e := &env{t: t, home: home, downloads: filepath.Join(home, "Downloads"), state: filepath.Join(home, "state")}
	os.MkdirAll(e.downloads, 0o700)
	if configJSON == "" {
		configJSON = `{"default_folders": false, "watch": ["~/Downloads"]}`
	}
	cfg := filepath.Join(home, "config.json")
	os.WriteFile(cfg, []byte(configJSON), 0o600)
	e.vars = []string{"HOME=" + home, "XDG_STATE_HOME=" + e.state, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local/share"), "TABLERASE_CONFIG=" + cfg, "PATH=" + os.Getenv("PATH")}
	return e
}

type response struct {
	ID     *string         `json:"id"`
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  *protocol.Error `json:"error"`
}

// exchange runs one host process, sends msgs as frames, closes stdin and returns the responses
// and the exit code.
func (e *env) exchange(args []string, msgs ...string) ([]response, int, string) {
	e.t.Helper()
	var in bytes.Buffer
	for _, m := range msgs {
		in.Write(framing.Encode([]byte(m)))
	}
	return e.exchangeRaw(args, in.Bytes())
}

// startHost starts one host process that stays running while the test writes frames to its
// stdin and reads its stdout as they come (a port kept open, or a host to kill in the middle of
// its work), where exchange writes everything and waits for the exit. The test waits for it;
// whatever is still running at the end of the test is killed.
func (e *env) startHost() (*exec.Cmd, io.WriteCloser, io.ReadCloser) {
	e.t.Helper()
	cmd := exec.Command(binary, chromeOrigin)
	cmd.Env = e.vars
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, stdin, stdout
}

func (e *env) exchangeRaw(args []string, in []byte) ([]response, int, string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = e.vars
	cmd.Stdin = bytes.NewReader(in)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("running the host: %v", err)
	}
	return parseFrames(e.t, out.Bytes()), code, errb.String()
}

func parseFrames(t *testing.T, out []byte) []response {
	t.Helper()
	r := framing.NewReader(bytes.NewReader(out))
	var resps []response
	for {
		p, err := r.Read()
		if err == io.EOF {
			return resps
		}
		if err != nil {
			t.Fatalf("stdout is not made of frames only: %v (%q)", err, out)
		}
		var resp response
		if err := json.Unmarshal(p, &resp); err != nil {
			t.Fatalf("frame is not a JSON response: %q", p)
		}
		resps = append(resps, resp)
	}
}

func TestNoArgumentsPrintsUsageWithoutReadingStdin(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary)
	stdin, _ := cmd.StdinPipe() // never closed: a host waiting on stdin would hang here
	defer stdin.Close()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 2 || !strings.Contains(errb.String(), "Usage:") || out.Len() != 0 {
		t.Fatalf("no args: err %v, stdout %q, stderr %q; want usage on stderr and exit 2", err, out.String(), errb.String())
	}
}

func TestVersion(t *testing.T) {
	out, err := exec.Command(binary, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "tablerase ") {
		t.Fatalf("version: %q, %v", out, err)
	}
}

func TestHelloOneShotAndPersistent(t *testing.T) {
	e := newEnv(t, "")
	resps, code, _ := e.exchange([]string{chromeOrigin}, `{"id":"1","cmd":"hello"}`)
	if code != 0 || len(resps) != 1 || !resps[0].OK {
		t.Fatalf("one-shot hello: code %d, %+v", code, resps)
	}
	var hello struct {
		Protocol int    `json:"protocol"`
		OS       string `json:"os"`
		Scope    string `json:"scope"`
		Session  struct {
			State string `json:"state"`
		} `json:"session"`
		Policy struct {
			Browsers map[string]any `json:"browsers"`
		} `json:"policy"`
	}
	json.Unmarshal(resps[0].Result, &hello)
	if hello.Protocol != 1 || hello.OS == "" || hello.Scope != "session" || hello.Session.State != "none" {
		t.Fatalf("hello result: %s", resps[0].Result)
	}
	// A persistent port: several requests, bad ones included, on one process.
	resps, code, _ = e.exchange([]string{chromeOrigin, "--parent-window=0"},
		`{"id":"a","cmd":"status"}`, `oops`, `{"id":"b","cmd":"rm -rf"}`, `{"id":"c","cmd":"session.start","args":{"path":"/"}}`, `{"id":"d","cmd":"hello"}`)
	codes := []string{}
	for _, r := range resps {
		if r.Error != nil {
			codes = append(codes, r.Error.Code)
		} else {
			codes = append(codes, "ok")
		}
	}
	if code != 0 || strings.Join(codes, ",") != "ok,bad_json,unknown_cmd,bad_request,ok" {
		t.Fatalf("persistent port: exit %d, codes %v", code, codes)
	}
}

func TestUnknownCallerIsForbidden(t *testing.T) {
	e := newEnv(t, "")
	resps, code, _ := e.exchange([]string{"chrome-extension://abcdefghijklmnopabcdefghijklmnop/"},
		`{"id":"1","cmd":"hello"}`, `{"id":"2","cmd":"session.end"}`)
	if code != 0 || len(resps) != 2 || resps[0].OK || resps[0].Error.Code != "forbidden" || resps[1].Error.Code != "forbidden" {
		t.Fatalf("unknown extension: %+v", resps)
	}
	// The admin can allow another id.
	e = newEnv(t, `{"default_folders": false, "allowed_extensions": ["abcdefghijklmnopabcdefghijklmnop"]}`)
	resps, _, _ = e.exchange([]string{"chrome-extension://abcdefghijklmnopabcdefghijklmnop/"}, `{"id":"1","cmd":"status"}`)
	if len(resps) != 1 || !resps[0].OK {
		t.Fatalf("allowed extra id: %+v", resps)
	}
	// Firefox's arguments: manifest path, then add-on id.
	resps, _, _ = e.exchange([]string{"/usr/lib/mozilla/native-messaging-hosts/fr.tablerase.host.json", protocol.FirefoxExtensionID},
		`{"id":"1","cmd":"status"}`)
	if len(resps) != 1 || !resps[0].OK {
		t.Fatalf("firefox caller: %+v", resps)
	}
}

func TestOversizedFrameIsAnsweredThenHostExits(t *testing.T) {
	e := newEnv(t, "")
	in := framing.Encode([]byte(`{"id":"1","cmd":"status"}`))
	in = append(in, framing.Encode(make([]byte, framing.MaxRequest+1))...)
	in = append(in, framing.Encode([]byte(`{"id":"3","cmd":"status"}`))...)
	resps, code, _ := e.exchangeRaw([]string{chromeOrigin}, in)
	if code == 0 || len(resps) != 2 || !resps[0].OK || resps[1].Error == nil || resps[1].Error.Code != "too_large" {
		t.Fatalf("oversized frame: exit %d, %+v; want ok, too_large, then exit non-zero", code, resps)
	}
}

func TestInvalidConfigRefusesSessionsButAnswersHello(t *testing.T) {
	e := newEnv(t, `{"scope": "everything"}`)
	resps, _, _ := e.exchange([]string{chromeOrigin}, `{"id":"1","cmd":"hello"}`, `{"id":"2","cmd":"session.start"}`)
	if len(resps) != 2 || !resps[0].OK || resps[1].OK || resps[1].Error.Code != "internal" ||
		!strings.Contains(resps[1].Error.Message, "doctor") {
		t.Fatalf("invalid config: %+v", resps)
	}
}

func TestCleanCLI(t *testing.T) {
	e := newEnv(t, "")
	cmd := exec.Command(binary, "clean")
	cmd.Env = e.vars
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "nothing to clean") {
		t.Fatalf("clean with no session: %v %s", err, out)
	}
	e = newEnv(t, `{"default_folders": false, "watch": ["~/Downloads"], "scope": "all"}`)
	os.WriteFile(filepath.Join(e.downloads, "left.pdf"), []byte("x"), 0o600)
	cmd = exec.Command(binary, "clean", "--json")
	cmd.Env = e.vars
	out, err = cmd.Output()
	var rep struct {
		Files struct{ Removed int } `json:"files"`
	}
	if json.Unmarshal(out, &rep) != nil || rep.Files.Removed != 1 {
		t.Fatalf("clean in scope all: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(e.downloads, "left.pdf")); err == nil {
		t.Fatal("clean in scope all left the file")
	}
}

// hello says closed_browsers only when this very binary's logoff clean is installed, in either
// scope (scope all purges closed profiles, scope session removes what the accompaniment wrote in
// them): the receipt then promises the browsers' leftover files go at the end of the session.
func TestHelloClosedBrowsersNeedsTheHook(t *testing.T) {
	caps := func(e *env) string {
		t.Helper()
		resps, code, _ := e.exchange([]string{chromeOrigin}, `{"id":"1","cmd":"hello"}`)
		if code != 0 || len(resps) != 1 || !resps[0].OK {
			t.Fatalf("hello: code %d, %+v", code, resps)
		}
		var h struct{ Capabilities []string }
		json.Unmarshal(resps[0].Result, &h)
		return strings.Join(h.Capabilities, ",")
	}
	for _, scope := range []string{"session", "all"} {
		e := newEnv(t, `{"scope": "`+scope+`", "default_folders": false, "watch": ["~/Downloads"]}`)
		if c := caps(e); strings.Contains(c, "closed_browsers") {
			t.Errorf("scope %s, no hook: capabilities %s", scope, c)
		}
		cmd := exec.Command(binary, "install", "--user", "--hooks", "--browsers", "brave")
		cmd.Env = e.vars
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("install --hooks: %v\n%s", err, out)
		}
		if c := caps(e); !strings.Contains(c, "closed_browsers") {
			t.Errorf("scope %s, hook installed: capabilities %s", scope, c)
		}
	}
}
