package install

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
)

// Uninstall must remove exactly what install wrote, including our entries in
// files and keys shared with the admin's own policies. Recomputing that is not
// enough (an admin may have set PasswordManagerEnabled=false before us), so
// install keeps a small record: the files it created, the policies.json
// entries it merged with their previous values, the registry values it set
// with theirs. Uninstall replays the record backwards. Without a record
// (lost, or files laid down by a package manager) uninstall falls back to
// recomputing: our manifests and policy files by their fixed names, our
// policies.json entries that still hold our value.

// Record is what one level's installs wrote. It holds paths of system
// folders only, never a user's file.
type Record struct {
	Version  int         `json:"version"`
	Level    Level       `json:"level"`
	HostPath string      `json:"host_path"`
	Files    []FileEntry `json:"files,omitempty"`
	Reg      []RegEntry  `json:"registry,omitempty"`
	Dirs     []string    `json:"dirs,omitempty"`  // folders install created, parents first
	Tasks    []string    `json:"tasks,omitempty"` // Windows scheduled tasks
}

// FileEntry is a file install wrote. Firefox is set for a merged policies.json.
type FileEntry struct {
	Path    string              `json:"path"`
	Created bool                `json:"created"`
	Firefox *policy.FirefoxEdit `json:"firefox,omitempty"`
}

// RegEntry is a registry value install set. Prev is the value before (nil: none).
// JSONKey, for a JSON dictionary value (ExtensionSettings), is the entry that
// is ours inside it. CreatedKey means the whole key is ours (a host key).
type RegEntry struct {
	Hive       machine.Hive      `json:"hive"`
	Key        string            `json:"key"`
	Name       string            `json:"name"`
	Ours       machine.RegValue  `json:"ours"`
	Prev       *machine.RegValue `json:"prev,omitempty"`
	JSONKey    string            `json:"json_key,omitempty"`
	CreatedKey bool              `json:"created_key,omitempty"`
}

const recordVersion = 1

func readRecord(path string) (*Record, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil || r.Version != recordVersion {
		return nil, fmt.Errorf("%w: install record unreadable", ErrRecord)
	}
	return &r, nil
}

func (r *Record) file(path string) *FileEntry {
	for i := range r.Files {
		if r.Files[i].Path == path {
			return &r.Files[i]
		}
	}
	return nil
}

func (r *Record) addFile(e FileEntry) {
	if f := r.file(e.Path); f != nil {
		f.Firefox = e.Firefox
		return
	}
	r.Files = append(r.Files, e)
}

func (r *Record) reg(h machine.Hive, key, name string) *RegEntry {
	for i := range r.Reg {
		if e := &r.Reg[i]; e.Hive == h && e.Key == key && e.Name == name {
			return e
		}
	}
	return nil
}
