package sim

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// Change is one difference between two scenarios.
type Change struct {
	// Kind is matrix, expectation, intent or forbidden.
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	// Change is newly-allowed, newly-denied, changed-reason, changed-rule,
	// added, removed or forbidden.
	Change string `json:"change"`
	Before string `json:"before"`
	After  string `json:"after"`
	Detail string `json:"detail,omitempty"`
}

// DiffReport lists what changed between two scenarios.
type DiffReport struct {
	Version int      `json:"version"`
	Before  string   `json:"before"`
	After   string   `json:"after"`
	Changes []Change `json:"changes"`
}

// Diff compares the reachability matrix, every expectation and every
// applicable intent of two scenarios, and flags changes Azure forbids.
func Diff(before, after *Network) (*DiffReport, error) {
	rep := &DiffReport{Version: JSONVersion, Before: before.File, After: after.File, Changes: []Change{}}
	mc, err := diffMatrices(before, after)
	if err != nil {
		return nil, err
	}
	// What a change newly opens to the internet or on-premises is the most
	// important change: it comes first.
	var exposed, rest []Change
	ext := externalSources(after)
	for _, c := range mc {
		from, _, _ := strings.Cut(c.Subject, " -> ")
		from, _, _ = strings.Cut(from, " [")
		if c.Change == "newly-allowed" && ext[from] {
			exposed = append(exposed, c)
		} else {
			rest = append(rest, c)
		}
	}
	rep.Changes = append(rep.Changes, exposed...)
	rep.Changes = append(rep.Changes, forbiddenChanges(before, after)...)
	rep.Changes = append(rep.Changes, rest...)
	rep.Changes = append(rep.Changes, diffExpectations(before, after)...)
	rep.Changes = append(rep.Changes, diffIntents(before, after)...)
	return rep, nil
}

// externalSources names the matrix sources outside Azure.
func externalSources(t *Network) map[string]bool {
	out := map[string]bool{"internet": true}
	for _, g := range t.Gateways {
		if name, _, ok := onPremSource(g); ok {
			out[name] = true
		}
	}
	return out
}

// forbiddenChanges flags changes Azure does not allow, such as relaxing a
// managed network's isolation mode (seed 003: "can't be reconfigured").
func forbiddenChanges(before, after *Network) []Change {
	mode := func(t *Network) string {
		if t.ML == nil || t.ML.Managed == nil {
			return "" // no managedNetwork section
		}
		return t.ML.Managed.Mode
	}
	rank := map[string]int{"": 0, topology.ModeDisabled: 0, topology.ModeInternetOutbound: 1, topology.ModeApprovedOutbound: 2}
	b, a := mode(before), mode(after)
	if b != "" && rank[a] < rank[b] {
		if a == "" {
			a = "no managed network"
		}
		return []Change{{Kind: "forbidden", Subject: "machineLearning.managedNetwork.isolationMode", Change: "forbidden", Before: b, After: a,
			Detail: `a managed network's isolation mode can only be tightened: once AllowInternetOutbound it can't return to Disabled, and once AllowOnlyApprovedOutbound it can't return to AllowInternetOutbound (seed 003, "Workspace Managed Virtual Network Isolation")`}}
	}
	return nil
}

type accessKey struct{ from, to string }

// matrixByAddress computes the default matrix, one entry per source address.
func matrixByAddress(t *Network) (map[accessKey]*Access, error) {
	m, err := t.Matrix("", "", nil)
	if err != nil {
		return nil, err
	}
	out := map[accessKey]*Access{}
	for _, r := range m.Rows {
		base, _, _ := strings.Cut(r.From, " [")
		for _, a := range r.Addresses {
			out[accessKey{base + " " + a, r.To}] = r.access
		}
	}
	return out, nil
}

