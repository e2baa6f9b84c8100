package install

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	pathpkg "path"
	"slices"
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
)

// Uninstall removes what Install wrote at o.Level: replayed from the install
// record when there is one, recomputed otherwise (see record.go). o.Browsers
// is ignored: uninstall takes back everything of its level, or with
// o.NoManifests only the policies (the rest stays in the record).
func Uninstall(ctx context.Context, o Options) (Result, error) {
	recPath, err := RecordPath(o.Env, o.Level)
	if err != nil {
		return Result{}, err
	}
	r := &runner{o: o}
	if r.windows() && o.Registry == nil {
		return Result{}, ErrNoRegistry
	}
	res := Result{Record: recPath}
	rec, err := readRecord(o.Env.Path(recPath))
	if errors.Is(err, ErrRecord) {
		r.logf("warning: %v: removing what is unmistakably ours instead", err)
		rec, err = nil, nil
	}
	if err != nil {
		return res, err
	}
	var errs []error
	var keep *Record
	if rec != nil && o.NoManifests {
		rec, keep = splitPolicies(rec)
	}
	if rec == nil {
		res.Fallback = true
		errs = append(errs, r.recompute(ctx)...)
		if !o.DryRun { // an unreadable record goes; its folder is ours, removed when empty
			os.Remove(o.Env.Path(recPath))
			os.Remove(o.Env.Path(pathpkg.Dir(strings.ReplaceAll(recPath, `\`, "/"))))
		}
	} else {
		errs = append(errs, r.replay(ctx, rec)...)
	}
	if keep != nil && (len(keep.Files) > 0 || len(keep.Reg) > 0 || len(keep.Tasks) > 0) {
		r.logf("update %s", recPath)
		if !o.DryRun {
			data, _ := json.MarshalIndent(keep, "", "  ")
			errs = appendErr(errs, writeFile(o.Env.Path(recPath), append(data, '\n'), 0o600))
		}
	} else if rec != nil && len(errs) == 0 {
		r.logf("remove %s", recPath)
		if !o.DryRun {
			if err := os.Remove(o.Env.Path(recPath)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			// Folders install created go too, when nothing else lives in them.
			for _, d := range slices.Backward(rec.Dirs) {
				os.Remove(o.Env.Path(d))
			}
		}
	}
	return res, errors.Join(errs...)
}

// splitPolicies splits a record into its policy entries and the rest.
func splitPolicies(rec *Record) (pol, rest *Record) {
	// Both halves keep the folders: each removes those left empty.
	pol = &Record{Version: rec.Version, Level: rec.Level, HostPath: rec.HostPath, Dirs: rec.Dirs}
	rest = &Record{Version: rec.Version, Level: rec.Level, HostPath: rec.HostPath, Dirs: rec.Dirs, Tasks: rec.Tasks}
	for _, f := range rec.Files {
		if f.Firefox != nil || pathpkg.Base(f.Path) == policy.PolicyFileName {
			pol.Files = append(pol.Files, f)
		} else {
			rest.Files = append(rest.Files, f)
		}
	}
	for _, e := range rec.Reg {
		if strings.HasPrefix(e.Key, `SOFTWARE\Policies\`) {
			pol.Reg = append(pol.Reg, e)
		} else {
			rest.Reg = append(rest.Reg, e)
		}
	}
	return pol, rest
}

func (r *runner) replay(ctx context.Context, rec *Record) []error {
	var errs []error
	for _, f := range slices.Backward(rec.Files) {
		if err := ctx.Err(); err != nil {
			return append(errs, err)
		}
		if f.Firefox != nil {
			errs = appendErr(errs, r.unmergeFirefox(f.Path, *f.Firefox, f.Created))
			continue
		}
		errs = appendErr(errs, r.removeFile(f.Path))
	}
	for _, e := range slices.Backward(rec.Reg) {
		errs = appendErr(errs, r.undoReg(e))
	}
	for _, t := range rec.Tasks {
		r.logf("delete scheduled task %s", t)
		if r.o.DryRun {
			continue
		}
		if r.o.Tasks == nil {
			errs = append(errs, ErrNoTasks)
			continue
		}
		errs = appendErr(errs, r.o.Tasks.Delete(t))
	}
	return errs
}

func appendErr(errs []error, err error) []error {
	if err != nil {
		return append(errs, err)
	}
	return errs
}

func (r *runner) removeFile(path string) error {
	if _, err := os.Lstat(r.o.Env.Path(path)); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	r.logf("remove %s", path)
	if r.o.DryRun {
		return nil
	}
	if err := os.Remove(r.o.Env.Path(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (r *runner) unmergeFirefox(path string, edit policy.FirefoxEdit, created bool) error {
	d, err := r.openFirefoxFolder(path, r.firefoxFolderOf(path), false, false)
	if errors.Is(err, fs.ErrNotExist) || err == nil && d == nil {
		return nil
	}
	if err != nil {
		return err
	}
	defer d.Close()
	name := pathpkg.Base(strings.ReplaceAll(path, `\`, "/"))
	old, err := d.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	out, empty, err := policy.UnmergeFirefox(old, policy.Values(machine.Firefox, r.o.Params), edit)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	r.logf("%s %s", map[bool]string{true: "remove", false: "unmerge"}[empty && created], path)
	if r.o.DryRun {
		return nil
	}
	if empty && created {
		return d.Remove(name)
	}
	return d.WriteFile(name, out)
}

// firefoxFolderOf returns the Firefox folder of a recorded policies.json:
// from the layout table, else (a record from another layout) its own folder.
func (r *runner) firefoxFolderOf(path string) string {
	for _, f := range r.o.Env.FirefoxPolicyFiles() {
		file, err1 := r.o.Env.Resolve(f.File)
		folder, err2 := r.o.Env.Resolve(f.Folder)
		if err1 == nil && err2 == nil && file == path {
			return folder
		}
	}
	return targetPath(path, len(mustComponents(path))-1)
}

func (r *runner) undoReg(e RegEntry) error {
	reg := r.o.Registry
	if reg == nil {
		return ErrNoRegistry
	}
	r.logf("registry restore %s\\%s\\%s", e.Hive, e.Key, e.Name)
	if r.o.DryRun {
		return nil
	}
	cur, ok, err := reg.Get(e.Hive, e.Key, e.Name)
	if err != nil {
		return err
	}
	switch {
	case !ok:
	case e.JSONKey != "":
		var d map[string]any
		if json.Unmarshal([]byte(cur.S), &d) != nil {
			break // no longer a dictionary: the admin's now
		}
		delete(d, e.JSONKey)
		if len(d) == 0 && e.Prev == nil {
			err = reg.Delete(e.Hive, e.Key, e.Name)
		} else {
			v, _ := regValueOf(d)
			err = reg.Set(e.Hive, e.Key, e.Name, v)
		}
	case cur != e.Ours:
		// changed since install: the admin's now
	case e.Prev != nil:
		err = reg.Set(e.Hive, e.Key, e.Name, *e.Prev)
	default:
		err = reg.Delete(e.Hive, e.Key, e.Name)
	}
	if err != nil {
		return err
	}
	if e.CreatedKey || e.Name != "" {
		return reg.DeleteKey(e.Hive, e.Key)
	}
	return nil
}

// recompute removes, without a record, what can only be ours: manifests named
// after our host and holding our name, our Chromium policy files, our host
// keys, and our policies.json entries that still hold our value. Registry
// policy values are left alone: without a record they cannot be told from the
// admin's (the CLI says so).
func (r *runner) recompute(ctx context.Context) []error {
	var errs []error
	h := hiveFor(r.o.Level)
	for _, b := range machine.All {
		if err := ctx.Err(); err != nil {
			return append(errs, err)
		}
		reg, err := Registrations(r.o.Env, r.o.Level, b, r.o.HostPath)
		if err != nil || r.o.NoManifests {
			reg = Registration{}
		}
		if reg.Manifest != "" && ours(r.o.Env.Path(reg.Manifest)) {
			errs = appendErr(errs, r.removeFile(reg.Manifest))
		}
		for _, k := range reg.Keys {
			if cur, ok, _ := r.o.Registry.Get(h, k, ""); ok {
				errs = appendErr(errs, r.undoReg(RegEntry{Hive: h, Key: k, Ours: cur, CreatedKey: true}))
			}
		}
		if r.o.Level == System && !b.IsFirefox() && !r.windows() && r.o.Env.Table() == "linux" {
			errs = appendErr(errs, r.removeFile(pathpkg.Join(machine.PlacesOf("linux", b).PolicyDirs[0], policy.PolicyFileName)))
		}
	}
	if files, err := HookFiles(r.o.Env, r.o.Level, r.o.HostPath); err == nil && !r.o.NoManifests {
		for _, f := range slices.Backward(files) { // named after us: ours
			errs = appendErr(errs, r.removeFile(f.Path))
		}
	}
	if r.o.Level == System {
		for _, f := range r.o.Env.FirefoxPolicyFiles() {
			if file, err := r.o.Env.Resolve(f.File); err == nil {
				errs = appendErr(errs, r.unmergeFirefox(file, policy.FirefoxEdit{}, false))
			}
		}
	}
	return errs
}

// ours reports whether path is a manifest for our host.
func ours(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var m Manifest
	return json.Unmarshal(data, &m) == nil && m.Name == policy.HostName
}
