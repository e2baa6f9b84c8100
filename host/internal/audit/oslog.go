package audit

// osLog is the operating system's own log (journald/syslog, the Windows Event Log, macOS's
// unified log through syslog), where the tools IT already runs collect "cleanup done / failed"
// from every computer. Only session ends and failures go there, as one short line of counts and
// codes built by this package: the same rule as the file, no personal data.
type osLog interface {
	Info(line string) error
	Warning(line string) error
	Close() error
}

// openOSLog is set per OS; it returns nil when the OS log is not reachable (no syslog socket in a
// container, event source not registered), which is not an error worth failing a cleanup for.
var openOSLog = func() osLog { return nil }
