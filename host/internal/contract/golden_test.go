package contract_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/tablerase/tablerase/host/internal/commands"
	"github.com/tablerase/tablerase/host/internal/contract"
	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
	"github.com/tablerase/tablerase/host/internal/traces"
	"github.com/tablerase/tablerase/host/internal/wipe"
)

var update = flag.Bool("update", false, "rewrite the extension's golden files and lib/contract.js")

// The extension's side of the contract, relative to this package's folder.
var (
	goldenDir  = filepath.Join("..", "..", "..", "extension", "test", "golden")
	contractJS = filepath.Join("..", "..", "..", "extension", "lib", "contract.js")
)

var (
	sessionID = "6f1c2a9e-8d4b-4c1e-9a7f-2b5d3e8c0a11"
	started   = time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC)
	ended     = started.Add(42 * time.Minute)
)

// report builds a session.end result the way the session does: sums of the folders, then the
// contract's rules for the statuses.
func report(folders []contract.FolderReport, clip, recent contract.StepReport) contract.Report {
	fr := contract.FilesReport{Folders: folders}
	for _, f := range folders {
		fr.Removed += f.Removed
		fr.Kept += f.Kept
		fr.Failed += f.Failed
		fr.RemovedBytes += f.RemovedBytes
	}
	fr.Status = contract.FilesStatus(folders)
	r := contract.Report{SessionID: sessionID, StartedAt: started, EndedAt: ended, Scope: contract.ScopeSession,
		DurationMS: 41, Files: fr, Clipboard: clip, RecentDocuments: recent}
	r.Status = contract.Overall(r)
	return r
}

var (
	downloadsClean = contract.FolderReport{Label: "downloads", Status: wipe.StatusClean, Removed: 2, Kept: 2, RemovedBytes: 81234}
	scansClean     = contract.FolderReport{Label: "scans", Status: wipe.StatusClean, Removed: 1, RemovedBytes: 20480}
	watchMissing   = contract.FolderReport{Label: "watch-1", Status: wipe.StatusMissing}
	cleared        = contract.StepReport{Status: traces.StatusCleared}
	recentCleared  = contract.StepReport{Status: traces.StatusCleared, Removed: 3}
)

