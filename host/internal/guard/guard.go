// Package guard decides whether a folder may be wiped at all, before anything looks inside it.
//
// The host wipes only folders named by its admin configuration and the OS's known folders
// (Downloads, scanner folders), never a path from a message. But those sources can still name a
// folder that must never be emptied: xdg-user-dirs lets any program of the user write
// `XDG_DOWNLOAD_DIR="$HOME/.."`, Windows lets Downloads be redirected to the profile or a drive
// root, and an admin may write `"watch": ["~/.local"]`, which holds the host itself and its state.
// One check, the same for every folder on every OS, at session.start, at the end, at `clean` and
// in `doctor`, refuses:
//
//   - a root: `/`, a drive root, a UNC share root;
//   - the home (profile) folder and any folder containing it;
//   - any folder containing the host's state folder, its configuration file or its binary, and
//     anything inside the state folder;
//   - system folders (`/etc`, `/usr`, `C:\Windows`, `Program Files`…), inside or containing;
//   - other users' homes, inside or containing.
//
// A refused folder is a [*Refusal] with a stable code; the caller reports it by label and wipes
// nothing of it. Refusing an odd but harmless folder costs an admin one line of configuration;
// accepting a dangerous one costs somebody's files.
//
// Paths are compared twice: as written and after resolving links and junctions (the longest part
// that exists), and by identity (device and inode, or volume and file id) walking up the parents,
// so a bind mount, a second link or a case variant of a protected folder is still recognised.
package guard

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Stable codes of a Refusal. They name a kind of folder, never a path.
const (
	CodeRoot      = "root"       // a file system, drive or share root
	CodeHome      = "home"       // the user's home folder, or a folder containing it
	CodeOtherUser = "other_user" // another user's home, inside it or containing it
	CodeSystem    = "system"     // an operating-system folder, inside it or containing it
	CodeState     = "state"      // the host's state folder, inside it or containing it
	CodeConfig    = "config"     // contains the host's configuration file
	CodeBinary    = "binary"     // contains the host's own binary
	CodeRelative  = "relative"   // not an absolute path
)

// Refusal is the error Check returns for a folder that must never be wiped.
type Refusal struct{ Code string }

func (r *Refusal) Error() string { return "guard: this folder may not be wiped (" + r.Code + ")" }

// Place is a folder to protect.
type Place struct {
	Path string
	Code string
	// Inside also refuses folders inside Path (system folders, other users' homes, the state
	// folder); without it only Path itself and the folders containing it are refused (the home:
	// Downloads lives inside it).
	Inside bool
}

// Guard checks folders against a fixed set of places. It is safe for concurrent use.
type Guard struct {
	places []Place
	once   sync.Once
	known  []known
	home   []string // the home as written and resolved
}

// known is a place with what was found on disk for it, computed once.
type known struct {
	Place
	holdsHome bool // an Inside place that holds the user's home: folders in the home are not refused
	resolved  string
	self      os.FileInfo   // nil when it does not exist
	parents   []os.FileInfo // self and every existing parent up to the root, for "contains"
}

// New returns a guard for this machine (roots, home, system folders, other users' homes and
// this binary, as the OS layer finds them) plus the given places, typically the host's state
// folder and configuration file ([ForHost]).
func New(extra ...Place) *Guard {
	return &Guard{places: append(machinePlaces(), extra...)}
}

// ForHost returns the guard the host uses: the machine's places, the state folder and the folder
// of the configuration file. Either may be "" when unknown.
func ForHost(stateDir, configFile string) *Guard {
	var extra []Place
	if stateDir != "" {
		extra = append(extra, Place{Path: stateDir, Code: CodeState, Inside: true})
	}
	if configFile != "" {
		extra = append(extra, Place{Path: filepath.Dir(configFile), Code: CodeConfig})
	}
	return New(extra...)
}

