package profiles

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/testenv"
)

// winAccount is one Windows profile: LocalAppData and AppData (Roaming) under a temp folder.
type winAccount struct {
	t                    *testing.T
	home, local, roaming string
}

func newWinAccount(t *testing.T) *winAccount {
	home := testenv.TempDir(t)
	return &winAccount{t: t, home: home, local: filepath.Join(home, "AppData", "Local"), roaming: filepath.Join(home, "AppData", "Roaming")}
}

func (a *winAccount) env() machine.Env {
	vars := map[string]string{"LOCALAPPDATA": a.local, "APPDATA": a.roaming, "USERPROFILE": a.home}
	return machine.Env{OS: "windows", Home: a.home, Getenv: func(k string) string { return vars[strings.ToUpper(k)] }}
}

func (a *winAccount) file(p, content string) string {
	a.t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o700)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		a.t.Fatal(err)
	}
	return p
}

// holdOpen opens p as a running browser holds its lock: without sharing, until the test ends.
func holdOpen(t *testing.T, p string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o700)
	name, _ := windows.UTF16PtrFromString(p)
	h, err := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_ALWAYS, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { windows.CloseHandle(h) })
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

// Every browser's Windows layout: the Chromium family's "User Data" folders under LocalAppData
// (cache inside the profile), Firefox's profiles under AppData\Roaming and its cache under
// LocalAppData. A browser that runs holds its lock file open without sharing and is left alone.
func TestPurgeWindowsLayoutsOfEveryBrowser(t *testing.T) {
	a := newWinAccount(t)
	var gone, kept []string
	userData := map[machine.Browser]string{
		machine.Chrome:   filepath.Join(a.local, "Google", "Chrome", "User Data"),
		machine.Chromium: filepath.Join(a.local, "Chromium", "User Data"),
		machine.Edge:     filepath.Join(a.local, "Microsoft", "Edge", "User Data"),
		machine.Brave:    filepath.Join(a.local, "BraveSoftware", "Brave-Browser", "User Data"),
	}
	for b, root := range userData {
		for _, prof := range []string{"Default", "Profile 1"} {
			dir := filepath.Join(root, prof)
			kept = append(kept, a.file(filepath.Join(dir, "Preferences"), "{}"), a.file(filepath.Join(dir, "Bookmarks"), "{}"))
			for _, s := range []string{"Login Data", "Web Data", "Login Data For Account"} {
				gone = append(gone, a.file(filepath.Join(dir, s), "mot de passe"))
			}
			gone = append(gone,
				a.file(filepath.Join(dir, "Local Storage", "leveldb", "000003.log"), "numéro fiscal"),
				a.file(filepath.Join(dir, "Cache", "Cache_Data", "f_000001"), "x"))
		}
		a.file(filepath.Join(root, "Local State"), "{}")
		_ = b
	}
	// Edge runs: its "lockfile" is held open; nothing of it goes.
	edge := userData[machine.Edge]
	holdOpen(t, filepath.Join(edge, "lockfile"))
	var edgeFiles, rest []string
	for _, p := range gone {
		if strings.HasPrefix(p, edge+string(filepath.Separator)) {
			edgeFiles = append(edgeFiles, p)
		} else {
			rest = append(rest, p)
		}
	}
	gone, kept = rest, append(kept, edgeFiles...)
	// Chrome's lockfile left by a crash (not held open) does not make it running.
	a.file(filepath.Join(userData[machine.Chrome], "lockfile"), "")

	ff := filepath.Join(a.roaming, "Mozilla", "Firefox", "Profiles")
	ffCache := filepath.Join(a.local, "Mozilla", "Firefox", "Profiles")
	closed, open := filepath.Join(ff, "abcd.default-release"), filepath.Join(ff, "efgh.aidant")
	a.file(filepath.Join(closed, "prefs.js"), "")
	a.file(filepath.Join(closed, "parent.lock"), "") // left by a crash, not held
	gone = append(gone,
		a.file(filepath.Join(closed, "logins.json"), `{"logins":[]}`),
		a.file(filepath.Join(closed, "formhistory.sqlite"), "x"),
		a.file(filepath.Join(closed, "sessionstore-backups", "recovery.jsonlz4"), "x"),
		a.file(filepath.Join(closed, "storage", "default", "https+++www.caf.fr", "ls", "data.sqlite"), "x"),
		a.file(filepath.Join(ffCache, "abcd.default-release", "cache2", "entries", "AB12"), "x"))
	kept = append(kept,
		a.file(filepath.Join(closed, "places.sqlite"), "marque-pages"),
		a.file(filepath.Join(closed, "storage", "default", "moz-extension+++7ab1e7a5", "idb", "x.sqlite"), "x"),
		a.file(filepath.Join(open, "prefs.js"), ""),
		a.file(filepath.Join(open, "logins.json"), "x"),
		a.file(filepath.Join(ffCache, "efgh.aidant", "cache2", "entries", "CD34"), "x"))
	holdOpen(t, filepath.Join(open, "parent.lock"))

	r := Purge(context.Background(), a.env())
	for _, p := range gone {
		if exists(p) {
			t.Errorf("left in a closed browser: %s", strings.TrimPrefix(p, a.home))
		}
	}
	for _, p := range kept {
		if !exists(p) {
			t.Errorf("removed %s, which must stay", strings.TrimPrefix(p, a.home))
		}
	}
	// 4 Chromium-family browsers × 2 profiles + 2 Firefox profiles; Edge's 2 and one Firefox run.
	if r.Profiles != 10 || r.Running != 3 || r.Failed != 0 || r.Removed != 3*2*3+2 {
		t.Fatalf("Purge = %+v, want 10 profiles, 3 running, %d stores removed, no failure", r, 3*2*3+2)
	}
	if again := Purge(context.Background(), a.env()); again.Removed != 0 || again.SiteData != 0 || again.Failed != 0 {
		t.Fatalf("second Purge = %+v, want nothing left", again)
	}
}

