package sim

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// TestMatrixRows: a subnet whose NICs get different answers (an ASG, a rule
// on one address) gets a row per group; equal answers share a row.
func TestMatrixRows(t *testing.T) {
	src := twoSubnets("", onB, "", "", `  - name: nsg-b
    securityRules:
      - {name: DenyWebFromOne, priority: 100, direction: Inbound, access: Deny, protocol: Tcp, sourceAddressPrefix: 10.0.1.5, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "443"}
      - {name: AllowSome, priority: 200, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: VirtualNetwork, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22, 443, 8000-8010"}
      - {name: AllowDns, priority: 210, direction: Inbound, access: Allow, protocol: Udp, sourceAddressPrefix: VirtualNetwork, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "53"}
      - {name: DenyRest, priority: 4000, direction: Inbound, access: Deny, protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*"}
`)
	topo := load(t, edit(src, "  - {name: vm-b2,", "  - {name: vm-a2, subnet: vnet/snet-a, privateIpAddress: 10.0.1.5}\n  - {name: vm-b2,"))
	m, err := topo.Matrix("vnet/snet-a", "vm-b", nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	WriteMatrixText(&out, m)
	want := map[string]string{
		"vnet/snet-a [10.0.1.4 10.0.1.6]": "Tcp 22,443,8000-8010; Udp 53",
		"vnet/snet-a [10.0.1.5]":          "Tcp 22,8000-8010; Udp 53",
	}
	if len(m.Rows) != 2 {
		t.Fatalf("rows:\n%s", out.String())
	}
	for _, r := range m.Rows {
		if want[r.From] != r.Summary {
			t.Errorf("%s -> %s = %s, want %s\n%s", r.From, r.To, r.Summary, want[r.From], out.String())
		}
	}
}

// TestMatrixAgreesWithTraces is the property test: over random scenarios and
// random flows, the matrix says allowed exactly when a point trace does.
func TestMatrixAgreesWithTraces(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	scenarios, checks := 150, 0
	if testing.Short() {
		scenarios = 30
	}
	for i := 0; i < scenarios; i++ {
		src := randomScenario(rng)
		compiled, err := topology.Parse("random.yaml", []byte("apiVersion: vnetsim/v1\nregion: eastus\n"+src), topology.Options{})
		if err != nil {
			t.Fatalf("scenario %d: %v\n%s", i, err, src)
		}
		topo := New(compiled)
		intervals := portIntervals(topo)
		ends := []string{"vm0", "vm1", "vm2", "vm3", "internet"}
		for k := 0; k < 6; k++ {
			from, to := ends[rng.Intn(4)], ends[rng.Intn(5)]
			se, _ := topo.ResolveEndpoint(from)
			de, _ := topo.ResolveEndpoint(to)
			acc, err := topo.Reach(se, de, intervals)
			if err != nil {
				t.Fatal(err)
			}
			for j := 0; j < 5; j++ {
				proto := []topology.Protocol{topology.ProtocolTCP, topology.ProtocolUDP, topology.ProtocolICMP}[rng.Intn(3)]
				port := uint16(rng.Intn(65536))
				if rng.Intn(2) == 0 {
					port = []uint16{22, 53, 80, 443, 444, 1000, 1001, 8080, 65535}[rng.Intn(9)]
				}
				res, err := topo.Trace(Request{From: from, To: to, Protocol: proto, Port: port})
				if err != nil {
					t.Fatal(err)
				}
				var inMatrix bool
				switch proto {
				case topology.ProtocolTCP:
					inMatrix = acc.TCP.Contains(port)
				case topology.ProtocolUDP:
					inMatrix = acc.UDP.Contains(port)
				default:
					inMatrix = acc.ICMP
				}
				if inMatrix != (res.Verdict == Allowed) {
					t.Fatalf("scenario %d: %s -> %s %s/%d: matrix says %v (%s), trace says %s\n%s\n%s", i, from, to, proto, port, inMatrix, acc, res.Verdict, dump(res), src)
				}
				checks++
			}
		}
	}
	t.Logf("%d point traces agree with the matrix", checks)
}

// randomScenario builds a VNet with four VMs in two subnets, random NSGs on
// subnets and NICs, random ASG membership and a random route.
func randomScenario(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString(`vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.1.0/24, networkSecurityGroup: nsg-a, routeTable: rt}
      - {name: b, addressPrefix: 10.0.2.0/24, networkSecurityGroup: nsg-b}
applicationSecurityGroups: [asg1, asg2]
routeTables:
  - name: rt
    routes:
`)
	switch rng.Intn(3) {
	case 0:
		b.WriteString("      - {name: r, addressPrefix: 10.0.2.128/25, nextHopType: None}\n")
	case 1:
		b.WriteString("      - {name: r, addressPrefix: 0.0.0.0/0, nextHopType: None}\n")
	default:
		b.WriteString("      - {name: r, addressPrefix: 192.0.2.0/24, nextHopType: None}\n")
	}
	b.WriteString("vms:\n")
	for i := 0; i < 4; i++ {
		sub := "a"
		if i >= 2 {
			sub = "b"
		}
		fmt.Fprintf(&b, "  - {name: vm%d, subnet: v/%s, privateIpAddress: 10.0.%d.%d, networkSecurityGroup: nsg-nic, applicationSecurityGroups: [asg%d]", i, sub, 1+i/2, 4+i%2*200, 1+rng.Intn(2))
		if rng.Intn(3) == 0 {
			b.WriteString(", publicIpAddress: {sku: Standard}")
		}
		b.WriteString("}\n")
	}
	b.WriteString("networkSecurityGroups:\n")
	addrs := []string{"*", "VirtualNetwork", "Internet", "10.0.1.0/24", "10.0.2.4", "10.0.2.204/32"}
	ports := []string{"*", "22", "53", "80", "443", "1000-2000", "80,443", "8000-9000"}
	protos := []string{"Tcp", "Udp", "*", "Icmp"}
	for _, n := range []string{"nsg-a", "nsg-b", "nsg-nic"} {
		fmt.Fprintf(&b, "  - name: %s\n    securityRules:\n", n)
		used := map[string]bool{}
		for r := 0; r < 1+rng.Intn(5); r++ {
			dir := []string{"Inbound", "Outbound"}[rng.Intn(2)]
			prio := 100 + rng.Intn(40)*10
			if used[dir+fmt.Sprint(prio)] {
				continue
			}
			used[dir+fmt.Sprint(prio)] = true
			src := fmt.Sprintf("sourceAddressPrefix: %q", addrs[rng.Intn(len(addrs))])
			if rng.Intn(5) == 0 {
				src = fmt.Sprintf("sourceApplicationSecurityGroups: [asg%d]", 1+rng.Intn(2))
			}
			fmt.Fprintf(&b, "      - {name: r%d, priority: %d, direction: %s, access: %s, protocol: %q, %s, sourcePortRange: \"*\", destinationAddressPrefix: %q, destinationPortRange: %q}\n",
				r, prio, dir, []string{"Allow", "Deny"}[rng.Intn(2)], protos[rng.Intn(len(protos))], src, addrs[rng.Intn(len(addrs))], ports[rng.Intn(len(ports))])
		}
	}
	return b.String()
}
