package traces

import (
	"context"
	"time"
)

// RecentMark is what session.start records so that session.end knows which
// recent-document entries are new. It is a time and nothing else: no name.
type RecentMark struct {
	Since time.Time `json:"since"`
}

// MarkRecent takes the mark at session start.
func MarkRecent() RecentMark { return RecentMark{Since: time.Now().UTC()} }

// cut is the instant from which entries count as new: the mark rounded down
// to the second, because GLib and some Windows file systems store whole
// seconds. An entry of that same second is treated as the session's.
func (m RecentMark) cut() time.Time { return m.Since.Truncate(time.Second) }

// ClearRecent removes the OS's recent-document entries added or modified
// since the mark; with all (scope all) every entry. A zero mark with all
// false is refused (skipped, code no_mark): it would mean "everything".
func ClearRecent(ctx context.Context, since RecentMark, all bool) Outcome {
	if !all && since.Since.IsZero() {
		return Outcome{Status: StatusSkipped, Code: CodeNoMark}
	}
	if ctx.Err() != nil {
		return Outcome{Status: StatusFailed, Code: CodeTimeout}
	}
	return clearRecent(ctx, since.cut(), all)
}

// merge combines the outcomes of several places: removals add up, the first
// failure wins, else cleared if anything went, else nothing.
func merge(outs ...Outcome) Outcome {
	total := Outcome{Status: StatusNothing}
	for _, o := range outs {
		total.Removed += o.Removed
		switch {
		case o.Status == StatusFailed && total.Status != StatusFailed:
			total.Status, total.Code = StatusFailed, o.Code
		case o.Status == StatusCleared && total.Status == StatusNothing:
			total.Status = StatusCleared
		}
	}
	return total
}
