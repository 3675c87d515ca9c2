package sim

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// load compiles an inline scenario; header adds apiVersion and region.
func load(t testing.TB, body string) *Network {
	t.Helper()
	src := "apiVersion: vnetsim/v1\nregion: eastus\n" + body
	topo, err := topology.Parse("test.yaml", []byte(src), topology.Options{})
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, src)
	}
	return New(topo)
}

// flowCase is one traced flow and what Azure would do with it.
type flowCase struct {
	name     string
	scenario string
	from, to string
	proto    topology.Protocol
	port     uint16
	verdict  string
	reason   string
	// blockedBy is "kind/name/resource" of the deciding rule when denied.
	blockedBy string
	// hops must each appear, in order, within "kind action node detail" of
	// the forward hops (or of the reply hops when prefixed "reply:").
	hops []string
	// noHops must not appear in any hop.
	noHops []string
}

func runFlowCases(t *testing.T, cases []flowCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			topo := load(t, c.scenario)
			proto := c.proto
			if proto == "" {
				proto = topology.ProtocolTCP
			}
			port := c.port
			if port == 0 && proto.HasPorts() {
				port = 443
			}
			res, err := topo.Trace(Request{From: c.from, To: c.to, Protocol: proto, Port: port})
			if err != nil {
				t.Fatalf("Trace: %v", err)
			}
			if res.Verdict != c.verdict || res.Reason != c.reason {
				t.Fatalf("verdict = %s (%s), want %s (%s)\n%s", res.Verdict, res.Reason, c.verdict, c.reason, dump(res))
			}
			if c.blockedBy != "" {
				got := ""
				if res.BlockedBy != nil {
					got = res.BlockedBy.Kind + "/" + res.BlockedBy.Name + "/" + res.BlockedBy.Resource
				}
				if got != c.blockedBy {
					t.Errorf("blockedBy = %q, want %q\n%s", got, c.blockedBy, dump(res))
				}
			}
			for _, h := range c.noHops {
				for _, hp := range append(append([]Hop{}, res.Hops...), res.Reply...) {
					if strings.Contains(hp.Kind+" "+hp.Action+" "+hp.Node+" "+hp.Detail, h) {
						t.Errorf("hop %q must not appear\n%s", h, dump(res))
					}
				}
			}
			fwd, rep := 0, 0
			for _, h := range c.hops {
				list, idx := res.Hops, &fwd
				if rest, ok := strings.CutPrefix(h, "reply:"); ok {
					h, list, idx = rest, res.Reply, &rep
				}
				found := false
				for ; *idx < len(list); *idx++ {
					hp := list[*idx]
					if strings.Contains(hp.Kind+" "+hp.Action+" "+hp.Node+" "+hp.Detail, h) {
						found = true
						*idx++
						break
					}
				}
				if !found {
					t.Errorf("hop %q not found in order\n%s", h, dump(res))
				}
			}
		})
	}
}

func dump(r *Result) string {
	var b strings.Builder
	WriteTraceText(&b, r)
	return b.String()
}

func mustAddr(t testing.TB, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// edit returns s with the first old replaced by new. A fixture edit that
// matches nothing would silently test the unedited scenario, so it panics,
// which fails the test that made it.
func edit(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic(fmt.Sprintf("test fixture edit: %q is not in the scenario", old))
	}
	return strings.Replace(s, old, new, 1)
}
