package machine

import (
	"strings"
	"testing"
)

// testEnv has every variable the Windows templates use, and a home.
func testEnv(os string) Env {
	if os == "windows" {
		return Env{OS: os, Home: `C:\Users\aidant`, Getenv: vars(map[string]string{
			"LOCALAPPDATA": `C:\Users\aidant\AppData\Local`, "APPDATA": `C:\Users\aidant\AppData\Roaming`,
			"ProgramFiles": `C:\Program Files`, "ProgramFiles(x86)": `C:\Program Files (x86)`,
		})}
	}
	return Env{OS: os, Home: "/home/aidant", Getenv: vars(nil)}
}

var oses = []string{"linux", "darwin", "windows"}

// TestPlacesHaveWhatEachConsumerNeeds: every browser on every OS has what doctor and install
// (presence, manifests), profiles (profiles, caches) and policy (policy folders, keys, domains)
// read, in its OS's template syntax, resolving to absolute paths.
func TestPlacesHaveWhatEachConsumerNeeds(t *testing.T) {
	if len(places) != len(oses) {
		t.Fatalf("places has %d OS tables, want %v", len(places), oses)
	}
	for _, os := range oses {
		env := testEnv(os)
		profiles := map[string]Browser{}
		for _, b := range All {
			p, ok := places[os][b]
			if !ok {
				t.Errorf("%s/%s: no entry", os, b)
				continue
			}
			need := func(what string, ok bool) {
				if !ok {
					t.Errorf("%s/%s: %s", os, b, what)
				}
			}
			need("no presence hint", len(p.Presence) > 0)
			need("no profiles folder", p.Profiles != "")
			if other, dup := profiles[p.Profiles]; dup {
				t.Errorf("%s/%s: profiles folder shared with %s", os, b, other)
			}
			profiles[p.Profiles] = b
			switch os {
			case "windows":
				need("no native-messaging key", len(p.HostKeys) > 0)
				need("no policy key", strings.HasPrefix(p.PolicyKey, `SOFTWARE\Policies\`))
				need("manifest folders (Windows uses keys)", p.SystemHosts == "" && p.UserHosts == "")
				need("cache folder (only Firefox keeps it beside the profile)", (p.Caches != "") == b.IsFirefox())
				for _, k := range p.HostKeys {
					need("native-messaging key not under SOFTWARE and not ending in NativeMessagingHosts",
						strings.HasPrefix(k, `SOFTWARE\`) && strings.HasSuffix(k, `\NativeMessagingHosts`))
				}
			default:
				need("no manifest folders", p.SystemHosts != "" && p.UserHosts != "")
				need("no cache folder", p.Caches != "")
				need("registry keys outside Windows", len(p.HostKeys) == 0 && p.PolicyKey == "")
				need("system manifest folder depends on the user", !strings.ContainsAny(p.SystemHosts, "~$"))
			}
			need("policy folders (Linux Chromium family only)", (len(p.PolicyDirs) > 0) == (os == "linux" && !b.IsFirefox()))
			need("plist domain (macOS only)", (p.PlistDomain != "") == (os == "darwin"))
			for _, tmpl := range append(append([]string{p.Profiles, p.Caches, p.SystemHosts, p.UserHosts}, p.Presence...), p.PolicyDirs...) {
				if tmpl == "" {
					continue
				}
				if os == "windows" && strings.ContainsAny(tmpl, "$~/") || os != "windows" && strings.ContainsAny(tmpl, `%\`) {
					t.Errorf("%s/%s: %q is not in %s's template syntax", os, b, tmpl, os)
				}
				if _, err := env.Resolve(tmpl); err != nil {
					t.Errorf("%s/%s: %q: %v", os, b, tmpl, err)
				}
			}
			if got := PlacesOf(os, b); got.Profiles != p.Profiles {
				t.Errorf("PlacesOf(%s, %s) is not the table's entry", os, b)
			}
		}
		files := env.FirefoxPolicyFiles()
		if len(files) == 0 {
			t.Errorf("%s: no Firefox policies.json", os)
		}
		for _, f := range files {
			file, err1 := env.Resolve(f.File)
			folder, err2 := env.Resolve(f.Folder)
			if err1 != nil || err2 != nil || !strings.HasPrefix(file, folder+sep(os)) || !strings.HasSuffix(file, "policies.json") {
				t.Errorf("%s: Firefox policy file %q not under its folder %q (%v, %v)", os, f.File, f.Folder, err1, err2)
			}
		}
	}
	if PlacesOf("freebsd", Chrome).Profiles != places["linux"][Chrome].Profiles {
		t.Error("an unknown OS does not read the Linux table")
	}
}

func sep(os string) string {
	if os == "windows" {
		return `\`
	}
	return "/"
}
