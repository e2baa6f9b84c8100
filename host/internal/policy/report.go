package policy

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// Report is the policy part of hello's result (shared contract):
// {"browsers":{"chrome":{"present":true,"private":"private_profile","checks":{…}}}}.
type Report struct {
	Browsers map[machine.Browser]BrowserReport `json:"browsers"`
}

// BrowserReport says which privacy promises hold for one browser.
// Reason is set when the policies could not be read: then every check is false.
type BrowserReport struct {
	Present bool            `json:"present"`
	Private string          `json:"private"` // "forced" | "private_profile" | "none"
	Checks  map[string]bool `json:"checks"`
	Reason  string          `json:"reason,omitempty"`
	// forced: the extension ids the policies force-install (ForcedExtensions), for Accepting.
	forced []string
}

// Accepting returns r with extension_forced also true where the policies force-install one of
// ids — the extensions the host accepts (the official ids and the configuration's
// allowed_extensions): IT's own build (scripts/pack.sh) is force-installed under IT's id, and the
// report would otherwise say that no extension is forced.
func (r Report) Accepting(ids []string) Report {
	out := Report{Browsers: make(map[machine.Browser]BrowserReport, len(r.Browsers))}
	for b, br := range r.Browsers {
		if br.Checks != nil && !br.Checks[CheckExtension] && slices.ContainsFunc(br.forced, func(id string) bool { return slices.Contains(ids, id) }) {
			c := make(map[string]bool, len(br.Checks))
			for k, v := range br.Checks {
				c[k] = v
			}
			c[CheckExtension] = true
			br.Checks = c
		}
		out.Browsers[b] = br
	}
	return out
}

// Values of BrowserReport.Private.
const (
	PrivateForced  = "forced"
	PrivateProfile = "private_profile"
	PrivateNone    = "none"
)

// Check names (shared contract).
const (
	CheckHistory        = "history_disabled"
	CheckPasswords      = "passwords_disabled"
	CheckAutofill       = "autofill_disabled"
	CheckSync           = "sync_disabled"
	CheckClearOnExit    = "clear_on_exit"
	CheckExtension      = "extension_forced"
	CheckPrivateWindows = "private_windows_forced"
	CheckExtInPrivate   = "extension_in_private"
)

// ChecksFor lists the checks reported for b. The Chromium family has no
// extension_in_private: no policy can grant it (DESIGN.md), so reporting it
// would only be a permanent red mark.
func ChecksFor(b machine.Browser) []string {
	c := []string{CheckHistory, CheckPasswords, CheckAutofill, CheckSync, CheckClearOnExit, CheckExtension, CheckPrivateWindows}
	if b.IsFirefox() {
		c = append(c, CheckExtInPrivate)
	}
	return c
}

// ReadTimeout bounds Read: a hung plutil or registry call cannot hold hello.
const ReadTimeout = 3 * time.Second

// Read reports the managed policies of every supported browser on this computer.
// It never fails: a browser whose policies cannot be read is reported present,
// every check false, with a reason.
func Read(ctx context.Context) Report {
	env := machine.NativeEnv()
	return ReadFrom(ctx, env, NativeSource(env))
}

// ReadFrom is Read with an explicit environment and policy source.
func ReadFrom(ctx context.Context, env machine.Env, src Source) Report {
	ctx, cancel := context.WithTimeout(ctx, ReadTimeout)
	defer cancel()
	r := Report{Browsers: make(map[machine.Browser]BrowserReport, len(machine.All))}
	for _, b := range machine.All {
		if !env.Present(b) {
			r.Browsers[b] = BrowserReport{Private: PrivateNone, Checks: map[string]bool{}}
			continue
		}
		vals, err := src.Policies(ctx, b)
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			br := Evaluate(b, nil)
			br.Reason = reason(err)
			r.Browsers[b] = br
			continue
		}
		r.Browsers[b] = Evaluate(b, vals)
	}
	return r
}