// goldens are the files the extension's tests and its fake host load instead of copying the JSON.
func goldens() map[string]any {
	wiped := []contract.FolderReport{downloadsClean, scansClean, watchMissing}
	return map[string]any{
		"hello.json": commands.HelloResult{Version: "0.1.0", Protocol: contract.Protocol, OS: "linux", Arch: "amd64",
			Capabilities: []string{contract.CapFiles, contract.CapClipboard, contract.CapRecentDocuments},
			Scope:        contract.ScopeSession,
			Policy: policy.Report{Browsers: map[machine.Browser]policy.BrowserReport{
				machine.Chromium: {Present: true, Private: "private_profile", Checks: map[string]bool{"history_disabled": true, "passwords_disabled": true}},
				machine.Firefox:  {Present: true, Private: "forced", Checks: map[string]bool{"passwords_disabled": true}},
			}},
			Session: contract.Info{State: contract.SessionNone}},
		"session-start.json": contract.Started{SessionID: sessionID, StartedAt: started, Scope: contract.ScopeSession, Folders: 3},
		"status-active.json": commands.StatusResult{Session: contract.Info{State: contract.SessionActive, ID: sessionID, StartedAt: &started}},
		// Everything done: 3 files removed, the aidant's 2 kept.
		"session-end-clean.json": report(wiped, cleared, recentCleared),
		// The same, on a computer whose logoff clean is installed: what the browser keeps until it
		// closes is removed then, and the receipt may say so.
		"session-end-closed-browsers.json": func() contract.Report {
			r := report(wiped, cleared, recentCleared)
			r.ClosedBrowsers = true
			return r
		}(),
		// No display, so no clipboard at all: nothing left behind, still clean.
		"session-end-no-display.json": report(wiped, contract.StepReport{Status: traces.StatusSkipped, Code: traces.CodeNoDisplay},
			contract.StepReport{Status: traces.StatusNothing}),
		// A display but no clipboard tool: the clipboard may hold the person's data.
		"session-end-no-tool.json": report(wiped, contract.StepReport{Status: traces.StatusSkipped, Code: traces.CodeNoTool}, recentCleared),
		// The admin switched both traces off; macOS has no recent-documents list we may edit.
		"session-end-disabled.json": report(wiped, contract.StepReport{Status: traces.StatusDisabled},
			contract.StepReport{Status: traces.StatusDisabled}),
		// Nothing in the watched folders and both traces off: what the fake host (which deletes
		// nothing) answers.
		"session-end-nothing.json": report([]contract.FolderReport{}, contract.StepReport{Status: traces.StatusDisabled},
			contract.StepReport{Status: traces.StatusDisabled}),
		"session-end-recent-unsupported.json": report(wiped, cleared,
			contract.StepReport{Status: traces.StatusSkipped, Code: traces.CodeUnsupported}),
		"session-end-clipboard-failed.json": report(wiped, contract.StepReport{Status: traces.StatusFailed, Code: traces.CodeTimeout}, recentCleared),
		// Folders left untouched, each for its own reason, next to one wiped.
		"session-end-untouched.json": report([]contract.FolderReport{
			{Label: "downloads", Status: wipe.StatusMoved, Errors: map[string]int{wipe.ReasonMoved: 1}},
			{Label: "scans", Status: contract.StatusRefused, Errors: map[string]int{"home": 1}},
			{Label: "watch-1", Status: contract.StatusSkipped, Errors: map[string]int{contract.CodeNoSnapshot: 1}},
			{Label: "scans-2", Status: wipe.StatusClean, Removed: 1, RemovedBytes: 512},
		}, cleared, recentCleared),
		// A file open in another program (Windows): « Réessayer » may help.
		"session-end-partial.json": report([]contract.FolderReport{
			{Label: "downloads", Status: wipe.StatusPartial, Removed: 2, Kept: 1, Failed: 1, RemovedBytes: 4096,
				Errors: map[string]int{wipe.ReasonBusy: 1}},
		}, cleared, recentCleared),
		"session-end-failed.json": report([]contract.FolderReport{
			{Label: "downloads", Status: wipe.StatusFailed, Errors: map[string]int{wipe.ReasonPermission: 1}},
		}, cleared, recentCleared),
	}
}

// extensionContract is extension/lib/contract.js: the protocol version, the budgets table, the
// waits derived from it, and the step rule.
func extensionContract(t *testing.T) []byte {
	body, err := json.MarshalIndent(map[string]any{
		"protocol": contract.Protocol,
		"budgets":  contract.Limits,
		"waits":    contract.ExtensionWaits(),
		"step_ok":  contract.StepOKRule,
	}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString("// Generated by host/internal/contract (golden_test.go) from contract.go and budgets.json: do\n")
	b.WriteString("// not edit. Change the Go side, then run `go test ./host/internal/contract -update`; the Go test\n")
	b.WriteString("// fails while this file differs from what the Go side produces.\n")
	b.WriteString("export const CONTRACT = Object.freeze(")
	b.Write(body)
	b.WriteString(");\n")
	return b.Bytes()
}

func marshal(t *testing.T, v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestGoldens: the committed golden files and lib/contract.js are exactly what the Go types,
// rules and budgets produce, and no stale golden lies around.
func TestGoldens(t *testing.T) {
	want := map[string][]byte{}
	for name, v := range goldens() {
		want[filepath.Join(goldenDir, name)] = marshal(t, v)
	}
	want[contractJS] = extensionContract(t)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(goldenDir, "*.json"))
		for _, p := range old {
			if _, keep := want[p]; !keep {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			}
		}
		for p, b := range want {
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	names := make([]string, 0, len(want))
	for p := range want {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		got, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%s: %v (run `go test ./host/internal/contract -update`)", p, err)
			continue
		}
		if !bytes.Equal(bytes.ReplaceAll(got, []byte("\r\n"), []byte("\n")), want[p]) {
			t.Errorf("%s differs from what the Go contract produces: run `go test ./host/internal/contract -update` "+
				"and commit it with the change (the extension's tests read it)", p)
		}
	}
	old, _ := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	for _, p := range old {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: no longer produced by the Go contract; remove it (-update does)", p)
		}
	}
}
