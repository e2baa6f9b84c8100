// Package audit is the host's log: JSON lines (zerolog) in the state directory and on stderr,
// never on stdout, which belongs to the native-messaging frames.
//
// The log must prove that cleanups happened without holding anybody's data, so this package
// does not offer a free-form logger. Each event has its own method whose parameters are counts,
// durations, ids and codes; string parameters are reduced to a short token of [a-z0-9._-]
// (anything else becomes "other"), so a file name or a URL cannot reach the log even by mistake.
//
// The file is capped: when it passes MaxSize at open time it is moved to tablerase.log.1 (one
// generation kept), so a computer that runs for years keeps a bounded, recent history.
package audit

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// FileName is the log's name inside the state directory.
const FileName = "tablerase.log"

// MaxSize is the size past which the log is rotated when it is opened.
const MaxSize = 1 << 20

// Logger writes audit events; it is safe for concurrent use. The zero value is not usable; use
// Open, New or Discard.
type Logger struct {
	z    zerolog.Logger
	file *os.File
	// osOnce opens the OS log on first use: most host starts (hello, status) never write there,
	// and connecting costs part of a millisecond of the cold start.
	osOnce sync.Once
	osOpen func() osLog
	os     osLog // nil when not wanted or not reachable
}

// osLog returns the OS log, opening it on first use; nil when there is none.
func (l *Logger) osLog() osLog {
	l.osOnce.Do(func() {
		if l.osOpen != nil {
			l.os = l.osOpen()
		}
	})
	return l.os
}

// Open starts logging to dir/tablerase.log (mode 0600, appended, rotated past MaxSize) and to
// extra (stderr in practice; nil for none). If the file cannot be opened the logger still writes
// to extra and the error is returned for the caller to report.
func Open(dir string, extra io.Writer) (*Logger, error) {
	path := filepath.Join(dir, FileName)
	if fi, err := os.Lstat(path); err == nil && fi.Size() > MaxSize {
		_ = os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	var writers []io.Writer
	if err == nil {
		writers = append(writers, f)
	}
	if extra != nil {
		writers = append(writers, extra)
	}
	l := newLogger(io.MultiWriter(writers...))
	l.file = f
	l.osOpen = openOSLog
	return l, err
}

// New logs to w only (tests, and the admin CLI's verbose mode).
func New(w io.Writer) *Logger { return newLogger(w) }

// Discard returns a logger that writes nothing.
func Discard() *Logger { return newLogger(io.Discard) }

func newLogger(w io.Writer) *Logger {
	zerolog.TimeFieldFormat = time.RFC3339Nano
	// UTC: comparable across computers and time zones, and no time-zone database to load at start.
	zerolog.TimestampFunc = func() time.Time { return time.Now().UTC() }
	zerolog.DurationFieldUnit = time.Millisecond
	return &Logger{z: zerolog.New(zerolog.SyncWriter(w)).With().Timestamp().Int("pid", os.Getpid()).Logger()}
}

// Close closes the log file.
func (l *Logger) Close() error {
	if l.os != nil {
		l.os.Close()
	}
	l.osOnce.Do(func() {}) // a late write must not open it again
	if l.file == nil {
		return nil
	}
	return l.file.Close()
}

// token keeps s only if it is a short machine word; anything else could be personal data.
func token(s string) string {
	if s == "" || len(s) > 40 {
		if s == "" {
			return ""
		}
		return "other"
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return "other"
		}
	}
	return s
}

func (l *Logger) event(level zerolog.Level, name string) *zerolog.Event {
	return l.z.WithLevel(level).Str("event", name)
}

// HostStart records a host process start: mode is "native" or "cli", caller the browser family.
func (l *Logger) HostStart(mode, caller, version string, allowed bool) {
	l.event(zerolog.InfoLevel, "host.start").Str("mode", token(mode)).Str("caller", token(caller)).
		Str("version", token(version)).Bool("allowed", allowed).Send()
}

