package sim

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vnetsim/vnetsim/internal/yardstick"
	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/topology"
)

// Benchmarks on synthetic enterprise estates (vnetsim gen), each measured
// against route-trie lookups on the same estate timed in the same loop
// (package yardstick). VNETSIM_BENCH_ESTATES chooses the estates as
// VNETSxRULES items (10 subnets per spoke, RULES rules per NSG), by default
// "100x10,1000x10,5000x10,1000x100": 5000x10 has 50k subnets and 500k
// rules, 1000x100 10k subnets and 1M rules.

var estates struct {
	sync.Mutex
	data map[string][]byte
	topo map[estateSize]*Network
}

type estateSize struct{ vnets, rules int }

func (e estateSize) String() string { return fmt.Sprintf("%dx%d", e.vnets, e.rules) }

func estateSizes() []estateSize {
	s := os.Getenv("VNETSIM_BENCH_ESTATES")
	if s == "" {
		s = "100x10,1000x10,5000x10,1000x100"
	}
	var out []estateSize
	for _, p := range splitList(s) {
		v, r, _ := strings.Cut(p, "x")
		vn, err1 := strconv.Atoi(v)
		rn, err2 := strconv.Atoi(r)
		if err1 == nil && err2 == nil {
			out = append(out, estateSize{vn, rn})
		}
	}
	return out
}

// estate returns the generated scenario of the given size (seed 1) in the
// given format ("yaml" or "json"), generated once per process.
func estate(b *testing.B, e estateSize, format string) []byte {
	estates.Lock()
	defer estates.Unlock()
	if estates.data == nil {
		estates.data, estates.topo = map[string][]byte{}, map[estateSize]*Network{}
	}
	key := e.String() + "." + format
	if d, ok := estates.data[key]; ok {
		return d
	}
	var buf bytes.Buffer
	o := scenarios.GenOptions{VNets: e.vnets, SubnetsPerVNet: 10, RulesPerNSG: e.rules, Seed: 1}
	if err := genFormat(&buf, o, format); err != nil {
		b.Fatal(err)
	}
	estates.data[key] = buf.Bytes()
	return estates.data[key]
}

func estateTopology(b *testing.B, e estateSize) *Network {
	data := estate(b, e, "yaml")
	estates.Lock()
	t := estates.topo[e]
	estates.Unlock()
	if t != nil {
		return t
	}
	compiled, err := topology.Parse(fmt.Sprintf("estate-%s.yaml", e), data, topology.Options{})
	if err != nil {
		b.Fatal(err)
	}
	t = New(compiled)
	estates.Lock()
	estates.topo[e] = t
	estates.Unlock()
	return t
}

// BenchmarkEstateLoad measures loading (decoding, validating, compiling
// every subnet's effective routes) and the heap it keeps.
func BenchmarkEstateLoad(b *testing.B) {
	for _, e := range estateSizes() {
		for _, format := range estateFormats() {
			b.Run(fmt.Sprintf("estate=%s/format=%s", e, format), func(b *testing.B) {
				data := estate(b, e, format)
				if _, err := topology.BuiltinServiceTags(); err != nil {
					b.Fatal(err)
				}
				stick := yardstick.Of(estateTopology(b, e).Topology)
				var t *topology.Topology
				runtime.GC()
				var workDur, lookDur time.Duration
				looks := 0
				var cpu time.Duration
				for b.Loop() {
					t = nil
					runtime.GC()
					// The lookups first, on a collected heap: after a load
					// the collector's work would slow them.
					lookDur += stick.Lookups(200000)
					looks += 200000
					start, cpu0 := time.Now(), yardstick.CPUTime()
					compiled, err := topology.Parse("estate."+format, data, topology.Options{})
					if err != nil {
						b.Fatal(err)
					}
					t = compiled
					workDur += time.Since(start)
					cpu += yardstick.CPUTime() - cpu0
				}
				b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
				var after runtime.MemStats
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
				b.ReportMetric(float64(len(data))/1e6, "MB-file")
				b.ReportMetric(float64(after.HeapInuse)/(1<<20), "MiB-heap")
				b.ReportMetric(float64(subnets), "subnets")
				b.ReportMetric(float64(rules), "rules")
				yardstick.Report(b, workDur, b.N, lookDur, looks)
				runtime.KeepAlive(t)
			})
		}
	}
}

