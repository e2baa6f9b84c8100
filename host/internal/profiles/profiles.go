// Package profiles purges the password and autofill stores, and the site data, of browser profiles
// that are not running. It is what `tablerase clean` adds in scope "all" (public computers), run by
// the OS logon/logoff hooks: Chrome ignores the extension API's "passwords" since version 144, so a
// password a person saved despite the policies can only go while the browser is closed; and what a
// browser keeps in its files after the extension's removals (LevelDB logs, session restore, DOM
// caches: see sitedata.go) can only go then too. In scope "session" (the aidant's own computer)
// the profile is the aidant's, and Residue (residue.go) removes only what an accompaniment wrote
// there, keeping the aidant's Local Storage through MarkLogs (leveldb.go).
//
// Three rules, each tested:
//   - never while the browser runs: a profile whose browser holds its lock (Chromium's
//     SingletonLock / lockfile, Firefox's lock / parent.lock) is skipped and counted as running;
//     a lock that cannot be proven stale counts as running;
//   - never outside the known profile folders: the roots come from a fixed table per OS and browser
//     (the user's own folders, machine.Places), profiles are their direct sub-folders, and only the store
//     files named below are removed — regular files only, links never followed;
//   - reported by count only: profiles examined, files removed, profiles skipped, failures.
package profiles

import (
	"context"
	"os"
	"path/filepath"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// Result counts what a purge did.
type Result struct {
	Profiles int // profile folders examined
	Removed  int // store files removed
	SiteData int // site-data entries (files, folders, links) removed
	Running  int // profiles skipped because their browser is running
	Failed   int // store files or site-data entries that could not be removed
	// Unresolved counts the profile and cache folders whose place could not be worked out (a
	// variable unset, the home unknown: machine.ExpandCode): nothing there was looked at.
	Unresolved int
}

// Store files, per family. Chromium: saved passwords ("Login Data", and the account store) and
// autofill ("Web Data"), with their SQLite journals. Firefox: saved logins and form history.
// Firefox's key4.db is left alone: it also protects client certificates.
var (
	chromiumStores = []string{"Login Data", "Login Data-journal", "Login Data-wal",
		"Login Data For Account", "Login Data For Account-journal", "Login Data For Account-wal",
		"Web Data", "Web Data-journal", "Web Data-wal"}
	firefoxStores = []string{"logins.json", "logins-backup.json", "autofill-profiles.json",
		"formhistory.sqlite", "formhistory.sqlite-wal", "formhistory.sqlite-shm", "formhistory.sqlite-journal"}
)

// Purge removes the stores of every profile of every supported browser of the user described by
// env, skipping running ones. It honours ctx between files.
func Purge(ctx context.Context, env machine.Env) Result {
	return eachClosedProfile(ctx, env, func(b machine.Browser, root, cacheRoot, name string, r *Result) {
		stores := chromiumStores
		if b.IsFirefox() {
			stores = firefoxStores
		}
		removed, failed := removeStores(root, name, stores)
		r.Removed += removed
		r.Failed += failed
		removed, failed = removeSiteData(ctx, b, root, cacheRoot, name)
		r.SiteData += removed
		r.Failed += failed
	})
}

// eachClosedProfile calls do for every profile, of every supported browser of the user described
// by env, whose browser is not running; running ones are counted and skipped. root is the
// browser's profiles folder, cacheRoot the folder beside it holding the profiles' disk caches
// ("" when the profile holds its own), name the profile's folder name.
func eachClosedProfile(ctx context.Context, env machine.Env, do func(b machine.Browser, root, cacheRoot, name string, r *Result)) Result {
	return eachProfile(ctx, env, false, do)
}

// eachProfile is eachClosedProfile, or with running true every profile, its browser running or
// not (for reading only).
func eachProfile(ctx context.Context, env machine.Env, running bool, do func(b machine.Browser, root, cacheRoot, name string, r *Result)) Result {
	var r Result
	for _, b := range machine.All {
		root, err := env.Resolve(env.Places(b).Profiles)
		if err != nil {
			r.Unresolved++
			continue
		}
		cacheRoot := ""
		if c := env.Places(b).Caches; c != "" {
			if c, err = env.Resolve(c); err != nil {
				r.Unresolved++
			} else {
				cacheRoot = env.Path(c)
			}
		}
		visitRoot(ctx, b, env.Path(root), cacheRoot, running, &r, do)
	}
	return r
}

func visitRoot(ctx context.Context, b machine.Browser, root, cacheRoot string, running bool, r *Result,
	do func(b machine.Browser, root, cacheRoot, name string, r *Result)) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return // browser never used by this account
	}
	// Chromium's lock is per user-data folder (all its profiles); Firefox's per profile.
	if !running && !b.IsFirefox() && chromiumRunning(root) {
		before := r.Running
		for _, e := range entries {
			if e.IsDir() && isChromiumProfile(root, e.Name()) {
				r.Profiles++
				r.Running++
			}
		}
		// A fresh profile gets its Preferences file only seconds after the browser starts (Chromium
		// writes it lazily): the running browser still counts, or a wait for its exit would end
		// at once, taking "nothing to do" for an answer.
		if r.Running == before {
			r.Profiles++
			r.Running++
		}
		return
	}
	for _, e := range entries {
		if ctx.Err() != nil {
			return
		}
		if !e.IsDir() { // a link to a folder is not a profile: DirEntry does not follow links
			continue
		}
		if b.IsFirefox() {
			if !isFirefoxProfile(root, e.Name()) {
				continue
			}
			r.Profiles++
			if !running && firefoxRunning(filepath.Join(root, e.Name())) {
				r.Running++
				continue
			}
		} else {
			if !isChromiumProfile(root, e.Name()) {
				continue
			}
			r.Profiles++
		}
		do(b, root, cacheRoot, e.Name(), r)
	}
}

func isChromiumProfile(root, name string) bool {
	return regularFile(filepath.Join(root, name, "Preferences"))
}

func isFirefoxProfile(root, name string) bool {
	return regularFile(filepath.Join(root, name, "prefs.js")) || regularFile(filepath.Join(root, name, "times.json"))
}

// readDir lists dir without following links below it; nil when it cannot be read.
func readDir(dir string) []os.DirEntry {
	entries, _ := os.ReadDir(dir)
	return entries
}

func regularFile(p string) bool {
	fi, err := os.Lstat(p)
	return err == nil && fi.Mode().IsRegular()
}
