package machine

import (
	"errors"
	"fmt"
	"strings"
)

// ErrExpand is wrapped by every error of Expand. The error's text names the
// variable, never its value; Code (see ExpandCode) is safe to log and report.
var ErrExpand = errors.New("cannot expand the path")

// Codes of Expand's errors.
const (
	CodeUnsetVariable = "unset_variable" // a variable is unset or empty
	CodeMalformed     = "malformed_path" // a malformed variable reference, or ~user
	CodeNoHome        = "home_unknown"   // "~" but the home folder is unknown
)

// ExpandError is an error of Expand, with its code.
type ExpandError struct {
	Code string
	msg  string
}

func (e *ExpandError) Error() string { return e.msg }
func (e *ExpandError) Unwrap() error { return ErrExpand }

func expandErr(code, format string, a ...any) error {
	return &ExpandError{Code: code, msg: fmt.Sprintf(format, a...)}
}

// ExpandCode returns the code of an Expand error ("" for any other error).
func ExpandCode(err error) string {
	var e *ExpandError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Expand expands a path template of e's OS. It is strict: an unset or empty
// variable is an error, never an empty string (which would turn
// %LOCALAPPDATA%\Google into \Google, or $XDG_STATE_HOME/x into /x).
//
// One rule per OS:
//   - everywhere, a leading "~" alone or followed by "/" (Windows: also "\")
//     is Home; an unknown Home is an error, and so is "~user";
//   - Windows: %NAME% is the variable NAME (names are looked up as written;
//     Windows' own lookup ignores case); "$" is an ordinary character; "%%"
//     and a lone "%" are errors;
//   - Linux and macOS: $NAME and ${NAME} (NAME: letters, digits, "_", not
//     starting with a digit); a "$" not followed by a name is kept; a
//     malformed ${…} is an error; "%" is an ordinary character.
//
// A variable's value is taken as it is, never expanded again: a value holding
// "%OTHER%" or "$OTHER" stays so. Expand does not check that the result is
// absolute (see Absolute and Resolve).
func (e Env) Expand(p string) (string, error) {
	if p == "~" || strings.HasPrefix(p, "~/") || e.Table() == "windows" && strings.HasPrefix(p, `~\`) {
		if e.Home == "" {
			return "", expandErr(CodeNoHome, "~ used but the home folder is unknown")
		}
		p = e.Home + p[1:]
	} else if strings.HasPrefix(p, "~") {
		return "", expandErr(CodeMalformed, "~user is not supported; write the absolute path")
	}
	get := e.Getenv
	if get == nil {
		get = func(string) string { return "" }
	}
	if e.Table() == "windows" {
		return expandWindows(p, get)
	}
	return expandUnix(p, get)
}

// Resolve is Expand, then requires an absolute path of e's OS.
func (e Env) Resolve(p string) (string, error) {
	p, err := e.Expand(p)
	if err != nil {
		return "", err
	}
	if !e.Absolute(p) {
		return "", expandErr(CodeMalformed, "not an absolute path")
	}
	return p, nil
}

func expandUnix(s string, get func(string) string) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		s = s[i+1:]
		var name string
		if strings.HasPrefix(s, "{") {
			j := strings.IndexByte(s, '}')
			if j < 0 || !isVarName(s[1:j]) {
				return "", expandErr(CodeMalformed, "malformed ${VARIABLE}")
			}
			name, s = s[1:j], s[j+1:]
		} else {
			j := 0
			for j < len(s) && isVarName(s[:j+1]) {
				j++
			}
			if j == 0 {
				b.WriteByte('$')
				continue
			}
			name, s = s[:j], s[j:]
		}
		v := get(name)
		if v == "" {
			return "", expandErr(CodeUnsetVariable, "variable %s is not set", name)
		}
		b.WriteString(v)
	}
}

func isVarName(s string) bool {
	for i, c := range s {
		if c != '_' && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

func expandWindows(s string, get func(string) string) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			return "", expandErr(CodeMalformed, "unterminated %%VARIABLE%%")
		}
		name := s[i+1 : i+1+j]
		if name == "" {
			return "", expandErr(CodeMalformed, "malformed variable reference")
		}
		v := get(name)
		if v == "" {
			return "", expandErr(CodeUnsetVariable, "variable %s is not set", name)
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+2+j:]
	}
}
