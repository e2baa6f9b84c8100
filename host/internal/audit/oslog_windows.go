package audit

import "golang.org/x/sys/windows/svc/eventlog"

// EventSource is the Windows Event Log source registered by the installer (MSI / install).
const EventSource = "TableRase"

func init() {
	openOSLog = func() osLog {
		l, err := eventlog.Open(EventSource)
		if err != nil {
			return nil
		}
		return eventWriter{l}
	}
}

type eventWriter struct{ l *eventlog.Log }

// Event ids: 1 cleanup done, 2 cleanup partial or failed / host failure.
func (e eventWriter) Info(line string) error    { return e.l.Info(1, line) }
func (e eventWriter) Warning(line string) error { return e.l.Warning(2, line) }
func (e eventWriter) Close() error              { return e.l.Close() }
