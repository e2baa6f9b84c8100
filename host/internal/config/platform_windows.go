package config

import (
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
)

func currentPlatform() platform {
	return platform{
		env:      machine.NativeEnv(), // its Getenv ignores case, as Windows does
		defaults: knownFolders,
		key:      strings.ToLower,
		refuse:   refuser(),
	}
}
