package traces

import (
	"reflect"
	"testing"
)

func TestPlanFreedesktopClipboard(t *testing.T) {
	type env map[string]string
	for _, tc := range []struct {
		name  string
		env   env
		tools []string
		want  []toolRun
		code  string
	}{
		{"no display", env{}, []string{"wl-copy", "xsel", "xclip"}, nil, CodeNoDisplay},
		{"x11 no tool", env{"DISPLAY": ":0"}, []string{"wl-copy"}, nil, CodeNoTool},
		{"wayland", env{"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, []string{"wl-copy", "xsel"},
			[]toolRun{{"/bin/wl-copy", []string{"--clear"}, false}, {"/bin/wl-copy", []string{"--primary", "--clear"}, true}}, ""},
		{"wayland without wl-copy falls back to XWayland", env{"WAYLAND_DISPLAY": "w", "DISPLAY": ":0"}, []string{"xclip"},
			[]toolRun{{"/bin/xclip", []string{"-selection", "clipboard", "-in"}, false}, {"/bin/xclip", []string{"-selection", "primary", "-in"}, false}}, ""},
		{"wayland only, no tool", env{"WAYLAND_DISPLAY": "w"}, []string{"xsel"}, nil, CodeNoTool},
		{"x11 prefers xsel", env{"DISPLAY": ":0"}, []string{"xclip", "xsel"},
			[]toolRun{{"/bin/xsel", []string{"--clipboard", "--clear"}, false}, {"/bin/xsel", []string{"--primary", "--clear"}, false}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			look := func(n string) (string, bool) {
				for _, x := range tc.tools {
					if x == n {
						return "/bin/" + n, true
					}
				}
				return "", false
			}
			runs, code := planFreedesktopClipboard(func(k string) string { return tc.env[k] }, look)
			if code != tc.code || !reflect.DeepEqual(runs, tc.want) {
				t.Fatalf("got %+v %q, want %+v %q", runs, code, tc.want, tc.code)
			}
		})
	}
}
