// Package config reads the administrator's configuration of the Table rase
// host: the wipe scope, the watched folders, the extra extensions allowed to
// talk to the host and the trace cleaners to run.
//
// Design decisions:
//
//   - The configuration is the only source of folders the host will ever wipe.
//     Native messages never carry a path (invariant 1); what is wiped comes from
//     this package: the OS's known folders (Downloads, dedicated scanner output
//     folders: machine.Env.KnownFolders) and the admin's `watch` list, expanded by
//     machine.Env.Expand (one rule per OS; an unset variable is an error).
//   - Parsing is strict. An unknown field, a wrong type, a relative path or an
//     unset variable is an error wrapping ErrInvalid, never silently ignored: a
//     typo in `"scope": "al"` must not turn a public computer into a
//     session-scoped one without anybody noticing. Error messages name the field
//     (`watch[2]`), never its value: values may contain user names.
//   - Broad personal folders (Documents, Pictures) are not default folders even
//     where a scanner application saves into them by default (simple-scan saves
//     to XDG_DOCUMENTS_DIR, Image Capture to Pictures): other applications write
//     there during a session too (a photo library, a synced folder, a repository)
//     and in scope `all` the whole folder would go. Only folders dedicated to
//     scans are defaults (Windows `Documents\Scanned Documents`, `Pictures\Scans`);
//     an admin adds anything else with `watch`.
//   - Every folder, default or configured, goes through the guard package
//     (roots, homes, system folders, what holds the host): a refused folder
//     is kept in the list with its code, reported by label and never wiped,
//     while the other folders go on being cleaned. This is the one place a
//     folder is judged; it runs at every load, so at session.start, at the
//     end, at `clean` and in `doctor`, after links are resolved.
//   - Watched folders are deduplicated: a folder inside another one is dropped
//     (the outer one already covers it), so one file is never counted twice.
//     A refused folder covers nothing.
//   - On Windows, Group Policy values under HKLM then HKCU
//     `SOFTWARE\Policies\TableRase` override the file, value by value. The merge
//     is portable code tested with a fake; the registry is read through
//     machine.RegistryReader (nil, so no policy, on other systems).
package config

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tablerase/tablerase/host/internal/guard"
	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/protocol"
)

// Scope says which files a wipe removes.
type Scope string

const (
	// ScopeSession removes only what was created or modified after session.start.
	ScopeSession Scope = "session"
	// ScopeAll empties the watched folders (public computers).
	ScopeAll Scope = "all"
)

// Sources of a Config, safe to log.
const (
	SourceDefaults = "defaults"
	SourceFile     = "file"
	SourceRegistry = "registry"
)

// Folder is one watched folder. Label is safe to log ("downloads", "scans",
// "scans-2", "watch-1"…); Path must never be logged (it contains the user name).
type Folder struct {
	Label string
	Path  string
	// Refused is the guard's code ("root", "home", "system", "state"…) for a
	// folder that must never be wiped, "" otherwise. A refused folder stays in
	// the list so that it is reported by its label; nothing of it is touched.
	Refused string
}

// Config is the resolved configuration: defaults applied, variables expanded,
// paths absolute and cleaned, folders deduplicated.
type Config struct {
	Scope                Scope
	Folders              []Folder
	AllowedExtensions    []string
	ClearClipboard       bool
	ClearRecentDocuments bool
	// Source is "defaults", "file" or "registry" (the latter when at least one
	// policy value was applied). Safe to log.
	Source string
}

// ErrInvalid is wrapped by every error caused by the content of the
// configuration (file or registry). Messages name the field, never its value.
var ErrInvalid = errors.New("invalid configuration")

// maxFileSize bounds the configuration file read by Load.
const maxFileSize = 1 << 20

// raw holds the fields as written by the admin; nil means "not set".
type raw struct {
	Scope                *string   `json:"scope"`
	DefaultFolders       *bool     `json:"default_folders"`
	Watch                *[]string `json:"watch"`
	AllowedExtensions    *[]string `json:"allowed_extensions"`
	ClearClipboard       *bool     `json:"clear_clipboard"`
	ClearRecentDocuments *bool     `json:"clear_recent_documents"`
}

