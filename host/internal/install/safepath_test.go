package install

import (
	"reflect"
	"testing"
)

func TestComponentsAndTargetPath(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		ok   bool
	}{
		{"/usr/lib/firefox-esr/distribution", []string{"usr", "lib", "firefox-esr", "distribution"}, true},
		{`C:\Program Files\Mozilla Firefox\distribution`, []string{"Program Files", "Mozilla Firefox", "distribution"}, true},
		{"/usr//lib/./x", []string{"usr", "lib", "x"}, true},
		{"/usr/lib/../etc", nil, false},
	} {
		got, ok := components(c.in)
		if ok != c.ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("components(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"/usr/lib/firefox-esr/distribution", 3, "/usr/lib/firefox-esr"},
		{"/usr/lib/firefox-esr/distribution", 0, "/"},
		{`C:\Program Files\Mozilla Firefox\distribution`, 2, `C:\Program Files\Mozilla Firefox`},
		{`C:\Program Files\Mozilla Firefox`, 0, `C:\`},
		{"/etc/firefox", 9, "/etc/firefox"},
	} {
		if got := targetPath(c.in, c.n); got != c.want {
			t.Errorf("targetPath(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

// The Windows access rule, on the ACLs Windows ships (icacls of a default
// install) and on the ones that must be refused.
func TestWindowsWritable(t *testing.T) {
	const (
		users     = "S-1-5-32-545"
		authUsers = "S-1-5-11"
		everyone  = "S-1-1-0"
		readExec  = 0x1200a9
		modify    = 0x1301bf
	)
	programFiles := []aclEntry{{"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464", 0x1f01ff},
		{"S-1-5-18", modify}, {"S-1-5-32-544", modify}, {users, readExec}}
	driveRoot := []aclEntry{{"S-1-5-32-544", 0x1f01ff}, {"S-1-5-18", 0x1f01ff}, {users, readExec},
		{authUsers, accessAppendData}} // "create folders / append data", this folder only
	for _, c := range []struct {
		name    string
		acl     []aclEntry
		strict  bool
		trusted string
		want    string
	}{
		{"Program Files, strict", programFiles, true, "", ""},
		{"C:\\ above the host folder", driveRoot, false, "", ""},
		{"C:\\ as the host's own folder", driveRoot, true, "", authUsers},
		{"Users may modify", append(programFiles, aclEntry{users, modify}), false, "", users},
		{"Everyone full control", []aclEntry{{everyone, 0x1f01ff}}, false, "", everyone},
		{"Everyone generic write", []aclEntry{{everyone, accessGenericWr}}, false, "", everyone},
		{"Users may delete children", []aclEntry{{users, accessDeleteChild}}, false, "", users},
		{"Users may change the ACL", []aclEntry{{users, accessWriteDAC | readExec}}, false, "", users},
		{"sandbox user trusted", []aclEntry{{"S-1-5-21-1-2-3-1001", 0x1f01ff}}, true, "S-1-5-21-1-2-3-1001", ""},
		{"another user is not", []aclEntry{{"S-1-5-21-1-2-3-1002", modify}}, true, "S-1-5-21-1-2-3-1001", "S-1-5-21-1-2-3-1002"},
	} {
		if got := windowsWritable(c.acl, c.strict, c.trusted); got != c.want {
			t.Errorf("%s: writable by %q, want %q", c.name, got, c.want)
		}
	}
}
