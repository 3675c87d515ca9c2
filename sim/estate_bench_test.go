package sim

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/topology"
)

// Benchmarks on synthetic enterprise estates (vnetsim gen). Each reports,
// beside its own time, "lookups": how many raw route-trie lookups on the same
// estate cost as much, measured in the same run, so the figures read as
// ratios on a noisy machine. VNETSIM_BENCH_VNETS (default "100,1000,5000")
// chooses the sizes; make bench runs them all.

var estates struct {
	sync.Mutex
	data map[int][]byte
	topo map[int]*Network
}

func estateSizes() []int {
	s := os.Getenv("VNETSIM_BENCH_VNETS")
	if s == "" {
		s = "100,1000,5000"
	}
	var out []int
	for _, p := range splitList(s) {
		if n, err := strconv.Atoi(p); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// estate returns the generated scenario of n VNets (10 subnets per spoke,
// 10 rules per NSG, seed 1), generated once per process.
func estate(b *testing.B, n int) []byte {
	estates.Lock()
	defer estates.Unlock()
	if estates.data == nil {
		estates.data, estates.topo = map[int][]byte{}, map[int]*Network{}
	}
	if d, ok := estates.data[n]; ok {
		return d
	}
	var buf bytes.Buffer
	if err := scenarios.Generate(&buf, scenarios.GenOptions{VNets: n, SubnetsPerVNet: 10, RulesPerNSG: 10, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	estates.data[n] = buf.Bytes()
	return estates.data[n]
}

func estateTopology(b *testing.B, n int) *Network {
	data := estate(b, n)
	estates.Lock()
	t := estates.topo[n]
	estates.Unlock()
	if t != nil {
		return t
	}
	compiled, err := topology.Parse(fmt.Sprintf("estate-%d.yaml", n), data, topology.Options{})
	if err != nil {
		b.Fatal(err)
	}
	t = New(compiled)
	estates.Lock()
	estates.topo[n] = t
	estates.Unlock()
	return t
}

// lookupCost measures one longest-prefix lookup in the route trie of the
// busiest subnet of t (a hub subnet, which holds a route per spoke).
func lookupCost(t *Network) time.Duration {
	var rs *topology.RouteSet
	for _, v := range t.VNets {
		for _, s := range v.Subnets {
			if rs == nil || len(s.Routes.Routes) > len(rs.Routes) {
				rs = s.Routes
			}
		}
	}
	addrs := make([]netip.Addr, 0, 1024)
	for _, v := range t.VNets {
		if len(addrs) == cap(addrs) {
			break
		}
		addrs = append(addrs, v.AddressSpace[0].Addr().Next())
	}
	const n = 200000
	start := time.Now()
	for i := 0; i < n; i++ {
		rs.Lookup(addrs[i%len(addrs)])
	}
	return time.Since(start) / n
}

func reportLookups(b *testing.B, t *Network, perOp time.Duration) {
	if l := lookupCost(t); l > 0 {
		b.ReportMetric(float64(perOp)/float64(l), "lookups")
		b.ReportMetric(float64(l.Nanoseconds()), "ns/lookup")
	}
}

// BenchmarkEstateLoad measures loading (decoding, validating, compiling
// every subnet's effective routes) and the heap it keeps.
func BenchmarkEstateLoad(b *testing.B) {
	for _, n := range estateSizes() {
		b.Run(fmt.Sprintf("vnets=%d", n), func(b *testing.B) {
			data := estate(b, n)
			if _, err := topology.BuiltinServiceTags(); err != nil {
				b.Fatal(err)
			}
			var t *Network
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			for b.Loop() {
				compiled, err := topology.Parse("estate.yaml", data, topology.Options{})
				if err != nil {
					b.Fatal(err)
				}
				t = New(compiled)
			}
			perOp := time.Since(start) / time.Duration(b.N)
			runtime.GC()
			runtime.ReadMemStats(&after)
			rules := 0
			for _, nsg := range t.NSGs {
				rules += len(nsg.Inbound) + len(nsg.Outbound) - 6
			}
			subnets := 0
			for _, v := range t.VNets {
				subnets += len(v.Subnets)
			}
			b.ReportMetric(float64(len(data))/1e6, "MB-yaml")
			b.ReportMetric(float64(after.HeapInuse)/(1<<20), "MiB-heap")
			b.ReportMetric(float64(subnets), "subnets")
			b.ReportMetric(float64(rules), "rules")
			reportLookups(b, t, perOp)
			runtime.KeepAlive(t)
		})
	}
}

// estateFlow is a flow from a VM in one spoke to a VM in another spoke of
// the same hub: routed to the hub firewall, filtered by both spokes' NSGs.
func estateFlow(b *testing.B, t *Network) (*Endpoint, *Endpoint) {
	var vms []string
	for _, n := range t.VMs {
		if !n.IPForwarding {
			vms = append(vms, n.Name)
		}
	}
	if len(vms) < 2 {
		b.Skip("the estate has too few VMs")
	}
	src, err := t.ResolveEndpoint(vms[0])
	if err != nil {
		b.Fatal(err)
	}
	dst, err := t.ResolveEndpoint(vms[len(vms)/2])
	if err != nil {
		b.Fatal(err)
	}
	return src, dst
}

// BenchmarkEstateTrace measures one trace with its hops and reply.
func BenchmarkEstateTrace(b *testing.B) {
	for _, n := range estateSizes() {
		b.Run(fmt.Sprintf("vnets=%d", n), func(b *testing.B) {
			t := estateTopology(b, n)
			src, dst := estateFlow(b, t)
			req := Request{Protocol: topology.ProtocolTCP, Port: 443, SrcPort: DefaultSourcePort}
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				if _, err := t.TraceEndpoints(src, dst, req); err != nil {
					b.Fatal(err)
				}
			}
			reportLookups(b, t, time.Since(start)/time.Duration(b.N))
		})
	}
}

// BenchmarkEstateTracesParallel measures traces per second on all cores,
// quiet (verdicts only, as matrix and diff run them).
func BenchmarkEstateTracesParallel(b *testing.B) {
	for _, n := range estateSizes() {
		b.Run(fmt.Sprintf("vnets=%d", n), func(b *testing.B) {
			t := estateTopology(b, n)
			src, dst := estateFlow(b, t)
			req := Request{Protocol: topology.ProtocolTCP, Port: 443, SrcPort: DefaultSourcePort, Quiet: true}
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := t.TraceEndpoints(src, dst, req); err != nil {
						b.Fatal(err)
					}
				}
			})
			elapsed := time.Since(start)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "traces/s")
			reportLookups(b, t, elapsed/time.Duration(b.N))
		})
	}
}

// BenchmarkEstateMatrix measures the matrix of up to 1,000 subnets by their
// targets: the services and the internet.
func BenchmarkEstateMatrix(b *testing.B) {
	for _, n := range estateSizes() {
		b.Run(fmt.Sprintf("vnets=%d", n), func(b *testing.B) {
			t := estateTopology(b, n)
			var from []string
			for _, v := range t.VNets {
				for _, s := range v.Subnets {
					if len(from) < 1000 && s.Name != "AzureFirewallSubnet" && s.Name != "GatewaySubnet" {
						from = append(from, s.ID())
					}
				}
			}
			sel := ""
			for i, f := range from {
				if i > 0 {
					sel += ","
				}
				sel += f
			}
			start := time.Now()
			for b.Loop() {
				if _, err := t.Matrix(sel, "services,internet", nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(from)), "subnets")
			reportLookups(b, t, time.Since(start)/time.Duration(b.N))
		})
	}
}
