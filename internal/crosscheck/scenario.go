package crosscheck

import (
	"bytes"
	"fmt"
	"math/rand"
	"net/netip"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/spec"
	"github.com/vnetsim/vnetsim/topology"
)

// Scenario is one generated scenario: its seed, the file, and the network
// compiled from it.
type Scenario struct {
	Seed int64
	YAML []byte
	Topo *topology.Topology
}

// Build generates the scenario of seed: a small `vnetsim gen` estate (2-4
// VNets, 1-3 subnets a spoke, 0-5 NSG rules a subnet), without the parts the
// emulation leaves out (Azure Firewall, services, private endpoints, DNS, the
// ML workspace), then with random changes: the hub firewall becomes a VM
// appliance whose IP forwarding may be off, a spoke may get its own
// appliance, NSGs get random rules in both directions and some NICs their
// own NSGs, route tables get routes to appliances (present or not), None,
// Internet and VnetLocal, spokes peer with each other, and peering halves
// are removed or deny access or forwarded traffic.
func Build(seed int64) (*Scenario, error) {
	rng := rand.New(rand.NewSource(seed))
	o := scenarios.GenOptions{VNets: 2 + rng.Intn(3), SubnetsPerVNet: 1 + rng.Intn(3), RulesPerNSG: rng.Intn(6), Seed: seed}
	var buf bytes.Buffer
	if err := scenarios.Generate(&buf, o); err != nil {
		return nil, err
	}
	var sc spec.Scenario
	if err := yaml.Unmarshal(buf.Bytes(), &sc); err != nil {
		return nil, fmt.Errorf("seed %d: decoding the generated scenario: %v", seed, err)
	}
	m := &mutator{rng: rng, sc: &sc}
	m.strip()
	m.mutate()
	data, err := marshal(&sc)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("crosscheck-seed-%d.yaml", seed)
	t, err := topology.Parse(name, data, topology.Options{})
	if err != nil {
		return nil, fmt.Errorf("seed %d: %v\n%s", seed, err, data)
	}
	return &Scenario{Seed: seed, YAML: data, Topo: t}, nil
}

type mutator struct {
	rng   *rand.Rand
	sc    *spec.Scenario
	nvas  []string // appliance addresses
	hosts []string // VM addresses written so far (the VMs' own ones are assigned by the compiler)
}

func (m *mutator) pct(p int) bool { return m.rng.Intn(100) < p }

func (m *mutator) pick(xs []string) string { return xs[m.rng.Intn(len(xs))] }

// strip removes what the emulation does not model and turns each Azure
// Firewall into a VM appliance at the same address.
func (m *mutator) strip() {
	sc := m.sc
	for _, fw := range sc.Firewalls {
		vnet, _, _ := strings.Cut(fw.Subnet, "/")
		m.nvas = append(m.nvas, fw.PrivateIPAddress)
		sc.VMs = append(sc.VMs, spec.VM{Name: "nva-" + vnet, Subnet: vnet + "/snet-nva", PrivateIPAddress: fw.PrivateIPAddress, EnableIPForwarding: !m.pct(15)})
	}
	for i := range sc.VNets {
		for j := range sc.VNets[i].Subnets {
			if sc.VNets[i].Subnets[j].Name == "AzureFirewallSubnet" {
				sc.VNets[i].Subnets[j].Name = "snet-nva"
			}
		}
	}
	sc.Firewalls, sc.Services, sc.PrivateEndpoints, sc.PrivateDNSZones = nil, nil, nil, nil
	sc.MachineLearning, sc.Expectations, sc.Variants = nil, nil, nil
}

// spokes returns the indexes of the spoke VNets.
func (m *mutator) spokes() []int {
	var out []int
	for i, v := range m.sc.VNets {
		if strings.HasPrefix(v.Name, "spoke-") {
			out = append(out, i)
		}
	}
	return out
}

