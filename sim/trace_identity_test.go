package sim

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/topology"
)

// identityGolden holds the text and JSON of every trace TestTraceIdentity
// runs, as the tracer wrote them before hop text was built lazily and the
// trace stopped allocating: any change in a hop, reply, message, reason or
// blocker of any of them fails the test.
const identityGolden = "trace-identity.golden.gz"

// identityEndpoints lists the endpoints of a scenario a flow can start or
// end at: every NIC, subnet, service, on-premises host and load balancer
// frontend, plus the internet, the platform, a service tag and a few
// addresses and names inside and outside the scenario.
func identityEndpoints(t *Network) []string {
	var out []string
	for _, n := range t.NICs {
		out = append(out, n.Name)
	}
	for _, v := range t.VNets {
		for _, s := range v.Subnets {
			out = append(out, s.ID())
		}
		for _, p := range v.AddressSpace {
			out = append(out, p.Addr().Next().Next().Next().Next().Next().String())
		}
	}
	for _, s := range t.Services {
		out = append(out, s.Name)
		if s.PublicIP.IsValid() {
			out = append(out, s.PublicIP.String())
		}
	}
	for _, g := range t.Gateways {
		var hosts []string
		for h := range g.Hosts {
			hosts = append(hosts, h)
		}
		sort.Strings(hosts)
		out = append(out, hosts...)
		for _, p := range g.OnPremises {
			out = append(out, p.Addr().Next().String())
		}
	}
	for _, lb := range t.LoadBalancers {
		for _, fe := range lb.Frontends {
			out = append(out, fe.Name)
		}
	}
	for _, z := range t.DNSZones {
		out = append(out, "app."+z.Name)
	}
	out = append(out, "internet", "AzureLoadBalancer", "AzureMachineLearning", "Storage", "168.63.129.16",
		"169.254.169.254", "8.8.8.8", "10.0.0.4", "192.168.1.4", "example.com", "login.microsoftonline.com")
	return out
}

// identityFlows is every flow TestTraceIdentity traces in one scenario: all
// a random sample of the pairs of its endpoints on a few ports and
// protocols.
func identityFlows(t *Network, pairs int) []Request {
	eps := identityEndpoints(t)
	ports := []struct {
		p    topology.Protocol
		port uint16
	}{{topology.ProtocolTCP, 443}, {topology.ProtocolTCP, 22}, {topology.ProtocolTCP, 44224}, {topology.ProtocolUDP, 53}, {topology.ProtocolICMP, 0}}
	var out []Request
	// A fixed random sample of the pairs, so the golden stays small; a
	// different sample per scenario.
	rng := rand.New(rand.NewPCG(uint64(len(eps)), 18))
	for i := 0; i < pairs; i++ {
		from, to := eps[rng.IntN(len(eps))], eps[rng.IntN(len(eps))]
		if from == to {
			continue
		}
		for k, p := range ports {
			if k == 0 || (i+k)%3 == 0 {
				out = append(out, Request{From: from, To: to, Protocol: p.p, Port: p.port, SrcPort: uint16(40000 + i%7)})
			}
		}
	}
	return out
}

// identityPairs is how many pairs of endpoints each scenario traces.
const identityPairs = 150

// writeIdentity traces every flow of every catalog scenario and variant and
// writes their text and JSON, or the error, to w.
func writeIdentity(t *testing.T, w io.Writer) int {
	n := 0
	for _, name := range scenarios.Names() {
		topos, err := scenarios.LoadAll(scenarios.Prefix+name, topology.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for vi, topo := range topos {
			net := New(topo)
			n += writeIdentityFlows(w, fmt.Sprintf("%s#%d", name, vi), net, identityFlows(net, identityPairs))
		}
	}
	// Generated estates: hubs with firewalls, spokes, many NSG rules.
	for _, o := range []scenarios.GenOptions{
		{VNets: 30, SubnetsPerVNet: 3, RulesPerNSG: 10, Seed: 1},
		{VNets: 12, SubnetsPerVNet: 2, RulesPerNSG: 40, Seed: 7},
	} {
		var buf bytes.Buffer
		if err := scenarios.Generate(&buf, o); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("estate-%dx%d-%d.yaml", o.VNets, o.RulesPerNSG, o.Seed)
		topo, err := topology.Parse(name, buf.Bytes(), topology.Options{})
		if err != nil {
			t.Fatal(err)
		}
		net := New(topo)
		n += writeIdentityFlows(w, name, net, identityFlows(net, 4*identityPairs))
	}
	return n
}

// writeIdentityFlows traces flows in net, full and quiet, and writes them.
func writeIdentityFlows(w io.Writer, name string, net *Network, flows []Request) int {
	n := 0
	for _, req := range flows {
		for _, quiet := range []bool{false, true} {
			req.Quiet = quiet
			fmt.Fprintf(w, "=== %s %s -> %s %s/%d quiet=%v\n", name, req.From, req.To, req.Protocol, req.Port, quiet)
			res, err := net.Trace(req)
			n++
			if err != nil {
				fmt.Fprintf(w, "error: %v\n", err)
				continue
			}
			if !quiet {
				WriteTraceText(w, res)
			}
			WriteJSON(w, res)
		}
	}
	return n
}

// TestTraceIdentity compares tens of thousands of traces, hops, replies and
// messages included, with the golden captured before the trace was
// optimised.
func TestTraceIdentity(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	var got bytes.Buffer
	n := writeIdentity(t, &got)
	path := filepath.Join("testdata", identityGolden)
	if *update {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(got.Bytes())
		zw.Close()
		if err := os.WriteFile(path, z.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run go test ./sim -run TestTraceIdentity -update to create it)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got.Bytes(), want) {
		t.Logf("%d traces identical", n)
		return
	}
	// Report the first traces that differ.
	gs, ws := splitTraces(got.Bytes()), splitTraces(want)
	bad := 0
	for i := 0; i < len(gs) && i < len(ws) && bad < 3; i++ {
		if gs[i] != ws[i] {
			t.Errorf("trace %d differs\n--- got\n%s\n--- want\n%s", i, gs[i], ws[i])
			bad++
		}
	}
	if len(gs) != len(ws) {
		t.Errorf("%d traces, want %d", len(gs), len(ws))
	}
}

func splitTraces(b []byte) []string {
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "=== ") && cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
