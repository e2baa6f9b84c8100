package install

import (
	"encoding/json"
	"errors"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// ErrNoRegistry is returned when a Windows layout is used without a Registry.
var ErrNoRegistry = errors.New("install: no registry on this system")

func hiveFor(l Level) machine.Hive {
	if l == System {
		return machine.HKLM
	}
	return machine.HKCU
}

func sz(s string) machine.RegValue { return machine.RegValue{Kind: "sz", S: s} }

// regValueOf converts a policy value the way Chrome reads registry policies:
// booleans and integers are DWORDs, dictionaries are JSON strings. Lists are
// handled by the caller (a subkey of numbered values).
func regValueOf(v any) (machine.RegValue, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return machine.RegValue{Kind: "dword", D: 1}, true
		}
		return machine.RegValue{Kind: "dword", D: 0}, true
	case float64:
		return machine.RegValue{Kind: "dword", D: uint32(x)}, true
	case string:
		return sz(x), true
	case map[string]any:
		b, err := json.Marshal(x)
		return sz(string(b)), err == nil
	}
	return machine.RegValue{}, false
}
