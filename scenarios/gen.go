package scenarios

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"math/rand"
	"net/netip"
	"strings"

	"github.com/vnetsim/vnetsim/spec"
	"github.com/vnetsim/vnetsim/topology"
)

// GenOptions sizes the synthetic estate Generate writes.
type GenOptions struct {
	// VNets is the number of VNets, hubs included (2-8000). There is one
	// hub per 500 VNets, at least one (Hubs); the rest are spokes.
	VNets int
	// SubnetsPerVNet is the number of subnets of each spoke (1-64).
	SubnetsPerVNet int
	// RulesPerNSG is the number of rules of each spoke subnet's NSG
	// (0-3997; priorities step by 10 up to 400 rules, by 1 above).
	RulesPerNSG int
	// Seed drives every random choice: the same options give the same bytes.
	Seed int64
	// Region is the region of everything; empty means eastus.
	Region string
}

// Limits of GenOptions, set by the address plan (Generate's comment):
// 10.0.0.0/8 holds 16 hubs' /12s of 1024 /22 spokes, and 8000 VNets make 16
// hubs of 499 spokes; a /22 holds 64 /28 subnets; NSG priorities are 100-4096.
const (
	genMaxVNets   = 8000
	genMaxSubnets = 64
	genMaxRules   = 3997
)

// Hubs is the number of hub VNets of the estate: one per 500 VNets, at least one.
func (o GenOptions) Hubs() int { return max(1, o.VNets/500) }

// Spokes is the number of spoke VNets: every VNet that is not a hub.
func (o GenOptions) Spokes() int { return o.VNets - o.Hubs() }

