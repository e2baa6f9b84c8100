package machine

import (
	"context"
	"errors"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// NativeRegistry returns the Windows registry, 64-bit view.
func NativeRegistry() Registry { return winRegistry{} }

// NativeRegistryReader returns the Windows registry, 64-bit view.
func NativeRegistryReader() RegistryReader { return winRegistry{} }

type winRegistry struct{}

const view = registry.WOW64_64KEY

func root(h Hive) registry.Key {
	if h == HKLM {
		return registry.LOCAL_MACHINE
	}
	return registry.CURRENT_USER
}

// maxDepth bounds ReadTree: policy keys are at most a few levels deep.
const maxDepth = 4

func (winRegistry) ReadTree(ctx context.Context, hive Hive, path string) (RegKey, error) {
	k, err := registry.OpenKey(root(hive), path, registry.READ|view)
	if errors.Is(err, registry.ErrNotExist) {
		return RegKey{}, ErrNoKey
	}
	if err != nil {
		return RegKey{}, err
	}
	defer k.Close()
	return readKey(ctx, k, 0)
}

func readKey(ctx context.Context, k registry.Key, depth int) (RegKey, error) {
	out := RegKey{Values: map[string]any{}, Subkeys: map[string]RegKey{}}
	names, err := k.ReadValueNames(0)
	if err != nil {
		return out, err
	}
	for _, n := range names {
		buf := make([]byte, 0)
		_, typ, err := k.GetValue(n, buf)
		if err != nil && !errors.Is(err, registry.ErrShortBuffer) {
			continue
		}
		switch typ {
		case registry.DWORD, registry.QWORD:
			if v, _, err := k.GetIntegerValue(n); err == nil {
				out.Values[n] = v
			}
		case registry.SZ, registry.EXPAND_SZ:
			if v, _, err := k.GetStringValue(n); err == nil {
				out.Values[n] = v
			}
		case registry.MULTI_SZ:
			if v, _, err := k.GetStringsValue(n); err == nil {
				out.Values[n] = v
			}
		default:
			out.Values[n] = RegOther{Type: typ}
		}
	}
	if depth >= maxDepth {
		return out, nil
	}
	subs, err := k.ReadSubKeyNames(0)
	if err != nil {
		return out, err
	}
	for _, s := range subs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		sk, err := registry.OpenKey(k, s, registry.READ|view)
		if err != nil {
			continue
		}
		v, err := readKey(ctx, sk, depth+1)
		sk.Close()
		if err == nil {
			out.Subkeys[s] = v
		}
	}
	return out, nil
}

func sz(s string) RegValue { return RegValue{Kind: "sz", S: s} }

func (winRegistry) Get(h Hive, key, name string) (RegValue, bool, error) {
	k, err := registry.OpenKey(root(h), key, registry.QUERY_VALUE|view)
	if errors.Is(err, registry.ErrNotExist) {
		return RegValue{}, false, nil
	}
	if err != nil {
		return RegValue{}, false, err
	}
	defer k.Close()
	if s, _, err := k.GetStringValue(name); err == nil {
		return sz(s), true, nil
	}
	if d, _, err := k.GetIntegerValue(name); err == nil {
		return RegValue{Kind: "dword", D: uint32(d)}, true, nil
	} else if errors.Is(err, registry.ErrNotExist) {
		return RegValue{}, false, nil
	} else {
		return RegValue{}, false, err
	}
}

func (winRegistry) Set(h Hive, key, name string, v RegValue) error {
	k, _, err := registry.CreateKey(root(h), key, registry.SET_VALUE|view)
	if err != nil {
		return err
	}
	defer k.Close()
	if v.Kind == "dword" {
		return k.SetDWordValue(name, v.D)
	}
	return k.SetStringValue(name, v.S)
}

func (winRegistry) Delete(h Hive, key, name string) error {
	k, err := registry.OpenKey(root(h), key, registry.SET_VALUE|view)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer k.Close()
	if err := k.DeleteValue(name); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return err
	}
	return nil
}

func (winRegistry) DeleteKey(h Hive, key string) error {
	k, err := registry.OpenKey(root(h), key, registry.QUERY_VALUE|registry.ENUMERATE_SUB_KEYS|view)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	st, err := k.Stat()
	k.Close()
	if err != nil || st.ValueCount > 0 || st.SubKeyCount > 0 {
		return err
	}
	i := strings.LastIndex(key, `\`)
	parent, err := registry.OpenKey(root(h), key[:i], registry.ENUMERATE_SUB_KEYS|registry.SET_VALUE|view)
	if err != nil {
		return err
	}
	defer parent.Close()
	if err := registry.DeleteKey(parent, key[i+1:]); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return err
	}
	return nil
}

func (winRegistry) Names(h Hive, key string) ([]string, error) {
	k, err := registry.OpenKey(root(h), key, registry.QUERY_VALUE|view)
	if errors.Is(err, registry.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer k.Close()
	return k.ReadValueNames(0)
}
