package traces

import (
	"context"
	"os"
)

// pbcopy with an empty stdin (runTool gives it the null device) replaces the
// general pasteboard with an empty string. Fixed path: the system's own tool,
// not whatever PATH offers.
const pbcopy = "/usr/bin/pbcopy"

func clearClipboard(ctx context.Context) Outcome {
	if fi, err := os.Stat(pbcopy); err != nil || !fi.Mode().IsRegular() {
		return Outcome{Status: StatusSkipped, Code: CodeNoTool}
	}
	return runAll(ctx, []toolRun{{path: pbcopy}})
}
