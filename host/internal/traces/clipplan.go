package traces

// toolRun is one external command: an absolute path and its arguments.
type toolRun struct {
	path string
	args []string
	// optional runs may fail without failing the clear (the primary
	// selection, which some Wayland compositors do not offer).
	optional bool
}

// planFreedesktopClipboard chooses how to clear the clipboard on a
// freedesktop system from the environment and the installed tools:
// Wayland's wl-copy when a Wayland display and the tool are there, else X11
// (xsel, which truly clears, preferred to xclip, which takes ownership with an
// empty content). It returns the runs or a skip code.
func planFreedesktopClipboard(getenv func(string) string, look func(string) (string, bool)) ([]toolRun, string) {
	wayland, x11 := getenv("WAYLAND_DISPLAY") != "", getenv("DISPLAY") != ""
	if !wayland && !x11 {
		return nil, CodeNoDisplay
	}
	if wayland {
		if p, ok := look("wl-copy"); ok {
			return []toolRun{
				{path: p, args: []string{"--clear"}},
				{path: p, args: []string{"--primary", "--clear"}, optional: true},
			}, ""
		}
	}
	if x11 {
		if p, ok := look("xsel"); ok {
			return []toolRun{
				{path: p, args: []string{"--clipboard", "--clear"}},
				{path: p, args: []string{"--primary", "--clear"}},
			}, ""
		}
		if p, ok := look("xclip"); ok {
			return []toolRun{
				{path: p, args: []string{"-selection", "clipboard", "-in"}},
				{path: p, args: []string{"-selection", "primary", "-in"}},
			}, ""
		}
	}
	return nil, CodeNoTool
}
