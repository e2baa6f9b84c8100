//go:build !windows

// The fake platform of these tests resolves Unix paths.

package config

import (
	"errors"
	"path/filepath"
	"testing"
)

// FuzzParse: Parse never panics, fails only with ErrInvalid, and what it
// accepts is safe to hand to the wipe (absolute, clean, never an accepted
// root, no nesting among accepted folders).
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{}`, `{"scope":"all","watch":["~/a","$HOME/b"]}`, `{"allowed_extensions":["tablerase@tablerase.fr"]}`} {
		f.Add([]byte(s))
	}
	p := fakePlatform("/home/alice", map[string]string{"HOME": "/home/alice", "V": "/v"})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decode(data)
		if err == nil {
			var c Config
			c, err = resolve(r, SourceFile, p)
			if err == nil {
				for i, a := range c.Folders {
					if !filepath.IsAbs(a.Path) || filepath.Clean(a.Path) != a.Path || a.Path == "/" && a.Refused == "" {
						t.Fatalf("unsafe folder %q", a.Path)
					}
					for j, b := range c.Folders {
						if i != j && a.Refused == "" && b.Refused == "" && within(a.Path, b.Path) {
							t.Fatalf("nested folders %q in %q", a.Path, b.Path)
						}
					}
				}
				if c.Scope != ScopeSession && c.Scope != ScopeAll {
					t.Fatalf("scope %q", c.Scope)
				}
			}
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("error %v does not wrap ErrInvalid", err)
		}
	})
}
