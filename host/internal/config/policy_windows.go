package config

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

const policyKey = `SOFTWARE\Policies\TableRase`

// openPolicy opens the HKLM then HKCU policy keys (missing keys are skipped);
// the returned function closes them.
func openPolicy() (policySource, func()) {
	var l layered
	var keys []registry.Key
	for _, root := range []registry.Key{registry.LOCAL_MACHINE, registry.CURRENT_USER} {
		k, err := registry.OpenKey(root, policyKey, registry.QUERY_VALUE|registry.WOW64_64KEY)
		if err != nil {
			continue
		}
		l, keys = append(l, regStore{k}), append(keys, k)
	}
	return l, func() {
		for _, k := range keys {
			k.Close()
		}
	}
}

type regStore struct{ k registry.Key }

func notFound(err error) bool { return errors.Is(err, registry.ErrNotExist) }

func typeErr(err error) error {
	if errors.Is(err, registry.ErrUnexpectedType) {
		return fmt.Errorf("%w", errWrongType)
	}
	return err
}

func (s regStore) String(name string) (string, bool, error) {
	v, _, err := s.k.GetStringValue(name)
	if notFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, typeErr(err)
	}
	return v, true, nil
}

func (s regStore) Strings(name string) ([]string, bool, error) {
	v, _, err := s.k.GetStringsValue(name)
	if notFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, typeErr(err)
	}
	return v, true, nil
}

func (s regStore) Integer(name string) (uint64, bool, error) {
	v, _, err := s.k.GetIntegerValue(name)
	if notFound(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, typeErr(err)
	}
	return v, true, nil
}