// HostStop records a host process end with its exit code and lifetime.
func (l *Logger) HostStop(exitCode int, lifetime time.Duration) {
	l.event(zerolog.InfoLevel, "host.stop").Int("exit", exitCode).Dur("duration_ms", lifetime).Send()
}

// Command records one answered request: cmd is a registered command name ("" when the request
// could not be dispatched), code the error code or "" on success.
func (l *Logger) Command(cmd, code string, d time.Duration) {
	lvl := zerolog.InfoLevel
	if code != "" {
		lvl = zerolog.WarnLevel
	}
	l.event(lvl, "command").Str("cmd", token(cmd)).Str("code", token(code)).Dur("duration_ms", d).Send()
}

// SessionStart records a started (or resumed) session.
func (l *Logger) SessionStart(session, scope string, folders, entries int, resumed bool, d time.Duration) {
	l.event(zerolog.InfoLevel, "session.start").Str("session", token(session)).Str("scope", token(scope)).
		Int("folders", folders).Int("entries", entries).Bool("resumed", resumed).Dur("duration_ms", d).Send()
}

// EndSummary is what a session end may say: counts and statuses only.
type EndSummary struct {
	Session, Scope, Status     string
	Removed, Kept, Failed      int
	RemovedBytes               int64
	Clipboard, RecentDocuments string
	RecentRemoved              int
	AlreadyEnded, Resumed      bool
	Duration                   time.Duration
	FailureCodes               map[string]int
}

// SessionEnd records the end of a session (a wipe).
func (l *Logger) SessionEnd(s EndSummary) {
	lvl := zerolog.InfoLevel
	if s.Status != "clean" {
		lvl = zerolog.WarnLevel
	}
	e := l.event(lvl, "session.end").Str("session", token(s.Session)).Str("scope", token(s.Scope)).
		Str("status", token(s.Status)).Int("removed", s.Removed).Int("kept", s.Kept).Int("failed", s.Failed).
		Int64("removed_bytes", s.RemovedBytes).Str("clipboard", token(s.Clipboard)).
		Str("recent_documents", token(s.RecentDocuments)).Int("recent_removed", s.RecentRemoved).
		Bool("already_ended", s.AlreadyEnded).Bool("resumed", s.Resumed).Dur("duration_ms", s.Duration)
	if len(s.FailureCodes) > 0 {
		d := zerolog.Dict()
		for code, n := range s.FailureCodes {
			d.Int(token(code), n)
		}
		e = e.Dict("failures", d)
	}
	e.Send()
	if sink := l.osLog(); sink != nil {
		line := fmt.Sprintf("cleanup %s: session=%s scope=%s removed=%d kept=%d failed=%d clipboard=%s recent_documents=%s duration_ms=%d",
			token(s.Status), token(s.Session), token(s.Scope), s.Removed, s.Kept, s.Failed, token(s.Clipboard),
			token(s.RecentDocuments), s.Duration.Milliseconds())
		if s.Status == "clean" {
			sink.Info(line)
		} else {
			sink.Warning(line)
		}
	}
}

// BrowserStep records a closed-browser step of `tablerase clean` ("browser_stores",
// "browser_residue"): its status, code and the number of entries removed.
func (l *Logger) BrowserStep(step, status, code string, removed int) {
	lvl := zerolog.InfoLevel
	if status == "failed" {
		lvl = zerolog.WarnLevel
	}
	l.event(lvl, "clean.browsers").Str("step", token(step)).Str("status", token(status)).
		Str("code", token(code)).Int("removed", removed).Send()
}

// Failure records a step that failed, by step name and error code.
func (l *Logger) Failure(step, code string) {
	l.event(zerolog.ErrorLevel, "failure").Str("step", token(step)).Str("code", token(code)).Send()
	if sink := l.osLog(); sink != nil {
		sink.Warning(fmt.Sprintf("failure: step=%s code=%s", token(step), token(code)))
	}
}