// Validate reports options Generate can't honour.
func (o GenOptions) Validate() error {
	var errs []string
	if o.VNets < 2 || o.VNets > genMaxVNets {
		errs = append(errs, fmt.Sprintf("--vnets %d: want 2-%d (a hub and at least one spoke)", o.VNets, genMaxVNets))
	}
	if o.SubnetsPerVNet < 1 || o.SubnetsPerVNet > genMaxSubnets {
		errs = append(errs, fmt.Sprintf("--subnets-per-vnet %d: want 1-%d", o.SubnetsPerVNet, genMaxSubnets))
	}
	if o.RulesPerNSG < 0 || o.RulesPerNSG > genMaxRules {
		errs = append(errs, fmt.Sprintf("--rules-per-nsg %d: want 0-%d (NSG priorities are 100-4096)", o.RulesPerNSG, genMaxRules))
	}
	if _, err := genRegion(o.region()); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

func (o GenOptions) region() string {
	if o.Region == "" {
		return "eastus"
	}
	return strings.ToLower(o.Region)
}

// genRegion returns the region as service tags spell it (EastUS), and
// checks that the tags the estate names exist for it.
func genRegion(region string) (string, error) {
	st, err := topology.BuiltinServiceTags()
	if err != nil {
		return "", err
	}
	tag, ok := st.Lookup("Storage." + region)
	if !ok {
		return "", fmt.Errorf("--region %q: no Storage.%s service tag in the embedded service tags", region, region)
	}
	canon := strings.TrimPrefix(tag.Name, "Storage.")
	for _, t := range []string{"BatchNodeManagement.", "AzureCloud.", "AzureMachineLearning.", "AzureKeyVault.", "AzureContainerRegistry.", "AzureMonitor."} {
		if _, ok := st.Lookup(t + region); !ok {
			return "", fmt.Errorf("--region %q: no %s%s service tag in the embedded service tags", region, t, canon)
		}
	}
	return canon, nil
}

// Generate writes a synthetic enterprise estate as a scenario file: a
// hub-spoke network of o.VNets VNets in o.Region, sized for load tests of
// vnetsim itself.
//
// Each hub has an AzureFirewallSubnet with an Azure Firewall (network rules
// on service tags and east-west traffic, application rules for the Python
// package hosts) and a snet-pe subnet for private endpoints; the first hub
// also has a GatewaySubnet with a VPN gateway to 192.168.0.0/16 on
// premises. The hubs peer with each other, and the firewalls route to the
// other hubs' spokes through the other hubs' firewalls. Each spoke peers with
// its hub in both directions (forwarded traffic allowed; the first hub's
// spokes use its gateway) and has o.SubnetsPerVNet subnets, each with its own
// NSG of o.RulesPerNSG rules (service tags, the spoke's application security
// groups, other spokes' ranges, single addresses, port ranges and lists, in
// both directions), the spoke's route table (0.0.0.0/0 and 10.0.0.0/8 to the
// hub firewall, AzureMachineLearning and BatchNodeManagement to Internet) and
// a VM. Every tenth spoke adds a storage account with a blob private endpoint
// in its hub; one Azure ML workspace with private endpoints to it and its
// resources has compute clusters in every twentieth spoke. The private DNS
// zones are linked to every VNet.
//
// Address plan, never overlapping:
//
//	hub h (0-15)           172.16.(16h).0/20
//	  AzureFirewallSubnet  172.16.(16h).0/26, the firewall at .4
//	  GatewaySubnet        172.16.(16h).64/27 (first hub only)
//	  snet-pe              172.16.(16h+2).0/23
//	spokes of hub h        10.(16h).0.0/12, 1024 spokes of a /22
//	  spoke j of hub h     10.(16h + j/64).(4(j%64)).0/22
//	  subnets              /26 (up to 16 subnets), /27 (32), /28 (64)
//	on premises            192.168.0.0/16
//
// Every random choice comes from o.Seed, and nothing depends on map order,
// so the same options always give the same bytes. The output is compact
// flow-style YAML, one NSG rule per line.
func Generate(w io.Writer, o GenOptions) error {
	if err := o.Validate(); err != nil {
		return err
	}
	region, _ := genRegion(o.region())
	g := &gen{
		o:      o,
		w:      bufio.NewWriterSize(w, 1<<20),
		rng:    rand.New(rand.NewSource(o.Seed)),
		region: o.region(),
		tagReg: region,
		hubs:   o.Hubs(),
		spokes: o.Spokes(),
	}
	g.subBits = max(26, 22+bits.Len(uint(o.SubnetsPerVNet-1)))
	g.plan()
	if err := g.pickPublicIPs(); err != nil {
		return err
	}
	g.write()
	return g.w.Flush()
}

type gen struct {
	o       GenOptions
	w       *bufio.Writer
	rng     *rand.Rand
	region  string // eastus
	tagReg  string // EastUS, as service tags spell it
	hubs    int
	spokes  int
	subBits int

	spokeHub   []int          // hub index of each spoke
	spokeAddr  []netip.Prefix // the /22 of each spoke
	subnetName []string       // subnet names of a spoke
	hubFirst   []int          // first spoke of each hub
	publicIPs  []netip.Addr   // public IPs to hand out, in order
	nextPublic int
}

var genSubnetNames = []string{"web", "app", "data", "ml", "api", "batch", "cache", "jobs", "etl", "bi", "ops", "tools", "int", "ext", "test", "misc"}

var genASGs = []string{"web", "app", "data"}

// The private DNS zones, each linked to every VNet.
var genZones = []string{
	"privatelink.api.azureml.ms",
	"privatelink.notebooks.azure.net",
	"privatelink.blob.core.windows.net",
	"privatelink.file.core.windows.net",
	"privatelink.vaultcore.azure.net",
	"privatelink.azurecr.io",
}

func (g *gen) plan() {
	g.spokeHub = make([]int, g.spokes)
	g.spokeAddr = make([]netip.Prefix, g.spokes)
	g.hubFirst = make([]int, g.hubs+1)
	for h := 0; h <= g.hubs; h++ {
		g.hubFirst[h] = h * g.spokes / g.hubs
	}
	for h := 0; h < g.hubs; h++ {
		for s := g.hubFirst[h]; s < g.hubFirst[h+1]; s++ {
			j := s - g.hubFirst[h]
			g.spokeHub[s] = h
			g.spokeAddr[s] = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(16*h + j/64), byte(4 * (j % 64)), 0}), 22)
		}
	}
	g.subnetName = make([]string, g.o.SubnetsPerVNet)
	for k := range g.subnetName {
		if k < len(genSubnetNames) {
			g.subnetName[k] = "snet-" + genSubnetNames[k]
		} else {
			g.subnetName[k] = fmt.Sprintf("snet-%02d", k)
		}
	}
}

