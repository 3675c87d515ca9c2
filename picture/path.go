package picture

import (
	"fmt"
	"strings"

	"github.com/vnetsim/vnetsim/sim"
)

// Leg is one lane of a traced flow: its name resolution, the request, or the
// reply.
type Leg struct {
	Name string
	Hops []MarkedHop
}

// MarkedHop is a hop with its number on the path and its mark.
type MarkedHop struct {
	sim.Hop
	N    int
	Mark Mark
}

// Legs splits a trace into lanes (name resolution, request, reply) and marks
// its hops: for a denied flow, the hop that names the rule, route or
// resource that sim says blocked it is MarkBlocked, and the hop where the
// packet stops, when it is another, is MarkDropped; for an allowed flow the
// last hop of the request is MarkDelivered. The verdict is sim's: Legs only
// finds which hop shows it.
func Legs(res *sim.Result) []Leg {
	var dns, req, reply []MarkedHop
	n := 0
	for _, h := range res.Hops {
		n++
		if h.Kind == "dns" {
			dns = append(dns, MarkedHop{Hop: h, N: n, Mark: MarkDNS})
		} else {
			req = append(req, MarkedHop{Hop: h, N: n})
		}
	}
	for _, h := range res.Reply {
		n++
		reply = append(reply, MarkedHop{Hop: h, N: n})
	}
	var legs []Leg
	if len(dns) > 0 {
		legs = append(legs, Leg{Name: "name resolution", Hops: dns})
	}
	legs = append(legs, Leg{Name: "request", Hops: req})
	if len(reply) > 0 {
		legs = append(legs, Leg{Name: "reply", Hops: reply})
	}
	if res.Verdict == sim.Allowed {
		if len(req) > 0 {
			req[len(req)-1].Mark = MarkDelivered // req shares its array with the request leg
		}
		return legs
	}
	if res.Verdict != sim.Denied {
		return legs
	}
	// The failing leg is the last one with hops: the reply when the
	// request was delivered, else the request, else name resolution.
	last := -1
	for i := len(legs) - 1; i >= 0; i-- {
		if len(legs[i].Hops) > 0 {
			last = i
			break
		}
	}
	if last < 0 {
		return legs
	}
	stop := &legs[last].Hops[len(legs[last].Hops)-1]
	if b := blockingHop(legs[last], res.BlockedBy); b != nil {
		b.Mark = MarkBlocked
		if stop != b {
			stop.Mark = MarkDropped
		}
	} else {
		stop.Mark = MarkBlocked
	}
	return legs
}

// blockingHop returns the first hop of the failing leg that names what
// blocked the flow: its node or detail names the rule's resource, and its
// node or detail names the rule. Hops of the legs that got through are
// never blamed.
func blockingHop(leg Leg, by *sim.BlockedBy) *MarkedHop {
	if by == nil {
		return nil
	}
	res := by.Resource
	if i := strings.IndexByte(res, '/'); i > 0 && by.Kind != "subnet" && by.Kind != "route" {
		res = res[:i] // firewall/collection: the hop names the firewall
	}
	// First a hop at the resource itself (an NSG, a DNS server, an
	// appliance), then one whose detail names it (a route names its table).
	for _, strict := range []bool{true, false} {
		for j := range leg.Hops {
			h := &leg.Hops[j]
			namesResource := h.Node == res || h.Node == by.Name || (!strict && strings.Contains(h.Detail, res))
			namesRule := h.Node == by.Name || strings.Contains(h.Detail, by.Name)
			if namesResource && namesRule {
				return h
			}
		}
	}
	return nil
}

// Blocked returns the hop marked blocked, if any.
func Blocked(legs []Leg) *MarkedHop {
	for i := range legs {
		for j := range legs[i].Hops {
			if legs[i].Hops[j].Mark == MarkBlocked {
				return &legs[i].Hops[j]
			}
		}
	}
	return nil
}

// VerdictLine is the verdict in words: "allowed", or "DENIED (reason):
// blocked by KIND NAME in RESOURCE".
func VerdictLine(res *sim.Result) string {
	if res.Verdict == sim.Allowed {
		if res.Egress != "" {
			return "allowed (egress: " + res.Egress + ")"
		}
		return "allowed"
	}
	s := fmt.Sprintf("DENIED (%s)", res.Reason)
	if res.BlockedBy != nil {
		s += fmt.Sprintf(": blocked by %s %s in %s", res.BlockedBy.Kind, res.BlockedBy.Name, res.BlockedBy.Resource)
	}
	return s
}

// Path draws one traced flow: the request and its reply as lanes of hops,
// DNS steps in a lane beside them, each hop labelled with what decided it,
// and the blocking hop and the reason in red (and in words).
func Path(res *sim.Result) *Graph {
	title := fmt.Sprintf("trace %s -> %s\n%s\nverdict: %s", res.From, res.To, res.Flow, VerdictLine(res))
	g := NewGraph("trace", title)
	_, blocked := addPath(g, nil, res)
	if blocked != nil && res.Message != "" {
		why := g.Node(blocked.Cluster, "why: "+Wrap(res.Message, 52), "note")
		why.Mark = MarkWhy
		g.Edge(blocked, why, "", true)
	}
	return g
}

