package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tablerase/tablerase/host/internal/config"
	"github.com/tablerase/tablerase/host/internal/doctor"
	"github.com/tablerase/tablerase/host/internal/install"
	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
	"github.com/tablerase/tablerase/host/internal/protocol"
)

// The admin commands: install, uninstall, doctor. Flag parsing and hints live
// here; the work is in the install and doctor packages.

// adminTimeout bounds install and uninstall.
const adminTimeout = 30 * time.Second

// common holds the flags shared by the admin commands.
type common struct {
	system, user bool
	root         string
	hostPath     string
}

func (c *common) register(fl *flag.FlagSet, levels bool) {
	if levels {
		fl.BoolVar(&c.system, "system", false, "for every user of the computer (needs root / administrator)")
		fl.BoolVar(&c.user, "user", false, "for the current user only (default when not root)")
	}
	fl.StringVar(&c.root, "root", os.Getenv("TABLERASE_ROOT"), "write under `DIR` instead of / (tests, package builds); env TABLERASE_ROOT")
	fl.StringVar(&c.hostPath, "host-path", "", "the host binary's `path` on the target system (default: this program)")
}

func (c *common) env() machine.Env {
	e := machine.NativeEnv()
	e.Root = c.root
	return e
}

func (c *common) level() (install.Level, error) {
	switch {
	case c.system && c.user:
		return "", errors.New("choose --system or --user, not both")
	case c.system:
		return install.System, nil
	case c.user:
		return install.User, nil
	case os.Geteuid() == 0:
		return install.System, nil
	}
	return install.User, nil
}

func (c *common) host() (string, error) {
	if c.hostPath != "" {
		return c.hostPath, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return exe, nil
}

func newFlags(name string, stderr io.Writer, summary string) *flag.FlagSet {
	fl := flag.NewFlagSet("tablerase "+name, flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprintf(stderr, "Usage: tablerase %s [options]\n%s\n\nOptions:\n", name, summary)
		fl.PrintDefaults()
	}
	return fl
}

func parseBrowsers(s string) ([]machine.Browser, error) {
	if s == "" || s == "all" {
		return nil, nil
	}
	var out []machine.Browser
	for _, n := range strings.Split(s, ",") {
		b := machine.Browser(strings.ToLower(strings.TrimSpace(n)))
		if !b.Valid() {
			return nil, fmt.Errorf("unknown browser %q (choose among chrome, chromium, edge, brave, firefox, or all)", n)
		}
		out = append(out, b)
	}
	return out, nil
}

// hint turns an install error into what the admin should do next.
func hint(err error) string {
	var unsafe *install.UnsafePathError
	switch {
	case errors.As(err, &unsafe) && unsafe.Fix != "":
		return unsafe.Fix
	case errors.Is(err, fs.ErrPermission):
		return "run as root / administrator (sudo tablerase …), or use --user"
	case errors.Is(err, install.ErrNoBrowser):
		return "install a supported browser first, or name one with --browsers"
	case errors.Is(err, install.ErrPolicyLevel):
		return "add --system (policies apply to the whole computer)"
	case errors.Is(err, install.ErrPolicyOS):
		return "deploy manifests/macos/fr.tablerase.policies.mobileconfig with your MDM"
	case errors.Is(err, install.ErrHostPath):
		return "give --host-path an absolute path"
	case errors.Is(err, policy.ErrInvalid):
		return "a policies.json is not valid JSON: fix it by hand, Table rase never overwrites it"
	}
	return `run "tablerase doctor" to see what is missing`
}

func fail(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "tablerase %s: %v\n  hint: %s\n", cmd, err, hint(err))
	return 1
}

