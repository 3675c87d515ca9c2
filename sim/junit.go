package sim

import (
	"encoding/xml"
	"fmt"
	"io"
)

// JUnit XML, as CI systems read it: one testsuite per scenario file (and
// variant), one testcase per expectation.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes a check report as JUnit XML. A failure's message gives
// the blocking reason and the hop where it happened.
func WriteJUnit(w io.Writer, rep *CheckReport) error {
	out := junitSuites{}
	index := map[string]int{}
	for _, o := range rep.Outcomes {
		i, ok := index[o.File]
		if !ok {
			i = len(out.Suites)
			index[o.File] = i
			out.Suites = append(out.Suites, junitSuite{Name: o.File})
		}
		s := &out.Suites[i]
		c := junitCase{Name: o.Name, Classname: o.File, Line: o.Line}
		switch {
		case o.Error != "":
			c.Error = &junitFailure{Message: o.Error, Type: "error", Text: o.Error}
			s.Errors++
			out.Errors++
		case !o.Passed:
			msg := fmt.Sprintf("expected %s, got %s", o.Expect, o.Got)
			if o.Reason != "" {
				msg += " (" + o.Reason + ")"
			}
			if o.Hop != "" {
				msg += " at " + o.Hop
			}
			c.Failure = &junitFailure{Message: msg, Type: o.Reason, Text: o.Message}
			s.Failures++
			out.Failures++
		}
		s.Tests++
		out.Tests++
		s.Cases = append(s.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