// pickPublicIPs lists addresses of the region's AzureCloud tag that are in
// none of the service tags the scenario's services take their addresses
// from, so that no VM or firewall shares a public IP with a service.
func (g *gen) pickPublicIPs() error {
	st, err := topology.BuiltinServiceTags()
	if err != nil {
		return err
	}
	cloud, _ := st.Lookup("AzureCloud." + g.region)
	var avoid []*topology.PrefixSet
	for _, t := range []string{"Storage.", "AzureMachineLearning.", "AzureKeyVault.", "AzureContainerRegistry.", "AzureMonitor."} {
		if tag, ok := st.Lookup(t + g.region); ok {
			avoid = append(avoid, tag.Set())
		}
	}
	// A firewall per hub, and twice as many as the 1 VM in 50 that gets one
	// (writeVMs stops handing them out when they run out).
	want := g.hubs + g.spokes*g.o.SubnetsPerVNet/25 + 16
	for _, p := range cloud.Prefixes() {
		if !p.Addr().Is4() || p.Bits() > 28 {
			continue
		}
	addrs:
		for a := p.Addr().Next(); p.Contains(a) && len(g.publicIPs) < want; a = a.Next() {
			for _, s := range avoid {
				if s.Contains(a) {
					continue addrs
				}
			}
			g.publicIPs = append(g.publicIPs, a)
		}
		if len(g.publicIPs) >= want {
			return nil
		}
	}
	return fmt.Errorf("not enough public addresses in AzureCloud.%s for %d public IPs", g.tagReg, want)
}

func (g *gen) publicIP() netip.Addr {
	a := g.publicIPs[g.nextPublic]
	g.nextPublic++
	return a
}

func (g *gen) p(format string, args ...any) { fmt.Fprintf(g.w, format, args...) }

func (g *gen) line(s string) {
	g.w.WriteString(s)
	g.w.WriteByte('\n')
}

func hubName(h int) string   { return fmt.Sprintf("hub-%02d", h+1) }
func spokeName(s int) string { return fmt.Sprintf("spoke-%04d", s+1) }
func spokeNum(s int) string  { return fmt.Sprintf("%04d", s+1) }

func hubPrefix(h int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 16, byte(16 * h), 0}), 20)
}

// hubSpokes is the /12 that holds the spokes of hub h.
func hubSpokes(h int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(16 * h), 0, 0}), 12)
}

func firewallIP(h int) netip.Addr {
	return netip.AddrFrom4([4]byte{172, 16, byte(16 * h), 4})
}

func (g *gen) subnetPrefix(s, k int) netip.Prefix {
	a := g.spokeAddr[s].Addr().As4()
	off := uint32(k) << (32 - g.subBits)
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v += off
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), g.subBits)
}

// hostIn returns an address in subnet k of spoke s, from .4 up, inside the
// smallest subnet size.
func (g *gen) hostIn(s, k int) netip.Addr {
	a := g.subnetPrefix(s, k).Addr().As4()
	a[3] += byte(4 + g.rng.Intn(10))
	return netip.AddrFrom4(a)
}

func (g *gen) otherSpoke(s int) int {
	if g.spokes == 1 {
		return s
	}
	o := g.rng.Intn(g.spokes - 1)
	if o >= s {
		o++
	}
	return o
}

func (g *gen) vmName(s, k int) string {
	return "vm-" + spokeNum(s) + "-" + strings.TrimPrefix(g.subnetName[k], "snet-")
}

func (g *gen) computeSubnet() int { return min(3, g.o.SubnetsPerVNet-1) }

func (g *gen) hasCompute(s int) bool { return s%20 == 0 }

func (g *gen) hasStorage(s int) bool { return s%10 == 0 }

func storageName(s int) string { return "stdata" + spokeNum(s) }

func (g *gen) write() {
	o := g.o
	g.p("# Generated by vnetsim gen --vnets %d --subnets-per-vnet %d --rules-per-nsg %d --seed %d --region %s\n",
		o.VNets, o.SubnetsPerVNet, o.RulesPerNSG, o.Seed, g.region)
	g.line("# Address plan: hub h 172.16.(16h).0/20 (AzureFirewallSubnet .0/26, GatewaySubnet .64/27, snet-pe +2.0/23);")
	g.line("# spoke j of hub h 10.(16h + j/64).(4(j%64)).0/22 carved into equal subnets; on premises 192.168.0.0/16.")
	g.line("apiVersion: vnetsim/v1")
	g.p("name: gen-%d-vnets\n", o.VNets)
	g.line("description: >")
	g.p("  A synthetic hub-spoke estate of %d hubs and %d spokes with %d subnets and\n", g.hubs, g.spokes, o.SubnetsPerVNet)
	g.p("  %d NSG rules per spoke subnet, forced through the hub firewalls (seed %d).\n", o.RulesPerNSG, o.Seed)
	g.p("region: %s\n", g.region)
	g.writeVNets()
	g.writePeerings()
	g.writeASGs()
	g.writeNSGs()
	g.writeRouteTables()
	g.writeGateway()
	g.writeFirewalls()
	g.writeVMs()
	g.writeServices()
	g.writeEndpoints()
	g.writeZones()
	g.writeML()
	g.writeExpectations()
}

