// Package install registers the Table rase host with the browsers and, on
// request, writes the browser policies that make a profile private.
//
// Design decisions:
//
//   - Where each browser looks for a host manifest, its policies and Firefox's
//     policies.json come from machine.Places, portable data, so the Windows
//     paths and keys are tested on Linux; layout.go turns them into this
//     host's registrations. machine.Env.Root prefixes every filesystem path:
//     tests and package builds install into a temporary directory (flag
//     --root, env TABLERASE_ROOT), and the manifests still name the target
//     system's paths.
//   - On Windows the registry is reached through machine.Registry (the real
//     one is machine.NativeRegistry, a map in tests), always in the 64-bit view.
//     The manifest path uses backslashes: Chrome starts hosts through cmd.exe.
//   - Only browsers that are present get a manifest, unless named explicitly:
//     a manifest for an absent browser is harmless, but an admin asking for
//     "all" wants to read which browsers were found.
//   - Firefox's policies.json is merged, never overwritten; Chromium policies
//     go to a file of our own on Linux (tablerase.json) and to values in the
//     policy keys on Windows. Everything written goes into an install record so
//     uninstall removes exactly that (record.go).
//   - Every browser is a step of its own: one failing does not stop the others,
//     and the error says which failed and what to do.
package install

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	pathpkg "path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
)

// Sentinel errors. The CLI maps them to hints.
var (
	ErrUnknownBrowser = errors.New("install: unknown browser")
	ErrNoBrowser      = errors.New("install: no supported browser found")
	ErrNoPath         = errors.New("install: path cannot be determined")
	ErrPolicyLevel    = errors.New("install: browser policies can only be written for the whole system")
	ErrPolicyOS       = errors.New("install: browser policies are deployed by configuration profile on macOS")
	ErrRecord         = errors.New("install: install record")
	ErrHostPath       = errors.New("install: host path must be absolute")
)

// Options of Install and Uninstall.
type Options struct {
	Env      machine.Env
	Level    Level
	Browsers []machine.Browser // empty: every present browser
	// NoManifests skips the host manifests (the .deb policies package merges
	// Firefox policies while the main package ships the manifests).
	NoManifests bool
	Policies    bool
	Params      policy.Params
	HostPath    string   // the host binary on the target system
	ExtraIDs    []string // config allowed_extensions: added to the manifests
	DryRun      bool
	Log         io.Writer        // one line per file or key written (or, with DryRun, that would be)
	Registry    machine.Registry // Windows layout only
	// Hooks also registers `tablerase clean` at logon/logoff (hooks.go).
	Hooks bool
	Tasks Tasks // Windows layout only, with Hooks
}

// Result says what happened.
type Result struct {
	Browsers []machine.Browser // browsers registered (or unregistered)
	Absent   []machine.Browser // requested with "all" but not found
	Record   string            // path of the install record
	Fallback bool              // uninstall without a record: recomputed
}

// Manifest is a native messaging host manifest.
type Manifest struct {
	Name              string   `json:"name"`
	Description       string   `json:"description"`
	Path              string   `json:"path"`
	Type              string   `json:"type"`
	AllowedOrigins    []string `json:"allowed_origins,omitempty"`
	AllowedExtensions []string `json:"allowed_extensions,omitempty"`
}

// NewManifest returns the manifest for browser b: Chromium origins end with a
// slash, Firefox lists add-on ids. Extra ids go to the family they belong to
// (32 letters a-p: Chromium; anything else: Firefox).
func NewManifest(b machine.Browser, hostPath string, extra []string) Manifest {
	m := Manifest{Name: policy.HostName, Description: "Table rase", Path: hostPath, Type: "stdio"}
	if b.IsFirefox() {
		m.AllowedExtensions = []string{policy.FirefoxID}
	} else {
		m.AllowedOrigins = []string{"chrome-extension://" + policy.ChromiumID + "/"}
	}
	for _, id := range extra {
		switch {
		case chromiumID(id) && !b.IsFirefox():
			if o := "chrome-extension://" + id + "/"; !slices.Contains(m.AllowedOrigins, o) {
				m.AllowedOrigins = append(m.AllowedOrigins, o)
			}
		case !chromiumID(id) && b.IsFirefox() && !slices.Contains(m.AllowedExtensions, id):
			m.AllowedExtensions = append(m.AllowedExtensions, id)
		}
	}
	return m
}

func chromiumID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range id {
		if c < 'a' || c > 'p' {
			return false
		}
	}
	return true
}

// Encode renders a manifest as indented JSON.
func (m Manifest) Encode() []byte {
	b, _ := json.MarshalIndent(m, "", "  ")
	return append(b, '\n')
}

