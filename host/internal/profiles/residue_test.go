//go:build unix

package profiles

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/testenv"
)

// old dates a file or folder from before the session (set after its contents are written:
// writing a child changes a folder's time).
func (a *account) old(p string, since time.Time) string {
	a.t.Helper()
	at := since.Add(-24 * time.Hour)
	if err := os.Chtimes(p, at, at); err != nil {
		a.t.Fatal(err)
	}
	return p
}

// Scope session on the aidant's own computer: what the accompaniment wrote in a closed profile
// goes — disk caches, session restore, LevelDB logs, the DOM caches of the sites used — and the
// aidant's own data stays: cookies, logins, history, local storage compacted before the session,
// older session files and DOM caches, add-on storage; an open profile is not touched at all.
func TestResidueRemovesWhatTheSessionWroteAndKeepsTheAidantsData(t *testing.T) {
	a := newAccount(t)
	since := time.Now().Add(-time.Hour)
	cr := filepath.Join(".config", "chromium", "Default")
	a.file(filepath.Join(cr, "Preferences"), "{}")
	gone := []string{
		a.old(a.file(filepath.Join(cr, "Cache", "Cache_Data", "f_000001"), "old cache: a cache goes whole"), since),
		a.file(filepath.Join(".cache", "chromium", "Default", "Cache", "Cache_Data", "f_000002"), "numéro fiscal"),
		a.file(filepath.Join(cr, "Code Cache", "js", "index"), "x"),
		a.file(filepath.Join(cr, "Sessions", "Session_13439927248691519"), "titre"),
		a.file(filepath.Join(cr, "Local Storage", "leveldb", "000007.log"), "numéro fiscal"),
		a.file(filepath.Join(cr, "Session Storage", "000005.log"), "x"),
		a.file(filepath.Join(cr, "shared_proto_db", "000003.log"), "attestation-caf.pdf"),
		a.file(filepath.Join(cr, "shared_proto_db", "metadata", "000003.log"), "x"),
		filepath.Join(a.home, a.file(filepath.Join(cr, "Service Worker", "CacheStorage", "new0origin", "index.txt"), "x"), ".."),
	}
	kept := []string{
		a.file(filepath.Join(cr, "Cookies"), "written during the session, still the aidant's"),
		a.file(filepath.Join(cr, "Login Data"), "x"),
		a.file(filepath.Join(cr, "History"), "x"),
		a.file(filepath.Join(cr, "Bookmarks"), "{}"),
		a.file(filepath.Join(cr, "Local Storage", "leveldb", "CURRENT"), "MANIFEST-000001"),
		a.file(filepath.Join(cr, "Local Storage", "leveldb", "MANIFEST-000001"), "x"),
		a.old(a.file(filepath.Join(cr, "Local Storage", "leveldb", "000005.ldb"), "aidant's local storage"), since),
		a.old(a.file(filepath.Join(cr, "Local Storage", "leveldb", "000004.log"), "aidant's"), since),
		a.old(a.file(filepath.Join(cr, "Sessions", "Session_13000000000000000"), "aidant's"), since),
		a.file(filepath.Join(cr, "IndexedDB", "https_www.caf.fr_0.indexeddb.leveldb", "000003.log"), "x"),
		a.file(filepath.Join(cr, "Local Extension Settings", "id", "000003.log"), "x"),
		a.file(filepath.Join(".cache", "chromium", "Default", "Other"), "x"),
	}
	oldCS := a.file(filepath.Join(cr, "Service Worker", "CacheStorage", "old0origin", "index.txt"), "aidant's")
	kept = append(kept, oldCS, a.old(filepath.Dir(oldCS), since))

	ff := filepath.Join(".mozilla", "firefox", "abcd.default-esr")
	a.file(filepath.Join(ff, "prefs.js"), "")
	gone = append(gone,
		a.file(filepath.Join(ff, "sessionstore.jsonlz4"), "x"),
		a.file(filepath.Join(ff, "sessionstore-backups", "recovery.jsonlz4"), "x"),
		a.file(filepath.Join(ff, "storage", "default", "https+++www.caf.fr", "cache", "morgue", "12", "{0d1e}.final"), "numéro fiscal"),
		a.file(filepath.Join(".cache", "mozilla", "firefox", "abcd.default-esr", "cache2", "entries", "AB12"), "x"),
		a.file(filepath.Join(".cache", "mozilla", "firefox", "abcd.default-esr", "thumbnails", "x.png"), "x"),
	)
	oldFFCache := a.file(filepath.Join(ff, "storage", "default", "https+++aidant.example", "cache", "caches.sqlite"), "aidant's")
	kept = append(kept,
		a.file(filepath.Join(ff, "cookies.sqlite"), "x"),
		a.file(filepath.Join(ff, "logins.json"), "x"),
		a.file(filepath.Join(ff, "places.sqlite"), "x"),
		a.old(a.file(filepath.Join(ff, "sessionstore-backups", "previous.jsonlz4"), "aidant's"), since),
		a.file(filepath.Join(ff, "storage", "default", "https+++www.caf.fr", "ls", "data.sqlite"), "x"),
		a.file(filepath.Join(ff, "storage", "default", "moz-extension+++7ab1e7a5", "cache", "caches.sqlite"), "add-on's"),
		oldFFCache, a.old(filepath.Dir(oldFFCache), since),
	)
	// An open Firefox profile keeps everything.
	open := filepath.Join(".mozilla", "firefox", "open.default")
	a.file(filepath.Join(open, "prefs.js"), "")
	kept = append(kept, a.file(filepath.Join(open, "sessionstore-backups", "recovery.jsonlz4"), "x"),
		a.file(filepath.Join(open, "cache2", "entries", "CD34"), "x"))
	os.Symlink(fmt.Sprintf("127.0.1.1:+%d", os.Getpid()), filepath.Join(a.home, open, "lock"))

	r := Residue(context.Background(), a.env(), Window{Since: since})
	for _, p := range gone {
		if exists(p) {
			t.Errorf("residue of the session left: %s", p)
		}
	}
	for _, p := range kept {
		if !exists(p) {
			t.Errorf("removed %s, which is the aidant's", p)
		}
	}
	if r.Failed != 0 || r.Running != 1 || r.Profiles != 3 || r.Removed != 0 || r.SiteData < len(gone) {
		t.Fatalf("Residue = %+v, want 3 profiles, 1 running, no store, at least %d entries, no failure", r, len(gone))
	}
	if again := Residue(context.Background(), a.env(), Window{Since: since}); again.SiteData != 0 || again.Failed != 0 {
		t.Fatalf("second Residue = %+v, want nothing left to remove", again)
	}
}