// addPath draws res inside parent and returns its first node and the
// blocking one.
func addPath(g *Graph, parent *Cluster, res *sim.Result) (first, blocked *Node) {
	var prev *Node
	for _, leg := range Legs(res) {
		if len(leg.Hops) == 0 {
			continue
		}
		c := g.Cluster(parent, leg.Name)
		if leg.Name == "name resolution" {
			c.Mark = MarkDNS
		}
		legFirst := true
		for _, h := range leg.Hops {
			n := g.Node(c, hopLabel(h, res), hopShape(h))
			n.Mark = h.Mark
			if h.Mark == MarkBlocked {
				blocked = n
			}
			if first == nil {
				first = n
			}
			if prev != nil {
				label := ""
				if legFirst {
					label = map[string]string{"request": "then", "reply": "reply"}[leg.Name]
					if leg.Name == "request" && prev.Mark == MarkDNS {
						label = "with the answer"
					}
				}
				e := g.Edge(prev, n, label, legFirst)
				if e != nil && (h.Mark == MarkBlocked || h.Mark == MarkDropped) {
					e.Mark = MarkBlocked
				}
			}
			prev, legFirst = n, false
		}
	}
	return first, blocked
}

func hopShape(h MarkedHop) string {
	switch h.Kind {
	case "nsg", "firewall", "appliance":
		return "octagon"
	case "dns":
		return "note"
	}
	return "box"
}

// hopLabel writes a hop: its mark in words, its number, what acted and how,
// and the detail that names the deciding rule or route.
func hopLabel(h MarkedHop, res *sim.Result) string {
	var b strings.Builder
	switch h.Mark {
	case MarkBlocked:
		fmt.Fprintf(&b, "✗ BLOCKED HERE: %s\n", res.Reason)
	case MarkDropped:
		b.WriteString("✗ the packet stops here\n")
	case MarkDelivered:
		b.WriteString("✓ delivered\n")
	}
	fmt.Fprintf(&b, "%d. %s %s: %s\n", h.N, h.Kind, h.Action, h.Node)
	b.WriteString(Wrap(h.Detail, 52))
	return b.String()
}

// Wrap breaks s into lines of at most width characters at spaces.
func Wrap(s string, width int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// Simulation draws an intent: one frame per step, chained in order. A step
// that fails shows its whole path with the blocking hop; a step that works
// or does not apply is one box with what decided it.
func Simulation(s *sim.Simulation) *Graph {
	title := fmt.Sprintf("intent %s on %s (%s)\n%s\nverdict: %s", s.Intent, s.Compute, s.Scenario, s.Summary, strings.ToUpper(s.Verdict))
	if s.Verdict == sim.Allowed {
		title = strings.Replace(title, "ALLOWED", "allowed", 1)
	}
	g := NewGraph("simulation", title)
	var prev *Node
	for i, st := range s.Steps {
		label := fmt.Sprintf("step %d: %s\n%s -> %s %s/%d: %s", i+1, st.Name, st.From, st.To, st.Protocol, st.Port, stepVerdict(st))
		c := g.Cluster(nil, label)
		var first *Node
		switch {
		case st.Verdict == sim.Denied && st.Trace != nil:
			var blocked *Node
			first, blocked = addPath(g, c, st.Trace)
			fix := g.Node(c, "what to change:\n"+Wrap(st.Fix, 52), "note")
			if st.Fix == "" {
				fix.Label = "why: " + Wrap(st.Message, 52)
			}
			if first == nil {
				first = fix
			}
			g.Edge(blocked, fix, "", true)
		case st.Verdict == sim.Denied:
			first = g.Node(c, "✗ BLOCKED: "+st.Reason+"\n"+Wrap(st.Message, 52), "box")
			first.Mark = MarkBlocked
		case st.Verdict == sim.Allowed:
			first = g.Node(c, "✓ allowed\n"+Wrap(st.Decided, 60), "box")
			first.Mark = MarkDelivered
		default:
			first = g.Node(c, st.Verdict+"\n"+Wrap(st.Message, 60), "box")
			first.Mark = MarkMuted
		}
		if prev != nil && first != nil {
			e := g.Edge(prev, first, "", true)
			if e != nil {
				e.HeadCluster = c
				e.TailCluster = prev.Cluster.top()
			}
		}
		prev = first
	}
	return g
}

func stepVerdict(st sim.StepResult) string {
	switch st.Verdict {
	case sim.Allowed:
		return "allowed"
	case sim.Denied:
		s := "DENIED (" + st.Reason + ")"
		if st.BlockedBy != nil {
			s += fmt.Sprintf("\nblocked by %s %s in %s", st.BlockedBy.Kind, st.BlockedBy.Name, st.BlockedBy.Resource)
		}
		return s
	}
	return st.Verdict
}

// top returns the outermost cluster holding c, below the root.
func (c *Cluster) top() *Cluster {
	for c.parent != nil && c.parent.parent != nil {
		c = c.parent
	}
	return c
}
