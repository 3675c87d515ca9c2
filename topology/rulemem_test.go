package topology_test

import (
	"bytes"
	"runtime"
	"testing"
	"unsafe"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/topology"
)

// TestCompiledRuleSize measures the heap a compiled NSG rule keeps: two
// estates that differ only in rules per NSG, compiled and kept, the
// difference in live heap divided by the difference in rules, the NSGs'
// indexes included. Issue 18 asks for at most 300 bytes; the SecurityRule
// struct is 256 (a Direction enum instead of a string, one ASG name per
// side instead of a slice, each side's tag resolved at compile) and about
// 280 were measured with what a rule allocates (272 and about 300-330
// before).
func TestCompiledRuleSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two estates")
	}
	heapOf := func(rules int) (uint64, int) {
		var buf bytes.Buffer
		if err := scenarios.Generate(&buf, scenarios.GenOptions{VNets: 60, SubnetsPerVNet: 10, RulesPerNSG: rules, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		topo, err := topology.Parse("e.yaml", data, topology.Options{})
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		n := 0
		for _, nsg := range topo.NSGs {
			n += len(nsg.Inbound) + len(nsg.Outbound)
		}
		runtime.KeepAlive(topo)
		return after.HeapAlloc - before.HeapAlloc, n
	}
	h1, n1 := heapOf(10)
	h2, n2 := heapOf(110)
	per := float64(h2-h1) / float64(n2-n1)
	t.Logf("%.0f bytes per compiled rule (%d rules: %d MiB; %d rules: %d MiB)", per, n1, h1>>20, n2, h2>>20)
	if per > 300 {
		t.Errorf("%.0f bytes per compiled rule, want <= 300", per)
	}
	if size := unsafe.Sizeof(topology.SecurityRule{}); size > 256 {
		t.Errorf("a SecurityRule is %d bytes, want <= 256", size)
	}
}