// The residue step never goes through a link: a Sessions folder or a site's DOM cache that is a
// link to a folder elsewhere leaves that folder whole; a cache that is a link goes as a link.
func TestResidueNeverFollowsLinks(t *testing.T) {
	a := newAccount(t)
	since := time.Now().Add(-time.Hour)
	outside := testenv.TempDir(t)
	precious := filepath.Join(outside, "Session_1")
	if err := os.WriteFile(precious, []byte("not ours"), 0o600); err != nil {
		t.Fatal(err)
	}
	cr := filepath.Join(a.home, ".config", "chromium", "Default")
	a.file(filepath.Join(".config", "chromium", "Default", "Preferences"), "{}")
	testenv.Symlink(t, outside, filepath.Join(cr, "Sessions"))
	testenv.Symlink(t, outside, filepath.Join(cr, "Cache"))
	ff := filepath.Join(".mozilla", "firefox", "p.default")
	a.file(filepath.Join(ff, "prefs.js"), "")
	os.MkdirAll(filepath.Join(a.home, ff, "storage", "default", "https+++www.caf.fr"), 0o700)
	testenv.Symlink(t, outside, filepath.Join(a.home, ff, "storage", "default", "https+++www.caf.fr", "cache"))
	testenv.Symlink(t, outside, filepath.Join(a.home, ff, "storage", "default", "https+++impots.gouv.fr"))

	r := Residue(context.Background(), a.env(), Window{Since: since})
	if !exists(precious) {
		t.Fatal("a file outside the profile was removed through a link")
	}
	if exists(filepath.Join(cr, "Cache")) {
		t.Error("the Cache link should go (the link, not its target)")
	}
	if !exists(filepath.Join(cr, "Sessions")) || !exists(filepath.Join(a.home, ff, "storage", "default", "https+++www.caf.fr", "cache")) {
		t.Error("a link where a folder is gone through, or a link where a folder is expected, must stay")
	}
	if r.Failed != 0 || r.SiteData != 1 {
		t.Fatalf("Residue = %+v, want only the Cache link removed", r)
	}
}
