package topology_test

import (
	"bytes"
	"math/rand"
	"testing"
	"time"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/topology"
)

// BenchmarkNSGEvaluate times NSG evaluation through the index (Evaluate)
// and by scanning every rule (ScanNSG) on the same random flows of a
// generated estate with 100 rules per NSG, alternately in batches of the
// same loop, so a busy machine slows both alike: index/scan is the ratio.
func BenchmarkNSGEvaluate(b *testing.B) {
	var buf bytes.Buffer
	if err := scenarios.Generate(&buf, scenarios.GenOptions{VNets: 20, SubnetsPerVNet: 4, RulesPerNSG: 100, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	topo, err := topology.Parse("e.yaml", buf.Bytes(), topology.Options{})
	if err != nil {
		b.Fatal(err)
	}
	type evalCase struct {
		nsg     *topology.NSG
		inbound bool
		f       topology.Flow
		v       *topology.VNet
		src     *topology.NIC
		dst     *topology.NIC
	}
	rng := rand.New(rand.NewSource(1))
	nics := topo.NICs
	protos := []topology.Protocol{topology.ProtocolTCP, topology.ProtocolTCP, topology.ProtocolTCP, topology.ProtocolUDP, topology.ProtocolICMP}
	ports := []uint16{443, 22, 80, 3389, 8080, 1433, 5000, 44224, 53}
	var cases []evalCase
	for len(cases) < 4096 {
		src, dst := nics[rng.Intn(len(nics))], nics[rng.Intn(len(nics))]
		nsg := dst.Subnet.NSG
		inbound := rng.Intn(2) == 0
		if !inbound {
			nsg = src.Subnet.NSG
		}
		if nsg == nil {
			continue
		}
		f := topology.Flow{Src: src.IP, Dst: dst.IP, Protocol: protos[rng.Intn(len(protos))], SrcPort: 49152, DstPort: ports[rng.Intn(len(ports))]}
		cases = append(cases, evalCase{nsg, inbound, f, dst.Subnet.VNet, src, dst})
	}
	var index, scan time.Duration
	const batch = 256
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		start := time.Now()
		for j := i; j < i+batch; j++ {
			c := &cases[j%len(cases)]
			c.nsg.Evaluate(topo, c.inbound, c.f, c.v, c.src, c.dst)
		}
		index += time.Since(start)
		start = time.Now()
		for j := i; j < i+batch; j++ {
			c := &cases[j%len(cases)]
			topo.ScanNSG(c.nsg, c.inbound, c.f, c.v, c.src, c.dst)
		}
		scan += time.Since(start)
	}
	n := float64((b.N + batch - 1) / batch * batch)
	b.ReportMetric(float64(index.Nanoseconds())/n, "ns/index")
	b.ReportMetric(float64(scan.Nanoseconds())/n, "ns/scan")
	b.ReportMetric(float64(index)/float64(scan), "index/scan")
}
