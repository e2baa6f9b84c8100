package main

import "testing"

func TestForcedChromiumIDComesFromAllowedExtensions(t *testing.T) {
	const it, other = "afbfapmkmhgncfnlokgnhhnjmmdkfhhh", "cccccccccccccccccccccccccccccccc"
	for _, c := range []struct {
		flag    string
		allowed []string
		want    string
		err     bool
	}{
		{"", nil, "", false},
		{"", []string{"x@example.fr", it}, it, false},
		{"", []string{it, other}, "", true},
		{other, []string{it, other}, other, false},
		{other, []string{it}, "", true},
	} {
		got, err := forcedChromiumID(c.flag, c.allowed)
		if got != c.want || (err != nil) != c.err {
			t.Errorf("forcedChromiumID(%q, %v) = %q, %v", c.flag, c.allowed, got, err)
		}
	}
}
