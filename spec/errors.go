package spec

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is one problem in a scenario file, located by file, line and key.
type Error struct {
	File string
	Line int
	Key  string // the key path, e.g. vnets[0].subnets[1].addressPrefix
	Msg  string
}

// Error returns the problem as one line: control characters in names and
// values (a name with a newline could otherwise print a second, forged
// error line) are escaped as in Go string literals.
func (e *Error) Error() string {
	return OneLine(e.line())
}

func (e *Error) line() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, ": %s", e.Key)
	}
	fmt.Fprintf(&b, ": %s", e.Msg)
	return b.String()
}

// ErrorList is every problem found in one scenario file, one line each, in
// file order. A command that gets one exits with code 3.
type ErrorList []*Error

func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// OneLine escapes control and line-breaking characters, so that s prints as
// exactly one line.
func OneLine(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError {
			b.WriteString(`\ufffd`)
			continue
		}
		if unsafeRune(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 || r == 0x85 || r == utf8.RuneError || unicode.Is(unicode.Bidi_Control, r)
}
