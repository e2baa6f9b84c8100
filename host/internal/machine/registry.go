package machine

import (
	"context"
	"errors"
)

// Windows keeps policies and native-messaging registrations in the registry,
// always read and written here in the 64-bit view (Firefox ignores
// WOW6432Node). Everything that interprets registry content (policy, config,
// install) is portable code tested with fakes of the two interfaces below;
// registry_windows.go is their one implementation.

// Hive names a registry root.
type Hive string

// The two hives the host reads and writes.
const (
	HKLM Hive = "HKLM"
	HKCU Hive = "HKCU"
)

// RegKey is the content of one registry key: its values (uint64 for DWORD and
// QWORD, string for SZ and EXPAND_SZ — unexpanded —, []string for MULTI_SZ,
// RegOther for any other type) and its subkeys.
type RegKey struct {
	Values  map[string]any
	Subkeys map[string]RegKey
}

// RegOther is a value of a type the host never reads (REG_BINARY…): kept so
// that a reader can tell "wrong type" from "missing".
type RegOther struct{ Type uint32 }

// ErrNoKey is returned by a RegistryReader for a key that does not exist.
var ErrNoKey = errors.New("registry key not found")

// RegistryReader reads one key and its subkeys (a few levels deep) from the
// 64-bit view. ReadTree must return an error wrapping ErrNoKey when the key
// does not exist, read nothing else, and stop when ctx is done.
type RegistryReader interface {
	ReadTree(ctx context.Context, hive Hive, path string) (RegKey, error)
}

// RegValue is one registry value the host writes: a string or a DWORD.
type RegValue struct {
	Kind string `json:"kind"` // "sz" or "dword"
	S    string `json:"s,omitempty"`
	D    uint32 `json:"d,omitempty"`
}

// Registry is the registry access install (and doctor) needs: single values,
// 64-bit view. Keys are paths under the hive; the name "" is a key's default
// value.
//
// Get returns ok false, no error, when the key or the value is missing.
// Set creates the key (and its parents) if needed. Delete of a missing value
// and DeleteKey of a missing key are not errors; DeleteKey deletes only a key
// with no values and no subkeys left, and returns nil when it keeps one.
type Registry interface {
	Get(hive Hive, key, name string) (RegValue, bool, error)
	Set(hive Hive, key, name string, v RegValue) error
	Delete(hive Hive, key, name string) error
	DeleteKey(hive Hive, key string) error
	Names(hive Hive, key string) ([]string, error)
}
