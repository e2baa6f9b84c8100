package install

import (
	"encoding/json"
	"errors"

	"github.com/tablerase/tablerase/host/internal/policy"
)

// RegValue is one registry value we write: a string or a DWORD.
type RegValue struct {
	Kind string `json:"kind"` // "sz" or "dword"
	S    string `json:"s,omitempty"`
	D    uint32 `json:"d,omitempty"`
}

// Registry writes the Windows registry, always in the 64-bit view (Firefox
// ignores WOW6432Node). Keys are paths under the hive; the name "" is a key's
// default value.
//
// Get returns ok false, no error, when the key or the value is missing.
// Set creates the key (and its parents) if needed. Delete of a missing value
// and DeleteKey of a missing key are not errors; DeleteKey deletes only a key
// with no values and no subkeys left, and returns nil when it keeps one.
type Registry interface {
	Get(hive policy.Hive, key, name string) (RegValue, bool, error)
	Set(hive policy.Hive, key, name string, v RegValue) error
	Delete(hive policy.Hive, key, name string) error
	DeleteKey(hive policy.Hive, key string) error
	Names(hive policy.Hive, key string) ([]string, error)
}

// ErrNoRegistry is returned when a Windows layout is used without a Registry.
var ErrNoRegistry = errors.New("install: no registry on this system")

func hiveFor(l Level) policy.Hive {
	if l == System {
		return policy.HKLM
	}
	return policy.HKCU
}

func sz(s string) RegValue { return RegValue{Kind: "sz", S: s} }

// regValueOf converts a policy value the way Chrome reads registry policies:
// booleans and integers are DWORDs, dictionaries are JSON strings. Lists are
// handled by the caller (a subkey of numbered values).
func regValueOf(v any) (RegValue, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return RegValue{Kind: "dword", D: 1}, true
		}
		return RegValue{Kind: "dword", D: 0}, true
	case float64:
		return RegValue{Kind: "dword", D: uint32(x)}, true
	case string:
		return sz(x), true
	case map[string]any:
		b, err := json.Marshal(x)
		return sz(string(b)), err == nil
	}
	return RegValue{}, false
}
