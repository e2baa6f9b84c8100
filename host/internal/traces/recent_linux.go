package traces

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// clearRecent: GTK's recently-used.xbel (GNOME, Xfce, Cinnamon, MATE, GTK
// apps everywhere) and KDE's RecentDocuments folder of .desktop files, both
// under XDG_DATA_HOME. (KDE's activity database is not touched.)
func clearRecent(ctx context.Context, cut time.Time, all bool) Outcome {
	data := dataHome()
	if data == "" {
		return Outcome{Status: StatusSkipped, Code: CodeIOError}
	}
	return merge(
		rewriteXBEL(ctx, filepath.Join(data, "recently-used.xbel"), cut, all),
		sweepDir(ctx, filepath.Join(data, "RecentDocuments"), func(n string) bool {
			return strings.HasSuffix(n, ".desktop")
		}, cut, all),
	)
}

func dataHome() string {
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".local", "share")
}