// reason keeps an error's text out of the report unless it is one of our
// sentinels: OS errors may carry paths with user names.
func reason(err error) string {
	for _, s := range []error{ErrUnreadable, ErrInvalid, ErrUnsupported, context.DeadlineExceeded} {
		if errorsIs(err, s) {
			return strings.TrimPrefix(s.Error(), "policy: ")
		}
	}
	return "unreadable"
}

// Evaluate turns the effective policies of a present browser into its report.
// vals holds JSON-like values (bool, float64, string, []any, map[string]any);
// registry DWORDs arrive as float64 and count as booleans when 0 or 1.
func Evaluate(b machine.Browser, vals map[string]any) BrowserReport {
	c := map[string]bool{}
	if b.IsFirefox() {
		forced := num(vals["PrivateBrowsingModeAvailability"]) == 2
		ext := extEntry(vals, FirefoxID)
		c[CheckPrivateWindows] = forced
		c[CheckHistory] = forced
		c[CheckPasswords] = isFalse(vals["PasswordManagerEnabled"])
		c[CheckAutofill] = forced || isTrue(vals["DisableFormHistory"])
		c[CheckSync] = isTrue(vals["DisableFirefoxAccounts"])
		c[CheckClearOnExit] = sanitizes(vals["SanitizeOnShutdown"])
		c[CheckExtension] = ext["installation_mode"] == "force_installed"
		c[CheckExtInPrivate] = isTrue(ext["private_browsing"])
		p := PrivateNone
		if forced {
			p = PrivateForced
		}
		return BrowserReport{Present: true, Private: p, Checks: c, forced: ForcedExtensions(b, vals)}
	}
	incognito := "IncognitoModeAvailability"
	if b == machine.Edge {
		incognito = "InPrivateModeAvailability"
	}
	forced := num(vals[incognito]) == 2
	c[CheckHistory] = isTrue(vals["SavingBrowserHistoryDisabled"])
	c[CheckPasswords] = isFalse(vals["PasswordManagerEnabled"])
	c[CheckAutofill] = isFalse(vals["AutofillAddressEnabled"]) && isFalse(vals["AutofillCreditCardEnabled"])
	c[CheckSync] = isTrue(vals["SyncDisabled"])
	c[CheckClearOnExit] = isTrue(vals["ClearBrowsingDataOnExit"]) || len(list(vals["ClearBrowsingDataOnExitList"])) > 0
	c[CheckExtension] = extEntry(vals, ChromiumID)["installation_mode"] == "force_installed" || forcelisted(vals)
	c[CheckPrivateWindows] = forced
	p := PrivateNone
	switch {
	case forced:
		p = PrivateForced
	case c[CheckHistory] && c[CheckPasswords] && c[CheckAutofill] && c[CheckSync]:
		p = PrivateProfile
	}
	return BrowserReport{Present: true, Private: p, Checks: c, forced: ForcedExtensions(b, vals)}
}

func forcelisted(vals map[string]any) bool {
	for _, e := range list(vals["ExtensionInstallForcelist"]) {
		if s, ok := e.(string); ok && (s == ChromiumID || strings.HasPrefix(s, ChromiumID+";")) {
			return true
		}
	}
	return false
}

func extEntry(vals map[string]any, id string) map[string]any {
	all, _ := vals["ExtensionSettings"].(map[string]any)
	e, _ := all[id].(map[string]any)
	return e
}

func sanitizes(v any) bool {
	if m, ok := v.(map[string]any); ok {
		for _, x := range m {
			if isTrue(x) {
				return true
			}
		}
		return false
	}
	return isTrue(v)
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case bool:
		if x {
			return 1
		}
	}
	return -1
}

func isTrue(v any) bool  { return v == true || num(v) == 1 }
func isFalse(v any) bool { return v == false || num(v) == 0 }

func list(v any) []any {
	l, _ := v.([]any)
	return l
}
