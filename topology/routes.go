package topology

import (
	"net/netip"
	"sort"
	"strings"
	"sync"
)

// Route sources, as effective routes list them.
const (
	SourceDefault = "Default"
	SourceUser    = "User"
	SourceGateway = "VirtualNetworkGateway"
)

// Next hop types.
const (
	HopVnetLocal       = "VnetLocal"
	HopPeering         = "VNetPeering"
	HopGlobalPeering   = "VNetGlobalPeering"
	HopGateway         = "VirtualNetworkGateway"
	HopInternet        = "Internet"
	HopAppliance       = "VirtualAppliance"
	HopNone            = "None"
	HopServiceEndpoint = "VirtualNetworkServiceEndpoint"
	HopInterface       = "InterfaceEndpoint"
)

// Route is one entry of a subnet's effective routes.
type Route struct {
	Source      string // Default | User | VirtualNetworkGateway
	State       string // Active | Invalid
	Prefixes    []netip.Prefix
	Tag         string // the service tag a user route names as its prefix
	NextHopType string
	NextHopIP   netip.Addr
	Table       string     // route table of a user route
	Name        string     // route name of a user route
	User        *UserRoute // the user route it comes from, nil for others
	Peering     *Peering
	Gateway     *Gateway
	Endpoint    *PrivateEndpoint
	Service     string // service endpoint name, e.g. Microsoft.Storage
	// InvalidReason says why an Invalid route lost, e.g. "overridden by user route rt/x".
	InvalidReason string

	rank    int
	tagRank int
	set     *PrefixSet // a tag's addresses, for tag and service endpoint routes
	desc    string     // Describe, built once at load time
}

// Describe names the route for a trace: "user route rt-clients/default-via-fw"
// or "system route 10.0.0.0/16 VnetLocal".
func (r *Route) Describe() string {
	if r.desc != "" {
		return r.desc
	}
	return r.describe()
}

func (r *Route) describe() string {
	switch r.Source {
	case SourceUser:
		return "user route " + r.Table + "/" + r.Name
	case SourceGateway:
		return "gateway route via " + r.Gateway.Name
	}
	return "system route " + r.NextHopType
}

// RouteSet is a subnet's effective routes, with a longest-prefix-match index
// of the active ones built at load time. Subnets with the same VNet, route
// table and service endpoints share one RouteSet.
type RouteSet struct {
	// Routes lists every route, Active and Invalid, in display order.
	Routes []*Route
	// active indexes the active routes whose prefixes are written out
	// (system, gateway and user routes with a CIDR), best per prefix.
	active *PrefixMap[*Route]
	// tagRoutes are the user routes whose prefix is a service tag, best
	// ranked first; they are looked up in the tags' own shared tries rather
	// than copied into every subnet's.
	tagRoutes []*Route
	// serviceEndpoints are never overridden by user routes (decision 8).
	serviceEndpoints []*Route

	// table is the answer of the trie of active routes (active, with the
	// rule that system routes of the VNet and its peerings beat more
	// specific gateway routes) for every address interval, built from the
	// trie at the first lookup: a lookup then searches a sorted slice and
	// allocates nothing, where cidranger allocates on every lookup.
	tableOnce sync.Once
	table     []routeInterval
}

// routeInterval is the trie's answer for the addresses from start up to the
// next interval's start (of the same family).
type routeInterval struct {
	start  netip.Addr
	route  *Route
	prefix netip.Prefix
}

// Lookup returns the route the subnet uses for destination a and the matched prefix.
func (rs *RouteSet) Lookup(a netip.Addr) (*Route, netip.Prefix, bool) {
	rs.tableOnce.Do(rs.buildTable)
	return rs.lookup(a, false)
}

// LookupTrie is Lookup asking the trie itself for every address (the
// table's source), for tests and for benchmarks' yardstick.
func (rs *RouteSet) LookupTrie(a netip.Addr) (*Route, netip.Prefix, bool) {
	return rs.lookup(a, true)
}