// estateFormats lists the formats to load, VNETSIM_BENCH_FORMATS (default
// "yaml,json").
func estateFormats() []string {
	if s := os.Getenv("VNETSIM_BENCH_FORMATS"); s != "" {
		return splitList(s)
	}
	return []string{"yaml", "json"}
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

// BenchmarkEstateTrace measures one trace with its hops and reply, and
// (quiet=true) one recording only the verdict, as matrix and diff run them.
func BenchmarkEstateTrace(b *testing.B) {
	for _, e := range estateSizes() {
		for _, quiet := range []bool{false, true} {
			b.Run(fmt.Sprintf("estate=%s/quiet=%v", e, quiet), func(b *testing.B) {
				t := estateTopology(b, e)
				src, dst := estateFlow(b, t)
				req := Request{Protocol: topology.ProtocolTCP, Port: 443, SrcPort: DefaultSourcePort, Quiet: quiet}
				yardstick.Measure(b, yardstick.Of(t.Topology), 8, 200, func() {
					if _, err := t.TraceEndpoints(src, dst, req); err != nil {
						b.Fatal(err)
					}
				})
			})
		}
	}
}

// BenchmarkEstateTracesParallel measures quiet traces per second on all
// cores; each goroutine times its traces and its lookups apart.
func BenchmarkEstateTracesParallel(b *testing.B) {
	for _, e := range estateSizes() {
		b.Run(fmt.Sprintf("estate=%s", e), func(b *testing.B) {
			t := estateTopology(b, e)
			src, dst := estateFlow(b, t)
			req := Request{Protocol: topology.ProtocolTCP, Port: 443, SrcPort: DefaultSourcePort, Quiet: true}
			var mu sync.Mutex
			var workDur, lookDur time.Duration
			looks := 0
			b.RunParallel(func(pb *testing.PB) {
				stick := yardstick.Of(t.Topology)
				var w, l time.Duration
				n := 0
				for pb.Next() {
					t0 := time.Now()
					if _, err := t.TraceEndpoints(src, dst, req); err != nil {
						b.Error(err)
						return
					}
					w += time.Since(t0)
					l += stick.Lookups(4)
					n += 4
				}
				mu.Lock()
				workDur, lookDur, looks = workDur+w, lookDur+l, looks+n
				mu.Unlock()
			})
			procs := runtime.GOMAXPROCS(0)
			// Per trace on one core; traces/s on every core.
			yardstick.Report(b, workDur, b.N, lookDur, looks)
			b.ReportMetric(float64(b.N)/(workDur.Seconds()/float64(procs)), "traces/s")
		})
	}
}

// BenchmarkEstateMatrix measures the matrix of up to VNETSIM_BENCH_MATRIX
// (default 1,000) subnets by their targets: the services and the internet.
func BenchmarkEstateMatrix(b *testing.B) {
	limit := 1000
	if s := os.Getenv("VNETSIM_BENCH_MATRIX"); s != "" {
		limit, _ = strconv.Atoi(s)
	}
	for _, e := range estateSizes() {
		b.Run(fmt.Sprintf("estate=%s/subnets=%d", e, limit), func(b *testing.B) {
			t := estateTopology(b, e)
			var from []string
			for _, v := range t.VNets {
				for _, s := range v.Subnets {
					if len(from) < limit && s.Name != "AzureFirewallSubnet" && s.Name != "GatewaySubnet" {
						from = append(from, s.ID())
					}
				}
			}
			sel := strings.Join(from, ",")
			var m *Matrix
			yardstick.Measure(b, yardstick.Of(t.Topology), 200000, 0, func() {
				var err error
				if m, err = t.Matrix(sel, "services,internet", nil); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(len(from)), "subnets")
			if m != nil && m.classes > 0 {
				// cells computed: one per equivalence class (matrix_class.go)
				b.ReportMetric(float64(m.classes), "classes")
			}
		})
	}
}