// Parse decodes and validates a configuration file's content and resolves it
// against the current user's environment (home, known folders, variables).
func Parse(data []byte) (Config, error) {
	r, err := decode(data)
	if err != nil {
		return Config{}, err
	}
	return resolve(r, SourceFile, currentPlatform())
}

// Load reads the configuration file (TABLERASE_CONFIG, else the per-OS path;
// a missing file means defaults), applies the Windows policy values, and
// resolves the result.
func Load() (Config, error) {
	path := File()
	if !filepath.IsAbs(path) {
		return Config{}, fmt.Errorf("%w: TABLERASE_CONFIG must be an absolute path", ErrInvalid)
	}
	source := SourceDefaults
	var r raw
	data, err := readFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return Config{}, err
	default:
		if r, err = decode(data); err != nil {
			return Config{}, err
		}
		source = SourceFile
	}
	applied, err := applyPolicy(&r, policyFrom(context.Background(), machine.NativeRegistryReader()))
	if err != nil {
		return Config{}, err
	}
	if applied {
		source = SourceRegistry
	}
	return resolve(r, source, currentPlatform())
}

// File is the configuration file Load reads: TABLERASE_CONFIG, else the
// per-OS path.
func File() string {
	if path := os.Getenv("TABLERASE_CONFIG"); path != "" {
		return path
	}
	return machine.ConfigFile()
}

// refuser is the guard every real folder goes through: the machine's places,
// the state folder and the configuration file's folder.
func refuser() func(string) string {
	state, _ := machine.StateFolder()
	file := File()
	if !filepath.IsAbs(file) {
		file = ""
	}
	g := guard.ForHost(state, file)
	return func(path string) string {
		var r *guard.Refusal
		if err := g.Check(path); errors.As(err, &r) {
			return r.Code
		} else if err != nil {
			return guard.CodeRelative
		}
		return ""
	}
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: open configuration file: %w", cause(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: the configuration file is not a regular file", ErrInvalid)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, errors.New("config: cannot read the configuration file")
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%w: the configuration file is larger than %d bytes", ErrInvalid, maxFileSize)
	}
	return data, nil
}

// decode is strict: one JSON object, known fields only, right types.
func decode(data []byte) (raw, error) {
	var r raw
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Notepad's BOM
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return raw{}, fmt.Errorf("%w: the file must hold one JSON object", ErrInvalid)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return raw{}, describeJSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return raw{}, fmt.Errorf("%w: unexpected data after the JSON object", ErrInvalid)
	}
	return r, nil
}

func describeJSONError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("%w: JSON syntax error at byte %d", ErrInvalid, syn.Offset)
	case errors.As(err, &typ):
		return fmt.Errorf("%w: field %q must be %s, not a JSON %s", ErrInvalid, typ.Field, expectedType(typ.Field), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%w: JSON cut short", ErrInvalid)
	}
	if name, ok := strings.CutPrefix(err.Error(), `json: unknown field "`); ok {
		name = strings.TrimSuffix(name, `"`)
		if len(name) > 64 {
			name = name[:64] + "…"
		}
		return fmt.Errorf("%w: unknown field %q (known: scope, default_folders, watch, allowed_extensions, clear_clipboard, clear_recent_documents)", ErrInvalid, name)
	}
	return fmt.Errorf("%w: %v", ErrInvalid, err)
}

func expectedType(field string) string {
	switch {
	case field == "scope":
		return `"session" or "all"`
	case strings.HasPrefix(field, "watch") || strings.HasPrefix(field, "allowed_extensions"):
		return "an array of strings"
	default:
		return "true or false"
	}
}

// platform is the per-OS seam: everything resolve needs from the machine.
type platform struct {
	env      machine.Env                            // home, environment and OS: machine.Env.Expand
	defaults func(p platform, scope Scope) []Folder // OS known folders
	key      func(cleaned string) string            // comparison key (case folding on Windows)
	refuse   func(path string) string               // the guard's code for a folder never to wipe, "" if none
}