// resolveBrowsers picks the browsers to act on.
func resolveBrowsers(o Options) (chosen, absent []machine.Browser, err error) {
	if len(o.Browsers) > 0 {
		for _, b := range o.Browsers {
			if !b.Valid() {
				return nil, nil, fmt.Errorf("%w: %q", ErrUnknownBrowser, b)
			}
		}
		return o.Browsers, nil, nil
	}
	for _, b := range machine.All {
		if o.Env.Present(b) {
			chosen = append(chosen, b)
		} else {
			absent = append(absent, b)
		}
	}
	if len(chosen) == 0 {
		return nil, absent, ErrNoBrowser
	}
	return chosen, absent, nil
}

type runner struct {
	o   Options
	rec *Record
}

func (r *runner) logf(format string, a ...any) {
	if r.o.Log == nil {
		return
	}
	if r.o.DryRun {
		format = "(dry run) " + format
	}
	fmt.Fprintf(r.o.Log, format+"\n", a...)
}

func (r *runner) windows() bool { return r.o.Env.Table() == "windows" }

// Install registers the host for the chosen browsers (and writes policies).
func Install(ctx context.Context, o Options) (Result, error) {
	if !o.Env.Absolute(o.HostPath) {
		return Result{}, ErrHostPath
	}
	if o.Policies && o.Level != System {
		return Result{}, ErrPolicyLevel
	}
	if o.Policies && o.Env.Table() == "darwin" {
		return Result{}, ErrPolicyOS
	}
	browsers, absent, err := resolveBrowsers(o)
	res := Result{Browsers: browsers, Absent: absent}
	if err != nil {
		return res, err
	}
	// Every user's browser (and, with hooks, every user's logon) will run the
	// host: a binary a non-administrator can change would run as anyone.
	if o.Level == System && (!o.NoManifests || o.Hooks) {
		if err := CheckHostBinary(o.Env, o.HostPath); err != nil {
			return res, err
		}
	}
	recPath, err := RecordPath(o.Env, o.Level)
	if err != nil {
		return res, err
	}
	res.Record = recPath
	rec, err := readRecord(o.Env.Path(recPath))
	if err != nil && o.Log != nil {
		fmt.Fprintf(o.Log, "warning: %v: starting a new one (uninstall will not know the earlier install)\n", err)
	}
	if rec == nil {
		rec = &Record{}
	}
	rec.Version, rec.Level, rec.HostPath = recordVersion, o.Level, o.HostPath
	r := &runner{o: o, rec: rec}
	if r.windows() && o.Registry == nil {
		return res, ErrNoRegistry
	}
	var errs []error
	for _, b := range browsers {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		if !o.NoManifests {
			if err := r.register(b); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", b, err))
			}
		}
		if o.Policies {
			if err := r.writePolicies(b); err != nil {
				errs = append(errs, fmt.Errorf("%s policies: %w", b, err))
			}
		}
	}
	if !o.NoManifests {
		if err := r.registerEventSource(); err != nil {
			errs = append(errs, fmt.Errorf("event log source: %w", err))
		}
	}
	if o.Hooks {
		if err := r.writeHooks(); err != nil {
			errs = append(errs, fmt.Errorf("logon hook: %w", err))
		}
	}
	if !o.DryRun {
		if err := r.mkdirs(recPath); err != nil {
			errs = append(errs, err)
		}
		data, _ := json.MarshalIndent(rec, "", "  ")
		if err := writeFile(o.Env.Path(recPath), append(data, '\n'), 0o600); err != nil {
			errs = append(errs, fmt.Errorf("%w: %w", ErrRecord, err))
		}
	}
	return res, errors.Join(errs...)
}

func (r *runner) register(b machine.Browser) error {
	reg, err := Registrations(r.o.Env, r.o.Level, b, r.o.HostPath)
	if err != nil {
		return err
	}
	if err := r.writeOwnFile(reg.Manifest, NewManifest(b, r.o.HostPath, r.o.ExtraIDs).Encode()); err != nil {
		return err
	}
	h := hiveFor(r.o.Level)
	for _, k := range reg.Keys {
		r.logf("registry %s\\%s = %s", h, k, reg.Manifest)
		if r.o.DryRun {
			continue
		}
		if err := r.o.Registry.Set(h, k, "", sz(reg.Manifest)); err != nil {
			return err
		}
		if e := r.rec.reg(h, k, ""); e != nil {
			e.Ours = sz(reg.Manifest) // the host moved: the key is still ours
		} else {
			r.rec.Reg = append(r.rec.Reg, RegEntry{Hive: h, Key: k, Ours: sz(reg.Manifest), CreatedKey: true})
		}
	}
	return nil
}

// EventSourceKey is where Windows looks up the audit log's Event Log source ("TableRase").
const EventSourceKey = `SYSTEM\CurrentControlSet\Services\EventLog\Application\TableRase`

