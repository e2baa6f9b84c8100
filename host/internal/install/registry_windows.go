package install

import (
	"errors"
	"strings"

	"golang.org/x/sys/windows/registry"

	"github.com/tablerase/tablerase/host/internal/policy"
)

// NativeRegistry returns the Windows registry, 64-bit view.
func NativeRegistry() Registry { return winRegistry{} }

type winRegistry struct{}

const view = registry.WOW64_64KEY

func root(h policy.Hive) registry.Key {
	if h == policy.HKLM {
		return registry.LOCAL_MACHINE
	}
	return registry.CURRENT_USER
}

func (winRegistry) Get(h policy.Hive, key, name string) (RegValue, bool, error) {
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

func (winRegistry) Set(h policy.Hive, key, name string, v RegValue) error {
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

func (winRegistry) Delete(h policy.Hive, key, name string) error {
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

func (winRegistry) DeleteKey(h policy.Hive, key string) error {
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

func (winRegistry) Names(h policy.Hive, key string) ([]string, error) {
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
