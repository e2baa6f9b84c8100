//go:build !windows

// The fake platform of these tests resolves Unix paths.

package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// fakeStore is a registry key: values by name, typed by their Go type.
type fakeStore map[string]any

func (f fakeStore) String(n string) (string, bool, error) {
	v, ok := f[n]
	if !ok {
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, errWrongType
	}
	return s, true, nil
}

func (f fakeStore) Strings(n string) ([]string, bool, error) {
	v, ok := f[n]
	if !ok {
		return nil, false, nil
	}
	s, ok := v.([]string)
	if !ok {
		return nil, false, errWrongType
	}
	return s, true, nil
}

func (f fakeStore) Integer(n string) (uint64, bool, error) {
	v, ok := f[n]
	if !ok {
		return 0, false, nil
	}
	s, ok := v.(uint64)
	if !ok {
		return 0, false, errWrongType
	}
	return s, true, nil
}

func TestPolicyOverridesFile(t *testing.T) {
	r, err := decode([]byte(`{"scope":"session","watch":["/file/a"],"clear_clipboard":true,"clear_recent_documents":true}`))
	if err != nil {
		t.Fatal(err)
	}
	hklm := fakeStore{"Scope": "all", "ClearClipboard": uint64(0)}
	hkcu := fakeStore{"Scope": "session", "WatchedFolders": []string{"/user/b"}, "UseDefaultFolders": uint64(0), "AllowedExtensions": []string{"x@y"}}
	applied, err := applyPolicy(&r, layered{hklm, hkcu})
	if err != nil || !applied {
		t.Fatalf("applyPolicy = %v, %v", applied, err)
	}
	c, err := resolve(r, SourceRegistry, fakePlatform("/home/alice", nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Scope:                ScopeAll, // HKLM wins over HKCU
		Folders:              []Folder{{"watch-1", "/user/b", ""}},
		AllowedExtensions:    []string{"x@y"},
		ClearClipboard:       false, // HKLM overrides the file
		ClearRecentDocuments: true,  // not in policy: the file's value
		Source:               SourceRegistry,
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
}

func TestPolicyErrors(t *testing.T) {
	for name, store := range map[string]fakeStore{
		"Scope":             {"Scope": uint64(1)},
		"UseDefaultFolders": {"UseDefaultFolders": uint64(2)},
		"WatchedFolders":    {"WatchedFolders": "/single/string"},
		"ClearClipboard":    {"ClearClipboard": "1"},
	} {
		var r raw
		_, err := applyPolicy(&r, layered{fakeStore{}, store})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v, want ErrInvalid naming the value", name, err)
		}
	}
	var r raw
	if applied, err := applyPolicy(&r, layered{}); applied || err != nil {
		t.Errorf("empty policy: applied=%v err=%v", applied, err)
	}
	if applied, err := applyPolicy(&r, nil); applied || err != nil {
		t.Errorf("no policy store: applied=%v err=%v", applied, err)
	}
	// A registry scope is validated like the file's.
	_, _ = applyPolicy(&r, fakeStore{"Scope": "tout"})
	if _, err := resolve(r, SourceRegistry, fakePlatform("/h", nil)); !errors.Is(err, ErrInvalid) {
		t.Errorf("registry scope not validated: %v", err)
	}
}
