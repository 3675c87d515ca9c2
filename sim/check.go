package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/vnetsim/vnetsim/topology"
)

// Outcome is the result of one expectation.
type Outcome struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Name    string `json:"name"`
	Intent  string `json:"intent,omitempty"`
	Expect  string `json:"expect"`
	Got     string `json:"got"`
	Passed  bool   `json:"passed"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	// Hop is the step or hop where the flow was decided or blocked.
	Hop string `json:"hop,omitempty"`
	// Witness, for a set expectation that fails, is a flow that shows it.
	Witness    string      `json:"witness,omitempty"`
	Error      string      `json:"error,omitempty"`
	Trace      *Result     `json:"trace,omitempty"`
	Simulation *Simulation `json:"simulation,omitempty"`
	// Time is how long the expectation took to decide.
	Time time.Duration `json:"-"`
}

// CheckReport is the result of running every expectation of some scenarios.
type CheckReport struct {
	Version  int       `json:"version"`
	Passed   int       `json:"passed"`
	Failed   int       `json:"failed"`
	Outcomes []Outcome `json:"outcomes"`
	// Started is when the check began, and Scenarios the scenarios and
	// variants it ran, in order (for JUnit).
	Started   time.Time `json:"-"`
	Scenarios []string  `json:"-"`
}

// OK reports whether every expectation was met.
func (r *CheckReport) OK() bool { return r.Failed == 0 }

// Check runs every expectation of t and adds the outcomes to rep.
func (t *Network) Check(rep *CheckReport) {
	rep.Version = JSONVersion
	if rep.Started.IsZero() {
		rep.Started = time.Now()
	}
	rep.Scenarios = append(rep.Scenarios, t.File)
	for _, e := range t.Expectations {
		start := time.Now()
		o := Outcome{File: t.File, Line: e.Line(), Name: e.Name, Expect: e.Expect}
		if o.Name == "" && e.Reach != nil {
			o.Name = fmt.Sprintf("%s -> %s reach %s", e.From, e.To, e.Reach)
		} else if o.Name == "" && e.Intent != "" {
			o.Name = fmt.Sprintf("intent %s on %s", e.Intent, e.Compute)
		} else if o.Name == "" {
			o.Name = fmt.Sprintf("%s -> %s %s/%d", e.From, e.To, e.Protocol, e.Port)
		}
		if e.Reach != nil {
			checkReach(t, e, &o)
		} else if e.Intent != "" {
			checkIntent(t, e, &o)
		} else {
			proto := topology.ProtocolTCP
			if e.Protocol != "" {
				proto, _ = topology.ParseProtocol(e.Protocol)
			}
			res, err := t.Trace(Request{From: e.From, To: e.To, Protocol: proto, Port: uint16(e.Port)})
			if err != nil {
				o.Error = err.Error()
				o.Got = "error"
			} else {
				o.Got, o.Reason, o.Message, o.Trace = res.Verdict, res.Reason, res.Message, res
				o.Passed = res.Verdict == e.Expect && (e.Reason == "" || e.Reason == res.Reason)
				o.Hop = blockingHop(res)
			}
		}
		o.Time = time.Since(start)
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
func (t *Network) ValidateExpectations() topology.ErrorList {
	var errs topology.ErrorList
	for _, e := range t.Expectations {
		if e.Intent != "" {
			errs = append(errs, validateIntentExpectation(t, e)...)
			continue
		}
		if e.Reach != nil {
			errs = append(errs, validateReach(t, e)...)
			continue
		}
		var ends []*Endpoint
		for _, side := range []struct{ key, val string }{{"from", e.From}, {"to", e.To}} {
			if side.val == "" {
				continue
			}
			ep, err := t.ResolveEndpoint(side.val)
			if err == nil {
				ends = append(ends, ep)
			}
			if err != nil {
				key := fmt.Sprintf("expectations[%d].%s", e.Index, side.key)
				msg := fmt.Sprintf("unknown endpoint %q", side.val)
				if p := t.EndpointProblem(strings.TrimSpace(side.val)); p != "" {
					msg += ": " + p // a mistyped address or service tag
				}
				errs = append(errs, &topology.Error{File: t.File, Line: t.LineOf(key), Key: key, Msg: msg})
			}
		}
		if len(ends) == 2 {
			if err := checkFamilies(ends[0], ends[1]); err != nil {
				key := fmt.Sprintf("expectations[%d].to", e.Index)
				errs = append(errs, &topology.Error{File: t.File, Line: t.LineOf(key), Key: key, Msg: err.Error()})
			}
		}
	}
	return errs
}

// blockingHop names the hop that decided a trace: the reply's last hop when
// the flow was delivered but its reply was not.
func blockingHop(res *Result) string {
	if res.Verdict == Denied && len(res.Reply) > 0 {
		return "reply " + lastHop(res.Reply)
	}
	return lastHop(res.Hops)
}

func lastHop(hops []Hop) string {
	if len(hops) == 0 {
		return ""
	}
	h := hops[len(hops)-1]
	return fmt.Sprintf("%s %s %s: %s", h.Kind, h.Action, h.Node, h.Detail)
}

// checkIntent runs an intent expectation.
func checkIntent(t *Network, e *topology.Expectation, o *Outcome) {
	o.Intent = e.Intent
	s, err := t.Simulate(e.Intent, e.Compute, e.Client)
	if err != nil {
		o.Error, o.Got = err.Error(), "error"
		return
	}
	o.Simulation = s
	o.Got = s.Verdict
	if f := s.FirstFailure(); f != nil {
		o.Reason = f.Reason
		o.Message = fmt.Sprintf("step %q: %s", f.Name, f.Message)
		o.Hop = f.Name
		if f.Trace != nil {
			o.Hop += " at " + blockingHop(f.Trace)
		}
	}
	o.Passed = s.Verdict == e.Expect && (e.Reason == "" || e.Reason == o.Reason)
}

func validateIntentExpectation(t *Network, e *topology.Expectation) topology.ErrorList {
	var errs topology.ErrorList
	at := func(key, format string, args ...any) {
		k := fmt.Sprintf("expectations[%d].%s", e.Index, key)
		errs = append(errs, &topology.Error{File: t.File, Line: t.LineOf(k), Key: k, Msg: fmt.Sprintf(format, args...)})
	}
	in, ok := LookupIntent(e.Intent)
	if !ok {
		at("intent", "unknown intent %q (vnetsim intents lists them)", e.Intent)
		return errs
	}
	needs := map[string]bool{}
	for _, n := range in.Needs {
		needs[n] = true
	}
	if e.Compute == "" && needs["compute"] && !(in.Name == "image-build" && t.ML != nil && t.ML.ImageBuildCompute != nil) {
		at("compute", "missing: intent %s needs a compute", e.Intent)
	} else if e.Compute != "" && t.Compute(e.Compute) == nil {
		at("compute", "unknown compute %q", e.Compute)
	}
	if e.Client != "" {
		if _, err := t.ResolveEndpoint(e.Client); err != nil {
			at("client", "unknown endpoint %q", e.Client)
		}
	}
	if t.ML == nil || t.ML.Workspace == nil {
		at("intent", "intent %s needs a machineLearning section with a workspace", e.Intent)
	}
	return errs
}
