package install

import (
	"sort"
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// fakeRegistry is a map of "HIVE\key" → name → value, with the Registry contract.
type fakeRegistry map[string]map[string]machine.RegValue

func (f fakeRegistry) Get(h machine.Hive, key, name string) (machine.RegValue, bool, error) {
	v, ok := f[string(h)+`\`+key][name]
	return v, ok, nil
}

func (f fakeRegistry) Set(h machine.Hive, key, name string, v machine.RegValue) error {
	k := string(h) + `\` + key
	if f[k] == nil {
		f[k] = map[string]machine.RegValue{}
	}
	f[k][name] = v
	return nil
}

func (f fakeRegistry) Delete(h machine.Hive, key, name string) error {
	delete(f[string(h)+`\`+key], name)
	return nil
}

func (f fakeRegistry) DeleteKey(h machine.Hive, key string) error {
	k := string(h) + `\` + key
	if len(f[k]) > 0 {
		return nil
	}
	for other := range f {
		if strings.HasPrefix(other, k+`\`) {
			return nil
		}
	}
	delete(f, k)
	return nil
}

func (f fakeRegistry) Names(h machine.Hive, key string) ([]string, error) {
	var n []string
	for name := range f[string(h)+`\`+key] {
		n = append(n, name)
	}
	sort.Strings(n)
	return n, nil
}

func (f fakeRegistry) keys() []string {
	var k []string
	for name := range f {
		k = append(k, name)
	}
	sort.Strings(k)
	return k
}
