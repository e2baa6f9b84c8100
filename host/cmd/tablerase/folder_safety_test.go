//go:build linux

package main

// The folder-safety cases of issue 16, each against the real binary with start and end in two
// processes (as sendNativeMessage does). Each would lose files that existed before the session
// without the fix: a folder is an identity, and some folders are never wiped.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

type endReport struct {
	Status string `json:"status"`
	Files  struct {
		Status  string `json:"status"`
		Removed int    `json:"removed"`
		Folders []struct {
			Label   string         `json:"label"`
			Status  string         `json:"status"`
			Removed int            `json:"removed"`
			Errors  map[string]int `json:"errors"`
		} `json:"folders"`
	} `json:"files"`
}

func (e *env) start() {
	e.t.Helper()
	resps, code, stderr := e.exchange([]string{chromeOrigin}, `{"id":"1","cmd":"session.start"}`)
	if code != 0 || len(resps) != 1 || !resps[0].OK {
		e.t.Fatalf("session.start: code %d %+v %s", code, resps, stderr)
	}
}

func (e *env) end() endReport {
	e.t.Helper()
	resps, code, stderr := e.exchange([]string{chromeOrigin}, `{"id":"2","cmd":"session.end"}`)
	if code != 0 || len(resps) != 1 || !resps[0].OK {
		e.t.Fatalf("session.end: code %d %+v %s", code, resps, stderr)
	}
	var r endReport
	if err := json.Unmarshal(resps[0].Result, &r); err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) clean() endReport {
	e.t.Helper()
	cmd := exec.Command(binary, "clean", "--json")
	cmd.Env = e.vars
	out, _ := cmd.Output()
	var r endReport
	if err := json.Unmarshal(out, &r); err != nil {
		e.t.Fatalf("clean --json: %v (%s)", err, out)
	}
	return r
}

func seed(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustStay(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was lost: %v", p, err)
		}
	}
}

func folderStatus(r endReport, label string) (string, map[string]int) {
	for _, f := range r.Files.Folders {
		if f.Label == label {
			return f.Status, f.Errors
		}
	}
	return "", nil
}

// Case 1: Downloads renamed away during the session and Documents renamed (or linked) into its
// place. Before: every file of Documents was unknown to the snapshot and went, status clean.
func TestCase1FolderSwappedDuringSessionLosesNothing(t *testing.T) {
	for _, how := range []string{"renamed", "linked"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t, "")
			seed(t, filepath.Join(e.downloads, "ancien.pdf"), "old")
			doc := seed(t, filepath.Join(e.home, "Documents", "impots-2024.pdf"), "the aidant's")
			e.start()
			os.Rename(e.downloads, filepath.Join(e.home, "Downloads.old"))
			if how == "renamed" {
				os.Rename(filepath.Dir(doc), e.downloads)
				doc = filepath.Join(e.downloads, filepath.Base(doc))
			} else if err := os.Symlink(filepath.Dir(doc), e.downloads); err != nil {
				t.Fatal(err)
			}
			r := e.end()
			mustStay(t, doc, filepath.Join(e.home, "Downloads.old", "ancien.pdf"))
			if st, codes := folderStatus(r, "watch-1"); st != "moved" || codes["moved"] != 1 || r.Status != "partial" || r.Files.Removed != 0 {
				t.Errorf("report: %+v, want the folder moved, nothing removed, partial", r)
			}
		})
	}
}

