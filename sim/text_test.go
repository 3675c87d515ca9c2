package sim

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// TestTraceTextWriters checks that traceText's typed writers write what
// the String methods and fmt.Sprintf write.
func TestTraceTextWriters(t *testing.T) {
	a := netip.MustParseAddr("10.1.0.4")
	p := netip.MustParsePrefix("10.0.0.0/16")
	f := topology.Flow{Src: a, Dst: netip.MustParseAddr("198.51.100.10"), Protocol: topology.ProtocolTCP, SrcPort: 49152, DstPort: 443}
	icmp := topology.Flow{Src: a, Dst: netip.MustParseAddr("fd00::1"), Protocol: topology.ProtocolICMP}
	nic := &Endpoint{Text: "cpu-cluster", Addr: a}
	byAddr := &Endpoint{Text: "10.1.0.4", Addr: a}
	named := &Endpoint{Text: "internet"}
	var tt traceText
	for _, c := range []struct{ got, want string }{
		{tt.begin().addr(a).done(), a.String()},
		{tt.begin().addr(netip.Addr{}).done(), netip.Addr{}.String()},
		{tt.begin().prefix(p).done(), p.String()},
		{tt.begin().prefix(netip.Prefix{}).done(), netip.Prefix{}.String()},
		{tt.begin().flow(f).done(), f.String()},
		{tt.begin().flow(icmp).done(), icmp.String()},
		{tt.begin().int(-65001).done(), "-65001"},
		{tt.begin().endpoint(nic).done(), nic.String()},
		{tt.begin().endpoint(byAddr).done(), byAddr.String()},
		{tt.begin().endpoint(named).done(), named.String()},
		{tt.begin().printf("%s denies %s (priority %d)", "nsg", f, 100).done(), fmt.Sprintf("%s denies %s (priority %d)", "nsg", f, 100)},
	} {
		if c.got != c.want {
			t.Errorf("wrote %q, want %q", c.got, c.want)
		}
	}
	// Strings handed out stay intact while the buffer grows and starts anew.
	var got []string
	for i := 0; i < 500; i++ {
		got = append(got, tt.begin().s("hop ").int(int64(i)).s(" at ").addr(a).done())
	}
	for i, s := range got {
		if want := fmt.Sprintf("hop %d at %s", i, a); s != want {
			t.Fatalf("string %d = %q, want %q", i, s, want)
		}
	}
}

// TestTraceAllocations pins how little a trace allocates: the catalog's
// trace through an appliance and a global peering, with its reply. Nearly
// all of it is the route trie's: cidranger, which the design keeps for route
// tables and the VNet address map, allocates three times a lookup (the
// net.IP it takes and the slices of its answer); the trace itself
// allocates its state once, and a full trace its text buffer.
func TestTraceAllocations(t *testing.T) {
	topo, err := loadBench()
	if err != nil {
		t.Fatal(err)
	}
	src, _ := topo.ResolveEndpoint("cpu-cluster")
	dst, _ := topo.ResolveEndpoint("internet")
	for _, c := range []struct {
		quiet bool
		max   float64
	}{{false, 15}, {true, 14}} {
		req := Request{Protocol: topology.ProtocolTCP, Port: 443, SrcPort: DefaultSourcePort, Quiet: c.quiet}
		n := testing.AllocsPerRun(100, func() {
			if _, err := topo.TraceEndpoints(src, dst, req); err != nil {
				t.Fatal(err)
			}
		})
		if n > c.max {
			t.Errorf("quiet=%v: a trace allocates %v times, want at most %v", c.quiet, n, c.max)
		}
	}
}