func resolve(r raw, source string, p platform) (Config, error) {
	c := Config{Scope: ScopeSession, ClearClipboard: true, ClearRecentDocuments: true, Source: source}
	if r.Scope != nil {
		switch s := Scope(*r.Scope); s {
		case ScopeSession, ScopeAll:
			c.Scope = s
		default:
			return Config{}, fmt.Errorf(`%w: scope must be "session" or "all"`, ErrInvalid)
		}
	}
	if r.ClearClipboard != nil {
		c.ClearClipboard = *r.ClearClipboard
	}
	if r.ClearRecentDocuments != nil {
		c.ClearRecentDocuments = *r.ClearRecentDocuments
	}
	var folders []Folder
	if r.DefaultFolders == nil || *r.DefaultFolders {
		folders = append(folders, p.defaults(p, c.Scope)...)
	}
	if r.Watch != nil {
		for i, w := range *r.Watch {
			path, err := expandPath(w, p)
			if err != nil {
				return Config{}, fmt.Errorf("%w: watch[%d]: %v", ErrInvalid, i, err)
			}
			folders = append(folders, Folder{Label: fmt.Sprintf("watch-%d", i+1), Path: path})
		}
	}
	for i := range folders {
		if p.refuse != nil {
			folders[i].Refused = p.refuse(folders[i].Path)
		}
	}
	c.Folders = dedupe(folders, p.key)
	if r.AllowedExtensions != nil {
		seen := map[string]bool{}
		for i, id := range *r.AllowedExtensions {
			if !ValidExtensionID(id) {
				return Config{}, fmt.Errorf("%w: allowed_extensions[%d] is neither a Chromium extension id (32 letters a-p) nor a Firefox add-on id (name@domain or {uuid})", ErrInvalid, i)
			}
			if !seen[id] {
				seen[id] = true
				c.AllowedExtensions = append(c.AllowedExtensions, id)
			}
		}
	}
	return c, nil
}

// ValidExtensionID reports whether id is a Chromium extension id (32 letters
// a-p) or a Firefox add-on id (email-like, as addons.mozilla.org accepts, or a
// braced UUID). The one definition lives with the caller check.
func ValidExtensionID(id string) bool { return protocol.ValidExtensionID(id) }

// expandPath expands a leading "~" and the OS's variables (machine.Env.Expand: an unset
// or empty variable is an error), then requires an absolute path. Whether the folder may be
// wiped at all (a root, the home…) is the guard's decision, made for every folder in resolve.
func expandPath(s string, p platform) (string, error) {
	s, err := p.env.Expand(s)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(s) {
		return "", errors.New("not an absolute path")
	}
	return filepath.Clean(s), nil
}

// knownFolders is the platform's defaults on a real computer: the OS's known
// folders (machine.Env.KnownFolders).
func knownFolders(p platform, _ Scope) []Folder {
	var out []Folder
	for _, k := range p.env.KnownFolders() {
		out = append(out, Folder{Label: k.Label, Path: k.Path})
	}
	return out
}

// dedupe drops a folder equal to or inside a folder already kept; a new
// outer folder replaces the kept folders inside it, at the first one's place.
// Refused folders are kept as they are and cover nothing.
func dedupe(in []Folder, key func(string) string) []Folder {
	var out []Folder
next:
	for _, f := range in {
		k := key(f.Path)
		for _, o := range out {
			if o.Refused == "" && within(k, key(o.Path)) {
				continue next
			}
		}
		if f.Refused != "" {
			out = append(out, f)
			continue
		}
		placed := false
		kept := make([]Folder, 0, len(out)+1)
		for _, o := range out {
			if o.Refused == "" && within(key(o.Path), k) {
				if !placed {
					kept, placed = append(kept, f), true
				}
				continue
			}
			kept = append(kept, o)
		}
		if !placed {
			kept = append(kept, f)
		}
		out = kept
	}
	return out
}

// within reports whether path equals dir or lies inside it (both cleaned).
func within(path, dir string) bool {
	if path == dir {
		return true
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
