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
		key:      func(p string) string { return p },
		refuse:   refuser(),
	}
}
