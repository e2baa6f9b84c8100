package policy

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// Windows keeps policies in the registry: HKLM\SOFTWARE\Policies\<vendor>
// (enforced for the machine) then HKCU (the user). The reading logic is here,
// portable and tested with a fake; registry_windows.go only walks keys.

// RegistrySource reads browser policies through a RegistryReader.
type RegistrySource struct {
	Reg machine.RegistryReader
	// Files, when set, is also read (Firefox's distribution policies.json);
	// registry policies win over the file.
	Files Source
}

// Policies implements Source: HKLM first, then HKCU for names HKLM does not set.
func (s RegistrySource) Policies(ctx context.Context, b machine.Browser) (map[string]any, error) {
	out := map[string]any{}
	for _, h := range []machine.Hive{machine.HKLM, machine.HKCU} {
		k, err := s.Reg.ReadTree(ctx, h, machine.PlacesOf("windows", b).PolicyKey)
		if errors.Is(err, machine.ErrNoKey) {
			continue
		}
		if err != nil {
			return nil, errors.Join(ErrUnreadable, err)
		}
		mergeMissing(out, FromRegistry(k, b.IsFirefox()))
	}
	if s.Files != nil {
		f, err := s.Files.Policies(ctx, b)
		if err != nil {
			return nil, err
		}
		mergeMissing(out, f)
	}
	return out, nil
}

// FromRegistry converts a policy key to JSON-like values the way the browsers
// do: DWORDs become numbers, a string holding a JSON object or list (Chromium's
// ExtensionSettings, Firefox's JSON-valued policies) is parsed, and a subkey
// whose value names are 1, 2, 3… is a list (ExtensionInstallForcelist). Other
// subkeys are dictionaries (Firefox writes nested policies as subkeys).
func FromRegistry(k machine.RegKey, firefox bool) map[string]any {
	out := map[string]any{}
	for name, v := range k.Values {
		if _, other := v.(machine.RegOther); !other { // a type no browser reads
			out[name] = regValue(v)
		}
	}
	for name, sub := range k.Subkeys {
		if l, ok := asList(sub); ok {
			out[name] = l
			continue
		}
		out[name] = FromRegistry(sub, firefox)
	}
	return out
}

func regValue(v any) any {
	switch x := v.(type) {
	case uint64:
		return float64(x)
	case uint32:
		return float64(x)
	case string:
		t := strings.TrimSpace(x)
		if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			var j any
			if json.Unmarshal([]byte(t), &j) == nil {
				return j
			}
		}
		return x
	case []string:
		l := make([]any, len(x))
		for i, s := range x {
			l[i] = s
		}
		return l
	}
	return v
}

func asList(k machine.RegKey) ([]any, bool) {
	if len(k.Subkeys) > 0 || len(k.Values) == 0 {
		return nil, false
	}
	idx := make([]int, 0, len(k.Values))
	for name := range k.Values {
		n, err := strconv.Atoi(name)
		if err != nil || n < 1 {
			return nil, false
		}
		idx = append(idx, n)
	}
	sort.Ints(idx)
	l := make([]any, 0, len(idx))
	for _, n := range idx {
		l = append(l, regValue(k.Values[strconv.Itoa(n)]))
	}
	return l, true
}
