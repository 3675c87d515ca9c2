package spec

import (
	"fmt"
	"strings"
)

// Error is one problem in a scenario file, located by file, line and key.
type Error struct {
	File string
	Line int
	Key  string // the key path, e.g. vnets[0].subnets[1].addressPrefix
	Msg  string
}

func (e *Error) Error() string {
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