// Case 2: Downloads is a link to a disk or share not mounted at the start, mounted before the
// end. Before: the snapshot said "did not exist" and every old file of the share went.
func TestCase2ShareMountedDuringSessionKeepsItsFiles(t *testing.T) {
	e := newEnv(t, "")
	os.RemoveAll(e.downloads)
	disk := filepath.Join(e.home, "disk")
	old := seed(t, filepath.Join(disk, "releves", "releve-2019.pdf"), "old")
	mnt := filepath.Join(e.home, "mnt", "share")
	if err := os.Symlink(mnt, e.downloads); err != nil {
		t.Fatal(err)
	}
	e.start()
	os.MkdirAll(mnt, 0o700)
	mounted := false
	if err := unix.Mount(disk, mnt, "", unix.MS_BIND, ""); err == nil {
		mounted = true // a real mount, as root
		t.Cleanup(func() { unix.Unmount(mnt, unix.MNT_DETACH) })
	} else {
		os.Remove(mnt) // unprivileged: the share appears by rename, which keeps birth times too
		if err := os.Rename(disk, mnt); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(20 * time.Millisecond) // past the file system's coarse clock tick
	newFile := seed(t, filepath.Join(e.downloads, "attestation-caf.pdf"), "new")
	r := e.end()
	mustStay(t, filepath.Join(e.downloads, "releves", filepath.Base(old)))
	if _, err := os.Stat(newFile); err == nil {
		t.Errorf("the session's file stayed")
	}
	if r.Files.Removed != 1 {
		t.Errorf("report (mounted=%v): %+v, want the one new file removed", mounted, r)
	}
}

// Case 3: XDG_DOWNLOAD_DIR="$HOME/.." or "/" in the user's own user-dirs.dirs, scope all. Before:
// the whole home was emptied; "/" was reported OK by doctor.
func TestCase3DownloadsPointingAtTheHomesParentOrRoot(t *testing.T) {
	for _, dir := range []string{`$HOME/..`, `/`} {
		t.Run(dir, func(t *testing.T) {
			e := newEnv(t, `{"scope": "all"}`)
			seed(t, filepath.Join(e.home, ".config", "user-dirs.dirs"), `XDG_DOWNLOAD_DIR="`+dir+`"`+"\n")
			kept := []string{seed(t, filepath.Join(e.home, ".bashrc"), "x"), seed(t, filepath.Join(e.home, "Documents", "cv.odt"), "x"),
				seed(t, filepath.Join(filepath.Dir(e.home), "voisin.txt"), "x")}
			e.start()
			r := e.end()
			mustStay(t, kept...)
			if st, codes := folderStatus(r, "downloads"); st != "refused" || len(codes) != 1 || r.Status != "partial" {
				t.Errorf("session.end: %+v, want downloads refused, partial", r)
			}
			r = e.clean()
			mustStay(t, kept...)
			if st, _ := folderStatus(r, "downloads"); st != "refused" {
				t.Errorf("clean: %+v, want downloads refused", r)
			}
			cmd := exec.Command(binary, "doctor", "--json")
			cmd.Env = e.vars
			out, err := cmd.Output()
			var rep struct {
				OK     bool `json:"ok"`
				Checks []struct{ ID, Label, Status string }
			}
			json.Unmarshal(out, &rep)
			failed := false
			for _, c := range rep.Checks {
				failed = failed || c.ID == "folder" && c.Label == "downloads" && c.Status == "fail"
			}
			if err == nil || rep.OK || !failed {
				t.Errorf("doctor: exit %v, %s; want it to fail on the downloads folder", err, out)
			}
		})
	}
}

// Case 4: "watch": ["~/.local"] in scope all, with the host installed per user in ~/.local/bin
// and its state in ~/.local/state. Before: both went.
func TestCase4WatchingTheFolderThatHoldsTheHost(t *testing.T) {
	e := newEnv(t, `{"scope": "all", "default_folders": false, "watch": ["~/.local"]}`)
	bin := filepath.Join(e.home, ".local", "bin", "tablerase")
	data, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	seed(t, bin, string(data))
	os.Chmod(bin, 0o755)
	var vars []string
	for _, v := range e.vars {
		if len(v) < 15 || v[:15] != "XDG_STATE_HOME=" {
			vars = append(vars, v) // the state in its default place, ~/.local/state/tablerase
		}
	}
	e.vars = vars
	other := seed(t, filepath.Join(e.home, ".local", "share", "app", "data.db"), "x")
	cmd := exec.Command(bin, "clean", "--json")
	cmd.Env = e.vars
	out, _ := cmd.Output()
	var r endReport
	json.Unmarshal(out, &r)
	mustStay(t, bin, other, filepath.Join(e.home, ".local", "state", "tablerase"))
	if st, codes := folderStatus(r, "watch-1"); st != "refused" || (codes["binary"] != 1 && codes["state"] != 1) {
		t.Errorf("clean: %s, want watch-1 refused (binary or state)", out)
	}
}

// Case 5: a bind mount of another folder inside Downloads, same file system (same device
// number). Before: it was entered and emptied in scope all.
func TestCase5BindMountInsideDownloadsIsNotEntered(t *testing.T) {
	e := newEnv(t, `{"scope": "all", "default_folders": false, "watch": ["~/Downloads"]}`)
	precious := seed(t, filepath.Join(e.home, "Documents", "precious.pdf"), "x")
	bound := filepath.Join(e.downloads, "bound")
	os.MkdirAll(bound, 0o700)
	if err := unix.Mount(filepath.Dir(precious), bound, "", unix.MS_BIND, ""); err != nil {
		t.Skipf("bind mounts need root here: %v", err)
	}
	t.Cleanup(func() { unix.Unmount(bound, unix.MNT_DETACH) })
	newFile := seed(t, filepath.Join(e.downloads, "new.pdf"), "x")
	r := e.clean()
	mustStay(t, precious, filepath.Join(bound, "precious.pdf"))
	if _, err := os.Stat(newFile); err == nil {
		t.Error("the rest of Downloads was not cleaned")
	}
	if st, codes := folderStatus(r, "watch-1"); st != "partial" || codes["busy"] != 1 {
		t.Errorf("clean: %+v, want partial with the mount point counted busy", r)
	}
}
