package sim

import (
	"net/netip"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// BenchmarkTrace measures one full trace (routes, NSGs, an appliance, a
// global peering and the reply) next to BenchmarkTrieLookup, one longest-prefix
// lookup in the same subnet's route trie, so results read as a ratio.
func BenchmarkTrace(b *testing.B) {
	topo, err := loadBench()
	if err != nil {
		b.Fatal(err)
	}
	src, _ := topo.ResolveEndpoint("cpu-cluster")
	dst, _ := topo.ResolveEndpoint("internet")
	req := Request{Protocol: topology.ProtocolTCP, Port: 443, SrcPort: DefaultSourcePort}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := topo.TraceEndpoints(src, dst, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTraceQuiet is BenchmarkTrace recording no hops, as the matrix
// traces.
func BenchmarkTraceQuiet(b *testing.B) {
	topo, err := loadBench()
	if err != nil {
		b.Fatal(err)
	}
	src, _ := topo.ResolveEndpoint("cpu-cluster")
	dst, _ := topo.ResolveEndpoint("internet")
	req := Request{Protocol: topology.ProtocolTCP, Port: 443, SrcPort: DefaultSourcePort, Quiet: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := topo.TraceEndpoints(src, dst, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTrieLookup(b *testing.B) {
	topo, err := loadBench()
	if err != nil {
		b.Fatal(err)
	}
	routes := topo.Subnet("compute-vnet/snet-training").Routes
	a := netip.MustParseAddr("198.51.100.10")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, ok := routes.Lookup(a); !ok {
			b.Fatal("no route")
		}
	}
}

// BenchmarkLoad measures loading the catalog scenario with the embedded
// service tags already parsed (they are parsed once per process).
func BenchmarkLoad(b *testing.B) {
	if _, err := topology.BuiltinServiceTags(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loadBench(); err != nil {
			b.Fatal(err)
		}
	}
}

func loadBench() (*Network, error) {
	return scenariosLoad("peered-cluster-forced-tunnel")
}