func (m *mutator) mutate() {
	sc := m.sc
	spokes := m.spokes()
	// A spoke appliance at .10 of the spoke's first subnet (the compiler
	// hands out .4 upwards, and a subnet holds one generated VM).
	if m.pct(50) {
		v := &sc.VNets[m.pick2(spokes)]
		sub := v.Subnets[m.rng.Intn(len(v.Subnets))]
		p := netip.MustParsePrefix(sub.AddressPrefix)
		a := p.Addr().As4()
		a[3] += 10
		ip := netip.AddrFrom4(a).String()
		m.nvas = append(m.nvas, ip)
		sc.VMs = append(sc.VMs, spec.VM{Name: "nva-" + v.Name, Subnet: v.Name + "/" + sub.Name, PrivateIPAddress: ip, EnableIPForwarding: !m.pct(15)})
	}
	// Addresses rules and routes name.
	var prefixes []string
	for _, v := range sc.VNets {
		prefixes = append(prefixes, v.AddressSpace...)
		for _, s := range v.Subnets {
			prefixes = append(prefixes, s.AddressPrefix)
			if s.Name == "GatewaySubnet" {
				continue // a gateway is no VirtualAppliance next hop (reference 2.3)
			}
			a := netip.MustParsePrefix(s.AddressPrefix).Addr().As4()
			a[3] += 4
			m.hosts = append(m.hosts, netip.AddrFrom4(a).String())
		}
	}
	prefixes = append(prefixes, "192.168.0.0/16", "198.51.100.0/24")
	addrs := append(append([]string{}, prefixes...), m.hosts...)
	addrs = append(addrs, m.nvas...)

	// Random NSG rules, and NSGs of their own for some NICs and the hub
	// appliance subnet.
	for i := range sc.NetworkSecurityGroups {
		for n := m.rng.Intn(4); n > 0; n-- {
			m.addRule(&sc.NetworkSecurityGroups[i], addrs)
		}
	}
	newNSG := func() string {
		n := spec.NSG{Name: fmt.Sprintf("nsg-x%d", len(sc.NetworkSecurityGroups))}
		for k := 1 + m.rng.Intn(4); k > 0; k-- {
			m.addRule(&n, addrs)
		}
		sc.NetworkSecurityGroups = append(sc.NetworkSecurityGroups, n)
		return n.Name
	}
	for i := range sc.VMs {
		if m.pct(30) {
			sc.VMs[i].NetworkSecurityGroup = newNSG()
		}
	}
	for i := range sc.VNets {
		for j := range sc.VNets[i].Subnets {
			s := &sc.VNets[i].Subnets[j]
			switch {
			case s.Name == "GatewaySubnet":
			case s.NetworkSecurityGroup == "" && m.pct(25):
				s.NetworkSecurityGroup = newNSG()
			case s.NetworkSecurityGroup != "" && m.pct(10):
				s.NetworkSecurityGroup = ""
			}
			if m.pct(15) {
				f := false
				s.DefaultOutboundAccess = &f
			}
		}
	}

	// Routes.
	hops := func() (string, string) {
		switch r := m.rng.Intn(10); {
		case r < 5 && len(m.nvas) > 0:
			return "VirtualAppliance", m.pick(m.nvas)
		case r < 6:
			return "VirtualAppliance", m.pick(m.hosts) // a VM without forwarding, or no VM
		case r < 7:
			return "None", ""
		case r < 9:
			return "Internet", ""
		}
		return "VnetLocal", ""
	}
	for i := range sc.RouteTables {
		rt := &sc.RouteTables[i]
		if m.pct(20) {
			rt.Routes = rt.Routes[1:] // no default route to the firewall
		}
		rt.DisableBgpRoutePropagation = m.pct(15)
		m.addRoutes(rt, prefixes, hops)
	}
	// The hub appliance subnet, and some route-table-less subnets, get tables.
	for i := range sc.VNets {
		for j := range sc.VNets[i].Subnets {
			s := &sc.VNets[i].Subnets[j]
			if s.RouteTable == "" && s.Name != "GatewaySubnet" && m.pct(30) {
				rt := spec.RouteTable{Name: fmt.Sprintf("rt-x%d", len(sc.RouteTables))}
				m.addRoutes(&rt, prefixes, hops)
				sc.RouteTables = append(sc.RouteTables, rt)
				s.RouteTable = rt.Name
			} else if s.RouteTable != "" && m.pct(10) {
				s.RouteTable = ""
			}
		}
	}

	// Peerings: spoke to spoke, and broken halves.
	for a := 0; a < len(spokes); a++ {
		for b := a + 1; b < len(spokes); b++ {
			if !m.pct(40) {
				continue
			}
			va, vb := sc.VNets[spokes[a]].Name, sc.VNets[spokes[b]].Name
			sc.Peerings = append(sc.Peerings,
				spec.Peering{Name: va + "-to-" + vb, From: va, To: vb, AllowForwardedTraffic: m.pct(50)},
				spec.Peering{Name: vb + "-to-" + va, From: vb, To: va, AllowForwardedTraffic: m.pct(50)})
		}
	}
	var kept []spec.Peering
	for _, p := range sc.Peerings {
		switch r := m.rng.Intn(100); {
		case r < 6:
			continue // an Initiated peering: its other half carries nothing
		case r < 14:
			f := false
			p.AllowVirtualNetworkAccess = &f
		case r < 30:
			p.AllowForwardedTraffic = !p.AllowForwardedTraffic
		}
		kept = append(kept, p)
	}
	has := map[[2]string]bool{}
	for _, p := range kept {
		has[[2]string{p.From, p.To}] = true
	}
	for i := range kept {
		if !has[[2]string{kept[i].To, kept[i].From}] {
			kept[i].UseRemoteGateways = false // the compiler wants its other half
		}
	}
	sc.Peerings = kept
}

