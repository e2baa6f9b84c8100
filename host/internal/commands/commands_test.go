package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/tablerase/tablerase/host/internal/config"
	"github.com/tablerase/tablerase/host/internal/policy"
	"github.com/tablerase/tablerase/host/internal/protocol"
	"github.com/tablerase/tablerase/host/internal/session"
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