func (g *gen) writeVNets() {
	g.line("\nvnets:")
	for h := 0; h < g.hubs; h++ {
		base := hubPrefix(h).Addr().As4()
		fw := netip.PrefixFrom(netip.AddrFrom4(base), 26)
		gw := netip.PrefixFrom(netip.AddrFrom4([4]byte{base[0], base[1], base[2], 64}), 27)
		pe := netip.PrefixFrom(netip.AddrFrom4([4]byte{base[0], base[1], base[2] + 2, 0}), 23)
		g.p("  - name: %s\n    addressSpace: [%s]\n    subnets:\n", hubName(h), hubPrefix(h))
		if g.hubs > 1 {
			g.p("      - {name: AzureFirewallSubnet, addressPrefix: %s, routeTable: rt-%s-fw}\n", fw, hubName(h))
		} else {
			g.p("      - {name: AzureFirewallSubnet, addressPrefix: %s}\n", fw)
		}
		if h == 0 {
			g.p("      - {name: GatewaySubnet, addressPrefix: %s}\n", gw)
		}
		g.p("      - {name: snet-pe, addressPrefix: %s}\n", pe)
	}
	for s := 0; s < g.spokes; s++ {
		g.p("  - name: %s\n    addressSpace: [%s]\n    subnets:\n", spokeName(s), g.spokeAddr[s])
		for k, sn := range g.subnetName {
			g.p("      - {name: %s, addressPrefix: %s, networkSecurityGroup: nsg-%s-%s, routeTable: rt-%s}\n",
				sn, g.subnetPrefix(s, k), spokeNum(s), strings.TrimPrefix(sn, "snet-"), spokeNum(s))
		}
	}
}

func (g *gen) writePeerings() {
	g.line("\npeerings:")
	for h := 0; h < g.hubs; h++ {
		for k := 0; k < g.hubs; k++ {
			if k != h {
				g.p("  - {name: %s-to-%s, from: %s, to: %s, allowForwardedTraffic: true}\n", hubName(h), hubName(k), hubName(h), hubName(k))
			}
		}
	}
	for s := 0; s < g.spokes; s++ {
		h, hub, sp := g.spokeHub[s], hubName(g.spokeHub[s]), spokeName(s)
		if h == 0 {
			g.p("  - {name: %s-to-%s, from: %s, to: %s, allowForwardedTraffic: true, allowGatewayTransit: true}\n", hub, sp, hub, sp)
			g.p("  - {name: %s-to-%s, from: %s, to: %s, allowForwardedTraffic: true, useRemoteGateways: true}\n", sp, hub, sp, hub)
		} else {
			g.p("  - {name: %s-to-%s, from: %s, to: %s, allowForwardedTraffic: true}\n", hub, sp, hub, sp)
			g.p("  - {name: %s-to-%s, from: %s, to: %s, allowForwardedTraffic: true}\n", sp, hub, sp, hub)
		}
	}
}

// Application security groups are per spoke: all the NICs of an ASG must
// be in one VNet.
func (g *gen) writeASGs() {
	g.line("\napplicationSecurityGroups:")
	for s := 0; s < g.spokes; s++ {
		for _, a := range genASGs {
			g.p("  - asg-%s-%s\n", spokeNum(s), a)
		}
	}
}

// genRuleKinds is the mix of NSG rules; each NSG cycles through them in an
// order of its own.
const genRuleKinds = 14

func (g *gen) writeNSGs() {
	g.line("\nnetworkSecurityGroups:")
	step := 10
	if g.o.RulesPerNSG > 400 {
		step = 1
	}
	for s := 0; s < g.spokes; s++ {
		for k, sn := range g.subnetName {
			g.p("  - name: nsg-%s-%s\n", spokeNum(s), strings.TrimPrefix(sn, "snet-"))
			if g.o.RulesPerNSG == 0 {
				g.line("    securityRules: []")
				continue
			}
			g.line("    securityRules:")
			perm := g.rng.Perm(genRuleKinds)
			for j := 0; j < g.o.RulesPerNSG; j++ {
				g.writeRule(s, k, perm[j%genRuleKinds], 100+j*step)
			}
		}
	}
}

