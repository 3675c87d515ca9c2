package sim

import (
	"testing"

	"github.com/vnetsim/vnetsim/internal/yardstick"
	"github.com/vnetsim/vnetsim/topology"
)

// BenchmarkTrace measures one full trace (routes, NSGs, an appliance, a
// global peering and the reply) with route-trie lookups of the same scenario
// timed in the same loop (package yardstick), so results read as a ratio.
func BenchmarkTrace(b *testing.B) { benchCatalogTrace(b, false) }

// BenchmarkTraceQuiet is BenchmarkTrace recording no hops, as the matrix
// traces.
func BenchmarkTraceQuiet(b *testing.B) { benchCatalogTrace(b, true) }

func benchCatalogTrace(b *testing.B, quiet bool) {
	topo, err := loadBench()
	if err != nil {
		b.Fatal(err)
	}
	src, _ := topo.ResolveEndpoint("cpu-cluster")
	dst, _ := topo.ResolveEndpoint("internet")
	req := Request{Protocol: topology.ProtocolTCP, Port: 443, SrcPort: DefaultSourcePort, Quiet: quiet}
	yardstick.Measure(b, yardstick.Of(topo.Topology), 8, 200, func() {
		if _, err := topo.TraceEndpoints(src, dst, req); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkLoad measures loading the catalog scenario with the embedded
// service tags already parsed (they are parsed once per process).
func BenchmarkLoad(b *testing.B) {
	topo, err := loadBench()
	if err != nil {
		b.Fatal(err)
	}
	yardstick.Measure(b, yardstick.Of(topo.Topology), 200, 20, func() {
		if _, err := loadBench(); err != nil {
			b.Fatal(err)
		}
	})
}

func loadBench() (*Network, error) {
	return scenariosLoad("peered-cluster-forced-tunnel")
}
