package profiles

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"github.com/tablerase/tablerase/host/internal/machine"
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
//   - LevelDB logs (*.log) written after since in Session Storage and shared_proto_db (Chromium's
//     download records): a log keeps deleted keys until the next compaction; the compacted
//     tables (*.ldb) and the LevelDB's own files stay. Local Storage's logs are the aidant's
//     too: one marked at the start (w.Logs, see leveldb.go) is cut back to what it held then; one
//     born since goes;
//   - the DOM caches (Cache API) of sites whose cache folder changed after since: Chromium's
//     Service Worker/CacheStorage/<origin>, Firefox's storage/default/<web origin>/cache.
//
// Never named, whatever their time: Cookies, Login Data, Web Data, History, places.sqlite,
// cookies.sqlite, logins.json, Local Storage's tables, IndexedDB, preferences, bookmarks,
// extensions. The same rules as Purge hold: running browsers skipped, links never followed,
// counts only.
func Residue(ctx context.Context, env machine.Env, w Window) Result {
	// File systems with a coarse clock (FAT: 2 s) may stamp a file written just after the start
	// with an earlier time; a disposable file written just before the start is the lesser loss.
	after := w.Since.Add(-2 * time.Second)
	return eachClosedProfile(ctx, env, func(b machine.Browser, root, cacheRoot, name string, r *Result) {
		var kept map[string]bool
		if !b.IsFirefox() {
			var cut, failed int
			kept, cut, failed = cutMarkedLogs(root, name, w.Key, w.Logs)
			r.SiteData += cut
			r.Failed += failed
		}
		removed, failed := removeResidue(ctx, b, filepath.Join(root, name), cacheRoot, name, after, kept)
		r.SiteData += removed
		r.Failed += failed
	})
}

// Window is what Residue removes: what was written since Since, the start of the earliest
// accompaniment whose residue has not been cleared yet, and Local Storage's logs beyond their
// length then (Logs, digests under Key; see MarkLogs).
type Window struct {
	Since time.Time
	Key   []byte
	Logs  []LogMark
}

// The residue rules, as (folders to go through from the profile, choice among their children).
type residueRule struct {
	path  []string // "*" stands for any web origin's folder (https+++…, http+++…)
	match func(c wipe.Child, after time.Time) bool
	// marked: Local Storage's logs, of which those marked at the start are cut, not removed.
	marked bool
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
		{path: nil, match: named("Cache", "Code Cache")},
		{path: nil, match: func(c wipe.Child, after time.Time) bool { // sessions before Chromium 100
			return names("Current Session", "Current Tabs", "Last Session", "Last Tabs")(c.Name) && fileWritten(c, after)
		}},
		{path: []string{"Sessions"}, match: fileWritten},
		{path: localStorageLogs, match: logWritten, marked: true},
		{path: []string{"Session Storage"}, match: logWritten},
		{path: []string{"shared_proto_db"}, match: logWritten},
		{path: []string{"shared_proto_db", "metadata"}, match: logWritten},
		{path: []string{"Service Worker", "CacheStorage"}, match: folderWritten},
	}
	chromiumCacheResidue = []residueRule{{path: nil, match: named("Cache", "Code Cache")}}
	firefoxResidue       = []residueRule{
		{path: nil, match: named("cache2", "thumbnails")},
		{path: nil, match: func(c wipe.Child, after time.Time) bool {
			return c.Name == "sessionstore.jsonlz4" && fileWritten(c, after)
		}},
		{path: []string{"sessionstore-backups"}, match: fileWritten},
		{path: []string{"storage", "default", "*"}, match: domCache},
		{path: []string{"storage", "temporary", "*"}, match: domCache},
	}
	firefoxCacheResidue = []residueRule{{path: nil, match: named("cache2", "thumbnails")}}
)

// domCache: the Cache API folder of a Firefox origin. The origin folder is chosen by webOrigin
// below (never an add-on's own storage).
func domCache(c wipe.Child, after time.Time) bool {
	return c.Name == "cache" && folderWritten(c, after)
}

func removeResidue(ctx context.Context, b machine.Browser, profile, cacheRoot, name string, after time.Time, marked map[string]bool) (removed, failed int) {
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
			res := wipe.RemoveUnder(ctx, dir, path, func(c wipe.Child) bool {
				return !(rule.marked && marked[c.Name]) && rule.match(c, after)
			})
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
