//go:build unix

// The Unix layouts (~/.config, ~/.mozilla, ~/.cache) and locks (SingletonLock and lock symlinks
// naming a pid). The Windows layouts and locks: profiles_windows_test.go.

package profiles

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/testenv"
)

type account struct {
	t    *testing.T
	home string
}

func newAccount(t *testing.T) *account { return &account{t: t, home: testenv.TempDir(t)} }

func (a *account) env() machine.Env {
	return machine.Env{OS: "linux", Home: a.home, Getenv: func(string) string { return "" }}
}

func (a *account) file(rel, content string) string {
	p := filepath.Join(a.home, rel)
	os.MkdirAll(filepath.Dir(p), 0o700)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		a.t.Fatal(err)
	}
	return p
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

// chromiumProfile lays out a Chromium profile with its stores and some of the aidant's data.
func (a *account) chromiumProfile(root, name string) (stores, kept []string) {
	dir := filepath.Join(root, name)
	kept = append(kept, a.file(filepath.Join(dir, "Preferences"), "{}"), a.file(filepath.Join(dir, "Bookmarks"), "{}"))
	for _, s := range []string{"Login Data", "Login Data-journal", "Web Data", "Login Data For Account"} {
		stores = append(stores, a.file(filepath.Join(dir, s), "secret password"))
	}
	return stores, kept
}

func TestPurgeRemovesStoresOfClosedBrowsersOnly(t *testing.T) {
	a := newAccount(t)
	chromium := filepath.Join(".config", "chromium")
	stores, kept := a.chromiumProfile(chromium, "Default")
	s2, k2 := a.chromiumProfile(chromium, "Profile 1")
	stores, kept = append(stores, s2...), append(kept, k2...)
	// Chrome is running: its lock names this host and this (live) process.
	chrome := filepath.Join(".config", "google-chrome")
	busy, busyKept := a.chromiumProfile(chrome, "Default")
	host, _ := os.Hostname()
	os.Symlink(fmt.Sprintf("%s-%d", host, os.Getpid()), filepath.Join(a.home, chrome, "SingletonLock"))
	// Firefox: one profile closed, one open.
	ff := filepath.Join(".mozilla", "firefox")
	a.file(filepath.Join(ff, "abcd.default-esr", "prefs.js"), "")
	logins := a.file(filepath.Join(ff, "abcd.default-esr", "logins.json"), `{"logins":[]}`)
	form := a.file(filepath.Join(ff, "abcd.default-esr", "formhistory.sqlite"), "x")
	places := a.file(filepath.Join(ff, "abcd.default-esr", "places.sqlite"), "x")
	a.file(filepath.Join(ff, "open.default", "prefs.js"), "")
	openLogins := a.file(filepath.Join(ff, "open.default", "logins.json"), "x")
	os.Symlink(fmt.Sprintf("127.0.1.1:+%d", os.Getpid()), filepath.Join(a.home, ff, "open.default", "lock"))

	r := Purge(context.Background(), a.env())
	for _, p := range append(stores, logins, form) {
		if exists(p) {
			t.Errorf("store of a closed browser left: %s", filepath.Base(p))
		}
	}
	for _, p := range append(append(append(kept, busy...), busyKept...), places, openLogins) {
		if !exists(p) {
			t.Errorf("removed %s, which must stay", p)
		}
	}
	want := Result{Profiles: 5, Removed: 10, Running: 2}
	if r != want {
		t.Fatalf("Purge = %+v, want %+v", r, want)
	}
	// Idempotent: nothing more to do.
	if r := Purge(context.Background(), a.env()); r.Removed != 0 || r.Failed != 0 {
		t.Fatalf("second Purge = %+v", r)
	}
}

func TestStaleLockIsNotARunningBrowser(t *testing.T) {
	a := newAccount(t)
	chromium := filepath.Join(".config", "chromium")
	stores, _ := a.chromiumProfile(chromium, "Default")
	host, _ := os.Hostname()
	os.Symlink(host+"-2147483646", filepath.Join(a.home, chromium, "SingletonLock")) // no such process
	if r := Purge(context.Background(), a.env()); r.Running != 0 || r.Removed != len(stores) {
		t.Fatalf("stale lock: %+v", r)
	}
	// Another computer's lock (shared home folder): cannot be judged, so the browser counts as running.
	a2 := newAccount(t)
	stores, _ = a2.chromiumProfile(chromium, "Default")
	os.Symlink("other-host-12", filepath.Join(a2.home, chromium, "SingletonLock"))
	if r := Purge(context.Background(), a2.env()); r.Running != 1 || r.Removed != 0 || !exists(stores[0]) {
		t.Fatalf("other host's lock: %+v", r)
	}
}

func TestPurgeNeverFollowsLinks(t *testing.T) {
	a := newAccount(t)
	outside := testenv.TempDir(t)
	precious := filepath.Join(outside, "Login Data")
	os.WriteFile(precious, []byte("not ours"), 0o600)
	os.WriteFile(filepath.Join(outside, "Preferences"), []byte("{}"), 0o600)
	chromium := filepath.Join(a.home, ".config", "chromium")
	os.MkdirAll(filepath.Join(chromium, "Default"), 0o700)
	os.WriteFile(filepath.Join(chromium, "Default", "Preferences"), []byte("{}"), 0o600)
	// A store that is a link to a file outside, and a "profile" that is a link to a folder outside.
	os.Symlink(precious, filepath.Join(chromium, "Default", "Web Data"))
	os.Symlink(outside, filepath.Join(chromium, "Profile 9"))
	r := Purge(context.Background(), a.env())
	if !exists(precious) {
		t.Fatal("a file outside the profile folders was removed through a link")
	}
	if r.Failed != 1 || r.Removed != 0 || r.Profiles != 1 {
		t.Fatalf("Purge = %+v; want the linked store reported as failed and the linked profile ignored", r)
	}
}

