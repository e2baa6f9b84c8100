package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tablerase/tablerase/host/internal/profiles"
	"github.com/tablerase/tablerase/host/internal/traces"
	"github.com/tablerase/tablerase/host/internal/wipe"
)

const (
	stateFile    = "session.json"
	lockFile     = "session.lock"
	stateVersion = 1
	// maxStateSize bounds what we read back: the state holds ids and counts, never lists.
	maxStateSize = 1 << 20
)

// state is what session.json holds. No file name, no path: folders are known by an HMAC of their
// path under Key, their snapshots live in files named after that HMAC.
type state struct {
	Version   int               `json:"version"`
	ID        string            `json:"id"`
	StartedAt time.Time         `json:"started_at"`
	Scope     string            `json:"scope"`
	Phase     string            `json:"phase"`
	Key       []byte            `json:"key"`
	Folders   []folderState     `json:"folders"`
	Recent    traces.RecentMark `json:"recent"`
	Report    *Report           `json:"report,omitempty"`
	// ResidueSince is the start of the earliest accompaniment whose residue in closed browser
	// profiles (scope session: see profiles.Residue) has not been cleared yet. Start carries it
	// over from the previous session while that residue is pending, so an accompaniment followed
	// by another before any logoff is not forgotten. Zero in states written by older hosts:
	// StartedAt stands for it. ResidueCleared is set once a clean found every profile closed and
	// removed all of it, so that later cleans leave what the aidant's own browsing wrote since.
	ResidueSince   time.Time `json:"residue_since,omitzero"`
	ResidueCleared bool      `json:"residue_cleared,omitempty"`
	// ResidueLogs are the browsers' Local Storage logs as they were at ResidueSince (keyed
	// digests of their identity under ResidueKey, and lengths): what the aidant wrote before is
	// kept, what came after goes (profiles.MarkLogs).
	ResidueKey  []byte             `json:"residue_key,omitempty"`
	ResidueLogs []profiles.LogMark `json:"residue_logs,omitempty"`
}

// residue returns the window of the residue still to clear from closed browser profiles; its
// Since is zero when there is none.
func (st *state) residue() profiles.Window {
	switch {
	case st.Phase == PhaseNone || st.ResidueCleared:
		return profiles.Window{}
	case st.ResidueSince.IsZero():
		return profiles.Window{Since: st.StartedAt} // written by an older host: no marks
	}
	return profiles.Window{Since: st.ResidueSince, Key: st.ResidueKey, Logs: st.ResidueLogs}
}

type folderState struct {
	ID    string `json:"id"`    // hex HMAC of the folder's cleaned path
	Label string `json:"label"` // "downloads", "watch-1"…: safe to show and log
	// Snapshot is true when a snapshot file was written for this folder; false when taking it
	// failed, in which case scope "session" must not delete anything there.
	Snapshot bool   `json:"snapshot"`
	Error    string `json:"error,omitempty"` // reason code when Snapshot is false
}

func folderID(key []byte, path string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("folder\x00" + filepath.Clean(path)))
	return hex.EncodeToString(mac.Sum(nil)[:16])
}

func snapshotName(id string) string { return "snap-" + id + ".bin" }

// load reads the state; a missing file is PhaseNone.
func (m *Manager) load() (*state, error) {
	f, err := os.Open(filepath.Join(m.Dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return &state{Phase: PhaseNone}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrState, err)
	}
	defer f.Close()
	var st state
	dec := json.NewDecoder(io.LimitReader(f, maxStateSize))
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrState, err)
	}
	if st.Version != stateVersion || len(st.Key) != 32 {
		return nil, fmt.Errorf("%w: version %d", ErrState, st.Version)
	}
	switch st.Phase {
	case PhaseActive, PhaseEnding, PhaseEnded:
	default:
		return nil, fmt.Errorf("%w: phase", ErrState)
	}
	return &st, nil
}

func (m *Manager) save(st *state) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return writeAtomic(m.Dir, stateFile, b)
}

func (m *Manager) saveSnapshot(id string, snap *wipe.Snapshot) error {
	b, err := snap.MarshalBinary()
	if err != nil {
		return err
	}
	return writeAtomic(m.Dir, snapshotName(id), b)
}

func (m *Manager) loadSnapshot(id string) (*wipe.Snapshot, error) {
	b, err := os.ReadFile(filepath.Join(m.Dir, snapshotName(id)))
	if err != nil {
		return nil, err
	}
	snap := new(wipe.Snapshot)
	if err := snap.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	return snap, nil
}

// removeLeftovers deletes snapshot files and temporary files of earlier sessions. Only our own
// file names are touched, inside our own state directory.
func (m *Manager) removeLeftovers() {
	entries, err := os.ReadDir(m.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && (strings.HasPrefix(n, "snap-") && strings.HasSuffix(n, ".bin") || strings.HasPrefix(n, ".tmp-")) {
			_ = os.Remove(filepath.Join(m.Dir, n))
		}
	}
}

// writeAtomic replaces dir/name with data: temporary file, fsync, rename, fsync of the directory.
// A crash leaves either the old content or the new, never half of either.
func writeAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, ".tmp-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o600)
	}
	if werr == nil {
		werr = os.Rename(tmp, filepath.Join(dir, name))
	}
	if werr != nil {
		_ = os.Remove(tmp)
		return werr
	}
	return syncDir(dir)
}