func (rs *RouteSet) lookup(a netip.Addr, trie bool) (*Route, netip.Prefix, bool) {
	for _, r := range rs.serviceEndpoints {
		if p, ok := r.set.Longest(a); ok {
			return r, p, true
		}
	}
	var best *Route
	var bestP netip.Prefix
	if trie {
		best, bestP = rs.activeFromTrie(a)
	} else {
		best, bestP = rs.activeFromTable(a)
	}
	// A tag route wins on a longer prefix, and on an equal one over system
	// and gateway routes but not over a user route with a written prefix.
	for _, r := range rs.tagRoutes {
		p, ok := r.set.Longest(a)
		if !ok {
			continue
		}
		if best == nil || p.Bits() > bestP.Bits() || (p.Bits() == bestP.Bits() && best.rank > rankUser) ||
			(p.Bits() == bestP.Bits() && best.Tag != "" && r.tagRank < best.tagRank) {
			best, bestP = r, p
		}
	}
	return best, bestP, best != nil
}

// activeFromTrie returns the active route with a written prefix for a, as
// the trie answers.
func (rs *RouteSet) activeFromTrie(a netip.Addr) (*Route, netip.Prefix) {
	c := rs.active.Containing(a)
	if len(c) == 0 {
		return nil, netip.Prefix{}
	}
	m := c[len(c)-1]
	best, bestP := m.Values[0], m.Prefix
	// System routes for the VNet and its peerings win over more
	// specific BGP routes (UDR, route selection rule 3).
	if best.Source == SourceGateway {
		for i := len(c) - 2; i >= 0; i-- {
			s := c[i].Values[0]
			if s.Source == SourceDefault && (s.NextHopType == HopVnetLocal || s.NextHopType == HopPeering || s.NextHopType == HopGlobalPeering) {
				best, bestP = s, c[i].Prefix
				break
			}
		}
	}
	return best, bestP
}

// buildTable asks the trie for its answer at every boundary of its
// prefixes (see PrefixMap.Boundaries).
func (rs *RouteSet) buildTable() {
	bs := rs.active.Boundaries()
	table := make([]routeInterval, len(bs))
	for i, b := range bs {
		r, p := rs.activeFromTrie(b)
		table[i] = routeInterval{start: b, route: r, prefix: p}
	}
	rs.table = table
}

// activeFromTable is activeFromTrie read from the table.
func (rs *RouteSet) activeFromTable(a netip.Addr) (*Route, netip.Prefix) {
	if !a.IsValid() {
		return nil, netip.Prefix{}
	}
	a = a.Unmap()
	t := rs.table
	// The last interval starting at or before a.
	lo, hi := 0, len(t)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t[m].start.Compare(a) <= 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 || t[lo-1].start.BitLen() != a.BitLen() {
		return nil, netip.Prefix{}
	}
	iv := &t[lo-1]
	return iv.route, iv.prefix
}

var reservedNone = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
}

var defaultRoute = netip.MustParsePrefix("0.0.0.0/0")

// ranks: lower wins on an equal prefix. User > BGP > System; among user
// routes an explicit prefix beats a tag, and tags rank regional > top-level >
// AzureCloud regional > AzureCloud (UDR 2.3).
const (
	rankUser    = 0
	rankGateway = 10
	rankSystem  = 20
)

func tagRank(tag string) int {
	base, region, regional := strings.Cut(tag, ".")
	cloud := strings.EqualFold(base, "AzureCloud")
	switch {
	case tag == "":
		return 0
	case !cloud && regional && region != "":
		return 1
	case !cloud:
		return 2
	case regional:
		return 3
	}
	return 4
}

// routeKey identifies the inputs of a subnet's effective routes.
func routeKey(s *Subnet) string {
	k := s.VNet.Name + "|"
	if s.RouteTable != nil {
		k += s.RouteTable.Name
	}
	ses := append([]string(nil), s.ServiceEndpoints...)
	sort.Strings(ses)
	return k + "|" + strings.ToLower(strings.Join(ses, ","))
}

// endpointsSeen returns, for every VNet, the private endpoints whose /32
// routes its subnets get: its own and those of connected peers.
func (t *Topology) endpointsSeen() map[*VNet][]*PrivateEndpoint {
	out := map[*VNet][]*PrivateEndpoint{}
	for _, ep := range t.PrivateEndpoints {
		ev := ep.NIC.VNet()
		out[ev] = append(out[ev], ep)
		for _, p := range ev.Peerings {
			if p.Connected() {
				out[p.To] = append(out[p.To], ep)
			}
		}
	}
	return out
}

