package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Firefox reads a single policies.json that the admin may already use for
// other policies: we merge our entries into it and, on uninstall, take back
// only the entries we set and that still hold our value, restoring what was
// there before. Our entry of ExtensionSettings is handled alone, so the
// admin's other add-ons are untouched.

// FirefoxEdit records what MergeFirefox changed. It is kept in the install
// record; a zero FirefoxEdit (record lost) makes UnmergeFirefox remove every
// entry that still holds our value.
type FirefoxEdit struct {
	Set      []string                   `json:"set"`                // leaves we wrote ("Name" or "ExtensionSettings/<id>")
	Previous map[string]json.RawMessage `json:"previous,omitempty"` // their values before, when they had one
	Ours     map[string]json.RawMessage `json:"ours,omitempty"`     // the values we wrote
}

const (
	extSettings = "ExtensionSettings"
	preferences = "Preferences"
)

// leaves flattens our policies: each top-level name, except ExtensionSettings
// and Preferences whose entries are leaves of their own (the admin's other
// add-ons and preferences stay as they are).
func leaves(ours map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range ours {
		if m, ok := v.(map[string]any); ok && (k == extSettings || k == preferences) {
			for id, e := range m {
				out[k+"/"+id] = e
			}
			continue
		}
		out[k] = v
	}
	return out
}

func getLeaf(pol map[string]any, leaf string) (any, bool) {
	if k, id, ok := strings.Cut(leaf, "/"); ok {
		m, _ := pol[k].(map[string]any)
		v, ok := m[id]
		return v, ok
	}
	v, ok := pol[leaf]
	return v, ok
}

func setLeaf(pol map[string]any, leaf string, v any) {
	if k, id, ok := strings.Cut(leaf, "/"); ok {
		m, _ := pol[k].(map[string]any)
		if m == nil {
			m = map[string]any{}
			pol[k] = m
		}
		m[id] = v
		return
	}
	pol[leaf] = v
}

func deleteLeaf(pol map[string]any, leaf string) {
	if k, id, ok := strings.Cut(leaf, "/"); ok {
		m, _ := pol[k].(map[string]any)
		delete(m, id)
		if m != nil && len(m) == 0 {
			delete(pol, k)
		}
		return
	}
	delete(pol, leaf)
}

func equalJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// MergeFirefox merges ours into the policies.json content existing (nil or
// empty for no file) and returns the new content and what it changed. prior is
// the edit of an earlier install, if any: installing twice keeps the values
// from before the first install.
// Existing content that is not a JSON object is an error wrapping ErrInvalid:
// we never overwrite a file we cannot read.
func MergeFirefox(existing []byte, ours map[string]any, prior FirefoxEdit) ([]byte, FirefoxEdit, error) {
	doc := map[string]any{}
	if len(bytes.TrimSpace(existing)) > 0 {
		var err error
		if doc, err = parseObject(existing); err != nil {
			return nil, FirefoxEdit{}, err
		}
	}
	pol, ok := doc[FirefoxPolicyKey].(map[string]any)
	if !ok {
		if _, present := doc[FirefoxPolicyKey]; present {
			return nil, FirefoxEdit{}, fmt.Errorf("%w: %q is not an object", ErrInvalid, FirefoxPolicyKey)
		}
		pol = map[string]any{}
		doc[FirefoxPolicyKey] = pol
	}
	for _, k := range []string{extSettings, preferences} {
		if es, present := pol[k]; present {
			if _, ok := es.(map[string]any); !ok {
				return nil, FirefoxEdit{}, fmt.Errorf("%w: %s is not an object", ErrInvalid, k)
			}
		}
	}
	edit := FirefoxEdit{Previous: map[string]json.RawMessage{}, Ours: map[string]json.RawMessage{}}
	ls := leaves(ours)
	names := make([]string, 0, len(ls))
	for l := range ls {
		names = append(names, l)
	}
	sort.Strings(names)
	for _, l := range names {
		if raw, ok := prior.Previous[l]; ok {
			edit.Previous[l] = raw
		} else if old, ok := getLeaf(pol, l); ok && !(slices.Contains(prior.Set, l) && equalJSON(old, ls[l])) {
			raw, _ := json.Marshal(old)
			edit.Previous[l] = raw
		}
		setLeaf(pol, l, ls[l])
		edit.Set = append(edit.Set, l)
		edit.Ours[l], _ = json.Marshal(ls[l])
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	return append(out, '\n'), edit, err
}

// UnmergeFirefox removes our entries from existing: each leaf of edit.Set (all
// of ours when edit is zero) that still holds our value (edit.Ours, else ours)
// is restored to its previous value or deleted. Our own ExtensionSettings
// entry is keyed by our add-on id, so it is ours whatever its value. It reports whether nothing is left in the file
// (so the caller can delete a file it created).
func UnmergeFirefox(existing []byte, ours map[string]any, edit FirefoxEdit) ([]byte, bool, error) {
	doc, err := parseObject(existing)
	if err != nil {
		return nil, false, err
	}
	pol, _ := doc[FirefoxPolicyKey].(map[string]any)
	if pol == nil {
		return existing, len(doc) == 0, nil
	}
	ls := leaves(ours)
	set := edit.Set
	if len(set) == 0 {
		for l := range ls {
			set = append(set, l)
		}
	}
	for _, l := range set {
		want := ls[l]
		if raw, ok := edit.Ours[l]; ok {
			_ = json.Unmarshal(raw, &want)
		}
		cur, ok := getLeaf(pol, l)
		if !ok || (!equalJSON(cur, want) && !strings.HasPrefix(l, extSettings+"/")) {
			continue // changed since install: the admin's now
		}
		if raw, had := edit.Previous[l]; had {
			var prev any
			if json.Unmarshal(raw, &prev) == nil {
				setLeaf(pol, l, prev)
				continue
			}
		}
		deleteLeaf(pol, l)
	}
	empty := len(pol) == 0 && len(doc) == 1
	out, err := json.MarshalIndent(doc, "", "  ")
	return append(out, '\n'), empty, err
}
