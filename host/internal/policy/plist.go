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
	dirs := []string{machine.ManagedPrefsDir}
	if s.User != "" {
		dirs = append(dirs, filepath.Join(machine.ManagedPrefsDir, s.User))
	}
	for _, d := range dirs {
		p := s.Env.Path(filepath.Join(d, machine.PlacesOf("darwin", b).PlistDomain+".plist"))
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

// pathsSource reads Firefox's policies.json files of env's OS (on Windows and
// macOS the distribution folder beside the binary).
type pathsSource struct{ Env machine.Env }

func (s pathsSource) Policies(ctx context.Context, b machine.Browser) (map[string]any, error) {
	out := map[string]any{}
	if !b.IsFirefox() {
		return out, nil
	}
	for _, pf := range s.Env.FirefoxPolicyFiles() {
		f, err := s.Env.Resolve(pf.File)
		if err != nil {
			continue // say %ProgramFiles(x86)% on a 32-bit Windows
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
