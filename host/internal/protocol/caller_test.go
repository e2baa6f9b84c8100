package protocol

import "testing"

func TestCallerFromArgs(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		ok     bool
		family string
		id     string
	}{
		{"chromium linux", []string{"chrome-extension://" + ChromiumExtensionID + "/"}, true, "chromium", ChromiumExtensionID},
		{"chrome windows", []string{"chrome-extension://" + ChromiumExtensionID + "/", "--parent-window=6620"}, true, "chromium", ChromiumExtensionID},
		{"chrome windows reversed", []string{"--parent-window=0", "chrome-extension://" + ChromiumExtensionID + "/"}, true, "chromium", ChromiumExtensionID},
		{"firefox", []string{"/usr/lib/mozilla/native-messaging-hosts/fr.tablerase.host.json", FirefoxExtensionID}, true, "firefox", FirefoxExtensionID},
		{"firefox windows", []string{`C:\Program Files\TableRase\fr.tablerase.host.json`, FirefoxExtensionID}, true, "firefox", FirefoxExtensionID},
		{"person, no args", nil, false, "", ""},
		{"person, subcommand", []string{"doctor"}, false, "", ""},
		{"relative manifest", []string{"host.json", FirefoxExtensionID}, false, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := CallerFromArgs(c.args)
			if ok != c.ok || got.Family != c.family || got.ID != c.id {
				t.Fatalf("CallerFromArgs(%q) = %+v, %v; want %s %s %v", c.args, got, ok, c.family, c.id, c.ok)
			}
		})
	}
}

func TestCallerAllowed(t *testing.T) {
	other := "abcdefghijklmnopabcdefghijklmnop"
	cases := []struct {
		c     Caller
		extra []string
		want  bool
	}{
		{Caller{"chromium", ChromiumExtensionID}, nil, true},
		{Caller{"firefox", FirefoxExtensionID}, nil, true},
		{Caller{"chromium", other}, nil, false},
		{Caller{"chromium", other}, []string{other}, true},
		{Caller{"firefox", "evil@example.org"}, []string{"tablerase@tablerase.fr"}, false},
		{Caller{"chromium", FirefoxExtensionID}, nil, false},
		{Caller{"chromium", "not-an-id"}, []string{"not-an-id"}, false},
	}
	for _, c := range cases {
		if got := c.c.Allowed(c.extra); got != c.want {
			t.Errorf("%+v.Allowed(%q) = %v, want %v", c.c, c.extra, got, c.want)
		}
	}
}

func TestValidExtensionID(t *testing.T) {
	for id, want := range map[string]bool{
		ChromiumExtensionID:                      true,
		FirefoxExtensionID:                       true,
		"{ec8030f7-c20a-464f-9b0e-13a3a9e97384}": true,
		"abcdefghijklmnopabcdefghijklmnoq":       false, // q is not in a–p
		"abcdefghijklmnop":                       false,
		"@example.org":                           true, // ids like "@testpilot-containers" exist
		"name@":                                  false,
		"a b@example.org":                        false,
		"x@exa mple.org":                         false,
		"{ec8030f7-c20a-464f-9b0e-13a3a9e9738}":  false,
		"../../etc/passwd":                       false,
	} {
		if got := ValidExtensionID(id); got != want {
			t.Errorf("ValidExtensionID(%q) = %v, want %v", id, got, want)
		}
	}
}
