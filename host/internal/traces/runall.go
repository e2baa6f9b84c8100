package traces

import "context"

// runAll runs every tool run (all of them, even after a failure) and reports
// the first failure of a required run.
func runAll(ctx context.Context, runs []toolRun) Outcome {
	code := ""
	for _, r := range runs {
		if c := runTool(ctx, r.path, r.args...); c != "" && !r.optional && code == "" {
			code = c
		}
	}
	if code != "" {
		return Outcome{Status: StatusFailed, Code: code}
	}
	return Outcome{Status: StatusCleared}
}