// registerEventSource makes the host's Event Log source known, as the MSI does, so cleanup
// results reach the Event Log (and event forwarding). Windows, system level only: the key is
// under HKLM\SYSTEM.
func (r *runner) registerEventSource() error {
	if !r.windows() || r.o.Level != System {
		return nil
	}
	exe, err := r.o.Env.Resolve(`%SystemRoot%\System32\EventCreate.exe`)
	if err != nil {
		exe = `C:\Windows\System32\EventCreate.exe`
	}
	values := []struct {
		name string
		v    machine.RegValue
	}{{"EventMessageFile", sz(exe)}, {"TypesSupported", machine.RegValue{Kind: "dword", D: 7}}}
	for i, x := range values {
		r.logf("registry %s\\%s\\%s", machine.HKLM, EventSourceKey, x.name)
		if r.o.DryRun {
			continue
		}
		if err := r.o.Registry.Set(machine.HKLM, EventSourceKey, x.name, x.v); err != nil {
			return err
		}
		if r.rec.reg(machine.HKLM, EventSourceKey, x.name) == nil {
			r.rec.Reg = append(r.rec.Reg, RegEntry{Hive: machine.HKLM, Key: EventSourceKey, Name: x.name, Ours: x.v,
				CreatedKey: i == 0})
		}
	}
	return nil
}

// writeOwnFile writes a file that is entirely ours (manifest, policy file).
func (r *runner) writeOwnFile(path string, data []byte) error {
	r.logf("file %s", path)
	if r.o.DryRun {
		return nil
	}
	if err := r.mkdirs(path); err != nil {
		return err
	}
	if err := writeFile(r.o.Env.Path(path), data, 0o644); err != nil {
		return err
	}
	r.rec.addFile(FileEntry{Path: path, Created: true})
	return nil
}

func (r *runner) writePolicies(b machine.Browser) error {
	vals := policy.Values(b, r.o.Params)
	switch {
	case b.IsFirefox():
		return r.mergeFirefox(vals)
	case r.windows():
		return r.writeRegistryPolicies(b, vals)
	}
	data, _ := json.MarshalIndent(vals, "", "  ")
	return r.writeOwnFile(pathpkg.Join(machine.PlacesOf("linux", b).PolicyDirs[0], policy.PolicyFileName), append(data, '\n'))
}

