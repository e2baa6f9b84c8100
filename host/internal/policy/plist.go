package policy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// macOS delivers policies as configuration profiles, which the system writes to
// /Library/Managed Preferences/<domain>.plist (device) and
// /Library/Managed Preferences/<user>/<domain>.plist (user). Those are binary
// plists: we let plutil convert them to JSON rather than carry a plist parser.

// ManagedPrefsDir is where macOS materialises configuration profiles.
const ManagedPrefsDir = "/Library/Managed Preferences"

// PlistDomains names each browser's preference domain.
var PlistDomains = map[machine.Browser]string{
	machine.Chrome:   "com.google.Chrome",
	machine.Chromium: "org.chromium.Chromium",
	machine.Edge:     "com.microsoft.Edge",
	machine.Brave:    "com.brave.Browser",
	machine.Firefox:  "org.mozilla.firefox",
}

// PlistSource reads managed preferences; Convert turns one plist file into JSON
// (plutil -convert json -o - FILE on a Mac). User is the login name for the
// per-user folder ("" skips it).
type PlistSource struct {
	Env     machine.Env
	User    string
	Convert func(ctx context.Context, path string) ([]byte, error)
	// Files is also read for Firefox (policies.json in the app bundle).
	Files Source
}

// Policies implements Source.
func (s PlistSource) Policies(ctx context.Context, b machine.Browser) (map[string]any, error) {
	out := map[string]any{}
	dirs := []string{ManagedPrefsDir}
	if s.User != "" {
		dirs = append(dirs, filepath.Join(ManagedPrefsDir, s.User))
	}
	for _, d := range dirs {
		p := s.Env.Path(filepath.Join(d, PlistDomains[b]+".plist"))
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if s.Convert == nil {
			return nil, ErrUnsupported
		}
		data, err := s.Convert(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
		}
		m, err := parseObject(data)
		if err != nil {
			return nil, err
		}
		if b.IsFirefox() {
			if inner, ok := m[FirefoxPolicyKey].(map[string]any); ok {
				m = inner
			}
		}
		mergeMissing(out, m)
	}
	if b.IsFirefox() && s.Files != nil {
		f, err := s.Files.Policies(ctx, b)
		if err != nil {
			return nil, err
		}
		mergeMissing(out, f)
	}
	return out, nil
}

// pathsSource reads Firefox's policies.json from explicit files (Windows and
// macOS keep it in the distribution folder beside the binary).
type pathsSource struct {
	Env   machine.Env
	Files []string
}

func (s pathsSource) Policies(ctx context.Context, b machine.Browser) (map[string]any, error) {
	out := map[string]any{}
	if !b.IsFirefox() {
		return out, nil
	}
	for _, f := range s.Files {
		f = s.Env.Expand(f)
		if !s.Env.Absolute(f) {
			continue
		}
		m, err := readJSONFile(s.Env.Path(f))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		pol, _ := m[FirefoxPolicyKey].(map[string]any)
		mergeMissing(out, pol)
	}
	return out, nil
}

// FirefoxDistributionFiles lists policies.json beside Firefox on Windows and macOS.
var FirefoxDistributionFiles = map[string][]string{
	"windows": {`%ProgramFiles%\Mozilla Firefox\distribution\policies.json`, `%ProgramFiles(x86)%\Mozilla Firefox\distribution\policies.json`},
	"darwin":  {"/Applications/Firefox.app/Contents/Resources/distribution/policies.json"},
}
