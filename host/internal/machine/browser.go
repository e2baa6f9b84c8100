package machine

// Browser names one supported browser. The names are the keys of the report
// that hello sends, so they never change.
type Browser string

// The supported browsers.
const (
	Chrome   Browser = "chrome"
	Chromium Browser = "chromium"
	Edge     Browser = "edge"
	Brave    Browser = "brave"
	Firefox  Browser = "firefox"
)

// All lists the supported browsers in a stable order (the order of every report).
var All = []Browser{Chrome, Chromium, Edge, Brave, Firefox}

// IsFirefox reports whether b speaks Firefox's policies and manifests
// (allowed_extensions, policies.json) rather than the Chromium family's.
func (b Browser) IsFirefox() bool { return b == Firefox }

// Valid reports whether b is one of All.
func (b Browser) Valid() bool {
	for _, a := range All {
		if a == b {
			return true
		}
	}
	return false
}
