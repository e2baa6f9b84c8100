package machine

import "os"

// Present reports whether browser b looks installed: one of its usual binaries
// or (for a user) its configuration folder exists. It never starts the browser.
func (e Env) Present(b Browser) bool {
	for _, p := range e.Places(b).Presence {
		p, err := e.Resolve(p)
		if err != nil {
			continue // say %ProgramFiles(x86)% on a 32-bit Windows
		}
		if _, err := os.Stat(e.Path(p)); err == nil {
			return true
		}
	}
	return false
}
