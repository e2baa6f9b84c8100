package commands

import (
	"context"
	"encoding/json"

	"github.com/tablerase/tablerase/host/internal/protocol"
)

// Degraded wraps the command table of a host that could not load its configuration or open its
// state directory: hello and status still answer (so the popup can say what is wrong), the
// session commands refuse with an internal error that tells the admin what to run. Acting on a
// half-read configuration could wipe the wrong folders, or too few without saying so.
func Degraded(env *Env, h map[string]protocol.Handler, stateErr, cfgErr error) map[string]protocol.Handler {
	msg := "the host's configuration is invalid; run `tablerase doctor`"
	if stateErr != nil {
		msg = "the host cannot open its state directory; run `tablerase doctor`"
	}
	refuse := func(ctx context.Context, args json.RawMessage) (any, error) {
		return nil, protocol.Errorf(protocol.CodeInternal, "%s", msg)
	}
	out := map[string]protocol.Handler{}
	for name, f := range h {
		out[name] = f
	}
	out["session.start"], out["session.end"] = refuse, refuse
	if env.Sessions == nil {
		out["status"] = refuse
	}
	return out
}