func runInstall(args []string, stdout, stderr io.Writer) int {
	fl := newFlags("install", stderr, "Registers the host with the browsers found (and, with --policies, sets the browser policies).")
	var c common
	c.register(fl, true)
	browsers := fl.String("browsers", "all", "`list` among chrome,chromium,edge,brave,firefox, or all (the browsers found)")
	policies := fl.Bool("policies", false, "also write the browser policies that make the profile private (needs --system)")
	onlyPolicies := fl.Bool("only-policies", false, "write the policies but not the host manifests (the tablerase-policies package)")
	hooks := fl.Bool("hooks", false, "also run \"tablerase clean\" at logon (and logoff where the OS allows): systemd user unit, LaunchAgent, scheduled task")
	dry := fl.Bool("dry-run", false, "print every file and key that would be written, write nothing")
	updateURL := fl.String("update-url", "", "Chromium update `URL` for the extension (default: the browser's store)")
	xpiURL := fl.String("xpi-url", "", "Firefox install `URL` of the add-on, file:/// allowed (default: addons.mozilla.org)")
	unsigned := fl.Bool("unsigned-xpi", false, "Firefox ESR only: also set xpinstall.signatures.required=false, locked, so the unsigned XPI of --xpi-url installs (release Firefox refuses unsigned add-ons whatever the policy: sign it on addons.mozilla.org instead; manifests/DEPLOY.md)")
	extID := fl.String("extension-id", "", "Chromium `id` of IT's own build to force-install (scripts/pack.sh); must be in the configuration's allowed_extensions (default: the only Chromium id listed there, else the official one)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "tablerase install: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	if *unsigned && (*xpiURL == "" || !*policies && !*onlyPolicies) {
		fmt.Fprintln(stderr, "tablerase install: --unsigned-xpi goes with --policies and --xpi-url (your own XPI; the one of addons.mozilla.org is signed)")
		return 2
	}
	level, err := c.level()
	if err != nil {
		fmt.Fprintln(stderr, "tablerase install:", err)
		return 2
	}
	bs, err := parseBrowsers(*browsers)
	if err != nil {
		fmt.Fprintln(stderr, "tablerase install:", err)
		return 2
	}
	hostPath, err := c.host()
	if err != nil {
		return fail(stderr, "install", err)
	}
	o := install.Options{Env: c.env(), Level: level, Browsers: bs, Policies: *policies || *onlyPolicies, NoManifests: *onlyPolicies,
		Params: policy.Params{UpdateURL: *updateURL, XPIURL: *xpiURL, UnsignedXPI: *unsigned}, HostPath: hostPath, DryRun: *dry,
		Log: stdout, Registry: machine.NativeRegistry(), Hooks: *hooks, Tasks: install.NativeTasks()}
	if cfg, err := config.Load(); err == nil {
		o.ExtraIDs = cfg.AllowedExtensions
	} else {
		fmt.Fprintf(stderr, "tablerase install: warning: configuration not read (%v); extra extension ids not added\n", err)
	}
	if o.Params.ChromiumID, err = forcedChromiumID(*extID, o.ExtraIDs); err != nil {
		fmt.Fprintln(stderr, "tablerase install:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	res, err := install.Install(ctx, o)
	for _, b := range res.Absent {
		fmt.Fprintf(stdout, "%s: not found, skipped / non trouvé, ignoré\n", b)
	}
	if err != nil {
		return fail(stderr, "install", err)
	}
	if !*dry {
		fmt.Fprintf(stdout, "Installed for %s (%s level). Check with: tablerase doctor\n", joinBrowsers(res.Browsers), level)
	}
	return 0
}

func runTemplates(args []string, stdout, stderr io.Writer) int {
	fl := newFlags("templates", stderr, "Writes the files of manifests/ (host manifests, policy files, .reg, .mobileconfig, managed settings\nexamples, the MSI's policies.wxs) for your own build of the extension: the id from the configuration's\nallowed_extensions, as install --policies writes them. For GPO, MDM or MSI tooling.")
	out := fl.String("out", "", "write the files under `DIR` (created; existing files are replaced)")
	updateURL := fl.String("update-url", "", "Chromium update `URL` for the extension (default: the browser's store)")
	xpiURL := fl.String("xpi-url", "", "Firefox install `URL` of the add-on (default: addons.mozilla.org)")
	unsigned := fl.Bool("unsigned-xpi", false, "Firefox ESR only: also set xpinstall.signatures.required=false, locked (see install -h)")
	extID := fl.String("extension-id", "", "Chromium `id` to force-install; must be in the configuration's allowed_extensions (default: the only Chromium id listed there, else the official one)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 || *out == "" {
		fmt.Fprintln(stderr, "tablerase templates: --out DIR is required, and nothing else")
		return 2
	}
	if *unsigned && *xpiURL == "" {
		fmt.Fprintln(stderr, "tablerase templates: --unsigned-xpi goes with --xpi-url (your own XPI; the one of addons.mozilla.org is signed)")
		return 2
	}
	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintf(stderr, "tablerase templates: configuration not read: %v\n  hint: fix it first: its allowed_extensions names the extension\n", err)
		return 1
	}
	p := policy.Params{UpdateURL: *updateURL, XPIURL: *xpiURL, UnsignedXPI: *unsigned}
	if p.ChromiumID, err = forcedChromiumID(*extID, cfg.AllowedExtensions); err != nil {
		fmt.Fprintln(stderr, "tablerase templates:", err)
		return 2
	}
	files := install.Render(p, cfg.AllowedExtensions)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		path := filepath.Join(*out, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fail(stderr, "templates", err)
		}
		if err := os.WriteFile(path, files[n], 0o644); err != nil {
			return fail(stderr, "templates", err)
		}
		fmt.Fprintln(stdout, path)
	}
	id := p.ChromiumID
	if id == "" {
		id = policy.ChromiumID + " (official)"
	}
	fmt.Fprintf(stdout, "%d files for Chromium extension id %s, Firefox add-on %s.\n", len(names), id, policy.FirefoxID)
	return 0
}

// forcedChromiumID picks the Chromium extension id the policies force-install, from the one
// setting that also decides who may call the host: the configuration's allowed_extensions. IT
// lists its own build's id there (scripts/pack.sh prints it); the policies then force-install that
// id, the host manifests allow it and the host accepts it. flag, when given, must be one of them.
func forcedChromiumID(flag string, allowed []string) (string, error) {
	var ids []string
	for _, id := range allowed {
		if protocol.ValidExtensionID(id) && len(id) == 32 && !strings.Contains(id, "@") && id != policy.ChromiumID {
			ids = append(ids, id)
		}
	}
	switch {
	case flag == "" && len(ids) == 1:
		return ids[0], nil
	case flag == "" && len(ids) > 1:
		return "", fmt.Errorf("allowed_extensions lists several Chromium ids (%s): say which one the policies force-install with --extension-id", strings.Join(ids, ", "))
	case flag == "" || flag == policy.ChromiumID:
		return "", nil
	case !slices.Contains(ids, flag):
		return "", fmt.Errorf("--extension-id %s is not in the configuration's allowed_extensions: add it there first (the host would refuse the extension it force-installs)", flag)
	}
	return flag, nil
}

func joinBrowsers(bs []machine.Browser) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = string(b)
	}
	return strings.Join(s, ", ")
}