func diffMatrices(before, after *Network) ([]Change, error) {
	bm, err := matrixByAddress(before)
	if err != nil {
		return nil, err
	}
	am, err := matrixByAddress(after)
	if err != nil {
		return nil, err
	}
	keys := map[accessKey]bool{}
	for k := range bm {
		keys[k] = true
	}
	for k := range am {
		keys[k] = true
	}
	var sorted []accessKey
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].from != sorted[j].from {
			return sorted[i].from < sorted[j].from
		}
		return sorted[i].to < sorted[j].to
	})
	none := &Access{}
	// Addresses of one source that change alike are reported once.
	type sig struct{ change, detail, before, after string }
	type group struct {
		sig   sig
		addrs []string
	}
	type pair struct{ base, to string }
	var order []pair
	groups := map[pair][]*group{}
	for _, k := range sorted {
		b, a := bm[k], am[k]
		if b == nil {
			b = none
		}
		if a == nil {
			a = none
		}
		if b.Equal(a) {
			continue
		}
		base, addr, _ := strings.Cut(k.from, " ")
		p := pair{base, k.to}
		if _, ok := groups[p]; !ok {
			order = append(order, p)
		}
		var sigs []sig
		if gained := a.minus(b); !gained.Empty() {
			sigs = append(sigs, sig{"newly-allowed", gained.String(), b.String(), a.String()})
		}
		if lost := b.minus(a); !lost.Empty() {
			sigs = append(sigs, sig{"newly-denied", lost.String(), b.String(), a.String()})
		}
		for _, sg := range sigs {
			found := false
			for _, g := range groups[p] {
				if g.sig == sg {
					g.addrs = append(g.addrs, addr)
					found = true
				}
			}
			if !found {
				groups[p] = append(groups[p], &group{sig: sg, addrs: []string{addr}})
			}
		}
	}
	var out []Change
	for _, p := range order {
		gs := groups[p]
		for _, g := range gs {
			subject := p.base + " -> " + p.to
			if len(gs) > 1 || len(g.addrs) < addressesOf(bm, am, p.base, p.to) {
				subject = fmt.Sprintf("%s [%s] -> %s", p.base, strings.Join(g.addrs, " "), p.to)
			}
			out = append(out, Change{Kind: "matrix", Subject: subject, Change: g.sig.change, Before: g.sig.before, After: g.sig.after, Detail: g.sig.detail})
		}
	}
	return out, nil
}

// addressesOf counts the source addresses of base that have a row to dst in
// either matrix.
func addressesOf(bm, am map[accessKey]*Access, base, to string) int {
	seen := map[string]bool{}
	for _, m := range []map[accessKey]*Access{bm, am} {
		for k := range m {
			if b, addr, _ := strings.Cut(k.from, " "); b == base && k.to == to {
				seen[addr] = true
			}
		}
	}
	return len(seen)
}

// minus returns what a allows and b does not.
func (a *Access) minus(b *Access) *Access {
	return &Access{TCP: a.TCP.Minus(b.TCP), UDP: a.UDP.Minus(b.UDP), ICMP: a.ICMP && !b.ICMP, ESP: a.ESP && !b.ESP, AH: a.AH && !b.AH}
}

// outcomeText describes a verdict with what decided it.
func outcomeText(o *Outcome) (verdict, decided string) {
	if o.Error != "" {
		return "error", o.Error
	}
	verdict = o.Got
	if o.Reason != "" {
		verdict += " (" + o.Reason + ")"
	}
	switch {
	case o.Trace != nil && o.Trace.BlockedBy != nil:
		decided = fmt.Sprintf("%s %s in %s", o.Trace.BlockedBy.Kind, o.Trace.BlockedBy.Name, o.Trace.BlockedBy.Resource)
	case o.Trace != nil:
		decided = decidedBy(o.Trace)
	case o.Witness != "":
		decided = o.Witness
	case o.Simulation != nil:
		if f := o.Simulation.FirstFailure(); f != nil {
			decided = fmt.Sprintf("step %q", f.Name)
			if f.BlockedBy != nil {
				decided += fmt.Sprintf(": %s %s in %s", f.BlockedBy.Kind, f.BlockedBy.Name, f.BlockedBy.Resource)
			}
		}
	}
	return verdict, decided
}

