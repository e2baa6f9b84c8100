package profiles

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"github.com/tablerase/tablerase/host/internal/policy"
	"github.com/tablerase/tablerase/host/internal/wipe"
)

// Residue is scope "session"'s closed-browser step, run by `tablerase clean` after an
// accompaniment: on the aidant's own computer the profile is the aidant's, so unlike Purge it
// removes only what the accompaniment can have written, and keeps the aidant's cookies, logins,
// local storage and history. Per closed profile:
//
//   - disk caches, whole (Chromium's Cache and Code Cache, Firefox's cache2 and thumbnails): a cache
//     is disposable by nature and the browser refills it;
//   - session-restore files written after since (Chromium's Sessions/*, Firefox's
//     sessionstore.jsonlz4 and sessionstore-backups/*): they hold the tabs of the person;
//   - LevelDB logs (*.log) written after since in Local Storage, Session Storage and
//     shared_proto_db (Chromium's download records): a log keeps deleted keys until the next
//     compaction; the compacted tables (*.ldb) and the LevelDB's own files stay;
//   - the DOM caches (Cache API) of sites whose cache folder changed after since: Chromium's
//     Service Worker/CacheStorage/<origin>, Firefox's storage/default/<web origin>/cache.
//
// Never named, whatever their time: Cookies, Login Data, Web Data, History, places.sqlite,
// cookies.sqlite, logins.json, Local Storage's tables, IndexedDB, preferences, bookmarks,
// extensions. A log the browser appended to during the session also held what the aidant wrote
// just before it, and goes with it; tables compacted before the session stay (see PROTOCOL.md).
//
// since is the start of the earliest accompaniment whose residue has not been cleared yet. The
// same rules as Purge hold: running browsers skipped, links never followed, counts only.
func Residue(ctx context.Context, env policy.Env, since time.Time) Result {
	// File systems with a coarse clock (FAT: 2 s) may stamp a file written just after the start
	// with an earlier time; a disposable file written just before the start is the lesser loss.
	after := since.Add(-2 * time.Second)
	return eachClosedProfile(ctx, env, func(b policy.Browser, root, cacheRoot, name string, r *Result) {
		removed, failed := removeResidue(ctx, b, filepath.Join(root, name), cacheRoot, name, after)
		r.SiteData += removed
		r.Failed += failed
	})
}

// The residue rules, as (folders to go through from the profile, choice among their children).
type residueRule struct {
	path  []string // "*" stands for any web origin's folder (https+++…, http+++…)
	match func(c wipe.Child, after time.Time) bool
}

func written(c wipe.Child, after time.Time) bool { return c.ModTime.After(after) }

func named(list ...string) func(wipe.Child, time.Time) bool {
	ok := names(list...)
	return func(c wipe.Child, _ time.Time) bool { return ok(c.Name) }
}

func fileWritten(c wipe.Child, after time.Time) bool { return !c.Dir && written(c, after) }

func logWritten(c wipe.Child, after time.Time) bool {
	return !c.Dir && strings.HasSuffix(c.Name, ".log") && written(c, after)
}

func folderWritten(c wipe.Child, after time.Time) bool { return c.Dir && written(c, after) }

var (
	chromiumResidue = []residueRule{
		{nil, named("Cache", "Code Cache")},
		{nil, func(c wipe.Child, after time.Time) bool { // sessions before Chromium 100
			return names("Current Session", "Current Tabs", "Last Session", "Last Tabs")(c.Name) && fileWritten(c, after)
		}},
		{[]string{"Sessions"}, fileWritten},
		{[]string{"Local Storage", "leveldb"}, logWritten},
		{[]string{"Session Storage"}, logWritten},
		{[]string{"shared_proto_db"}, logWritten},
		{[]string{"shared_proto_db", "metadata"}, logWritten},
		{[]string{"Service Worker", "CacheStorage"}, folderWritten},
	}
	chromiumCacheResidue = []residueRule{{nil, named("Cache", "Code Cache")}}
	firefoxResidue       = []residueRule{
		{nil, named("cache2", "thumbnails")},
		{nil, func(c wipe.Child, after time.Time) bool {
			return c.Name == "sessionstore.jsonlz4" && fileWritten(c, after)
		}},
		{[]string{"sessionstore-backups"}, fileWritten},
		{[]string{"storage", "default", "*"}, domCache},
		{[]string{"storage", "temporary", "*"}, domCache},
	}
	firefoxCacheResidue = []residueRule{{nil, named("cache2", "thumbnails")}}
)

// domCache: the Cache API folder of a Firefox origin. The origin folder is chosen by webOrigin
// below (never an add-on's own storage).
func domCache(c wipe.Child, after time.Time) bool {
	return c.Name == "cache" && folderWritten(c, after)
}

func removeResidue(ctx context.Context, b policy.Browser, profile, cacheRoot, name string, after time.Time) (removed, failed int) {
	rules, cacheRules := chromiumResidue, chromiumCacheResidue
	if b.IsFirefox() {
		rules, cacheRules = firefoxResidue, firefoxCacheResidue
	}
	apply := func(dir string, rules []residueRule) {
		for _, rule := range rules {
			var path []func(string) bool
			for _, p := range rule.path {
				switch p {
				case "*":
					path = append(path, webOrigin)
				default:
					path = append(path, names(p))
				}
			}
			res := wipe.RemoveUnder(ctx, dir, path, func(c wipe.Child) bool { return rule.match(c, after) })
			removed += res.Removed
			failed += res.Failed
			if res.Status == wipe.StatusFailed && res.Failed == 0 {
				failed++ // the profile could not be opened at all
			}
		}
	}
	apply(profile, rules)
	if cacheRoot != "" {
		apply(filepath.Join(cacheRoot, name), cacheRules)
	}
	return removed, failed
}
