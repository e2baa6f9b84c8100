package install

import (
	"fmt"
	"html"
	"strings"

	"github.com/google/uuid"

	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
)

// wixNamespace derives the MSI components' GUIDs from their names, so they
// stay the same from one build to the next (Windows Installer requires it).
var wixNamespace = uuid.MustParse("6f0b3c1e-1d2a-4e4b-9c11-0a1b2c3d4e99")

// WixGUID returns the stable component GUID for name.
func WixGUID(name string) string {
	return strings.ToUpper(uuid.NewSHA1(wixNamespace, []byte(name)).String())
}

// wixPolicies renders the MSI's optional Policies feature: one component per
// browser policy key, from the same table as install --policies. Windows
// Installer writes whole values, so unlike install it cannot merge
// ExtensionSettings or keep the admin's list entries: the README says so.
func wixPolicies(p policy.Params) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from host/internal/policy/values.go by
     go test ./host/internal/install -run Templates -update ; do not edit.
     `)
	b.WriteString(idLine(p))
	b.WriteString(` -->
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Fragment>
    <ComponentGroup Id="PolicyComponents" Directory="INSTALLDIR">
`)
	for _, br := range machine.All {
		key := machine.PlacesOf("windows", br).PolicyKey
		vals := policy.Values(br, p)
		id := "Policies_" + string(br)
		fmt.Fprintf(&b, "      <Component Id=%q Guid=%q Win64=\"yes\">\n", id, WixGUID(id))
		first := true
		for _, n := range sortedKeys(vals) {
			if _, isList := vals[n].([]any); isList {
				continue
			}
			v, _ := regValueOf(vals[n])
			keyPath := ""
			if first {
				keyPath, first = ` KeyPath="yes"`, false
			}
			if v.Kind == "dword" {
				fmt.Fprintf(&b, "        <RegistryValue Root=\"HKLM\" Key=\"%s\" Type=\"integer\" Name=%q Value=\"%d\"%s/>\n", key, n, v.D, keyPath)
			} else {
				fmt.Fprintf(&b, "        <RegistryValue Root=\"HKLM\" Key=\"%s\" Type=\"string\" Name=%q Value=\"%s\"%s/>\n", key, n, wixEscape(v.S), keyPath)
			}
		}
		for _, n := range sortedKeys(vals) {
			l, isList := vals[n].([]any)
			if !isList {
				continue
			}
			for i, it := range l {
				fmt.Fprintf(&b, "        <RegistryValue Root=\"HKLM\" Key=\"%s\\%s\" Type=\"string\" Name=\"%d\" Value=\"%s\"/>\n", key, n, i+1, wixEscape(it.(string)))
			}
		}
		b.WriteString("      </Component>\n")
	}
	b.WriteString("    </ComponentGroup>\n  </Fragment>\n</Wix>\n")
	return []byte(b.String())
}

// wixEscape escapes XML and WiX's [property] brackets.
func wixEscape(s string) string {
	s = html.EscapeString(s)
	return strings.NewReplacer("[", "[\\[]", "]", "[\\]]").Replace(s)
}