// computeRoutes builds the effective routes of subnet s (reference section 2
// and decisions 3, 7 and 8); seen are the private endpoints its VNet sees.
func (t *Topology) computeRoutes(s *Subnet, seen []*PrivateEndpoint) *RouteSet {
	v := s.VNet
	var routes []*Route
	sys := func(p netip.Prefix, hop string) *Route {
		r := &Route{Source: SourceDefault, State: "Active", Prefixes: []netip.Prefix{p}, NextHopType: hop, rank: rankSystem}
		routes = append(routes, r)
		return r
	}
	for _, p := range v.AddressSpace {
		sys(p, HopVnetLocal)
	}
	for _, pe := range v.Peerings {
		if !pe.Connected() {
			continue
		}
		for _, p := range pe.To.AddressSpace {
			sys(p, pe.NextHopType()).Peering = pe
		}
	}
	// Private endpoint /32s in the endpoint's VNet and in peered VNets.
	for _, ep := range seen {
		r := sys(netip.PrefixFrom(ep.NIC.IP, ep.NIC.IP.BitLen()), HopInterface)
		r.Endpoint = ep
		r.NextHopIP = ep.NIC.IP
	}
	sys(defaultRoute, HopInternet)

	// The reserved None routes: dropped when the VNet's address space
	// includes one without being equal (the VnetLocal route then covers it)
	// or equals one (it becomes VnetLocal), and all removed under a user
	// 0.0.0.0/0 route (decision 3).
	userDefault := false
	if s.RouteTable != nil {
		for _, ur := range s.RouteTable.Routes {
			if ur.Prefix == defaultRoute {
				userDefault = true
			}
		}
	}
	if !userDefault {
	next:
		for _, rp := range reservedNone {
			for _, p := range v.AddressSpace {
				if p.Bits() <= rp.Bits() && p.Contains(rp.Addr()) {
					continue next
				}
			}
			sys(rp, HopNone)
		}
	}

	// Gateway routes: the VNet's own gateway, or a peer's through gateway
	// transit, unless the route table disables propagation.
	if s.RouteTable == nil || !s.RouteTable.DisableBgpRoutePropagation {
		if gw := t.gatewayFor(v); gw != nil {
			for _, p := range gw.OnPremises {
				routes = append(routes, &Route{Source: SourceGateway, State: "Active", Prefixes: []netip.Prefix{p},
					NextHopType: HopGateway, NextHopIP: gw.IP, Gateway: gw, rank: rankGateway})
			}
		}
	}

	// Service endpoint routes, only on this subnet.
	var seRoutes []*Route
	for _, se := range s.ServiceEndpoints {
		tag := serviceEndpointTag(se, v.Region)
		st, ok := t.Tags.Lookup(tag)
		if !ok {
			continue
		}
		r := &Route{Source: SourceDefault, State: "Active", Prefixes: st.Prefixes(), NextHopType: HopServiceEndpoint, Service: se, Tag: st.Name, rank: rankSystem, set: st.Set()}
		routes = append(routes, r)
		seRoutes = append(seRoutes, r)
	}

	// User routes.
	if s.RouteTable != nil {
		for _, ur := range s.RouteTable.Routes {
			r := &Route{Source: SourceUser, State: "Active", NextHopType: ur.NextHopType, NextHopIP: ur.NextHopIP,
				Table: s.RouteTable.Name, Name: ur.Name, User: ur, rank: rankUser}
			if ur.Tag != "" {
				r.Tag = ur.Tag
				r.tagRank = tagRank(ur.Tag)
				if st, ok := t.Tags.Lookup(ur.Tag); ok {
					r.Prefixes = st.Prefixes()
					r.set = st.Set()
				}
			} else {
				r.Prefixes = []netip.Prefix{ur.Prefix}
			}
			routes = append(routes, r)
		}
	}

	// Decision 7: a user route invalidates a private endpoint /32 when the
	// endpoint subnet enables route-table policies and the user route's
	// prefix contains the endpoint with a length at least the endpoint
	// VNet's address-space prefix length. 0.0.0.0/0 never does.
	for _, r := range routes {
		if r.NextHopType != HopInterface || !r.Endpoint.NIC.Subnet.PERouteTableEnabled() {
			continue
		}
		ip := r.Endpoint.NIC.IP
		spaceBits := 0
		for _, p := range r.Endpoint.NIC.VNet().AddressSpace {
			if p.Contains(ip) {
				spaceBits = p.Bits()
			}
		}
		for _, u := range routes {
			if u.Source != SourceUser || u.Tag != "" {
				continue
			}
			up := u.Prefixes[0]
			if up.Bits() > 0 && up.Bits() >= spaceBits && up.Contains(ip) {
				r.State = "Invalid"
				r.InvalidReason = "invalidated by " + u.Describe() + " (privateEndpointNetworkPolicies " + r.Endpoint.NIC.Subnet.PrivateEndpointNetworkPolicies + " on " + r.Endpoint.NIC.Subnet.ID() + ")"
				break
			}
		}
	}

	// Resolve equal prefixes among the routes with written prefixes: the
	// best-ranked route wins; the others are Invalid. Tag routes are not
	// expanded here: they are looked up in their tags' tries, and a tag
	// route is listed Active (it loses only where an equal written prefix
	// beats it, which Lookup decides per address).
	best := map[netip.Prefix]*Route{}
	var order []netip.Prefix
	var tagRoutes []*Route
	for _, r := range routes {
		if r.State == "Invalid" || r.NextHopType == HopServiceEndpoint {
			continue
		}
		if r.Tag != "" {
			tagRoutes = append(tagRoutes, r)
			continue
		}
		p := r.Prefixes[0]
		b, ok := best[p]
		if !ok {
			order = append(order, p)
		}
		if !ok || r.rank < b.rank {
			best[p] = r
		}
	}
	for _, r := range routes {
		if r.State == "Invalid" || r.Tag != "" || r.NextHopType == HopServiceEndpoint {
			continue
		}
		if w := best[r.Prefixes[0]]; w != r {
			r.State = "Invalid"
			r.InvalidReason = "overridden by " + w.Describe()
		}
	}
	sort.SliceStable(tagRoutes, func(i, j int) bool { return tagRoutes[i].tagRank < tagRoutes[j].tagRank })
	ps := make([]netip.Prefix, 0, len(order))
	vs := make([]*Route, 0, len(order))
	for _, p := range order {
		ps = append(ps, p)
		vs = append(vs, best[p])
	}
	sort.SliceStable(routes, func(i, j int) bool { return displayOrder(routes[i]) < displayOrder(routes[j]) })
	for _, r := range routes {
		r.desc = r.describe()
	}
	return &RouteSet{Routes: routes, active: NewPrefixMap(ps, vs), tagRoutes: tagRoutes, serviceEndpoints: seRoutes}
}

