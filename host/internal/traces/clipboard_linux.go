package traces

import (
	"context"
	"os"
)

func clearClipboard(ctx context.Context) Outcome {
	runs, code := planFreedesktopClipboard(os.Getenv, lookTool)
	if code != "" {
		return Outcome{Status: StatusSkipped, Code: code}
	}
	return runAll(ctx, runs)
}
