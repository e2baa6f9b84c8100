package config

import (
	"context"
	"errors"
	"fmt"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// errWrongType is returned by a policySource when a value exists with another
// registry type than the one asked for.
var errWrongType = errors.New("wrong registry value type")

// policySource reads Group Policy values (keyValues: one registry key read
// through machine.RegistryReader; in tests, a map too).
// Each method returns found=false, err=nil when the value does not exist,
// and an error wrapping errWrongType when it exists with another type.
type policySource interface {
	String(name string) (v string, found bool, err error)    // REG_SZ / REG_EXPAND_SZ (unexpanded)
	Strings(name string) (v []string, found bool, err error) // REG_MULTI_SZ
	Integer(name string) (v uint64, found bool, err error)   // REG_DWORD / REG_QWORD
}

// policyKey holds the host's Group Policy values, under HKLM then HKCU.
const policyKey = `SOFTWARE\Policies\TableRase`

// policyFrom reads the policy keys through reg, HKLM before HKCU; a key that
// is missing or cannot be opened is skipped. A nil reg (no registry on this
// OS) gives no policy at all.
func policyFrom(ctx context.Context, reg machine.RegistryReader) policySource {
	if reg == nil {
		return nil
	}
	var l layered
	for _, h := range []machine.Hive{machine.HKLM, machine.HKCU} {
		if k, err := reg.ReadTree(ctx, h, policyKey); err == nil {
			l = append(l, keyValues(k.Values))
		}
	}
	return l
}

// keyValues is one registry key's values as machine.RegKey holds them.
type keyValues map[string]any

func keyValue[T any](k keyValues, name string) (T, bool, error) {
	var zero T
	v, ok := k[name]
	if !ok {
		return zero, false, nil
	}
	t, ok := v.(T)
	if !ok {
		return zero, false, errWrongType
	}
	return t, true, nil
}

func (k keyValues) String(name string) (string, bool, error) { return keyValue[string](k, name) }
func (k keyValues) Strings(name string) ([]string, bool, error) {
	return keyValue[[]string](k, name)
}
func (k keyValues) Integer(name string) (uint64, bool, error) { return keyValue[uint64](k, name) }

// layered consults its stores in order and returns the first value found:
// machine policy (HKLM) before user policy (HKCU).
type layered []policySource

func (l layered) String(name string) (string, bool, error) {
	for _, s := range l {
		if v, ok, err := s.String(name); ok || err != nil {
			return v, ok, err
		}
	}
	return "", false, nil
}

func (l layered) Strings(name string) ([]string, bool, error) {
	for _, s := range l {
		if v, ok, err := s.Strings(name); ok || err != nil {
			return v, ok, err
		}
	}
	return nil, false, nil
}

func (l layered) Integer(name string) (uint64, bool, error) {
	for _, s := range l {
		if v, ok, err := s.Integer(name); ok || err != nil {
			return v, ok, err
		}
	}
	return 0, false, nil
}

// applyPolicy overrides r's fields with the policy values found in s (nil:
// no policy on this OS). It reports whether any value was applied. A value of
// the wrong type is an error wrapping ErrInvalid that names the value.
func applyPolicy(r *raw, s policySource) (applied bool, err error) {
	if s == nil {
		return false, nil
	}
	wrap := func(name string, err error) error {
		return fmt.Errorf("%w: policy value %s: %v", ErrInvalid, name, err)
	}
	if v, ok, err := s.String("Scope"); err != nil {
		return false, wrap("Scope", err)
	} else if ok {
		r.Scope, applied = &v, true
	}
	if v, ok, err := s.Strings("WatchedFolders"); err != nil {
		return false, wrap("WatchedFolders", err)
	} else if ok {
		r.Watch, applied = &v, true
	}
	if v, ok, err := s.Strings("AllowedExtensions"); err != nil {
		return false, wrap("AllowedExtensions", err)
	} else if ok {
		r.AllowedExtensions, applied = &v, true
	}
	for _, b := range []struct {
		name string
		dst  **bool
	}{
		{"UseDefaultFolders", &r.DefaultFolders},
		{"ClearClipboard", &r.ClearClipboard},
		{"ClearRecentDocuments", &r.ClearRecentDocuments},
	} {
		v, ok, err := s.Integer(b.name)
		if err != nil {
			return false, wrap(b.name, err)
		}
		if !ok {
			continue
		}
		if v > 1 {
			return false, wrap(b.name, errors.New("must be 0 or 1"))
		}
		on := v == 1
		*b.dst, applied = &on, true
	}
	return applied, nil
}