// writeRule writes one NSG rule of subnet k of spoke s. No deny rule
// touches TCP 443, so east-west HTTPS and the expectations hold whatever
// the seed.
func (g *gen) writeRule(s, k, kind, prio int) {
	num := spokeNum(s)
	var name, dir, access, proto, src, dst, ports string
	dir, access, proto = "Inbound", "Allow", "Tcp"
	switch kind {
	case 0:
		name, src, dst, ports = "aml-in", "sourceAddressPrefix: AzureMachineLearning", "destinationAddressPrefix: VirtualNetwork", `destinationPortRange: "44224"`
	case 1:
		name, src, dst, ports = "batch-in", "sourceAddressPrefix: BatchNodeManagement."+g.tagReg, "destinationAddressPrefix: VirtualNetwork", `destinationPortRange: "29876-29877"`
	case 2:
		name, dir, src, dst, ports = "storage-out", "Outbound", "sourceAddressPrefix: VirtualNetwork", "destinationAddressPrefix: Storage."+g.tagReg, `destinationPortRanges: ["443", "445"]`
	case 3:
		name, dir, src, dst, ports = "entra-out", "Outbound", "sourceAddressPrefix: VirtualNetwork", "destinationAddressPrefix: AzureActiveDirectory", `destinationPortRanges: ["80", "443"]`
	case 4:
		name, dir, proto, src, dst, ports = "aml-out", "Outbound", "*", "sourceAddressPrefix: VirtualNetwork", "destinationAddressPrefix: AzureMachineLearning", `destinationPortRanges: ["443", "5831", "8787", "18881"]`
	case 5:
		name, src, dst, ports = "web-to-app", "sourceApplicationSecurityGroups: [asg-"+num+"-web]", "destinationApplicationSecurityGroups: [asg-"+num+"-app]", `destinationPortRange: "8080-8090"`
	case 6:
		name, src, dst, ports = "app-to-data", "sourceApplicationSecurityGroups: [asg-"+num+"-app]", "destinationApplicationSecurityGroups: [asg-"+num+"-data]", `destinationPortRanges: ["1433", "5432"]`
	case 7:
		a, b := g.otherSpoke(s), g.otherSpoke(s)
		if a == b {
			src = "sourceAddressPrefix: " + g.spokeAddr[a].String()
		} else {
			src = "sourceAddressPrefixes: [" + g.spokeAddr[a].String() + ", " + g.spokeAddr[b].String() + "]"
		}
		name, dst, ports = "peers-in", "destinationAddressPrefix: "+g.subnetPrefix(s, k).String(), `destinationPortRanges: ["22", "3389"]`
	case 8:
		o := g.otherSpoke(s)
		name, access, proto = "block-host-in", "Deny", "*"
		src, dst, ports = "sourceAddressPrefix: "+g.hostIn(o, g.rng.Intn(g.o.SubnetsPerVNet)).String(), `destinationAddressPrefix: "*"`, `destinationPortRanges: ["23", "135-139"]`
	case 9:
		name, dir, access, src, dst, ports = "smtp-out", "Outbound", "Deny", `sourceAddressPrefix: "*"`, "destinationAddressPrefix: Internet", `destinationPortRange: "25"`
	case 10:
		o := g.otherSpoke(s)
		name, dir, proto = "peer-udp-out", "Outbound", "Udp"
		src, dst, ports = "sourceAddressPrefix: "+g.subnetPrefix(s, k).String(), "destinationAddressPrefix: "+g.spokeAddr[o].String(), `destinationPortRange: "5000-5100"`
	case 11:
		name, src, dst, ports = "onprem-in", "sourceAddressPrefix: 192.168.0.0/16", "destinationAddressPrefix: VirtualNetwork", `destinationPortRanges: ["22", "443"]`
	case 12:
		name, dir, src, dst, ports = "monitor-out", "Outbound", "sourceAddressPrefix: VirtualNetwork", "destinationAddressPrefix: AzureMonitor", `destinationPortRange: "443"`
	default:
		o := g.otherSpoke(s)
		name, dir, access = "block-rdp-out", "Outbound", "Deny"
		src, dst, ports = `sourceAddressPrefix: "*"`, "destinationAddressPrefix: "+g.hostIn(o, g.rng.Intn(g.o.SubnetsPerVNet)).String(), `destinationPortRange: "3389"`
	}
	if proto == "*" {
		proto = `"*"`
	}
	g.p("      - {name: %s-%d, priority: %d, direction: %s, access: %s, protocol: %s, %s, sourcePortRange: \"*\", %s, %s}\n",
		name, prio, prio, dir, access, proto, src, dst, ports)
}