func (r *runner) mergeFirefox(vals map[string]any) error {
	var errs []error
	for _, f := range append(r.o.Env.FirefoxPolicyFiles(), r.o.Env.FirefoxLinkedPolicyFiles()...) {
		file, err1 := r.o.Env.Resolve(f.File)
		folder, err2 := r.o.Env.Resolve(f.Folder)
		if err1 != nil || err2 != nil {
			continue // say %ProgramFiles(x86)% on a 32-bit Windows
		}
		if err := r.mergeFirefoxFile(file, folder, f.Create, vals); err != nil && !r.linkedElsewhere(file, err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// openFirefoxFolder opens the folder of file, a policies.json of the Firefox
// folder folder, without following links (safepath.go), creating missing
// folders when create is set: the Firefox folder itself (and above) only
// when createFolder. It returns a nil folder and nil error when that Firefox is
// not there: its folder is missing, or reached through a link above it (a
// distribution's own layout, /usr/lib64 -> lib: noted, never followed).
func (r *runner) openFirefoxFolder(file, folder string, createFolder, create bool) (securedFolder, error) {
	dir := targetPath(file, len(mustComponents(file))-1)
	strict := len(mustComponents(folder)) - 1
	spec := folderSpec{Path: dir, Strict: strict, Create: 1 << 30}
	if create && createFolder {
		spec.Create = 0 // /etc/firefox/policies: only /etc is there before (in a sandbox, not even that)
	} else if create {
		spec.Create = strict + 1
	}
	d, created, err := openSecured(r.o.Env, spec)
	for _, c := range created {
		if r.rec != nil && !slices.Contains(r.rec.Dirs, c) {
			r.rec.Dirs = append(r.rec.Dirs, c)
		}
	}
	var ue *UnsafePathError
	switch {
	case errors.As(err, &ue) && ue.Reason == ReasonLink && ue.depth < strict:
		r.logf("note: %s not examined: %s is a link, never followed", folder, ue.Path)
		return nil, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, err
	case err != nil:
		return nil, err
	}
	return d, nil
}

func mustComponents(p string) []string {
	c, _ := components(p)
	return c
}

func (r *runner) mergeFirefoxFile(file, folder string, createFolder bool, vals map[string]any) error {
	name := pathpkg.Base(strings.ReplaceAll(file, `\`, "/"))
	d, err := r.openFirefoxFolder(file, folder, createFolder, !r.o.DryRun)
	if errors.Is(err, fs.ErrNotExist) {
		if r.o.DryRun && (createFolder || r.firefoxThere(folder)) {
			r.logf("merge %s", file)
		}
		return nil // no Firefox there
	}
	if err != nil || d == nil {
		return err
	}
	defer d.Close()
	old, err := d.ReadFile(name)
	created := errors.Is(err, fs.ErrNotExist)
	if err != nil && !created {
		return err
	}
	prior := policy.FirefoxEdit{}
	if e := r.rec.file(file); e != nil {
		created = e.Created
		if e.Firefox != nil {
			prior = *e.Firefox
		}
	}
	merged, edit, err := policy.MergeFirefox(old, vals, prior)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	r.logf("merge %s", file)
	if r.o.DryRun {
		return nil
	}
	if err := d.WriteFile(name, merged); err != nil {
		return err
	}
	r.rec.addFile(FileEntry{Path: file, Created: created, Firefox: &edit})
	return nil
}

// firefoxThere reports whether the Firefox folder exists (dry run), checked
// the same way as for writing.
func (r *runner) firefoxThere(folder string) bool {
	d, _, err := openSecured(r.o.Env, folderSpec{Path: folder, Strict: len(mustComponents(folder)) - 1, Create: 1 << 30})
	if d != nil {
		d.Close()
	}
	return !errors.Is(err, fs.ErrNotExist)
}

func (r *runner) writeRegistryPolicies(b machine.Browser, vals map[string]any) error {
	key := machine.PlacesOf("windows", b).PolicyKey
	h := machine.HKLM
	reg := r.o.Registry
	var errs []error
	for _, name := range sortedKeys(vals) {
		v := vals[name]
		if l, ok := v.([]any); ok {
			if err := r.addListEntries(h, key+`\`+name, l); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		ours, ok := regValueOf(v)
		if !ok {
			continue
		}
		jsonKey := ""
		if m, isMap := v.(map[string]any); isMap && len(m) == 1 {
			jsonKey = sortedKeys(m)[0]
		}
		prev, had, err := reg.Get(h, key, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if jsonKey != "" && had { // merge our entry into the admin's dictionary
			var d map[string]any
			if json.Unmarshal([]byte(prev.S), &d) == nil && d != nil {
				d[jsonKey] = v.(map[string]any)[jsonKey]
				ours, _ = regValueOf(d)
			}
		}
		r.logf("registry %s\\%s\\%s", h, key, name)
		if r.o.DryRun {
			continue
		}
		if err := reg.Set(h, key, name, ours); err != nil {
			errs = append(errs, err)
			continue
		}
		if e := r.rec.reg(h, key, name); e != nil {
			e.Ours = ours // reinstall: keep the value from before the first install
			continue
		}
		e := RegEntry{Hive: h, Key: key, Name: name, Ours: ours, JSONKey: jsonKey}
		if had {
			e.Prev = &prev
		}
		r.rec.Reg = append(r.rec.Reg, e)
	}
	return errors.Join(errs...)
}

// addListEntries adds our items to a Chrome list policy (numbered values of a
// subkey), each at the next free number unless already listed.
func (r *runner) addListEntries(h machine.Hive, key string, items []any) error {
	names, err := r.o.Registry.Names(h, key)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	next := 1
	for _, n := range names {
		v, ok, err := r.o.Registry.Get(h, key, n)
		if err == nil && ok {
			have[v.S] = true
		}
		var i int
		if _, err := fmt.Sscanf(n, "%d", &i); err == nil && i >= next {
			next = i + 1
		}
	}
	for _, it := range items {
		s, _ := it.(string)
		if have[s] {
			continue
		}
		name := fmt.Sprint(next)
		next++
		r.logf("registry %s\\%s\\%s = %s", h, key, name, s)
		if r.o.DryRun {
			continue
		}
		if err := r.o.Registry.Set(h, key, name, sz(s)); err != nil {
			return err
		}
		r.rec.Reg = append(r.rec.Reg, RegEntry{Hive: h, Key: key, Name: name, Ours: sz(s)})
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

// mkdirs creates the missing parents of the target path file and records
// them, so uninstall can remove them again once empty.
func (r *runner) mkdirs(file string) error {
	var missing []string
	for d := pathpkg.Dir(strings.ReplaceAll(file, `\`, "/")); d != "/" && d != "." && len(d) > 3; d = pathpkg.Dir(d) {
		if _, err := os.Stat(r.o.Env.Path(d)); err == nil {
			break
		}
		missing = append(missing, d)
	}
	if err := os.MkdirAll(filepath.Dir(r.o.Env.Path(file)), 0o755); err != nil {
		return err
	}
	for _, d := range slices.Backward(missing) {
		if !slices.Contains(r.rec.Dirs, d) {
			r.rec.Dirs = append(r.rec.Dirs, d)
		}
	}
	return nil
}

// writeFile writes atomically (temporary file, then rename) creating parents.
func writeFile(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tablerase-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
