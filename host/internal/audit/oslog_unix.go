//go:build linux || darwin

package audit

import "log/syslog"

func init() {
	openOSLog = func() osLog {
		w, err := syslog.New(syslog.LOG_USER|syslog.LOG_INFO, "tablerase")
		if err != nil {
			return nil
		}
		return syslogWriter{w}
	}
}

type syslogWriter struct{ w *syslog.Writer }

func (s syslogWriter) Info(line string) error    { return s.w.Info(line) }
func (s syslogWriter) Warning(line string) error { return s.w.Warning(line) }
func (s syslogWriter) Close() error              { return s.w.Close() }
