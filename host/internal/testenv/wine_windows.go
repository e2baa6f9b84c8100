package testenv

import (
	"sync"

	"golang.org/x/sys/windows"
)

// wine looks for the export every Wine ntdll has and Windows' never has.
var wine = sync.OnceValue(func() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
})

var errPrivilegeNotHeld error = windows.ERROR_PRIVILEGE_NOT_HELD
