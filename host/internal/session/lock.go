package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"
)

// errLocked is returned by tryLock when another process holds the lock.
var errLocked = errors.New("locked")

// lock takes the state directory's exclusive lock, waiting at most wait. The lock is an OS
// advisory lock on a file (flock on Unix, LockFileEx on Windows): it dies with its process, so a
// host killed while holding it never blocks the next one.
func (m *Manager) lock(ctx context.Context, wait time.Duration) (release func(), err error) {
	f, err := os.OpenFile(filepath.Join(m.Dir, lockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		err := tryLock(f)
		if err == nil {
			return func() { _ = unlock(f); _ = f.Close() }, nil
		}
		if !errors.Is(err, errLocked) {
			f.Close()
			return nil, err
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, ErrBusy
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ErrBusy
		case <-time.After(25 * time.Millisecond):
		}
	}
}
