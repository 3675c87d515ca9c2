package topology

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"go4.org/netipx"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

// Forwarding graphs. For one destination, every subnet whose effective
// route sends it to a forwarding appliance has one edge, to the appliance's
// subnet, whose own routes decide next; for one DNS name, every DNS server
// that forwards it has one edge, to the server it forwards to. A strongly
// connected component of more than one node (or a node with an edge to
// itself) is a loop: Azure accepts the configuration, packets or queries
// circle until they are dropped. The components come from gonum's Tarjan
// algorithm, once per destination and name, at compile time.

// RoutingLoop is a cycle of user routes: a packet for Destination is sent
// from appliance to appliance and never delivered.
type RoutingLoop struct {
	// Destination is an address whose packets loop (the first of the
	// route prefixes involved).
	Destination netip.Addr
	// Hops are the routes of the cycle, in the order a packet follows them.
	Hops []RoutingLoopHop
}

// RoutingLoopHop is one route of a routing loop.
type RoutingLoopHop struct {
	Subnet    *Subnet    // where the route applies
	Route     *UserRoute // the user route
	Table     string     // its route table
	Appliance *NIC       // the appliance it sends the packet to
}

// ForwarderLoop is a cycle of DNS forwarders: a query for Name is forwarded
// from server to server and never answered.
type ForwarderLoop struct {
	Name string // a name whose queries loop
	Hops []ForwarderLoopHop
}

// ForwarderLoopHop is one forwarder of a loop.
type ForwarderLoopHop struct {
	Server string     // the DNS server VM or firewall that forwards
	Zone   string     // the forwarder's zone; empty for a default forwarder
	Target netip.Addr // where it forwards
	// Path is where the forwarder is written (vms[i].dnsServer.forwarders[j],
	// vms[i].dnsServer.defaultForwarder, firewalls[i].dnsServers).
	Path string
}

// NICInReach returns the NIC holding address a in v or in a VNet v has a
// connected peering to, as a next hop IP address names it, with its VNet.
func (v *VNet) NICInReach(a netip.Addr) (*NIC, *VNet) {
	if n := v.NICAt(a); n != nil {
		return n, v
	}
	for _, p := range v.Peerings {
		if p.Connected() {
			if n := p.To.NICAt(a); n != nil {
				return n, p.To
			}
		}
	}
	return nil, nil
}

// Forwards reports whether the NIC passes on packets addressed to others:
// an appliance with IP forwarding, or an Azure Firewall.
func (n *NIC) Forwards() bool { return n.IPForwarding || n.Firewall != nil }

// DNSServerAt returns the DNS server VM (a VM with a dnsServer role)
// listening at a, as seen from near: one in near first, then one in a VNet
// near has a connected peering to, else the first in file order (VNets that
// are not peered may reuse addresses). Nil when no DNS server VM has a.
func (t *Topology) DNSServerAt(a netip.Addr, near *VNet) *NIC {
	var first, peered *NIC
	for _, n := range t.dnsServerNICs {
		if n.IP != a {
			continue
		}
		if n.VNet() == near {
			return n
		}
		if first == nil {
			first = n
		}
		if peered == nil && near != nil && near.PeeringTo(n.VNet()) != nil {
			peered = n
		}
	}
	if peered != nil {
		return peered
	}
	return first
}

