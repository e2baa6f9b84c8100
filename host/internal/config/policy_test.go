//go:build !windows

// The fake platform of these tests resolves Unix paths.

package config

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tablerase/tablerase/host/internal/machine"
)

func TestPolicyOverridesFile(t *testing.T) {
	r, err := decode([]byte(`{"scope":"session","watch":["/file/a"],"clear_clipboard":true,"clear_recent_documents":true}`))
	if err != nil {
		t.Fatal(err)
	}
	hklm := keyValues{"Scope": "all", "ClearClipboard": uint64(0)}
	hkcu := keyValues{"Scope": "session", "WatchedFolders": []string{"/user/b"}, "UseDefaultFolders": uint64(0), "AllowedExtensions": []string{"x@y"}}
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
	for name, store := range map[string]keyValues{
		"Scope":             {"Scope": uint64(1)},
		"UseDefaultFolders": {"UseDefaultFolders": uint64(2)},
		"WatchedFolders":    {"WatchedFolders": "/single/string"},
		"ClearClipboard":    {"ClearClipboard": "1"},
	} {
		var r raw
		_, err := applyPolicy(&r, layered{keyValues{}, store})
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
	_, _ = applyPolicy(&r, keyValues{"Scope": "tout"})
	if _, err := resolve(r, SourceRegistry, fakePlatform("/h", nil)); !errors.Is(err, ErrInvalid) {
		t.Errorf("registry scope not validated: %v", err)
	}
}

type fakeReader map[machine.Hive]machine.RegKey

func (f fakeReader) ReadTree(_ context.Context, h machine.Hive, path string) (machine.RegKey, error) {
	k, ok := f[h]
	if !ok || path != policyKey {
		return machine.RegKey{}, machine.ErrNoKey
	}
	return k, nil
}

// TestPolicyFromRegistry: the values come through machine.RegistryReader, HKLM before HKCU; a
// value of a type the host never reads is a wrong type, not a missing value.
func TestPolicyFromRegistry(t *testing.T) {
	if policyFrom(context.Background(), nil) != nil {
		t.Fatal("no registry: want no policy source")
	}
	reg := fakeReader{
		machine.HKLM: {Values: map[string]any{"Scope": "all"}},
		machine.HKCU: {Values: map[string]any{"Scope": "session", "ClearClipboard": uint64(0), "WatchedFolders": []string{"/u"}}},
	}
	var r raw
	applied, err := applyPolicy(&r, policyFrom(context.Background(), reg))
	if err != nil || !applied || *r.Scope != "all" || *r.ClearClipboard || (*r.Watch)[0] != "/u" {
		t.Fatalf("applyPolicy = %v, %v; raw %+v", applied, err, r)
	}
	reg = fakeReader{machine.HKCU: {Values: map[string]any{"ClearClipboard": machine.RegOther{Type: 3}}}}
	if _, err := applyPolicy(&raw{}, policyFrom(context.Background(), reg)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "ClearClipboard") {
		t.Errorf("REG_BINARY value: err = %v, want ErrInvalid naming it", err)
	}
	if applied, err := applyPolicy(&raw{}, policyFrom(context.Background(), fakeReader{})); applied || err != nil {
		t.Errorf("no key: applied=%v err=%v", applied, err)
	}
}