func (g *gen) writeRouteTables() {
	g.line("\nrouteTables:")
	if g.hubs > 1 {
		// Each firewall reaches the other hubs' spokes through their firewalls.
		for h := 0; h < g.hubs; h++ {
			g.p("  - name: rt-%s-fw\n    routes:\n", hubName(h))
			g.line("      - {name: internet, addressPrefix: 0.0.0.0/0, nextHopType: Internet}")
			for k := 0; k < g.hubs; k++ {
				if k != h {
					g.p("      - {name: spokes-of-%s, addressPrefix: %s, nextHopType: VirtualAppliance, nextHopIpAddress: %s}\n", hubName(k), hubSpokes(k), firewallIP(k))
				}
			}
		}
	}
	for s := 0; s < g.spokes; s++ {
		fw := firewallIP(g.spokeHub[s])
		g.p("  - name: rt-%s\n    routes:\n", spokeNum(s))
		g.p("      - {name: default-via-firewall, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: %s}\n", fw)
		g.p("      - {name: spokes-via-firewall, addressPrefix: 10.0.0.0/8, nextHopType: VirtualAppliance, nextHopIpAddress: %s}\n", fw)
		g.line("      - {name: aml-direct, addressPrefix: AzureMachineLearning, nextHopType: Internet}")
		g.p("      - {name: batch-direct, addressPrefix: BatchNodeManagement.%s, nextHopType: Internet}\n", g.tagReg)
	}
}

func (g *gen) writeGateway() {
	g.line("\nvirtualNetworkGateways:")
	g.p("  - {name: vpngw-%s, vnet: %s, gatewayType: Vpn, onPremisesAddressPrefixes: [192.168.0.0/16], onPremisesHosts: [{name: onprem-dc, ipAddress: 192.168.1.10}]}\n", hubName(0), hubName(0))
}

