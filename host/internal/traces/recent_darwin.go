package traces

import (
	"context"
	"time"
)

// clearRecent: macOS keeps recent documents in sharedfilelistd's private
// .sfl2/.sfl3 archives under ~/Library/Application Support/
// com.apple.sharedfilelist, an undocumented format owned by a running daemon
// that rewrites it; the documented LSSharedFileList API is deprecated. No
// safe, documented way: reported as skipped.
func clearRecent(context.Context, time.Time, bool) Outcome {
	return Outcome{Status: StatusSkipped, Code: CodeUnsupported}
}
