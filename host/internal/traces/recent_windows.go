package traces

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/windows"
)

// clearRecent: the Recent folder's shortcuts and the jump lists
// (AutomaticDestinations, CustomDestinations) modified since the mark.
func clearRecent(ctx context.Context, cut time.Time, all bool) Outcome {
	dir, err := windows.KnownFolderPath(windows.FOLDERID_Recent, 0)
	if err != nil {
		appdata := os.Getenv("APPDATA")
		if !filepath.IsAbs(appdata) {
			return Outcome{Status: StatusSkipped, Code: CodeAPIFailed}
		}
		dir = filepath.Join(appdata, "Microsoft", "Windows", "Recent")
	}
	return clearWindowsRecent(ctx, dir, cut, all)
}
