package topology_test

import (
	"os"
	"runtime"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// TestEstateMemory reports the live heap a compiled estate holds, per NSG
// rule, and what its NSG indexes take: VNETSIM_MEM_ESTATE names the file
// (vnetsim gen -o estate.json); skipped without it.
func TestEstateMemory(t *testing.T) {
	file := os.Getenv("VNETSIM_MEM_ESTATE")
	if file == "" {
		t.Skip("VNETSIM_MEM_ESTATE names no estate")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	topo, err := topology.Parse(file, data, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	rules, idx := 0, 0
	for _, n := range topo.NSGs {
		rules += len(n.Inbound) + len(n.Outbound)
		idx += topology.IndexBytes(n)
	}
	heap := after.HeapAlloc - before.HeapAlloc
	t.Logf("%d NSGs, %d rules: live heap %d MiB (%.0f bytes a rule), NSG indexes %d MiB (%.1f bytes a rule); peak heap in use %d MiB",
		len(topo.NSGs), rules, heap>>20, float64(heap)/float64(rules), idx>>20, float64(idx)/float64(rules), after.HeapSys>>20)
	runtime.KeepAlive(topo)
	runtime.KeepAlive(data)
}
