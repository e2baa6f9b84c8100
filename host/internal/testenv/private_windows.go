package testenv

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// CheckPrivate fails t when the ACL of path lets anybody but its owner, SYSTEM and the
// administrators in: no access granted to Everyone, Users, Authenticated Users or Interactive.
// That is what mode 0700/0600 means on Unix; on Windows the host's state and log get it by
// inheritance from the per-user LocalAppData folder. Under Wine it is not checked (logged): Wine
// makes up file ACLs from Unix modes and has no inherited profile ACLs.
func CheckPrivate(t testing.TB, path string) {
	t.Helper()
	if Wine() {
		t.Logf("ACL of %s not checked: Wine derives file ACLs from Unix modes", path)
		return
	}
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatalf("security of %s: %v", path, err)
	}
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		t.Fatalf("%s has no DACL (everybody may open it): %v", path, err)
	}
	others := []windows.WELL_KNOWN_SID_TYPE{windows.WinWorldSid, windows.WinBuiltinUsersSid,
		windows.WinAuthenticatedUserSid, windows.WinInteractiveSid}
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			t.Fatal(err)
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		for _, o := range others {
			if sid.IsWellKnown(o) {
				t.Errorf("%s lets %s in (access %#x): %s", path, sid, ace.Mask, sd)
			}
		}
	}
}