// A store that is a link (symbolic link or junction on Windows) is reported, never followed.
func TestPurgeWindowsNeverFollowsLinks(t *testing.T) {
	a := newWinAccount(t)
	outside := testenv.TempDir(t)
	precious := a.file(filepath.Join(outside, "Login Data"), "pas à nous")
	dir := filepath.Join(a.local, "Google", "Chrome", "User Data", "Default")
	a.file(filepath.Join(dir, "Preferences"), "{}")
	testenv.Symlink(t, precious, filepath.Join(dir, "Web Data"))
	r := Purge(context.Background(), a.env())
	if !exists(precious) {
		t.Fatal("a file outside the profile was removed through a link")
	}
	if r.Failed != 1 || r.Removed != 0 {
		t.Fatalf("Purge = %+v, want the linked store reported as failed", r)
	}
}

// Scope session's residue in the Windows layouts: Chrome's cache inside the profile, Firefox's
// cache under LocalAppData; what the accompaniment wrote goes, the aidant's older data and stores
// stay, a running browser keeps everything.
func TestResidueWindowsLayouts(t *testing.T) {
	a := newWinAccount(t)
	since := time.Now().Add(-time.Hour)
	old := func(p string) string {
		t.Helper()
		at := since.Add(-24 * time.Hour)
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
		return p
	}
	chrome := filepath.Join(a.local, "Google", "Chrome", "User Data", "Default")
	a.file(filepath.Join(chrome, "Preferences"), "{}")
	gone := []string{
		a.file(filepath.Join(chrome, "Cache", "Cache_Data", "f_000001"), "numéro fiscal"),
		a.file(filepath.Join(chrome, "Sessions", "Session_13439927248691519"), "titre"),
		a.file(filepath.Join(chrome, "shared_proto_db", "000003.log"), "attestation.pdf"),
	}
	kept := []string{
		a.file(filepath.Join(chrome, "Cookies"), "x"),
		a.file(filepath.Join(chrome, "Login Data"), "x"),
		old(a.file(filepath.Join(chrome, "Sessions", "Session_13000000000000000"), "aidant")),
		old(a.file(filepath.Join(chrome, "Local Storage", "leveldb", "000005.ldb"), "aidant")),
	}
	edge := filepath.Join(a.local, "Microsoft", "Edge", "User Data")
	a.file(filepath.Join(edge, "Default", "Preferences"), "{}")
	kept = append(kept, a.file(filepath.Join(edge, "Default", "Sessions", "Session_1"), "x"))
	holdOpen(t, filepath.Join(edge, "lockfile"))
	ff := filepath.Join(a.roaming, "Mozilla", "Firefox", "Profiles", "abcd.default-release")
	a.file(filepath.Join(ff, "prefs.js"), "")
	gone = append(gone,
		a.file(filepath.Join(ff, "sessionstore-backups", "recovery.jsonlz4"), "x"),
		a.file(filepath.Join(ff, "storage", "default", "https+++www.caf.fr", "cache", "caches.sqlite"), "x"),
		a.file(filepath.Join(a.local, "Mozilla", "Firefox", "Profiles", "abcd.default-release", "cache2", "entries", "AB12"), "x"))
	kept = append(kept, a.file(filepath.Join(ff, "cookies.sqlite"), "x"), a.file(filepath.Join(ff, "logins.json"), "x"))

	r := Residue(context.Background(), a.env(), Window{Since: since})
	for _, p := range gone {
		if exists(p) {
			t.Errorf("left: %s", strings.TrimPrefix(p, a.home))
		}
	}
	for _, p := range kept {
		if !exists(p) {
			t.Errorf("removed %s, which is the aidant's", strings.TrimPrefix(p, a.home))
		}
	}
	if r.Running != 1 || r.Failed != 0 || r.Removed != 0 || r.SiteData < len(gone) {
		t.Fatalf("Residue = %+v", r)
	}
}