// Check returns nil when folder may be wiped, or a *Refusal saying why not. folder need not
// exist (a Downloads folder created later is judged by where it would be).
func (g *Guard) Check(folder string) error {
	if !filepath.IsAbs(folder) {
		return &Refusal{Code: CodeRelative}
	}
	g.once.Do(g.learn)
	cleaned := filepath.Clean(folder)
	resolved := resolve(cleaned)
	for _, c := range []string{cleaned, resolved} {
		if isRoot(c) {
			return &Refusal{Code: CodeRoot}
		}
	}
	inHome := g.inHome(cleaned) || g.inHome(resolved)
	for _, p := range g.known {
		inside := p.Inside && !(p.holdsHome && inHome)
		for _, c := range []string{cleaned, resolved} {
			for _, pp := range []string{p.Path, p.resolved} {
				if within(key(pp), key(c)) || inside && within(key(c), key(pp)) {
					return &Refusal{Code: p.Code}
				}
			}
		}
	}
	// By identity: the folder is (or contains) a protected folder seen through another path.
	fi, err := os.Stat(resolved)
	if err != nil {
		return nil // does not exist (yet): the paths above are all there is to judge
	}
	chain := parentsOf(resolved, func(p string) os.FileInfo { fi, _ := os.Stat(p); return fi })
	for _, p := range g.known {
		for _, a := range p.parents {
			if os.SameFile(a, fi) {
				return &Refusal{Code: p.Code}
			}
		}
		if p.Inside && !(p.holdsHome && inHome) && p.self != nil {
			for _, a := range chain {
				if os.SameFile(a, p.self) {
					return &Refusal{Code: p.Code}
				}
			}
		}
	}
	return nil
}

// learn resolves and stats every place once. Places share most of their parents ("/", "/usr",
// "/home"): each path is stat'ed once.
func (g *Guard) learn() {
	cache, lcache := map[string]os.FileInfo{}, map[string]os.FileInfo{}
	stat := func(p string) os.FileInfo {
		fi, ok := cache[p]
		if !ok {
			fi, _ = os.Stat(p)
			cache[p] = fi
		}
		return fi
	}
	lstat := func(p string) os.FileInfo {
		fi, ok := lcache[p]
		if !ok {
			fi, _ = os.Lstat(p)
			lcache[p] = fi
		}
		return fi
	}
	for _, p := range g.places {
		if p.Path == "" || !filepath.IsAbs(p.Path) {
			continue
		}
		k := known{Place: p}
		k.Path = filepath.Clean(p.Path)
		k.resolved = resolvePlace(k.Path, lstat)
		if fi := stat(k.resolved); fi != nil {
			k.self = fi
			k.parents = parentsOf(k.resolved, stat)
		}
		g.known = append(g.known, k)
	}
	// The user's own home may lie inside a protected folder (a kiosk account in /var/lib, a
	// home listed twice): that folder is still refused, and so are the folders inside it, but
	// not those inside the home.
	for _, h := range g.known {
		if h.Code != CodeHome {
			continue
		}
		g.home = append(g.home, h.Path, h.resolved)
		for i := range g.known {
			if k := &g.known[i]; k.Inside && k.Code != CodeState && (within(key(h.resolved), key(k.resolved)) || within(key(h.Path), key(k.Path))) {
				k.holdsHome = true
			}
		}
	}
}

// inHome reports whether path lies inside (or is) the user's home.
func (g *Guard) inHome(path string) bool {
	for _, h := range g.home {
		if within(key(path), key(h)) {
			return true
		}
	}
	return false
}

// parentsOf stats path and each of its parents up to the root.
func parentsOf(path string, stat func(string) os.FileInfo) []os.FileInfo {
	var out []os.FileInfo
	for {
		if fi := stat(path); fi != nil {
			out = append(out, fi)
		}
		up := filepath.Dir(path)
		if up == path {
			return out
		}
		path = up
	}
}

// resolve follows links and junctions in the longest part of path that exists and appends the
// rest; a path it cannot resolve at all is returned as is.
func resolve(path string) string {
	rest := ""
	for p := path; ; {
		if r, ok := finalPath(p); ok {
			return filepath.Join(r, rest)
		}
		up := filepath.Dir(p)
		if up == p {
			return path
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = up
	}
}

// within reports whether path equals dir or lies inside it (both cleaned, compared by key).
func within(path, dir string) bool {
	if path == dir {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(path, dir)
}