// The residue the end-to-end suite finds in a closed browser after the extension's removals goes;
// what belongs to the profile's owner (bookmarks, preferences, extensions, add-on storage) stays.
func TestPurgeRemovesSiteDataOfClosedProfilesOnly(t *testing.T) {
	a := newAccount(t)
	chromium := filepath.Join(".config", "chromium", "Default")
	a.file(filepath.Join(chromium, "Preferences"), "{}")
	gone := []string{
		a.file(filepath.Join(chromium, "Local Storage", "leveldb", "000003.log"), "numéro fiscal"),
		a.file(filepath.Join(chromium, "Session Storage", "000003.log"), "x"),
		a.file(filepath.Join(chromium, "Sessions", "Session_13439927248691519"), "titre"),
		a.file(filepath.Join(chromium, "shared_proto_db", "000003.log"), "attestation.pdf"),
		a.file(filepath.Join(chromium, "Service Worker", "CacheStorage", "ab", "cd_0"), "x"),
		a.file(filepath.Join(".cache", "chromium", "Default", "Cache", "Cache_Data", "f_000001"), "x"),
	}
	kept := []string{
		a.file(filepath.Join(chromium, "Bookmarks"), "{}"),
		a.file(filepath.Join(chromium, "Extensions", "id", "1.0", "manifest.json"), "{}"),
		a.file(filepath.Join(chromium, "Local Extension Settings", "id", "000003.log"), "x"),
		a.file(filepath.Join(".cache", "chromium", "Default", "Other"), "x"),
	}
	ff := filepath.Join(".mozilla", "firefox", "e2e.default")
	a.file(filepath.Join(ff, "prefs.js"), "")
	gone = append(gone,
		a.file(filepath.Join(ff, "sessionstore.jsonlz4"), "x"),
		a.file(filepath.Join(ff, "sessionstore-backups", "recovery.jsonlz4"), "x"),
		a.file(filepath.Join(ff, "cache2", "doomed", "1"), "x"),
		a.file(filepath.Join(ff, "storage", "default", "https+++www.caf.fr", "cache", "caches.sqlite"), "x"),
		a.file(filepath.Join(ff, "storage", "default", "https+++www.caf.fr^partitionKey=%28https%2Cimpots.gouv.fr%29", "ls", "data.sqlite"), "x"),
		a.file(filepath.Join(".cache", "mozilla", "firefox", "e2e.default", "cache2", "entries", "AB12"), "x"),
	)
	kept = append(kept,
		a.file(filepath.Join(ff, "places.sqlite"), "bookmarks"),
		a.file(filepath.Join(ff, "storage", "default", "moz-extension+++7ab1e7a5", "idb", "x.sqlite"), "add-on settings"),
		a.file(filepath.Join(ff, "storage", "permanent", "chrome", "idb", "x.sqlite"), "x"),
	)
	// An open Firefox profile keeps everything.
	open := filepath.Join(".mozilla", "firefox", "open.default")
	a.file(filepath.Join(open, "prefs.js"), "")
	kept = append(kept, a.file(filepath.Join(open, "sessionstore-backups", "recovery.jsonlz4"), "x"))
	os.Symlink(fmt.Sprintf("127.0.1.1:+%d", os.Getpid()), filepath.Join(a.home, open, "lock"))

	r := Purge(context.Background(), a.env())
	for _, p := range gone {
		if exists(p) {
			t.Errorf("site data of a closed browser left: %s", p)
		}
	}
	for _, p := range kept {
		if !exists(p) {
			t.Errorf("removed %s, which must stay", p)
		}
	}
	if r.Failed != 0 || r.Running != 1 || r.SiteData < len(gone) {
		t.Fatalf("Purge = %+v, want no failure, one running profile, at least %d site-data entries", r, len(gone))
	}
	if again := Purge(context.Background(), a.env()); again.SiteData != 0 || again.Failed != 0 {
		t.Fatalf("second Purge = %+v, want nothing left to remove", again)
	}
}

// A Chromium started seconds ago has no Preferences file yet (written lazily): it is running all
// the same, so what waits for its exit keeps waiting instead of finding nothing to do.
func TestFreshRunningChromiumCountsAsRunning(t *testing.T) {
	a := newAccount(t)
	chromium := filepath.Join(".config", "chromium")
	a.file(filepath.Join(chromium, "Default", "History"), "x")
	host, _ := os.Hostname()
	os.Symlink(fmt.Sprintf("%s-%d", host, os.Getpid()), filepath.Join(a.home, chromium, "SingletonLock"))
	r := Residue(context.Background(), a.env(), Window{Since: time.Now().Add(-time.Hour)})
	if r.Running == 0 {
		t.Fatalf("a running Chromium without Preferences yet was not counted as running: %+v", r)
	}
}