func (m *mutator) pick2(xs []int) int { return xs[m.rng.Intn(len(xs))] }

var ruleTags = []string{"VirtualNetwork", "Internet", "*", "AzureLoadBalancer", "Storage", "AzureMonitor"}

var rulePorts = []string{"*", "22", "80", "443", "3389", "8080-8090", "1000-2000", "53", "5000-65535"}

func (m *mutator) addRule(n *spec.NSG, addrs []string) {
	dir := "Inbound"
	if m.pct(50) {
		dir = "Outbound"
	}
	used := map[int]bool{}
	for _, r := range n.SecurityRules {
		if r.Direction == dir {
			used[r.Priority] = true
		}
	}
	prio := 100 + m.rng.Intn(400)
	for used[prio] {
		prio++
	}
	side := func() (string, []string) {
		switch r := m.rng.Intn(10); {
		case r < 3:
			return m.pick(ruleTags), nil
		case r < 5:
			return "", []string{m.pick(addrs), m.pick(addrs)}
		}
		return m.pick(addrs), nil
	}
	r := spec.SecurityRule{
		Name: fmt.Sprintf("x-%s-%d", strings.ToLower(dir[:2]), prio), Priority: prio, Direction: dir,
		Access: []string{"Allow", "Deny"}[m.rng.Intn(2)], Protocol: []string{"Tcp", "Udp", "Icmp", "*"}[m.rng.Intn(4)],
		SourcePortRange: "*",
	}
	if m.pct(10) {
		r.SourcePortRange = "40000-50000"
	}
	r.SourceAddressPrefix, r.SourceAddressPrefixes = side()
	r.DestinationAddressPrefix, r.DestinationAddressPrefixes = side()
	if m.pct(30) {
		r.DestinationPortRanges = []string{m.pick(rulePorts[1:]), m.pick(rulePorts[1:])}
	} else {
		r.DestinationPortRange = m.pick(rulePorts)
	}
	n.SecurityRules = append(n.SecurityRules, r)
}

func (m *mutator) addRoutes(rt *spec.RouteTable, prefixes []string, hops func() (string, string)) {
	have := map[string]bool{}
	for _, r := range rt.Routes {
		have[r.AddressPrefix] = true
	}
	for k := m.rng.Intn(4); k > 0; k-- {
		p := m.pick(prefixes)
		if m.pct(20) {
			p = m.pick(m.hosts) + "/32"
		}
		if m.pct(5) {
			p = "0.0.0.0/0"
		}
		if have[p] {
			continue
		}
		have[p] = true
		t, ip := hops()
		rt.Routes = append(rt.Routes, spec.Route{Name: fmt.Sprintf("x-%d", len(rt.Routes)), AddressPrefix: p, NextHopType: t, NextHopIPAddress: ip})
	}
}

// marshal writes the scenario as YAML without the keys left at their zero
// value (the format's types have no omitempty), keeping explicit booleans.
func marshal(sc *spec.Scenario) ([]byte, error) {
	raw, err := yaml.Marshal(sc)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := yaml.Unmarshal(raw, &tree); err != nil {
		return nil, err
	}
	return yaml.Marshal(prune(tree))
}

func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e = prune(e); e != nil {
				out[k] = e
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		var out []any
		for _, e := range x {
			if e = prune(e); e != nil {
				out = append(out, e)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case string:
		if x == "" {
			return nil
		}
	case int:
		if x == 0 {
			return nil
		}
	}
	return v
}
