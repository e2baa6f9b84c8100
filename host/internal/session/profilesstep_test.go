package session

import (
	"testing"

	"github.com/tablerase/tablerase/host/internal/contract"
	"github.com/tablerase/tablerase/host/internal/profiles"
)

// TestProfilesStepNamesAnUnresolvedFolder: a profile folder whose place could not be worked out
// (machine.Env.Resolve refused it) makes the step fail with its own code, never "nothing".
func TestProfilesStepNamesAnUnresolvedFolder(t *testing.T) {
	for _, tc := range []struct {
		res          profiles.Result
		status, code string
	}{
		{profiles.Result{Unresolved: 1}, contract.StepFailed, contract.CodeUnresolved},
		{profiles.Result{Unresolved: 1, Removed: 2}, contract.StepFailed, contract.CodeUnresolved},
		{profiles.Result{Unresolved: 1, Failed: 1}, contract.StepFailed, contract.CodeNotRemoved},
		{profiles.Result{Profiles: 1}, contract.StepNothing, ""},
	} {
		if got := profilesStep(tc.res); got.Status != tc.status || got.Code != tc.code {
			t.Errorf("profilesStep(%+v) = %+v, want %s %s", tc.res, got, tc.status, tc.code)
		}
	}
}
