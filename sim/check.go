package sim

import (
	"fmt"

	"github.com/vnetsim/vnetsim/topology"
)

// Outcome is the result of one expectation.
type Outcome struct {
	File    string  `json:"file"`
	Line    int     `json:"line"`
	Name    string  `json:"name"`
	Expect  string  `json:"expect"`
	Got     string  `json:"got"`
	Passed  bool    `json:"passed"`
	Reason  string  `json:"reason,omitempty"`
	Message string  `json:"message,omitempty"`
	Error   string  `json:"error,omitempty"`
	Trace   *Result `json:"trace,omitempty"`
}

// CheckReport is the result of running every expectation of some scenarios.
type CheckReport struct {
	Version  int       `json:"version"`
	Passed   int       `json:"passed"`
	Failed   int       `json:"failed"`
	Outcomes []Outcome `json:"outcomes"`
}

// OK reports whether every expectation was met.
func (r *CheckReport) OK() bool { return r.Failed == 0 }

// Check runs every expectation of t and adds the outcomes to rep.
func Check(t *topology.Topology, rep *CheckReport) {
	rep.Version = JSONVersion
	for _, e := range t.Expectations {
		o := Outcome{File: t.File, Line: e.Line, Name: e.Name, Expect: e.Expect}
		if o.Name == "" {
			o.Name = fmt.Sprintf("%s -> %s %s/%d", e.From, e.To, e.Protocol, e.Port)
		}
		proto := topology.ProtocolTCP
		if e.Protocol != "" {
			proto, _ = topology.ParseProtocol(e.Protocol)
		}
		res, err := Trace(t, Request{From: e.From, To: e.To, Protocol: proto, Port: uint16(e.Port)})
		if err != nil {
			o.Error = err.Error()
			o.Got = "error"
		} else {
			o.Got, o.Reason, o.Message, o.Trace = res.Verdict, res.Reason, res.Message, res
			o.Passed = res.Verdict == e.Expect && (e.Reason == "" || e.Reason == res.Reason)
		}
		if o.Passed {
			rep.Passed++
		} else {
			rep.Failed++
		}
		rep.Outcomes = append(rep.Outcomes, o)
	}
}

// ValidateExpectations resolves the endpoints of every flow expectation, so
// that a misspelt name is a scenario error (exit code 3) rather than a failure.
func ValidateExpectations(t *topology.Topology) topology.ErrorList {
	var errs topology.ErrorList
	for _, e := range t.Expectations {
		for _, side := range []struct{ key, val string }{{"from", e.From}, {"to", e.To}} {
			if side.val == "" {
				continue
			}
			if _, err := ResolveEndpoint(t, side.val); err != nil {
				key := fmt.Sprintf("expectations[%d].%s", e.Index, side.key)
				errs = append(errs, &topology.Error{File: t.File, Line: t.LineOf(key), Key: key, Msg: fmt.Sprintf("unknown endpoint %q", side.val)})
			}
		}
	}
	return errs
}
