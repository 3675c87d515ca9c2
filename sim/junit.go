package sim

import (
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/vnetsim/vnetsim/topology"
)

// JUnit is a test report as CI systems read it (Jenkins, GitLab, Azure
// DevOps, GitHub report actions): one testsuite per scenario file and
// variant, one testcase per expectation, lint rule, intent step or change.
//
// The XML validates against the Jenkins JUnit schema (the xunit plugin's
// junit-10.xsd, vendored in sim/testdata/junit with its licence). That
// schema gives a testsuite `file`, `time` and `timestamp` but a testcase no
// `file` or `line`, so each suite carries its file, variant and the line of
// each of its cases as properties (line:CASE NAME), and a failure's text
// starts with file:line.
type JUnit struct {
	// Name names the whole run (check, lint, simulate, diff).
	Name string
	// Timestamp is when the run started; time.Now() when zero.
	Timestamp time.Time
	// Suites lists the suites in order, so that one without cases (a
	// variant without expectations) still appears.
	Suites []string
	Cases  []JUnitCase
}

// JUnitCase is one test case.
type JUnitCase struct {
	// Suite is the scenario the case belongs to: FILE or FILE#VARIANT.
	Suite string
	Name  string
	Line  int
	Time  time.Duration
	// Failure, when set, is the one-line failure message; FailureType its
	// stable code (a reason or lint code) and Detail the longer text.
	Failure     string
	FailureType string
	Detail      string
	// Error, when set, means the case could not be run.
	Error string
	// Output is written as the case's system-out (a warning, say).
	Output string
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr,omitempty"`
	Time     string       `xml:"time,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr"`
	File       string           `xml:"file,attr,omitempty"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Props []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// seconds formats a duration as JUnit's time: seconds with three decimals.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// SplitVariant splits a scenario name FILE#VARIANT into its file and variant.
func SplitVariant(name string) (file, variant string) {
	if i := strings.LastIndex(name, topology.VariantSep); i >= 0 && !strings.ContainsAny(name[i+1:], "/\\") {
		return name[:i], name[i+1:]
	}
	return name, ""
}

// classname is a testcase's class: the scenario's base name without its
// extension, and its variant, so that report tools that turn a dotted
// class into a path don't derive a file named "yaml".
func classname(suite string) string {
	file, variant := SplitVariant(suite)
	base := strings.TrimPrefix(path.Base(strings.ReplaceAll(file, "\\", "/")), "catalog:")
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
	if variant != "" {
		base += "#" + variant
	}
	return strings.ReplaceAll(base, ".", "_")
}

// Write writes the report as JUnit XML.
func (j *JUnit) Write(w io.Writer) error {
	ts := j.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}
	out := junitSuites{Name: j.Name}
	index := map[string]int{}
	props := map[string][]junitProperty{}
	suite := func(name string) *junitSuite {
		i, ok := index[name]
		if !ok {
			i = len(out.Suites)
			index[name] = i
			file, variant := SplitVariant(name)
			out.Suites = append(out.Suites, junitSuite{Name: name, File: file, Timestamp: ts.UTC().Format(time.RFC3339)})
			props[name] = append(props[name], junitProperty{"file", file})
			if variant != "" {
				props[name] = append(props[name], junitProperty{"variant", variant})
			}
		}
		return &out.Suites[i]
	}
	for _, s := range j.Suites {
		suite(s)
	}
	var total time.Duration
	suiteTime := map[string]time.Duration{}
	for _, c := range j.Cases {
		s := suite(c.Suite)
		file, _ := SplitVariant(c.Suite)
		jc := junitCase{Name: c.Name, Classname: classname(c.Suite), Time: seconds(c.Time), SystemOut: c.Output}
		loc := file
		if c.Line > 0 {
			loc = fmt.Sprintf("%s:%d", file, c.Line)
			props[c.Suite] = append(props[c.Suite], junitProperty{"line:" + c.Name, strconv.Itoa(c.Line)})
		}
		switch {
		case c.Error != "":
			jc.Error = &junitFailure{Message: c.Error, Type: "error", Text: loc + ": " + c.Error}
			s.Errors++
			out.Errors++
		case c.Failure != "":
			text := loc + ": " + c.Failure
			if c.Detail != "" {
				text += "\n" + c.Detail
			}
			jc.Failure = &junitFailure{Message: c.Failure, Type: c.FailureType, Text: text}
			s.Failures++
			out.Failures++
		}
		s.Tests++
		out.Tests++
		suiteTime[c.Suite] += c.Time
		total += c.Time
		s.Cases = append(s.Cases, jc)
	}
	for i := range out.Suites {
		s := &out.Suites[i]
		s.Time = seconds(suiteTime[s.Name])
		if p := props[s.Name]; len(p) > 0 {
			s.Properties = &junitProperties{p}
		}
	}
	out.Time = seconds(total)
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

// WriteJUnit writes a check report as JUnit XML. A failure's message gives
// the blocking reason and the hop where it happened.
func WriteJUnit(w io.Writer, rep *CheckReport) error { return rep.JUnit().Write(w) }

// JUnit returns the check report as a JUnit report: one case per
// expectation, in a suite per scenario and variant.
func (r *CheckReport) JUnit() *JUnit {
	j := &JUnit{Name: "vnetsim check", Timestamp: r.Started, Suites: r.Scenarios}
	for _, o := range r.Outcomes {
		c := JUnitCase{Suite: o.File, Name: o.Name, Line: o.Line, Time: o.Time}
		switch {
		case o.Error != "":
			c.Error = o.Error
		case !o.Passed:
			c.Failure, c.FailureType, c.Detail = o.Summary(), o.Reason, o.Message
			if o.Witness != "" {
				c.Detail = strings.TrimSpace(c.Detail + "\nwitness: " + o.Witness)
			}
		}
		j.Cases = append(j.Cases, c)
	}
	return j
}

// Summary is the one-line account of a failed outcome: expected, got, the
// reason and the hop that decided it.
func (o *Outcome) Summary() string {
	msg := fmt.Sprintf("expected %s, got %s", o.Expect, o.Got)
	if o.Reason != "" {
		msg += " (" + o.Reason + ")"
	}
	if o.Hop != "" {
		msg += " at " + o.Hop
	}
	return msg
}

// JUnit returns the lint report as a JUnit report: in a suite per scenario
// and variant, one case per lint rule, failing on its error findings; a
// warning is the case's output.
func (r *LintReport) JUnit() *JUnit {
	j := &JUnit{Name: "vnetsim lint", Timestamp: r.Started, Suites: r.Scenarios}
	for _, s := range r.Scenarios {
		for _, code := range LintCodes {
			c := JUnitCase{Suite: s, Name: code}
			var errs, warns []string
			for _, f := range r.Findings {
				if f.File != s || f.Code != code {
					continue
				}
				line := fmt.Sprintf("%s: %s (%s); fix: %s", f.Resource, f.Message, f.Seed, f.Fix)
				if f.Severity == SeverityError {
					if c.Line == 0 {
						c.Line = f.Line
					}
					errs = append(errs, line)
				} else {
					warns = append(warns, "warning: "+line)
				}
			}
			if len(errs) > 0 {
				c.Failure, c.FailureType = errs[0], code
				c.Detail = strings.Join(errs[1:], "\n")
			}
			c.Output = strings.Join(warns, "\n")
			j.Cases = append(j.Cases, c)
		}
	}
	return j
}

// WriteSimulationJUnit writes a simulation as JUnit XML: one case per step.
func WriteSimulationJUnit(w io.Writer, s *Simulation) error { return s.JUnit().Write(w) }

// JUnit returns the simulation as a JUnit report: one suite, one case per
// step of the intent.
func (s *Simulation) JUnit() *JUnit {
	j := &JUnit{Name: "vnetsim simulate " + s.Intent, Suites: []string{s.Scenario}}
	for i, st := range s.Steps {
		c := JUnitCase{Suite: s.Scenario, Name: fmt.Sprintf("%s %d. %s", s.Intent, i+1, st.Name)}
		if st.Verdict == Denied {
			c.Failure, c.FailureType = fmt.Sprintf("denied (%s): %s", st.Reason, st.Message), st.Reason
			c.Detail = strings.TrimSpace(st.Decided + "\n" + st.Fix)
		}
		j.Cases = append(j.Cases, c)
	}
	return j
}

// JUnit returns the diff as a JUnit report: one suite for AFTER, one
// failing case per change, or one passing case when nothing changed.
func (r *DiffReport) JUnit() *JUnit {
	j := &JUnit{Name: "vnetsim diff " + r.Before + " " + r.After, Suites: []string{r.After}}
	if len(r.Changes) == 0 {
		j.Cases = append(j.Cases, JUnitCase{Suite: r.After, Name: "no change from " + r.Before})
	}
	for _, c := range r.Changes {
		j.Cases = append(j.Cases, JUnitCase{Suite: r.After, Name: fmt.Sprintf("%s %s", c.Kind, c.Subject),
			Failure: fmt.Sprintf("%s: %s -> %s", c.Change, c.Before, c.After), FailureType: c.Change, Detail: c.Detail})
	}
	return j
}
