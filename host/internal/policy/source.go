package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// Sentinel errors of the read side. Their text (without "policy: ") is the
// reason shown in a report, so it never carries a path.
var (
	ErrUnreadable  = errors.New("policy: unreadable")
	ErrInvalid     = errors.New("policy: invalid")
	ErrUnsupported = errors.New("policy: not readable on this system")
)

var errorsIs = errors.Is

// Source yields the effective managed policies of one browser.
//
// Policies must return the merged policies that the browser enforces (machine
// level first, user level only where the machine level does not set a name),
// as JSON-like values; an empty map when none are set. It must return an error
// wrapping ErrUnreadable or ErrInvalid when a policy store exists but cannot be
// read or parsed, must not modify anything, and must return when ctx is done.
type Source interface {
	Policies(ctx context.Context, b machine.Browser) (map[string]any, error)
}

// maxPolicyFile bounds every policy file read.
const maxPolicyFile = 4 << 20

// FileSource reads the Linux layout: every *.json file of the Chromium managed
// folders (merged in name order, first definition wins) and Firefox's
// policies.json files (first definition wins), where machine.Places and
// machine.Env.FirefoxPolicyFiles name them.
type FileSource struct{ Env machine.Env }

// Policies implements Source.
func (s FileSource) Policies(ctx context.Context, b machine.Browser) (map[string]any, error) {
	out := map[string]any{}
	if b.IsFirefox() {
		return pathsSource{Env: s.Env}.Policies(ctx, b)
	}
	for _, d := range s.Env.Places(b).PolicyDirs {
		ents, err := os.ReadDir(s.Env.Path(d))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
		}
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".json") && !e.IsDir() {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		for _, n := range names {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			m, err := readJSONFile(filepath.Join(s.Env.Path(d), n))
			if err != nil {
				return nil, err
			}
			mergeMissing(out, m)
		}
	}
	return out, nil
}

func mergeMissing(dst, src map[string]any) {
	for k, v := range src {
		if _, ok := dst[k]; !ok {
			dst[k] = v
		}
	}
}

// readJSONFile reads a bounded JSON object. A missing file wraps fs.ErrNotExist.
func readJSONFile(path string) (map[string]any, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPolicyFile+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	if len(data) > maxPolicyFile {
		return nil, fmt.Errorf("%w: file too large", ErrInvalid)
	}
	return parseObject(data)
}

func parseObject(data []byte) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// unsupportedSource reports every browser as unreadable with a reason.
type unsupportedSource struct{}

func (unsupportedSource) Policies(context.Context, machine.Browser) (map[string]any, error) {
	return nil, ErrUnsupported
}