// diffExpectations runs the expectations of both scenarios on both, so that
// a change shows how the other scenario's expectations fare.
func diffExpectations(before, after *Network) []Change {
	type exp struct {
		name string
		e    *topology.Expectation
	}
	var all []exp
	seen := map[string]bool{}
	for _, t := range []*Network{before, after} {
		for _, e := range t.Expectations {
			name := e.Name
			if name == "" {
				name = fmt.Sprintf("%s -> %s %s/%d %s", e.From, e.To, e.Protocol, e.Port, e.Intent)
			}
			if !seen[name] {
				seen[name] = true
				all = append(all, exp{name, e})
			}
		}
	}
	var out []Change
	for _, x := range all {
		var ob, oa Outcome
		runOne(before, x.e, &ob)
		runOne(after, x.e, &oa)
		vb, db := outcomeText(&ob)
		va, da := outcomeText(&oa)
		c := Change{Kind: "expectation", Subject: x.name, Before: vb, After: va}
		switch {
		case ob.Got != oa.Got && oa.Got == Allowed:
			c.Change, c.Detail = "newly-allowed", "before: "+db
		case ob.Got != oa.Got && oa.Got == Denied:
			c.Change, c.Detail = "newly-denied", da
		case ob.Got != oa.Got:
			c.Change, c.Detail = "changed", da
		case ob.Reason != oa.Reason:
			c.Change, c.Detail = "changed-reason", fmt.Sprintf("%s, was %s", da, db)
		case db != da && oa.Got == Denied:
			c.Change, c.Detail = "changed-rule", fmt.Sprintf("now %s, was %s", da, db)
		default:
			continue
		}
		out = append(out, c)
	}
	return out
}

// runOne evaluates one expectation on t.
func runOne(t *Network, e *topology.Expectation, o *Outcome) {
	if e.Reach != nil {
		checkReach(t, e, o)
		return
	}
	if e.Intent != "" {
		checkIntent(t, e, o)
		return
	}
	proto := topology.ProtocolTCP
	if e.Protocol != "" {
		proto, _ = topology.ParseProtocol(e.Protocol)
	}
	res, err := t.Trace(Request{From: e.From, To: e.To, Protocol: proto, Port: uint16(e.Port)})
	if err != nil {
		o.Error, o.Got = err.Error(), "error"
		return
	}
	o.Got, o.Reason, o.Trace = res.Verdict, res.Reason, res
}

// diffIntents runs every intent that applies to each compute of either
// scenario, with the default client.
func diffIntents(before, after *Network) []Change {
	computes := map[string]bool{}
	var names []string
	for _, t := range []*Network{before, after} {
		for _, c := range t.Computes {
			if !computes[c.Name] {
				computes[c.Name] = true
				names = append(names, c.Name)
			}
		}
	}
	var out []Change
	for _, cname := range names {
		for _, in := range Intents() {
			e := &topology.Expectation{Intent: in.Name, Compute: cname}
			var ob, oa Outcome
			runOne(before, e, &ob)
			runOne(after, e, &oa)
			if ob.Error != "" && oa.Error != "" {
				continue // the intent applies to neither
			}
			vb, db := outcomeText(&ob)
			va, da := outcomeText(&oa)
			c := Change{Kind: "intent", Subject: fmt.Sprintf("%s on %s", in.Name, cname), Before: vb, After: va}
			switch {
			case vb == va && db == da:
				continue
			case ob.Got != oa.Got && oa.Got == Denied:
				c.Change, c.Detail = "newly-denied", da
			case ob.Got != oa.Got && oa.Got == Allowed:
				c.Change, c.Detail = "newly-allowed", "before: "+db
			case ob.Got != oa.Got:
				c.Change, c.Detail = "changed", da+" "+oa.Error
			default:
				c.Change, c.Detail = "changed-rule", fmt.Sprintf("now %s, was %s", da, db)
			}
			out = append(out, c)
		}
	}
	return out
}
