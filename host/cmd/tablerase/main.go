// Command tablerase is Table rase's native host and its admin command line, in one binary.
//
// Started by a browser (its arguments name the calling extension), it speaks the native-messaging
// protocol on stdin/stdout and nothing else: stdout is taken over for frames before anything else
// runs, and file descriptor 1 is pointed at stderr, so no log line, panic or child process can
// ever write into the stream. Started by a person, it is the admin CLI; with no arguments it
// prints its usage and exits with status 2, without ever waiting on stdin.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/tablerase/tablerase/host/internal/audit"
	"github.com/tablerase/tablerase/host/internal/commands"
	"github.com/tablerase/tablerase/host/internal/config"
	"github.com/tablerase/tablerase/host/internal/install"
	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
	"github.com/tablerase/tablerase/host/internal/protocol"
	"github.com/tablerase/tablerase/host/internal/session"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

const usage = `Table rase — efface les traces d'un accompagnement numérique / wipes what a digital accompaniment left.

Usage:
  tablerase version              print the version
  tablerase doctor [--json]      check this computer's installation and say what to fix
  tablerase clean [--json]       finish an unfinished accompaniment now (OS logon/logoff hooks)
  tablerase clean --after-exit   wait for the browsers to close, then clear the accompaniment's
                                 residue in their profiles (started by the host itself where
                                 no logon/logoff hook is installed)
  tablerase install [options]    register the host with the browsers (see: tablerase install -h)
  tablerase uninstall [options]  remove exactly what install wrote
  tablerase templates --out DIR  write the policy templates and host manifests for your own
                                 build's extension id (see: tablerase templates -h)

Browsers start tablerase by themselves, with the calling extension as argument; it then speaks
the native-messaging protocol on stdin/stdout (see PROTOCOL.md).
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if caller, ok := protocol.CallerFromArgs(args); ok {
		frames, err := claimStdout()
		if err != nil {
			fmt.Fprintln(stderr, "tablerase: cannot take over stdout:", err)
			return 1
		}
		return serve(caller, stdin, frames, stderr)
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "version", "--version":
		fmt.Fprintf(stdout, "tablerase %s (protocol %d, %s/%s)\n", version, protocol.Version, runtime.GOOS, runtime.GOARCH)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "clean":
		return runClean(args[1:], stdout, stderr)
	case "doctor":
		return runDoctor(args[1:], stdout, stderr)
	case "install":
		return runInstall(args[1:], stdout, stderr)
	case "uninstall":
		return runUninstall(args[1:], stdout, stderr)
	case "templates":
		return runTemplates(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "tablerase: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// host is what both modes need: configuration, state directory, log and session manager.
type host struct {
	cfg      config.Config
	cfgErr   error
	log      *audit.Logger
	sessions *session.Manager
}

func openHost(stderr io.Writer, budgets session.Budgets) (*host, error) {
	h := &host{}
	h.cfg, h.cfgErr = config.Load()
	dir, err := config.StateDir()
	if err != nil {
		h.log = audit.New(stderr)
		return h, fmt.Errorf("state directory: %w", err)
	}
	h.log, err = audit.Open(dir, stderr)
	if err != nil {
		h.log.Failure("log.open", "error")
	}
	if h.cfgErr != nil {
		h.log.Failure("config", "invalid")
	}
	h.sessions = &session.Manager{Dir: dir, Config: h.cfg, Steps: session.DefaultSteps(), Budgets: budgets, Log: h.log}
	return h, nil
}

func serve(caller protocol.Caller, stdin io.Reader, frames io.Writer, stderr io.Writer) int {
	t0 := time.Now()
	// hello is nearly always the first request and reading the browsers' policies is most of its
	// work: start it now, alongside loading the configuration and opening the log.
	// On a port (connectNative) the process lives through the accompaniment: a later hello reads
	// the policies again, as a new process would.
	policies := make(chan policy.Report, 1)
	go func() { policies <- policy.Read(context.Background()) }()
	var prefetchUsed atomic.Bool
	h, err := openHost(stderr, session.NativeBudgets)
	// extension_forced holds for IT's own build too: the extensions this host accepts.
	accepted := append([]string{policy.ChromiumID, policy.FirefoxID}, h.cfg.AllowedExtensions...)
	policyReport := func(ctx context.Context) policy.Report {
		if prefetchUsed.CompareAndSwap(false, true) {
			return (<-policies).Accepting(accepted)
		}
		return policy.Read(ctx).Accepting(accepted)
	}
	allowed := caller.Allowed(h.cfg.AllowedExtensions)
	h.log.HostStart("native", caller.Family, version, allowed)
	env := &commands.Env{Version: version, OS: runtime.GOOS, Arch: runtime.GOARCH, Config: h.cfg,
		Sessions: h.sessions, Policy: policyReport,
		ClosedBrowsers: func() bool {
			exe, err := os.Executable()
			return err == nil && install.HookPresent(machine.NativeEnv(), exe)
		},
		AfterExit: func() { startAfterExit(h.log) }}
	handlers := commands.Handlers(env)
	if err != nil || h.cfgErr != nil {
		handlers = commands.Degraded(env, handlers, err, h.cfgErr)
	}
	srv := &protocol.Server{Handlers: handlers, Allowed: allowed,
		Observe: func(o protocol.Outcome) { h.log.Command(o.Cmd, o.Code, o.Duration) }}
	code := 0
	if err := srv.Serve(context.Background(), stdin, frames); err != nil {
		h.log.Failure("stream", "broken")
		code = 1
	}
	h.log.HostStop(code, time.Since(t0))
	_ = h.log.Close()
	return code
}

// afterExitWait bounds `clean --after-exit`: a browser left open longer than a working day is
// the logon clean's (or the next end's) to finish. afterExitEvery is how often it looks.
const (
	afterExitWait  = 12 * time.Hour
	afterExitEvery = 5 * time.Second
)

// startAfterExit starts `tablerase clean --after-exit` (this very program, fixed arguments: no
// part of it comes from a message), detached from the browser that started the host, with no
// standard stream: it logs to the host's log only.
func startAfterExit(log *audit.Logger) {
	exe, err := os.Executable()
	if err != nil {
		log.Failure("after_exit", "no_executable")
		return
	}
	cmd := exec.Command(exe, "clean", "--after-exit")
	detach(cmd)
	err = cmd.Start()
	if err != nil && detachFallback(cmd) {
		cmd = &exec.Cmd{Path: cmd.Path, Args: cmd.Args, SysProcAttr: cmd.SysProcAttr}
		err = cmd.Start()
	}
	if err != nil {
		log.Failure("after_exit", "start")
		return
	}
	_ = cmd.Process.Release()
}

func runAfterExit(stderr io.Writer) int {
	h, err := openHost(stderr, session.CLIBudgets)
	if err != nil {
		return 1
	}
	defer h.log.Close()
	if h.cfgErr != nil {
		h.log.Failure("config", "invalid")
		return 1
	}
	t0 := time.Now()
	h.log.HostStart("cli", "clean-after-exit", version, true)
	ctx, cancel := context.WithTimeout(context.Background(), afterExitWait)
	defer cancel()
	code := 0
	if _, err := h.sessions.CleanResidueAfterExit(ctx, afterExitEvery); err != nil {
		h.log.Failure("after_exit", "error")
		code = 1
	}
	h.log.HostStop(code, time.Since(t0))
	return code
}

func runClean(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && args[0] == "--after-exit" {
		return runAfterExit(stderr)
	}
	asJSON := len(args) == 1 && args[0] == "--json"
	if len(args) > 0 && !asJSON {
		fmt.Fprintln(stderr, "usage: tablerase clean [--json | --after-exit]")
		return 2
	}
	h, err := openHost(stderr, session.CLIBudgets)
	if err != nil {
		fmt.Fprintln(stderr, "tablerase clean:", err)
		return 1
	}
	defer h.log.Close()
	if h.cfgErr != nil {
		fmt.Fprintln(stderr, "tablerase clean: the configuration is invalid:", h.cfgErr, "\nhint: run `tablerase doctor`")
		return 1
	}
	h.log.HostStart("cli", "clean", version, true)
	rep, err := h.sessions.Clean(context.Background())
	if errors.Is(err, session.ErrNoSession) {
		fmt.Fprintln(stdout, "Aucun accompagnement en cours : rien à effacer. / No accompaniment in progress: nothing to clean.")
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "tablerase clean:", err)
		return 1
	}
	printReport(stdout, rep, asJSON)
	if rep.Status != "clean" {
		return 1
	}
	return 0
}
