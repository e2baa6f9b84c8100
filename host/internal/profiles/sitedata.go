package profiles

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/wipe"
)

// Site data a browser keeps in its files after every removal its extension API offers (measured
// by the end-to-end suite, see extension/test/e2e/README.md): LevelDB logs still holding deleted
// keys, session-restore files with the closed tabs, the download service's records, and in
// Firefox the DOM caches no API reaches. Removing these folders and files from a closed profile
// is what Chromium's own "clear on exit" would do; the browser recreates them empty. Bookmarks,
// preferences, extensions and certificates are never named.
var (
	chromiumSiteData = names("Sessions", "Session Storage", "Local Storage", "shared_proto_db", "IndexedDB",
		"Service Worker", "File System", "blob_storage", "WebStorage", "Shared Dictionary", "Cache", "Code Cache")
	firefoxSiteData = names("sessionstore.jsonlz4", "sessionstore-backups", "cache2")
	// Beside the profile, where the OS keeps caches (Linux ~/.cache, macOS ~/Library/Caches).
	chromiumCaches = names("Cache", "Code Cache")
	firefoxCaches  = names("cache2")
)

// Firefox keeps each site's storage (localStorage, IndexedDB, Cache API, service-worker scripts)
// in storage/default/<origin>: web origins only go, never an add-on's own storage (moz-extension).
var firefoxOrigins = []string{filepath.Join("storage", "default"), filepath.Join("storage", "temporary")}

func webOrigin(name string) bool {
	return strings.HasPrefix(name, "https+++") || strings.HasPrefix(name, "http+++")
}

func names(list ...string) func(string) bool {
	set := make(map[string]bool, len(list))
	for _, n := range list {
		set[n] = true
	}
	return func(n string) bool { return set[n] }
}

// removeSiteData removes the site data of the closed profile name (under root, and under cacheRoot
// when there is one) and counts removed entries and failures.
func removeSiteData(ctx context.Context, b machine.Browser, root, cacheRoot, name string) (removed, failed int) {
	add := func(r wipe.Result) {
		removed += r.Removed
		failed += r.Failed
		if r.Status == wipe.StatusFailed && r.Failed == 0 {
			failed++ // the folder could not be opened at all
		}
	}
	profile := filepath.Join(root, name)
	if b.IsFirefox() {
		add(wipe.RemoveNamed(ctx, profile, firefoxSiteData))
		for _, o := range firefoxOrigins {
			add(wipe.RemoveNamed(ctx, filepath.Join(profile, o), webOrigin))
		}
	} else {
		add(wipe.RemoveNamed(ctx, profile, chromiumSiteData))
	}
	if cacheRoot != "" {
		caches := chromiumCaches
		if b.IsFirefox() {
			caches = firefoxCaches
		}
		add(wipe.RemoveNamed(ctx, filepath.Join(cacheRoot, name), caches))
	}
	return removed, failed
}
