package topology_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"net/netip"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/topology"
)

// TestNSGIndexMatchesScan holds the indexed NSG evaluation to the plain one
// (every rule tried in priority order) on many random flows: every protocol
// and a misspelt one, ports at 0, 65535, every rule's port boundaries and
// either side of them, addresses at both ends of and beside every prefix
// the rules, tags and VNets name, the scenario's NICs (with their ASGs) and
// no NIC, in every VNet and none. It runs on every catalog scenario and
// variant, on generated estates and on NSGs of random rules, and fails on
// the first flow whose first matching rule differs.
func TestNSGIndexMatchesScan(t *testing.T) {
	type load struct {
		name string
		topo func(t *testing.T) []*topology.Topology
	}
	var loads []load
	for _, name := range scenarios.Names() {
		loads = append(loads, load{"catalog/" + name, func(t *testing.T) []*topology.Topology {
			ts, err := scenarios.LoadAll(scenarios.Prefix+name, topology.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return ts
		}})
	}
	for _, o := range []scenarios.GenOptions{
		{VNets: 6, SubnetsPerVNet: 3, RulesPerNSG: 100, Seed: 1},
		{VNets: 4, SubnetsPerVNet: 2, RulesPerNSG: 450, Seed: 7},
		{VNets: 3, SubnetsPerVNet: 2, RulesPerNSG: 0, Seed: 2},
	} {
		loads = append(loads, load{fmt.Sprintf("gen/%dx%d", o.VNets, o.RulesPerNSG), func(t *testing.T) []*topology.Topology {
			var buf bytes.Buffer
			if err := scenarios.Generate(&buf, o); err != nil {
				t.Fatal(err)
			}
			topo, err := topology.Parse("e.yaml", buf.Bytes(), topology.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return []*topology.Topology{topo}
		}})
	}
	for seed := int64(1); seed <= 4; seed++ {
		loads = append(loads, load{fmt.Sprintf("random/%d", seed), func(t *testing.T) []*topology.Topology {
			src := randomRulesScenario(rand.New(rand.NewSource(seed)), 40+int(seed)*50)
			topo, err := topology.Parse("r.yaml", []byte(src), topology.Options{})
			if err != nil {
				t.Fatalf("%v\n%s", err, src)
			}
			return []*topology.Topology{topo}
		}})
	}
	for _, l := range loads {
		t.Run(l.name, func(t *testing.T) {
			for _, topo := range l.topo(t) {
				checkIndex(t, topo, 3000)
			}
		})
	}
}

// checkIndex compares Evaluate with ScanNSG on flows random NSGs of topo.
func checkIndex(t *testing.T, topo *topology.Topology, flows int) {
	t.Helper()
	rng := rand.New(rand.NewSource(int64(len(topo.NSGs))))
	addrs := interestingAddrs(topo)
	nics := append([]*topology.NIC{nil}, topo.NICs...)
	vnets := append([]*topology.VNet{nil}, topo.VNets...)
	protos := []topology.Protocol{topology.ProtocolTCP, topology.ProtocolUDP, topology.ProtocolICMP, topology.ProtocolESP, topology.ProtocolAH, topology.ProtocolAny, "tcp", ""}
	// A rule's tag, resolved at compile, matches what the tag's name does.
	for _, nsg := range topo.NSGs {
		for _, r := range append(append([]*topology.SecurityRule{}, nsg.Inbound...), nsg.Outbound...) {
			for _, m := range []*topology.AddrMatch{&r.Src, &r.Dst} {
				if m.Tag == "" {
					continue
				}
				for range 20 {
					a, v := addrs[rng.Intn(len(addrs))], vnets[rng.Intn(len(vnets))]
					if got, want := topo.MatchAddr(m, a, nil, v), topo.InTag(m.Tag, a, v); got != want {
						t.Fatalf("%s %s: tag %s of %s in %s: the resolved tag says %v, the name %v", nsg.Name, r.Name, m.Tag, a, vnetName(v), got, want)
					}
				}
			}
		}
	}
	checked := 0
	for _, nsg := range topo.NSGs {
		for _, inbound := range []bool{true, false} {
			rules := nsg.Rules(inbound)
			var ports []uint16
			for _, r := range rules {
				for _, ps := range []topology.PortSet{r.DstPorts, r.SrcPorts} {
					for _, pr := range ps {
						ports = append(ports, pr.Lo, pr.Hi, pr.Lo-1, pr.Hi+1)
					}
				}
			}
			ports = append(ports, 0, 1, 65534, 65535, 443, 22)
			port := func() uint16 {
				if rng.Intn(8) == 0 {
					return uint16(rng.Intn(65536))
				}
				return ports[rng.Intn(len(ports))]
			}
			n := flows / max(1, len(topo.NSGs)/4)
			for range max(n, 200) {
				f := topology.Flow{Src: addrs[rng.Intn(len(addrs))], Dst: addrs[rng.Intn(len(addrs))],
					Protocol: protos[rng.Intn(len(protos))], SrcPort: port(), DstPort: port()}
				// Often the NICs of the addresses, sometimes any NIC or none.
				srcNIC, dstNIC := nics[rng.Intn(len(nics))], nics[rng.Intn(len(nics))]
				if rng.Intn(2) == 0 && srcNIC != nil {
					f.Src = srcNIC.IP
				}
				if rng.Intn(2) == 0 && dstNIC != nil {
					f.Dst = dstNIC.IP
				}
				v := vnets[rng.Intn(len(vnets))]
				want := topo.ScanNSG(nsg, inbound, f, v, srcNIC, dstNIC)
				got := nsg.Evaluate(topo, inbound, f, v, srcNIC, dstNIC)
				if got != want {
					t.Fatalf("%s inbound=%v %s in %s (NICs %s, %s): Evaluate gives %s, the scan %s",
						nsg.Name, inbound, f, vnetName(v), nicName(srcNIC), nicName(dstNIC), ruleName(got), ruleName(want))
				}
				checked++
			}
		}
	}
	if len(topo.NSGs) > 0 && checked == 0 {
		t.Fatal("no flow checked")
	}
}

func ruleName(r *topology.SecurityRule) string {
	if r == nil {
		return "no rule"
	}
	return fmt.Sprintf("%s (priority %d)", r.Name, r.Priority)
}

func nicName(n *topology.NIC) string {
	if n == nil {
		return "-"
	}
	return n.Name
}

func vnetName(v *topology.VNet) string {
	if v == nil {
		return "no VNet"
	}
	return v.Name
}

// interestingAddrs lists addresses at and beside the ends of every prefix
// the topology's rules, VNets and tags (a few of each tag's) name, its NICs,
// the platform addresses and a few others, IPv4 and IPv6.
func interestingAddrs(topo *topology.Topology) []netip.Addr {
	seen := map[netip.Addr]bool{}
	var out []netip.Addr
	add := func(a netip.Addr) {
		if a.IsValid() && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	addPrefix := func(p netip.Prefix) {
		p = p.Masked()
		first := p.Addr()
		last := first
		for i := p.Bits(); i < first.BitLen(); i++ {
			b := last.AsSlice()
			b[i/8] |= 0x80 >> (i % 8)
			last, _ = netip.AddrFromSlice(b)
		}
		add(first)
		add(last)
		add(first.Prev())
		add(last.Next())
		add(first.Next())
	}
	tags := map[string]bool{}
	side := func(m *topology.AddrMatch) {
		if m.Tag != "" {
			tags[m.Tag] = true // a few of its prefixes below
			return
		}
		for _, p := range m.Prefixes.Prefixes() {
			addPrefix(p)
		}
	}
	for _, nsg := range topo.NSGs {
		for _, r := range append(append([]*topology.SecurityRule{}, nsg.Inbound...), nsg.Outbound...) {
			side(&r.Src)
			side(&r.Dst)
		}
	}
	for _, v := range topo.VNets {
		for _, p := range v.AddressSpace {
			addPrefix(p)
		}
		for _, p := range v.VirtualNetworkTag.Prefixes() {
			addPrefix(p)
		}
	}
	for tag := range tags {
		if st, ok := topo.Tags.Lookup(tag); ok {
			ps := st.Prefixes()
			for i := 0; i < len(ps); i += max(1, len(ps)/6) {
				addPrefix(ps[i])
			}
		}
	}
	for _, n := range topo.NICs {
		add(n.IP)
		add(n.PublicIP)
	}
	for _, s := range []string{"168.63.129.16", "169.254.169.254", "8.8.8.8", "20.1.2.3", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::", "::ffff:10.0.1.4"} {
		add(netip.MustParseAddr(s))
	}
	return out
}

// randomRulesScenario is a VNet of two subnets with three VMs in ASGs and an
// NSG of n random rules: every protocol, single ports, ranges and lists
// (0 and 65535 among them), * or restricted source ports, prefixes, tags and
// ASGs on either side.
func randomRulesScenario(rng *rand.Rand, n int) string {
	var b strings.Builder
	b.WriteString(`apiVersion: vnetsim/v1
region: eastus
vnets:
  - name: vnet
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: snet-a, addressPrefix: 10.0.1.0/24, networkSecurityGroup: nsg}
      - {name: snet-b, addressPrefix: 10.0.2.0/24, networkSecurityGroup: nsg}
  - name: other
    addressSpace: [10.1.0.0/16]
    subnets:
      - {name: snet-c, addressPrefix: 10.1.1.0/24, networkSecurityGroup: nsg}
applicationSecurityGroups: [asg-web, asg-db, asg-ops]
vms:
  - {name: vm-a, subnet: vnet/snet-a, privateIpAddress: 10.0.1.4, applicationSecurityGroups: [asg-web]}
  - {name: vm-b, subnet: vnet/snet-b, privateIpAddress: 10.0.2.4, applicationSecurityGroups: [asg-db, asg-ops]}
  - {name: vm-c, subnet: vnet/snet-a, privateIpAddress: 10.0.1.5, applicationSecurityGroups: [asg-web, asg-db]}
  - {name: vm-d, subnet: other/snet-c, privateIpAddress: 10.1.1.4}
networkSecurityGroups:
  - name: nsg
    securityRules:
`)
	protos := []string{"Tcp", "Udp", "Icmp", "Esp", "Ah", "*", "*", "Tcp", "Tcp", "Udp"}
	ports := func() string {
		switch rng.Intn(8) {
		case 0:
			return `"*"`
		case 1:
			return `"0"`
		case 2:
			return `"65535"`
		case 3:
			lo := rng.Intn(65536)
			return fmt.Sprintf(`"%d-%d"`, lo, lo+rng.Intn(65536-lo))
		case 4:
			return fmt.Sprintf(`"%d, %d-%d, 0"`, rng.Intn(1024), 8000+rng.Intn(10), 8010+rng.Intn(10))
		}
		return fmt.Sprintf(`"%d"`, []int{22, 80, 443, 3389, 1433, 53, 8080}[rng.Intn(7)])
	}
	side := func(kind string) string {
		switch rng.Intn(8) {
		case 0:
			return fmt.Sprintf("%sAddressPrefix: \"*\"", kind)
		case 1:
			return fmt.Sprintf("%sAddressPrefix: %s", kind, []string{"VirtualNetwork", "Internet", "AzureLoadBalancer", "Storage", "AzureCloud", "Sql.EastUS", "AzurePlatformDNS"}[rng.Intn(7)])
		case 2:
			return fmt.Sprintf("%sApplicationSecurityGroups: [%s]", kind, []string{"asg-web", "asg-db", "asg-ops"}[rng.Intn(3)])
		case 3:
			return fmt.Sprintf("%sAddressPrefixes: [10.0.%d.0/24, 10.1.0.0/%d, 20.%d.0.0/16]", kind, rng.Intn(4), 16+rng.Intn(9), rng.Intn(256))
		case 5:
			return fmt.Sprintf("%sAddressPrefix: %s", kind, randomPrefix(rng))
		case 4:
			return fmt.Sprintf("%sAddressPrefix: 10.%d.%d.%d", kind, rng.Intn(2), rng.Intn(3), 4+rng.Intn(2))
		}
		return fmt.Sprintf("%sAddressPrefix: %s", kind, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(rng.Intn(2)), byte(rng.Intn(3))}), 16+rng.Intn(9)).Masked())
	}
	for i := range n {
		dir := []string{"Inbound", "Outbound"}[i%2]
		access := []string{"Allow", "Deny"}[rng.Intn(2)]
		srcPorts := `"*"`
		if rng.Intn(5) == 0 {
			srcPorts = ports()
		}
		fmt.Fprintf(&b, "      - {name: r%d, priority: %d, direction: %s, access: %s, protocol: %q, %s, sourcePortRange: %s, %s, destinationPortRange: %s}\n",
			i, 4000-i/2*3, dir, access, protos[rng.Intn(len(protos))], side("source"), srcPorts, side("destination"), ports())
	}
	return b.String()
}

// randomPrefix is an IPv4 or IPv6 prefix anywhere, of any length.
func randomPrefix(rng *rand.Rand) netip.Prefix {
	if rng.Intn(4) == 0 {
		var b [16]byte
		b[0], b[1], b[2], b[3] = 0x20, 0x01, 0x0d, 0xb8
		rng.Read(b[4:])
		return netip.PrefixFrom(netip.AddrFrom16(b), 32+rng.Intn(97)).Masked()
	}
	var b [4]byte
	rng.Read(b[:])
	return netip.PrefixFrom(netip.AddrFrom4(b), rng.Intn(33)).Masked()
}
