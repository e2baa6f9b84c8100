package traces

import (
	"context"
	"path/filepath"
	"strings"
	"time"
)

// explorerJumpList is Explorer's own jump list, which also holds the Quick
// Access pins an aidant made on their own computer: kept in scope session
// (the folder shortcuts of the session still go with the Recent folder),
// deleted in scope all.
const explorerJumpList = "f01b4d95cf55d32a.automaticdestinations-ms"

// clearWindowsRecent sweeps a Windows Recent folder: *.lnk shortcuts, and the
// jump-list files in AutomaticDestinations and CustomDestinations. Portable
// so that it is tested everywhere; only the folder lookup is Windows code.
func clearWindowsRecent(ctx context.Context, recent string, cut time.Time, all bool) Outcome {
	suffix := func(s string) func(string) bool {
		return func(n string) bool { return strings.HasSuffix(strings.ToLower(n), s) }
	}
	auto := func(n string) bool {
		n = strings.ToLower(n)
		return strings.HasSuffix(n, ".automaticdestinations-ms") && (all || n != explorerJumpList)
	}
	return merge(
		sweepDir(ctx, recent, suffix(".lnk"), cut, all),
		sweepDir(ctx, filepath.Join(recent, "AutomaticDestinations"), auto, cut, all),
		sweepDir(ctx, filepath.Join(recent, "CustomDestinations"), suffix(".customdestinations-ms"), cut, all),
	)
}
