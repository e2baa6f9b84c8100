//go:build linux || darwin

package config

import "os"

func currentPlatform() platform {
	home, _ := os.UserHomeDir()
	return platform{
		home:     home,
		getenv:   os.LookupEnv,
		expand:   expandUnixVars,
		defaults: defaultFolders,
		isRoot:   func(p string) bool { return p == "/" },
		key:      func(p string) string { return p },
	}
}
