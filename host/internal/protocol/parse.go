package protocol

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

const (
	// maxDepth bounds JSON nesting before the decoder sees the bytes: a request is two levels
	// deep, a small margin is kept for args.
	maxDepth = 8
	// maxIDLen bounds the id echoed back in responses.
	maxIDLen = 128
)

// Parse turns one frame's payload into a Request. Failures are *Error with code bad_json (not a
// UTF-8 JSON object) or bad_request (an object, but not a request); the returned id is the
// request's id when it could be read, so the error response can still be matched by the caller.
func Parse(payload []byte) (Request, *string, *Error) {
	if !utf8.Valid(payload) {
		return Request{}, nil, Errorf(CodeBadJSON, "message is not valid UTF-8")
	}
	if depth(payload) > maxDepth {
		return Request{}, nil, Errorf(CodeBadJSON, "message nests deeper than %d levels", maxDepth)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(payload, &raw); err != nil || raw == nil {
		return Request{}, nil, Errorf(CodeBadJSON, "message is not a JSON object")
	}
	var id *string
	if v, ok := raw["id"]; ok {
		var s string
		if json.Unmarshal(v, &s) == nil && len(s) <= maxIDLen {
			id = &s
		}
	}
	if id == nil {
		return Request{}, nil, Errorf(CodeBadRequest, `"id" must be a string of at most %d bytes`, maxIDLen)
	}
	for k := range raw {
		if k != "id" && k != "cmd" && k != "args" {
			return Request{}, id, Errorf(CodeBadRequest, "unknown field %q", truncate(k, 32))
		}
	}
	var cmd string
	if json.Unmarshal(raw["cmd"], &cmd) != nil || cmd == "" {
		return Request{}, id, Errorf(CodeBadRequest, `"cmd" must be a non-empty string`)
	}
	args := raw["args"]
	if len(args) == 0 || string(args) == "null" {
		args = json.RawMessage("{}")
	} else if b := bytes.TrimLeft(args, " \t\r\n"); len(b) == 0 || b[0] != '{' {
		return Request{}, id, Errorf(CodeBadRequest, `"args" must be an object`)
	}
	return Request{ID: *id, Cmd: cmd, Args: args}, id, nil
}

// DecodeArgs decodes a request's args into v, refusing unknown fields.
func DecodeArgs(args json.RawMessage, v any) *Error {
	dec := json.NewDecoder(bytes.NewReader(args))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Errorf(CodeBadRequest, "invalid args: %s", truncate(err.Error(), 120))
	}
	return nil
}

// depth returns the maximum nesting of objects and arrays in b, ignoring brackets inside strings.
// It reads the bytes once and stops counting past maxDepth+1, so a nesting bomb costs nothing.
func depth(b []byte) int {
	d, max := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString && c == '"':
			inString = false
		case inString:
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			d++
			if d > max {
				max = d
				if max > maxDepth {
					return max
				}
			}
		case c == '}' || c == ']':
			d--
		}
	}
	return max
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
