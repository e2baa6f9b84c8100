//go:build !linux && !darwin && !windows

// Table rase runs on Linux, macOS and Windows, the systems whose folders, links, browsers and
// policies it knows. There is no fallback for other systems that would compile and then wipe
// without the checks: building for one stops here.
package main

var _ = TableRaseSupportsOnlyLinuxMacOSAndWindows
