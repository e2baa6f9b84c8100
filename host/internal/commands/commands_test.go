package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/tablerase/tablerase/host/internal/audit"
	"github.com/tablerase/tablerase/host/internal/config"
	"github.com/tablerase/tablerase/host/internal/policy"
	"github.com/tablerase/tablerase/host/internal/protocol"
	"github.com/tablerase/tablerase/host/internal/session"
	"github.com/tablerase/tablerase/host/internal/testenv"
)

func TestErrorsMapToStableCodes(t *testing.T) {
	cases := map[error]string{
		session.ErrNoSession:                                 protocol.CodeNoSession,
		fmt.Errorf("wrapped: %w", session.ErrBusy):           protocol.CodeBusy,
		session.ErrUnfinished:                                protocol.CodeSessionUnfinished,
		fmt.Errorf("%w: version 9", session.ErrState):        protocol.CodeInternal,
		errors.New("open /home/jean/.local/state: denied"):   protocol.CodeInternal,
		protocol.Errorf(protocol.CodeBadRequest, "bad args"): protocol.CodeBadRequest,
	}
	for err, want := range cases {
		var perr *protocol.Error
		if !errors.As(toProtocol(err), &perr) || perr.Code != want {
			t.Errorf("toProtocol(%v) = %v, want code %s", err, perr, want)
		}
		if perr != nil && perr.Code == protocol.CodeInternal && len(perr.Message) > 0 && containsPath(perr.Message) {
			t.Errorf("internal error message leaks a path: %q", perr.Message)
		}
	}
}

func containsPath(s string) bool {
	for i := 0; i+5 < len(s); i++ {
		if s[i:i+6] == "/home/" {
			return true
		}
	}
	return false
}

func TestCommandsRefuseArguments(t *testing.T) {
	env := &Env{Version: "test", Config: config.Config{Scope: config.ScopeSession}}
	for name, h := range Handlers(env) {
		_, err := h(context.Background(), json.RawMessage(`{"folder":"/etc"}`))
		var perr *protocol.Error
		if !errors.As(err, &perr) || perr.Code != protocol.CodeBadRequest {
			t.Errorf("%s with a folder argument: %v, want bad_request", name, err)
		}
	}
}

func TestDegradedHostStillSaysHello(t *testing.T) {
	env := &Env{Version: "test", OS: "linux", Config: config.Config{Scope: config.ScopeSession},
		Policy: func(context.Context) policy.Report { return policy.Report{} }}
	h := Degraded(env, Handlers(env), errors.New("no state dir"), nil)
	res, err := h["hello"](context.Background(), json.RawMessage(`{}`))
	if err != nil || res.(HelloResult).Session.State != "unavailable" {
		t.Fatalf("hello on a degraded host: %+v, %v", res, err)
	}
	for _, cmd := range []string{"session.start", "session.end", "status"} {
		_, err := h[cmd](context.Background(), json.RawMessage(`{}`))
		var perr *protocol.Error
		if !errors.As(err, &perr) || perr.Code != protocol.CodeInternal {
			t.Errorf("%s on a degraded host: %v, want internal", cmd, err)
		}
	}
}

// hello lists closed_browsers only when the host says the logoff clean will purge closed browsers.
func TestHelloClosedBrowsersCapability(t *testing.T) {
	for _, on := range []bool{false, true} {
		env := &Env{Version: "test", OS: "linux", Config: config.Config{Scope: config.ScopeAll, ClearClipboard: true},
			ClosedBrowsers: func() bool { return on }}
		res, err := env.hello(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		caps := res.(HelloResult).Capabilities
		has := false
		for _, c := range caps {
			has = has || c == "closed_browsers"
		}
		if has != on {
			t.Errorf("ClosedBrowsers %v: capabilities %v", on, caps)
		}
	}
}

// session.end says closed_browsers exactly when the host says this computer's logoff clean is
// installed: the receipt's « after the browser closes » lines rest on it.
func TestSessionEndSaysWhetherTheLogoffCleanRuns(t *testing.T) {
	for _, on := range []bool{false, true} {
		dir := testenv.TempDir(t)
		m := &session.Manager{Dir: dir, Budgets: session.CLIBudgets, Log: audit.New(io.Discard),
			Config: config.Config{Scope: config.ScopeSession}}
		waits := 0
		env := &Env{Version: "test", OS: "linux", Config: m.Config, Sessions: m,
			ClosedBrowsers: func() bool { return on }, AfterExit: func() { waits++ }}
		if _, err := env.sessionStart(context.Background()); err != nil {
			t.Fatal(err)
		}
		res, err := env.sessionEnd(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// Without the logoff clean, the wait for the browser's exit starts, once per end done.
		if _, err := env.sessionEnd(context.Background()); err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 1, true: 0}[on]; waits != want {
			t.Errorf("ClosedBrowsers %v: AfterExit called %d times, want %d", on, waits, want)
		}
		b, _ := json.Marshal(res)
		var got struct {
			ClosedBrowsers *bool `json:"closed_browsers"`
		}
		if err := json.Unmarshal(b, &got); err != nil || got.ClosedBrowsers == nil || *got.ClosedBrowsers != on {
			t.Errorf("ClosedBrowsers %v: session.end result %s", on, b)
		}
	}
	// No way to tell (nil): never claimed.
	m := &session.Manager{Dir: testenv.TempDir(t), Budgets: session.CLIBudgets, Log: audit.New(io.Discard),
		Config: config.Config{Scope: config.ScopeSession}}
	env := &Env{Version: "test", Config: m.Config, Sessions: m}
	if _, err := env.sessionStart(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res, err := env.sessionEnd(context.Background()); err != nil || res.(session.Report).ClosedBrowsers {
		t.Errorf("no ClosedBrowsers: %+v, %v", res, err)
	}
}

// Scope all never starts the unattended wait: there the hook is required.
func TestSessionEndInScopeAllStartsNoWait(t *testing.T) {
	m := &session.Manager{Dir: testenv.TempDir(t), Budgets: session.CLIBudgets, Log: audit.New(io.Discard),
		Config: config.Config{Scope: config.ScopeAll}}
	waits := 0
	env := &Env{Version: "test", Config: m.Config, Sessions: m, AfterExit: func() { waits++ }}
	if _, err := env.sessionStart(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := env.sessionEnd(context.Background()); err != nil || waits != 0 {
		t.Fatalf("scope all: %v, %d waits", err, waits)
	}
}

// A browser starting while an accompaniment's residue is still pending (the computer went off
// before the browser closed) starts the wait too, where no logoff clean will take it.
func TestHelloStartsTheWaitWhileResidueIsPending(t *testing.T) {
	for _, hook := range []bool{false, true} {
		m := &session.Manager{Dir: testenv.TempDir(t), Budgets: session.CLIBudgets, Log: audit.New(io.Discard),
			Config: config.Config{Scope: config.ScopeSession}}
		waits := 0
		env := &Env{Version: "test", Config: m.Config, Sessions: m, ClosedBrowsers: func() bool { return hook },
			AfterExit: func() { waits++ }}
		env.hello(context.Background())
		if waits != 0 {
			t.Fatalf("hook %v: a wait with no accompaniment ever", hook)
		}
		env.sessionStart(context.Background())
		env.hello(context.Background())
		if waits != 0 {
			t.Fatalf("hook %v: a wait during the accompaniment", hook)
		}
		env.sessionEnd(context.Background())
		before := waits
		env.hello(context.Background())
		if want := map[bool]int{false: 1, true: 0}[hook]; waits-before != want {
			t.Errorf("hook %v: hello with residue pending started %d waits, want %d", hook, waits-before, want)
		}
	}
}
