package wipe

import (
	"encoding/binary"
	"unicode/utf16"
)

// entryName turns a listed name, kept as the raw UTF-16LE bytes Windows returned (so that it is
// opened again byte for byte), into the string a caller's filter compares.
func entryName(raw string) string {
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16([]byte(raw[2*i : 2*i+2]))
	}
	return string(utf16.Decode(u))
}