func (g *gen) writeFirewalls() {
	g.line("\nfirewalls:")
	r := g.tagReg
	for h := 0; h < g.hubs; h++ {
		g.p("  - name: fw-%s\n    subnet: %s/AzureFirewallSubnet\n    privateIpAddress: %s\n    publicIpAddress: %s\n", hubName(h), hubName(h), firewallIP(h), g.publicIP())
		g.line("    networkRuleCollections:")
		g.line("      - name: aml-required\n        priority: 100\n        action: Allow\n        rules:")
		g.line(`          - {name: entra-id, protocols: [TCP], sourceAddresses: [10.0.0.0/8], destinationAddresses: [AzureActiveDirectory], destinationPorts: ["80", "443"]}`)
		g.line(`          - {name: aml-tcp, protocols: [TCP], sourceAddresses: [10.0.0.0/8], destinationAddresses: [AzureMachineLearning], destinationPorts: ["443", "8787", "18881"]}`)
		g.line(`          - {name: aml-udp, protocols: [UDP], sourceAddresses: [10.0.0.0/8], destinationAddresses: [AzureMachineLearning], destinationPorts: ["5831"]}`)
		g.p("          - {name: batch, protocols: [TCP], sourceAddresses: [10.0.0.0/8], destinationAddresses: [BatchNodeManagement.%s], destinationPorts: [\"443\"]}\n", r)
		g.p("          - {name: storage, protocols: [TCP], sourceAddresses: [10.0.0.0/8], destinationAddresses: [Storage.%s], destinationPorts: [\"443\", \"445\"]}\n", r)
		g.line(`          - {name: arm, protocols: [TCP], sourceAddresses: [10.0.0.0/8], destinationAddresses: [AzureResourceManager], destinationPorts: ["443"]}`)
		g.line(`          - {name: mcr, protocols: [TCP], sourceAddresses: [10.0.0.0/8], destinationAddresses: [MicrosoftContainerRegistry, AzureFrontDoor.FirstParty], destinationPorts: ["443"]}`)
		g.line(`          - {name: monitor, protocols: [TCP], sourceAddresses: [10.0.0.0/8], destinationAddresses: [AzureMonitor], destinationPorts: ["443"]}`)
		g.line("      - name: east-west\n        priority: 200\n        action: Allow\n        rules:")
		g.line(`          - {name: spoke-to-spoke, protocols: [TCP], sourceAddresses: [10.0.0.0/8], destinationAddresses: [10.0.0.0/8], destinationPorts: ["22", "443", "1433", "8080-8090"]}`)
		g.line(`          - {name: spoke-to-onprem, protocols: [TCP, UDP], sourceAddresses: [10.0.0.0/8], destinationAddresses: [192.168.0.0/16], destinationPorts: ["*"]}`)
		g.line(`          - {name: onprem-to-spoke, protocols: [TCP], sourceAddresses: [192.168.0.0/16], destinationAddresses: [10.0.0.0/8], destinationPorts: ["22", "443", "3389"]}`)
		g.line("    applicationRuleCollections:")
		g.line("      - name: python-packages\n        priority: 300\n        action: Allow\n        rules:")
		g.line(`          - {name: pypi-anaconda, protocols: ["Https:443"], sourceAddresses: [10.0.0.0/8], targetFqdns: [pypi.org, "*.pythonhosted.org", anaconda.com, "*.anaconda.com", "*.anaconda.org"]}`)
		g.line(`          - {name: frameworks, protocols: ["Https:443"], sourceAddresses: [10.0.0.0/8], targetFqdns: [pytorch.org, "*.pytorch.org", "*.tensorflow.org"]}`)
		g.line(`          - {name: vscode, protocols: ["Https:443"], sourceAddresses: [10.0.0.0/8], targetFqdns: [update.code.visualstudio.com, marketplace.visualstudio.com, vscode.download.prss.microsoft.com]}`)
	}
}

// writeVMs puts a VM in every spoke subnet; the first three subnets' VMs
// are in the spoke's web, app and data ASGs, the others in one of them by
// chance, and 1 VM in 50 has a public IP.
func (g *gen) writeVMs() {
	g.line("\nvms:")
	for s := 0; s < g.spokes; s++ {
		for k := range g.subnetName {
			var b strings.Builder
			fmt.Fprintf(&b, "  - {name: %s, subnet: %s/%s", g.vmName(s, k), spokeName(s), g.subnetName[k])
			asg := k
			if k >= len(genASGs) {
				asg = g.rng.Intn(2 * len(genASGs)) // half of them in none
			}
			if asg < len(genASGs) {
				fmt.Fprintf(&b, ", applicationSecurityGroups: [asg-%s-%s]", spokeNum(s), genASGs[asg])
			}
			if g.rng.Intn(50) == 0 && g.nextPublic < len(g.publicIPs) {
				fmt.Fprintf(&b, ", publicIpAddress: {sku: Standard, ipAddress: %s}", g.publicIP())
			}
			b.WriteString("}")
			g.line(b.String())
		}
	}
}

const (
	genWorkspace = "mlw-estate"
	genMLStorage = "stmlestate"
	genKeyVault  = "kv-ml-estate"
	genRegistry  = "crmlestate"
	genInsights  = "appi-ml-estate"
)

func (g *gen) writeServices() {
	g.line("\nservices:")
	id := uint64(g.o.Seed)
	g.p("  - {name: %s, type: Microsoft.MachineLearningServices/workspaces, workspaceId: %08x-0000-4000-8000-%012x, publicNetworkAccess: Disabled}\n",
		genWorkspace, uint32(id), id&0xffffffffffff)
	g.p("  - {name: %s, type: Microsoft.Storage/storageAccounts, publicNetworkAccess: Disabled}\n", genMLStorage)
	g.p("  - {name: %s, type: Microsoft.KeyVault/vaults, publicNetworkAccess: Disabled}\n", genKeyVault)
	g.p("  - {name: %s, type: Microsoft.ContainerRegistry/registries, publicNetworkAccess: Disabled}\n", genRegistry)
	g.p("  - {name: %s, type: Microsoft.Insights/components}\n", genInsights)
	for s := 0; s < g.spokes; s++ {
		if g.hasStorage(s) {
			g.p("  - {name: %s, type: Microsoft.Storage/storageAccounts, publicNetworkAccess: Disabled}\n", storageName(s))
		}
	}
}

