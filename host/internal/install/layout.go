package install

import (
	"fmt"
	"path"
	"strings"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
)

// Level says for whom the host is registered.
type Level string

// The two levels.
const (
	System Level = "system" // every user; needs root / administrator
	User   Level = "user"   // the current user only; no privileges needed
)

// Registration is where one browser finds the host: a manifest file and, on
// Windows, registry keys whose default value is that file's path.
type Registration struct {
	Browser  machine.Browser
	Manifest string   // path on the target system
	Keys     []string // Windows only: keys under the level's hive
}

// recordPaths is where the install record is kept (see record.go).
var recordPaths = map[string]map[Level][]string{
	"linux":   {System: {"/var/lib/tablerase/install-record.json"}, User: {"${XDG_STATE_HOME}/tablerase/install-record.json", "~/.local/state/tablerase/install-record.json"}},
	"darwin":  {System: {"/Library/Application Support/TableRase/install-record.json"}, User: {"~/Library/Application Support/TableRase/state/install-record.json"}},
	"windows": {System: {`%ProgramData%\TableRase\install-record.json`}, User: {`%LOCALAPPDATA%\TableRase\state\install-record.json`}},
}

// ManifestFile is the manifest's file name: the host name, as the browsers
// require on Linux and macOS. On Windows both families' manifests sit beside
// the binary, so the family is part of the name.
func ManifestFile(env machine.Env, b machine.Browser) string {
	if env.Table() == "windows" {
		if b.IsFirefox() {
			return policy.HostName + ".firefox.json"
		}
		return policy.HostName + ".chromium.json"
	}
	return policy.HostName + ".json"
}

// Registrations returns where browser b must find the host for level, hostPath
// being the host binary's path on the target system.
func Registrations(env machine.Env, level Level, b machine.Browser, hostPath string) (Registration, error) {
	t := env.Table()
	if t == "windows" {
		dir := hostPath[:strings.LastIndexAny(hostPath, `\/`)+1]
		return Registration{Browser: b, Manifest: dir + ManifestFile(env, b), Keys: hostKeys(b)}, nil
	}
	dir := env.Places(b).UserHosts
	if level == System {
		dir = env.Places(b).SystemHosts
	}
	if dir == "" {
		return Registration{}, fmt.Errorf("%w: %s at level %s", ErrUnknownBrowser, b, level)
	}
	dir, err := env.Resolve(dir)
	if err != nil {
		return Registration{}, fmt.Errorf("%w: %w", ErrNoPath, err)
	}
	return Registration{Browser: b, Manifest: path.Join(dir, ManifestFile(env, b))}, nil
}

// hostKeys is where Windows browsers look for our manifest: their native
// messaging keys (machine.Places.HostKeys), each with a sub-key named after the host.
func hostKeys(b machine.Browser) []string {
	var keys []string
	for _, k := range machine.PlacesOf("windows", b).HostKeys {
		keys = append(keys, k+`\`+policy.HostName)
	}
	return keys
}

// RecordPath returns the install record's path on the target system.
func RecordPath(env machine.Env, level Level) (string, error) {
	for _, p := range recordPaths[env.Table()][level] {
		if p, err := env.Resolve(p); err == nil { // an unset XDG_STATE_HOME: the next one
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: no place for the install record", ErrNoPath)
}
