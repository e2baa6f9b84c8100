//go:build linux || darwin

package config

import (
	"github.com/tablerase/tablerase/host/internal/machine"
)

func currentPlatform() platform {
	return platform{
		env:      machine.NativeEnv(),
		defaults: knownFolders,
		key:      func(p string) string { return p },
		refuse:   refuser(),
	}
}