func (g *gen) writeEndpoints() {
	g.line("\nprivateEndpoints:")
	hub := hubName(0)
	g.p("  - {name: pe-%s, subnet: %s/snet-pe, service: %s, groupId: amlworkspace, privateDnsZoneGroup: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}\n", genWorkspace, hub, genWorkspace)
	g.p("  - {name: pe-%s-blob, subnet: %s/snet-pe, service: %s, groupId: blob, privateDnsZoneGroup: [privatelink.blob.core.windows.net]}\n", genMLStorage, hub, genMLStorage)
	g.p("  - {name: pe-%s-file, subnet: %s/snet-pe, service: %s, groupId: file, privateDnsZoneGroup: [privatelink.file.core.windows.net]}\n", genMLStorage, hub, genMLStorage)
	g.p("  - {name: pe-%s, subnet: %s/snet-pe, service: %s, groupId: vault, privateDnsZoneGroup: [privatelink.vaultcore.azure.net]}\n", genKeyVault, hub, genKeyVault)
	g.p("  - {name: pe-%s, subnet: %s/snet-pe, service: %s, groupId: registry, privateDnsZoneGroup: [privatelink.azurecr.io]}\n", genRegistry, hub, genRegistry)
	for s := 0; s < g.spokes; s++ {
		if g.hasStorage(s) {
			g.p("  - {name: pe-%s-blob, subnet: %s/snet-pe, service: %s, groupId: blob, privateDnsZoneGroup: [privatelink.blob.core.windows.net]}\n",
				storageName(s), hubName(g.spokeHub[s]), storageName(s))
		}
	}
}

func (g *gen) writeZones() {
	g.line("\nprivateDnsZones:")
	for _, z := range genZones {
		g.p("  - name: %s\n    virtualNetworkLinks:\n", z)
		for h := 0; h < g.hubs; h++ {
			g.p("      - {vnet: %s}\n", hubName(h))
		}
		for s := 0; s < g.spokes; s++ {
			g.p("      - {vnet: %s}\n", spokeName(s))
		}
	}
}

func (g *gen) writeML() {
	g.line("\nmachineLearning:")
	g.p("  workspace: %s\n  storageAccount: %s\n  keyVault: %s\n  containerRegistry: %s\n  applicationInsights: %s\n",
		genWorkspace, genMLStorage, genKeyVault, genRegistry, genInsights)
	g.p("  imageBuildCompute: cpu-%s\n", spokeNum(0))
	g.line("  computes:")
	k := g.computeSubnet()
	for s := 0; s < g.spokes; s++ {
		if g.hasCompute(s) {
			g.p("    - {name: cpu-%s, type: AmlCompute, subnet: %s/%s, enableNodePublicIp: false, maxNodes: %d}\n",
				spokeNum(s), spokeName(s), g.subnetName[k], 2+g.rng.Intn(15))
		}
	}
}

// writeExpectations checks the paths every estate has: east-west HTTPS
// between two spokes through the firewall(s), Python packages through the
// application rules, and the firewall's default deny.
func (g *gen) writeExpectations() {
	g.line("\nexpectations:")
	from := g.vmName(0, 0)
	if g.spokes > 1 {
		to := g.vmName(g.spokes-1, 0)
		g.p("  - {name: east-west HTTPS through the hub firewall, from: %s, to: %s, protocol: Tcp, port: 443, expect: allowed}\n", from, to)
	}
	g.p("  - {name: Python packages through the firewall's application rules, from: %s, to: pypi.org, protocol: Tcp, port: 443, expect: allowed}\n", from)
	g.p("  - {name: a host without a firewall rule is denied, from: %s, to: github.com, protocol: Tcp, port: 443, expect: denied, reason: firewall-denied}\n", from)
}

// GenerateJSON writes the same estate as Generate, as JSON (the fast form
// for machine-written files): the YAML is decoded and written out again,
// so both forms are one scenario.
func GenerateJSON(w io.Writer, o GenOptions) error {
	var buf bytes.Buffer
	if err := Generate(&buf, o); err != nil {
		return err
	}
	d, err := spec.Parse("gen.yaml", buf.Bytes())
	if err != nil {
		return err
	}
	buf = bytes.Buffer{}
	return spec.WriteJSON(w, d.Scenario)
}
