package policy

import (
	"context"
	"errors"

	"golang.org/x/sys/windows/registry"

	"github.com/tablerase/tablerase/host/internal/machine"
)

// NativeSource returns the policy source of Windows: the registry (64-bit
// view) plus Firefox's distribution policies.json.
func NativeSource(env machine.Env) Source {
	return RegistrySource{Reg: winRegistry{}, Files: pathsSource{Env: env}}
}

type winRegistry struct{}

// maxDepth bounds the walk: policy keys are at most a few levels deep.
const maxDepth = 4

func (winRegistry) ReadTree(ctx context.Context, hive Hive, path string) (RegKey, error) {
	root := registry.LOCAL_MACHINE
	if hive == HKCU {
		root = registry.CURRENT_USER
	}
	k, err := registry.OpenKey(root, path, registry.READ|registry.WOW64_64KEY)
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
		sk, err := registry.OpenKey(k, s, registry.READ|registry.WOW64_64KEY)
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
