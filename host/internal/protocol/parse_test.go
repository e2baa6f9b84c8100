package protocol

import (
	"strings"
	"testing"
)

func TestParseAccepts(t *testing.T) {
	cases := map[string]struct{ cmd, args string }{
		`{"id":"1","cmd":"hello"}`:                          {"hello", "{}"},
		`{"id":"2","cmd":"session.end","args":{}}`:          {"session.end", "{}"},
		`{"id":"3","cmd":"status","args":null}`:             {"status", "{}"},
		` {"args":{"x":[1,{"y":2}]},"cmd":"c","id":"é"} `:   {"c", `{"x":[1,{"y":2}]}`},
		`{"id":"","cmd":"hello","args":{"s":"[[[[[[[[[["}}`: {"hello", `{"s":"[[[[[[[[[["}`},
	}
	for in, want := range cases {
		req, _, err := Parse([]byte(in))
		if err != nil {
			t.Errorf("Parse(%s) = %v", in, err)
			continue
		}
		if req.Cmd != want.cmd || string(req.Args) != want.args {
			t.Errorf("Parse(%s) = cmd %q args %s; want %q %s", in, req.Cmd, req.Args, want.cmd, want.args)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	cases := []struct {
		name, in, code string
		idKnown        bool
	}{
		{"empty frame", ``, CodeBadJSON, false},
		{"invalid utf-8", "{\"id\":\"\xff\",\"cmd\":\"hello\"}", CodeBadJSON, false},
		{"array", `[1,2]`, CodeBadJSON, false},
		{"string", `"hello"`, CodeBadJSON, false},
		{"null", `null`, CodeBadJSON, false},
		{"two objects", `{"id":"1","cmd":"a"}{}`, CodeBadJSON, false},
		{"nesting bomb", `{"id":"1","cmd":"a","args":` + strings.Repeat(`{"a":`, 5000) + `1` + strings.Repeat(`}`, 5000) + `}`, CodeBadJSON, false},
		{"no id", `{"cmd":"hello"}`, CodeBadRequest, false},
		{"numeric id", `{"id":1,"cmd":"hello"}`, CodeBadRequest, false},
		{"huge id", `{"id":"` + strings.Repeat("x", 500) + `","cmd":"hello"}`, CodeBadRequest, false},
		{"no cmd", `{"id":"1"}`, CodeBadRequest, true},
		{"empty cmd", `{"id":"1","cmd":""}`, CodeBadRequest, true},
		{"args not object", `{"id":"1","cmd":"hello","args":"/home/x"}`, CodeBadRequest, true},
		{"unknown field", `{"id":"1","cmd":"hello","path":"/etc"}`, CodeBadRequest, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, id, err := Parse([]byte(c.in))
			if err == nil || err.Code != c.code {
				t.Fatalf("Parse = %v, want code %s", err, c.code)
			}
			if (id != nil) != c.idKnown {
				t.Fatalf("id known = %v, want %v", id != nil, c.idKnown)
			}
		})
	}
}

func TestDecodeArgsRefusesUnknownFields(t *testing.T) {
	var v struct{}
	if err := DecodeArgs([]byte(`{"path":"/home/jean/Downloads"}`), &v); err == nil || err.Code != CodeBadRequest {
		t.Fatalf("DecodeArgs with a path = %v, want bad_request", err)
	}
	if err := DecodeArgs([]byte(`{}`), &v); err != nil {
		t.Fatalf("DecodeArgs({}) = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"id":"1","cmd":"hello"}`, `{"id":"2","cmd":"session.end","args":{}}`,
		`{"id":"3","cmd":"x","args":[1]}`, `[[[[`, "\xff", `{"id":"\u00e9","cmd":"status","args":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		req, id, err := Parse(b)
		if err == nil {
			if req.Cmd == "" || req.Args == nil || id == nil || *id != req.ID {
				t.Fatalf("accepted a request without cmd/args/id: %+v", req)
			}
			return
		}
		switch err.Code {
		case CodeBadJSON, CodeBadRequest:
		default:
			t.Fatalf("unexpected code %q", err.Code)
		}
	})
}