func runUninstall(args []string, stdout, stderr io.Writer) int {
	fl := newFlags("uninstall", stderr, "Removes exactly what install wrote at that level (manifests, keys, our policy entries).")
	var c common
	c.register(fl, true)
	dry := fl.Bool("dry-run", false, "print what would be removed, remove nothing")
	onlyPolicies := fl.Bool("only-policies", false, "take back the policies only, keep the host registered")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	level, err := c.level()
	if err != nil {
		fmt.Fprintln(stderr, "tablerase uninstall:", err)
		return 2
	}
	hostPath, err := c.host()
	if err != nil {
		return fail(stderr, "uninstall", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	res, err := install.Uninstall(ctx, install.Options{Env: c.env(), Level: level, HostPath: hostPath, DryRun: *dry, NoManifests: *onlyPolicies, Log: stdout, Registry: machine.NativeRegistry(), Tasks: install.NativeTasks()})
	if res.Fallback {
		fmt.Fprintln(stdout, "No install record: removed Table rase's manifests and policy entries found at their usual places.")
		fmt.Fprintln(stdout, "Registry policy values, if any, were left: they cannot be told from the admin's own without the record.")
	}
	if err != nil {
		return fail(stderr, "uninstall", err)
	}
	if !*dry {
		fmt.Fprintf(stdout, "Uninstalled (%s level).\n", level)
	}
	return 0
}

func runDoctor(args []string, stdout, stderr io.Writer) int {
	fl := newFlags("doctor", stderr, "Checks this computer's installation, in French and English, and says what to fix.\nExit status 0 only when every required check holds.")
	var c common
	c.register(fl, false)
	asJSON := fl.Bool("json", false, "print the report as JSON (for scripts)")
	last := fl.Int("last", 5, "how many recent cleanups to show")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	hostPath, err := c.host()
	if err != nil {
		return fail(stderr, "doctor", err)
	}
	env := c.env()
	in := doctor.Inputs{Env: env, HostPath: hostPath, Registry: machine.NativeRegistry(),
		Policies: policy.NativeSource(env), LastCleanups: *last, TaskInstalled: install.TaskInstalled,
		Config: func() (string, []doctor.Folder, error) {
			cfg, err := config.Load()
			if err != nil {
				return "", nil, err
			}
			fs := make([]doctor.Folder, len(cfg.Folders))
			for i, f := range cfg.Folders {
				fs[i] = doctor.Folder{Label: f.Label, Path: f.Path, Refused: f.Refused}
			}
			return string(cfg.Scope), fs, nil
		},
		StateDir: config.StateDir,
		AllowedExtensions: func() []string {
			cfg, err := config.Load()
			if err != nil {
				return nil
			}
			return cfg.AllowedExtensions
		},
	}
	rep := doctor.Run(context.Background(), in)
	if *asJSON {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil || !rep.OK {
		return 1
	}
	return 0
}
