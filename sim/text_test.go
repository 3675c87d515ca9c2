package sim

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// TestTraceTextPrintf checks that traceText writes what fmt.Sprintf writes,
// for the verbs and types the trace uses and for the others it hands to fmt.
func TestTraceTextPrintf(t *testing.T) {
	a := netip.MustParseAddr("10.1.0.4")
	p := netip.MustParsePrefix("10.0.0.0/16")
	f := topology.Flow{Src: a, Dst: netip.MustParseAddr("198.51.100.10"), Protocol: topology.ProtocolTCP, SrcPort: 49152, DstPort: 443}
	icmp := topology.Flow{Src: a, Dst: netip.MustParseAddr("fd00::1"), Protocol: topology.ProtocolICMP}
	cases := []struct {
		format string
		args   []any
	}{
		{"plain text", nil},
		{"", nil},
		{"%s in %s (%s)", []any{a, "vnet/sub", "westus"}},
		{"%s -> %s (%s)", []any{p, "Internet", "system route"}},
		{"rule %s (priority %d) %s", []any{"r", 65001, "Allow"}},
		{"%s %s at %s:%d in %s", []any{topology.KindCompute, "cpu", a, uint16(8080), "v/s"}},
		{"%s denies %s", []any{"nsg", f}},
		{"%s denies %s", []any{"nsg", icmp}},
		{"kind %s: %v", []any{EndpointNIC, errors.New("boom")}},
		{"invalid %s %s", []any{netip.Addr{}, netip.Prefix{}}},
		{"100%% of %d", []any{int64(-5)}},
		{"%d %d %d %d", []any{uint8(1), uint32(2), int32(-3), 7}},
		{"%q and %x", []any{"q", 255}},
		{"%-10s|", []any{"pad"}},
		{"missing %s %s", []any{"one"}},
		{"extra %s", []any{"one", "two"}},
		{"trailing %", nil},
		{"%s %v %d", []any{42, true, "str"}},
		{"%s", []any{topology.ProtocolUDP}},
		{"%v", []any{&f}},
	}
	for _, c := range cases {
		var tt traceText
		got := tt.begin().printf(c.format, c.args...).done()
		if want := fmt.Sprintf(c.format, c.args...); got != want {
			t.Errorf("printf(%q) = %q, want %q", c.format, got, want)
		}
	}
	// Strings handed out stay intact while the buffer grows and starts anew.
	var tt traceText
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
// trace through an appliance and a global peering, with its reply.
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
	}{{false, 3}, {true, 1}} {
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