// loopDestinations returns an address in every stretch of the address
// space on which the user routes to appliances can decide differently: the
// first address of each user route prefix, and the address after its last.
func (t *Topology) loopDestinations(tables []*RouteTable) []netip.Addr {
	seen := map[netip.Addr]bool{}
	var out []netip.Addr
	add := func(a netip.Addr) {
		if a.IsValid() && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	for _, rt := range tables {
		for _, r := range rt.Routes {
			if r.Tag != "" {
				if r.NextHopType == HopAppliance {
					if st, ok := t.Tags.Lookup(r.Tag); ok {
						if ps := st.Prefixes(); len(ps) > 0 {
							add(ps[0].Masked().Addr())
						}
					}
				}
				continue
			}
			add(r.Prefix.Masked().Addr())
			add(netipx.PrefixLastIP(r.Prefix).Next())
		}
	}
	return out
}

// findRoutingLoops analyses the routing graph of every destination that
// can loop.
func (t *Topology) findRoutingLoops() []RoutingLoop {
	// A subnet can be on a cycle only if it holds an appliance some route
	// points at and its own routes point at an appliance: in a hub and
	// spoke, the firewall's subnet has no such route, and nothing is left.
	toAppliance := func(rt *RouteTable) bool {
		return rt != nil && slices.ContainsFunc(rt.Routes, func(r *UserRoute) bool { return r.NextHopType == HopAppliance })
	}
	targets := map[*Subnet]bool{}
	for _, v := range t.VNets {
		for _, s := range v.Subnets {
			if !toAppliance(s.RouteTable) {
				continue
			}
			for _, r := range s.RouteTable.Routes {
				if r.NextHopType != HopAppliance {
					continue
				}
				if nva, _ := v.NICInReach(r.NextHopIP); nva != nil && nva.Forwards() {
					targets[nva.Subnet] = true
				}
			}
		}
	}
	var nodes []*Subnet // subnets with a route to an appliance that hold one
	var tables []*RouteTable
	seenTable := map[*RouteTable]bool{}
	for _, v := range t.VNets {
		for _, s := range v.Subnets {
			if !targets[s] || !toAppliance(s.RouteTable) || s.Routes == nil {
				continue
			}
			nodes = append(nodes, s)
			if !seenTable[s.RouteTable] {
				seenTable[s.RouteTable] = true
				tables = append(tables, s.RouteTable)
			}
		}
	}
	if len(nodes) == 0 {
		return nil
	}
	index := make(map[*Subnet]int64, len(nodes))
	for i, s := range nodes {
		index[s] = int64(i)
	}
	var out []RoutingLoop
	reported := map[string]bool{}
	for _, d := range t.loopDestinations(tables) {
		g := simple.NewDirectedGraph()
		hops := map[int64]RoutingLoopHop{}
		var selfLoops []int64
		for i, s := range nodes {
			r, _, ok := s.Routes.Lookup(d)
			if !ok || r.User == nil || r.NextHopType != HopAppliance || r.State != "Active" {
				continue
			}
			nva, _ := s.VNet.NICInReach(r.NextHopIP)
			if nva == nil || !nva.Forwards() {
				continue
			}
			to, ok := index[nva.Subnet]
			if !ok {
				continue // the appliance's subnet routes d without an appliance
			}
			from := int64(i)
			hops[from] = RoutingLoopHop{Subnet: s, Route: r.User, Table: r.Table, Appliance: nva}
			if to == from {
				selfLoops = append(selfLoops, from)
				continue
			}
			for _, id := range []int64{from, to} {
				if g.Node(id) == nil {
					g.AddNode(simple.Node(id))
				}
			}
			g.SetEdge(simple.Edge{F: simple.Node(from), T: simple.Node(to)})
		}
		var cycles [][]int64
		for _, id := range selfLoops {
			cycles = append(cycles, []int64{id})
		}
		for _, comp := range topo.TarjanSCC(g) {
			if len(comp) > 1 {
				cycles = append(cycles, cycleOrder(g, comp))
			}
		}
		for _, c := range cycles {
			loop := RoutingLoop{Destination: d}
			var keys []string
			for _, id := range c {
				h := hops[id]
				loop.Hops = append(loop.Hops, h)
				keys = append(keys, h.Route.Path)
			}
			slices.Sort(keys)
			if k := strings.Join(keys, "|"); !reported[k] {
				reported[k] = true
				out = append(out, loop)
			}
		}
	}
	return out
}

// cycleOrder returns the nodes of a strongly connected component in which
// every node has one edge out (a single cycle), in edge order from the
// smallest ID.
func cycleOrder(g graph.Directed, comp []graph.Node) []int64 {
	start := comp[0].ID()
	for _, n := range comp {
		start = min(start, n.ID())
	}
	var out []int64
	for id := start; ; {
		out = append(out, id)
		next := g.From(id)
		if !next.Next() {
			return out
		}
		id = next.Node().ID()
		if id == start || len(out) > len(comp) {
			return out
		}
	}
}

// dnsForwarder is a node of the DNS forwarding graph: a DNS server VM or a
// firewall's DNS proxy.
type dnsForwarder struct {
	name string
	vnet *VNet
	// forward returns where the node sends a query for name, and the
	// forwarder that decides it; ok is false when it answers or resolves
	// the name itself.
	forward func(name string) (target netip.Addr, zone, path string, ok bool)
}

// findForwarderLoops analyses the DNS forwarding graph of every name the
// forwarders tell apart: each forwarder zone, and a name in none of them.
func (t *Topology) findForwarderLoops() []ForwarderLoop {
	var nodes []dnsForwarder
	at := map[*NIC]int64{}
	for _, n := range t.dnsServerNICs {
		role := n.DNSServer
		at[n] = int64(len(nodes))
		nodes = append(nodes, dnsForwarder{name: n.Name, vnet: n.VNet(), forward: func(name string) (netip.Addr, string, string, bool) {
			if _, ok := n.Hosts[name]; ok {
				return netip.Addr{}, "", "", false
			}
			if f, ok := role.ForwarderFor(name); ok {
				return f.Target, f.Zone, fmt.Sprintf("%s.forwarders[%d]", role.Path, f.Index), true
			}
			if role.DefaultForwarder.IsValid() {
				return role.DefaultForwarder, "", role.Path + ".defaultForwarder", true
			}
			return netip.Addr{}, "", "", false
		}})
	}
	if len(nodes) == 0 {
		return nil
	}
	proxies := map[netip.Addr]int64{}
	for _, f := range t.Firewalls {
		if !f.DNSProxy || f.NIC == nil || len(f.DNSServers) == 0 {
			continue // a proxy to Azure DNS ends the chain
		}
		proxies[f.NIC.IP] = int64(len(nodes))
		target, path := f.DNSServers[0], f.Path+".dnsServers[0]"
		nodes = append(nodes, dnsForwarder{name: "firewall " + f.Name, vnet: f.NIC.VNet(), forward: func(string) (netip.Addr, string, string, bool) {
			return target, "", path, true
		}})
	}
	names := []string{"name.outside.every.zone.invalid"}
	for _, n := range t.dnsServerNICs {
		for _, f := range n.DNSServer.Forwarders {
			if !slices.Contains(names, f.Zone) {
				names = append(names, f.Zone)
			}
		}
	}
	var out []ForwarderLoop
	reported := map[string]bool{}
	for _, name := range names {
		g := simple.NewDirectedGraph()
		hops := map[int64]ForwarderLoopHop{}
		for i, n := range nodes {
			target, zone, path, ok := n.forward(name)
			if !ok {
				continue
			}
			var to int64 = -1
			if s := t.DNSServerAt(target, n.vnet); s != nil {
				to = at[s]
			} else if p, ok := proxies[target]; ok {
				to = p
			}
			if to < 0 || to == int64(i) {
				continue // compile rejects a server that forwards to itself
			}
			hops[int64(i)] = ForwarderLoopHop{Server: n.name, Zone: zone, Target: target, Path: path}
			for _, id := range []int64{int64(i), to} {
				if g.Node(id) == nil {
					g.AddNode(simple.Node(id))
				}
			}
			g.SetEdge(simple.Edge{F: simple.Node(int64(i)), T: simple.Node(to)})
		}
		for _, comp := range topo.TarjanSCC(g) {
			if len(comp) < 2 {
				continue
			}
			loop := ForwarderLoop{Name: name}
			var keys []string
			for _, id := range cycleOrder(g, comp) {
				h := hops[id]
				loop.Hops = append(loop.Hops, h)
				keys = append(keys, h.Path)
			}
			slices.Sort(keys)
			if k := strings.Join(keys, "|"); !reported[k] {
				reported[k] = true
				out = append(out, loop)
			}
		}
	}
	return out
}