func displayOrder(r *Route) int {
	switch r.Source {
	case SourceDefault:
		return 0
	case SourceGateway:
		return 1
	}
	return 2
}

// gatewayFor returns the gateway whose routes v's subnets learn: v's own, or
// a peer's when v uses remote gateways and the peer allows gateway transit
// (decision 6: also across regions).
func (t *Topology) gatewayFor(v *VNet) *Gateway {
	if v.Gateway != nil {
		return v.Gateway
	}
	for _, p := range v.Peerings {
		if p.Connected() && p.UseRemoteGateways && p.Reverse.AllowGatewayTransit && p.To.Gateway != nil {
			return p.To.Gateway
		}
	}
	return nil
}

// serviceEndpoints maps a service endpoint to the tag whose prefixes its
// route carries, in the subnet's region.
var serviceEndpointTags = map[string]string{
	"microsoft.storage":              "Storage",
	"microsoft.storage.global":       "Storage",
	"microsoft.sql":                  "Sql",
	"microsoft.keyvault":             "AzureKeyVault",
	"microsoft.containerregistry":    "AzureContainerRegistry",
	"microsoft.azureactivedirectory": "AzureActiveDirectory",
	"microsoft.azurecosmosdb":        "AzureCosmosDB",
	"microsoft.eventhub":             "EventHub",
	"microsoft.servicebus":           "ServiceBus",
	"microsoft.web":                  "AppService",
	"microsoft.cognitiveservices":    "CognitiveServicesManagement",
}

func serviceEndpointTag(se, region string) string {
	base := serviceEndpointTags[strings.ToLower(se)]
	switch strings.ToLower(se) {
	case "microsoft.storage.global", "microsoft.azureactivedirectory", "microsoft.azurecosmosdb", "microsoft.cognitiveservices":
		return base
	}
	return base + "." + region
}
