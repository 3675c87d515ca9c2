package topology

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"go4.org/netipx"

	"github.com/vnetsim/vnetsim/internal/parallel"
	"github.com/vnetsim/vnetsim/spec"
)

// compiler turns a decoded Scenario into a Topology, collecting every
// validation error with its file, line and key.
type compiler struct {
	file string
	doc  *spec.Document
	sc   *spec.Scenario
	tags *ServiceTags
	errs ErrorList
	t    *Topology

	names   map[string]string // endpoint name → what it names, for duplicates
	alloc   map[*Subnet]map[netip.Addr]string
	vmNICs  map[string]*NIC // VMs by name, before their addresses are allocated
	aliases map[string]*NIC // compute names of attached VMs → the VM's NIC
}

func (c *compiler) errAt(path, format string, args ...any) *Error {
	e := &Error{File: c.file, Line: c.doc.Line(path), Key: path, Msg: fmt.Sprintf(format, args...)}
	c.errs = append(c.errs, e)
	return e
}

func (c *compiler) unsupported(path, what, issue string) {
	c.errAt(path, "%s is not supported yet (%s); remove it or use a newer vnetsim", what, issue)
}

// claim registers an endpoint name (VMs, computes, private endpoints,
// services, gateways share one namespace because traces name them).
func (c *compiler) claim(path, name, kind string) bool {
	if name == "" {
		c.errAt(path, "missing name")
		return false
	}
	if prev, ok := c.names[name]; ok {
		c.errAt(path, "duplicate name %q (already used by %s)", name, prev)
		return false
	}
	c.names[name] = kind
	return true
}

func (c *compiler) compile() *Topology {
	sc := c.sc
	t := &Topology{
		File: c.file, Name: sc.Name, Description: sc.Description, Region: strings.ToLower(sc.Region), Tags: c.tags, lines: c.doc.Lines(), origins: c.doc.Origins(),
		variants: c.doc.VariantNames(),
		vnets:    map[string]*VNet{}, subnets: map[string]*Subnet{}, nsgs: map[string]*NSG{}, rts: map[string]*RouteTable{},
		gateways: map[string]*Gateway{}, nats: map[string]*NATGateway{}, nics: map[string]*NIC{}, services: map[string]*Service{},
		computes: map[string]*Compute{}, asgs: map[string]bool{}, tagSets: map[string]*PrefixSet{}, tagRefs: map[string]tagRef{}, publicIPs: map[netip.Addr]*NIC{},
	}
	c.t = t
	for _, name := range computedTags {
		t.noteTag(name) // the default rules' spellings
	}
	c.names = map[string]string{}
	c.alloc = map[*Subnet]map[netip.Addr]string{}
	c.vmNICs = map[string]*NIC{}
	c.aliases = map[string]*NIC{}
	if sc.Region == "" {
		c.errAt("region", "missing: the default region for everything in the scenario")
	}

	managed := c.synthesizeManaged()
	c.compileASGs()
	c.compileNSGs()
	c.compileRouteTables()
	c.compileNATs()
	c.compileVNets()
	c.compilePeerings()
	c.compileNetworkManagers()
	c.compileGateways()
	c.compileServices()
	c.compileNICs()
	c.compileFirewalls()
	c.compileResolvers()
	c.compileLoadBalancers()
	c.compileBastions()
	c.compileEndpointPolicies()
	c.checkMonitorScopes()
	c.compileZones()
	c.compileDNS()
	c.compileExpectations()
	c.compileVariants()
	c.finishManaged(managed)
	c.validateAzure() // validate_*.go: Azure's own rules and limits
	if len(c.errs) > 0 {
		return nil
	}

	// Derived state, built once: the VirtualNetwork tag of each VNet, the
	// effective routes of each subnet, and the loops of the forwarding
	// graphs.
	var spaces []netip.Prefix
	var owners []*VNet
	for _, v := range t.VNets {
		for _, p := range v.AddressSpace {
			spaces = append(spaces, p)
			owners = append(owners, v)
		}
	}
	t.vnetAt = NewPrefixMap(spaces, owners)
	for _, v := range t.VNets {
		v.VirtualNetworkTag = NewPrefixSet(c.virtualNetworkTag(v))
		// Same-region storage stays reachable from a private subnet (DOA).
		c.useTag("Storage." + v.Region) // this spelling, as traces ask for it
	}
	// Subnets with the same VNet, route table and service endpoints have
	// the same effective routes, computed once, on every core.
	seen := t.endpointsSeen()
	shared := map[string]*RouteSet{}
	var first []*Subnet
	for _, v := range t.VNets {
		for _, s := range v.Subnets {
			k := routeKey(s)
			if _, ok := shared[k]; !ok {
				shared[k] = nil
				first = append(first, s)
			}
		}
	}
	sets := make([]*RouteSet, len(first))
	parallel.ForEach(len(first), func(i int) { sets[i] = t.computeRoutes(first[i], seen[first[i].VNet]) })
	for i, s := range first {
		shared[routeKey(s)] = sets[i]
	}
	for _, v := range t.VNets {
		for _, s := range v.Subnets {
			s.Routes = shared[routeKey(s)]
		}
	}
	t.RoutingLoops = t.findRoutingLoops()
	t.ForwarderLoops = t.findForwarderLoops()
	return t
}

func (c *compiler) compileASGs() {
	for i, name := range c.sc.ApplicationSecurityGroups {
		p := fmt.Sprintf("applicationSecurityGroups[%d]", i)
		if name == "" {
			c.errAt(p, "missing name")
		} else if c.t.asgs[name] {
			c.errAt(p, "duplicate application security group %q", name)
		}
		c.t.asgs[name] = true
	}
}

// parseAddrSide compiles one side of an NSG rule from its singular, plural and
// ASG keys.
func (c *compiler) parseAddrSide(path, side string, single string, plural []string, asgs []string) AddrMatch {
	var m AddrMatch
	sk, pk, ak := side+"AddressPrefix", side+"AddressPrefixes", side+"ApplicationSecurityGroups"
	given := 0
	for _, b := range []bool{single != "", len(plural) > 0, len(asgs) > 0} {
		if b {
			given++
		}
	}
	switch {
	case given == 0:
		c.errAt(path+"."+sk, "missing: give %s, %s or %s", sk, pk, ak)
		return AddrMatch{Any: true}
	case given > 1:
		c.errAt(path+"."+pk, "give only one of %s, %s and %s", sk, pk, ak)
		return AddrMatch{Any: true}
	}
	if len(asgs) > 0 {
		for j, g := range asgs {
			if !c.t.asgs[g] {
				c.errAt(fmt.Sprintf("%s.%s[%d]", path, ak, j), "unknown application security group %q", g)
			}
		}
		if len(asgs) > 1 {
			c.errAt(path+"."+ak, "a rule can name only one application security group per side, not %d", len(asgs))
		}
		return AddrMatch{ASG: asgs[0], Text: strings.Join(asgs, ",")}
	}
	items := plural
	keyOf := func(j int) string { return fmt.Sprintf("%s.%s[%d]", path, pk, j) }
	if single != "" {
		items = []string{single}
		keyOf = func(int) string { return path + "." + sk }
	}
	var prefixes []netip.Prefix
	var tags []string
	for j, it := range items {
		it = strings.TrimSpace(it)
		if it == "*" || strings.EqualFold(it, "any") || it == "0.0.0.0/0" {
			m.Any = true
			continue
		}
		if p, ok := parsePrefixOrAddr(it); ok {
			prefixes = append(prefixes, p)
			continue
		}
		if looksLikeAddress(it) {
			c.errAt(keyOf(j), "%q is not a valid IP address or CIDR", it)
			continue
		}
		name, ok := c.t.CanonicalTag(it)
		if !ok {
			c.errAt(keyOf(j), "unknown service tag %q", it)
			continue
		}
		tags = append(tags, name)
		c.useTag(name)
	}
	if len(tags) > 1 || (len(tags) == 1 && (len(prefixes) > 0 || m.Any)) {
		c.errAt(path+"."+pk, "a rule can hold only one service tag per side and nothing else beside it (found %s)", strings.Join(items, ", "))
	}
	m.Text = strings.Join(items, ",")
	if len(tags) == 1 {
		m.Tag = tags[0]
		return m
	}
	m.Prefixes = NewPrefixSet(prefixes)
	return m
}

// useTag builds the set of a file tag now, at load time, so that traces only read.
func (c *compiler) useTag(name string) {
	if _, computed := computedTags[strings.ToLower(name)]; computed {
		c.t.noteTag(name)
		return
	}
	if st, ok := c.tags.Lookup(name); ok {
		if _, done := c.t.tagSets[strings.ToLower(name)]; !done {
			c.t.tagSets[strings.ToLower(name)] = st.Set()
		}
		c.t.noteTag(name)
		c.t.noteTag(st.Name)
	}
}

func parsePrefixOrAddr(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return unmapPrefix(p), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// looksLikeAddress reports whether s is meant as an address (digits, dots,
// colons and a slash) rather than a tag name.
func looksLikeAddress(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == '/' || r == ':' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return strings.ContainsAny(s, "./:")
}

func (c *compiler) parsePorts(path, side, single string, plural []string) PortSet {
	sk, pk := side+"PortRange", side+"PortRanges"
	if single != "" && len(plural) > 0 {
		c.errAt(path+"."+pk, "give only one of %s and %s", sk, pk)
	}
	items, key := plural, path+"."+pk
	if single != "" {
		items, key = []string{single}, path+"."+sk
	}
	if len(items) == 0 {
		c.errAt(path+"."+sk, "missing: give %s or %s (\"*\" for any)", sk, pk)
		return AllPorts
	}
	var out PortSet
	for j, it := range items {
		rs, err := ParsePortRanges(it)
		if err != nil {
			k := key
			if single == "" {
				k = fmt.Sprintf("%s[%d]", key, j)
			}
			c.errAt(k, "%q: want *, a port 0-65535, a range lo-hi or a comma list", it)
			continue
		}
		for _, r := range rs {
			out = out.Add(r)
		}
	}
	return out
}

var userHopTypes = map[string]string{
	"virtualappliance":      HopAppliance,
	"virtualnetworkgateway": HopGateway,
	"vnetlocal":             HopVnetLocal,
	"internet":              HopInternet,
	"none":                  HopNone,
}

func (c *compiler) compileRouteTables() {
	for i := range c.sc.RouteTables {
		rs := &c.sc.RouteTables[i]
		path := fmt.Sprintf("routeTables[%d]", i)
		if rs.Name == "" {
			c.errAt(path, "missing name")
			continue
		}
		if c.t.rts[rs.Name] != nil {
			c.errAt(path+".name", "duplicate route table %q", rs.Name)
			continue
		}
		rt := &RouteTable{Name: rs.Name, DisableBgpRoutePropagation: rs.DisableBgpRoutePropagation}
		seen := map[string]bool{}
		seenPrefix := map[string]string{}
		for j, r := range rs.Routes {
			rp := fmt.Sprintf("%s.routes[%d]", path, j)
			if r.Name == "" {
				c.errAt(rp, "missing name")
			} else if seen[r.Name] {
				c.errAt(rp+".name", "duplicate route name %q in %s", r.Name, rs.Name)
			}
			seen[r.Name] = true
			ur := &UserRoute{Name: r.Name, Path: rp}
			if p, ok := parsePrefixOrAddr(r.AddressPrefix); ok && strings.Contains(r.AddressPrefix, "/") {
				ur.Prefix = p
			} else if r.AddressPrefix == "" {
				c.errAt(rp+".addressPrefix", "missing")
			} else if looksLikeAddress(r.AddressPrefix) {
				c.errAt(rp+".addressPrefix", "%q is not a valid CIDR", r.AddressPrefix)
			} else if name, ok := c.tags.Lookup(r.AddressPrefix); ok {
				ur.Tag = name.Name
			} else {
				c.errAt(rp+".addressPrefix", "unknown service tag %q", r.AddressPrefix)
			}
			if key := strings.ToLower(r.AddressPrefix); key != "" {
				if prev, dup := seenPrefix[key]; dup {
					c.errAt(rp+".addressPrefix", "route %q already uses prefix %s in %s", prev, r.AddressPrefix, rs.Name)
				}
				seenPrefix[key] = r.Name
			}
			hop, ok := userHopTypes[strings.ToLower(r.NextHopType)]
			if !ok {
				c.errAt(rp+".nextHopType", "%q: want VirtualAppliance, VirtualNetworkGateway, VnetLocal, Internet or None", r.NextHopType)
			}
			ur.NextHopType = hop
			switch {
			case hop == HopAppliance && r.NextHopIPAddress == "":
				c.errAt(rp+".nextHopIpAddress", "missing: a VirtualAppliance route needs nextHopIpAddress")
			case hop == HopAppliance:
				a, err := netip.ParseAddr(r.NextHopIPAddress)
				if err != nil {
					c.errAt(rp+".nextHopIpAddress", "%q is not a valid IP address", r.NextHopIPAddress)
				}
				ur.NextHopIP = a.Unmap()
			case r.NextHopIPAddress != "" && ok:
				c.errAt(rp+".nextHopIpAddress", "only a VirtualAppliance route has a next hop IP address, not %s", hop)
			}
			rt.Routes = append(rt.Routes, ur)
		}
		c.t.rts[rs.Name] = rt
		c.t.RouteTables = append(c.t.RouteTables, rt)
	}
}

func (c *compiler) compileNATs() {
	for i, ns := range c.sc.NATGateways {
		path := fmt.Sprintf("natGateways[%d]", i)
		if ns.Name == "" {
			c.errAt(path, "missing name")
			continue
		}
		if c.t.nats[ns.Name] != nil {
			c.errAt(path+".name", "duplicate NAT gateway %q", ns.Name)
			continue
		}
		if len(ns.PublicIPAddresses) > 16 {
			c.errAt(path+".publicIpAddresses", "a NAT gateway holds at most 16 public IPs, not %d", len(ns.PublicIPAddresses))
		}
		n := &NATGateway{Name: ns.Name}
		for j, s := range ns.PublicIPAddresses {
			a, err := netip.ParseAddr(s)
			if err != nil {
				c.errAt(fmt.Sprintf("%s.publicIpAddresses[%d]", path, j), "%q is not a valid IP address", s)
				continue
			}
			n.PublicIPs = append(n.PublicIPs, a.Unmap())
		}
		c.t.nats[ns.Name] = n
		c.t.NATGateways = append(c.t.NATGateways, n)
	}
}

var policyValues = map[string]string{
	"":                            "Disabled",
	"disabled":                    "Disabled",
	"enabled":                     "Enabled",
	"networksecuritygroupenabled": "NetworkSecurityGroupEnabled",
	"routetableenabled":           "RouteTableEnabled",
}

func (c *compiler) compileVNets() {
	type placed struct {
		p    netip.Prefix
		path string
		name string
	}
	for i := range c.sc.VNets {
		vs := &c.sc.VNets[i]
		path := fmt.Sprintf("vnets[%d]", i)
		if vs.Name == "" {
			c.errAt(path, "missing name")
			continue
		}
		if c.t.vnets[vs.Name] != nil {
			c.errAt(path+".name", "duplicate VNet %q", vs.Name)
			continue
		}
		v := &VNet{Name: vs.Name, Region: strings.ToLower(vs.Region), Subscription: vs.Subscription, Path: path, index: len(c.t.VNets), nicAt: map[netip.Addr]*NIC{}}
		if v.Region == "" {
			v.Region = c.t.Region
		}
		if len(vs.AddressSpace) == 0 {
			c.errAt(path+".addressSpace", "missing: a VNet needs at least one address range")
		}
		for j, s := range vs.AddressSpace {
			p, err := netip.ParsePrefix(s)
			kp := fmt.Sprintf("%s.addressSpace[%d]", path, j)
			if err != nil {
				c.errAt(kp, "%q is not a valid CIDR", s)
				continue
			}
			if p != p.Masked() {
				c.errAt(kp, "%q has host bits set; the range is %s", s, p.Masked())
				continue
			}
			for _, q := range v.AddressSpace {
				if q.Overlaps(p) {
					c.errAt(kp, "%s overlaps %s in the same VNet", p, q)
				}
			}
			v.AddressSpace = append(v.AddressSpace, unmapPrefix(p))
		}
		v.space = NewPrefixSet(v.AddressSpace)
		for j, ds := range vs.DNSServers {
			a, err := netip.ParseAddr(ds)
			if err != nil {
				c.errAt(fmt.Sprintf("%s.dnsServers[%d]", path, j), "%q is not a valid IP address", ds)
				continue
			}
			v.DNSServers = append(v.DNSServers, a.Unmap())
		}
		var placedSubnets []placed
		var sp []netip.Prefix
		var sv []*Subnet
		for j := range vs.Subnets {
			ss := &vs.Subnets[j]
			sp0 := fmt.Sprintf("%s.subnets[%d]", path, j)
			if ss.Name == "" {
				c.errAt(sp0, "missing name")
				continue
			}
			id := vs.Name + "/" + ss.Name
			if c.t.subnets[id] != nil {
				c.errAt(sp0+".name", "duplicate subnet %q in VNet %s", ss.Name, vs.Name)
				continue
			}
			s := &Subnet{Name: ss.Name, VNet: v, ServiceEndpoints: ss.ServiceEndpoints, Delegations: ss.Delegations, DefaultOutboundAccess: true, Path: sp0, id: v.Name + "/" + ss.Name}
			if ss.DefaultOutboundAccess != nil {
				s.DefaultOutboundAccess = *ss.DefaultOutboundAccess
			}
			p, err := netip.ParsePrefix(ss.AddressPrefix)
			switch {
			case ss.AddressPrefix == "":
				c.errAt(sp0+".addressPrefix", "missing")
			case err != nil:
				c.errAt(sp0+".addressPrefix", "%q is not a valid CIDR", ss.AddressPrefix)
			case p != p.Masked():
				c.errAt(sp0+".addressPrefix", "%q has host bits set; the range is %s", ss.AddressPrefix, p.Masked())
			case p.Addr().Is4() && p.Bits() > 29:
				c.errAt(sp0+".addressPrefix", "%s is smaller than /29, the smallest subnet Azure allows", p)
			default:
				inside := false
				for _, q := range v.AddressSpace {
					if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
						inside = true
					}
				}
				if !inside {
					c.errAt(sp0+".addressPrefix", "%s is outside the address space of VNet %s (%s)", p, vs.Name, joinPrefixes(v.AddressSpace))
				}
				for _, o := range placedSubnets {
					if o.p.Overlaps(p) {
						c.errAt(sp0+".addressPrefix", "%s overlaps subnet %s (%s)", p, o.name, o.p)
					}
				}
				placedSubnets = append(placedSubnets, placed{p, sp0, ss.Name})
				s.Prefix = p
				sp = append(sp, p)
				sv = append(sv, s)
			}
			if ss.NetworkSecurityGroup != "" {
				if s.NSG = c.t.nsgs[ss.NetworkSecurityGroup]; s.NSG == nil {
					c.errAt(sp0+".networkSecurityGroup", "unknown network security group %q", ss.NetworkSecurityGroup)
				}
			}
			if ss.RouteTable != "" {
				if s.RouteTable = c.t.rts[ss.RouteTable]; s.RouteTable == nil {
					c.errAt(sp0+".routeTable", "unknown route table %q", ss.RouteTable)
				}
			}
			if ss.NATGateway != "" {
				if s.NATGateway = c.t.nats[ss.NATGateway]; s.NATGateway == nil {
					c.errAt(sp0+".natGateway", "unknown NAT gateway %q", ss.NATGateway)
				} else if ss.Name == "GatewaySubnet" {
					c.errAt(sp0+".natGateway", "a NAT gateway can't be attached to GatewaySubnet")
				}
			}
			pol, ok := policyValues[strings.ToLower(ss.PrivateEndpointNetworkPolicies)]
			if !ok {
				c.errAt(sp0+".privateEndpointNetworkPolicies", "%q: want Disabled, Enabled, NetworkSecurityGroupEnabled or RouteTableEnabled", ss.PrivateEndpointNetworkPolicies)
			}
			s.PrivateEndpointNetworkPolicies = pol
			for k, se := range ss.ServiceEndpoints {
				if _, ok := serviceEndpointTags[strings.ToLower(se)]; !ok {
					c.errAt(fmt.Sprintf("%s.serviceEndpoints[%d]", sp0, k), "unknown service endpoint %q", se)
				}
			}
			c.t.subnets[id] = s
			v.Subnets = append(v.Subnets, s)
		}
		v.subnetAt = NewPrefixMap(sp, sv)
		c.t.vnets[vs.Name] = v
		c.t.VNets = append(c.t.VNets, v)
	}
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

func (c *compiler) compilePeerings() {
	byPair := map[[2]string]*Peering{}
	for i, ps := range c.sc.Peerings {
		path := fmt.Sprintf("peerings[%d]", i)
		from, to := c.t.vnets[ps.From], c.t.vnets[ps.To]
		if ps.From == "" {
			c.errAt(path+".from", "missing")
		} else if from == nil {
			c.errAt(path+".from", "unknown VNet %q", ps.From)
		}
		if ps.To == "" {
			c.errAt(path+".to", "missing")
		} else if to == nil {
			c.errAt(path+".to", "unknown VNet %q", ps.To)
		}
		if from == nil || to == nil {
			continue
		}
		if from == to {
			c.errAt(path+".to", "a VNet can't peer with itself")
			continue
		}
		key := [2]string{ps.From, ps.To}
		if byPair[key] != nil {
			c.errAt(path, "duplicate peering from %s to %s", ps.From, ps.To)
			continue
		}
		for _, a := range from.AddressSpace {
			for _, b := range to.AddressSpace {
				if a.Overlaps(b) {
					c.errAt(path, "VNets %s (%s) and %s (%s) overlap and can't be peered", ps.From, a, ps.To, b)
				}
			}
		}
		p := &Peering{Name: ps.Name, From: from, To: to, AllowVirtualNetworkAccess: true, AllowForwardedTraffic: ps.AllowForwardedTraffic,
			AllowGatewayTransit: ps.AllowGatewayTransit, UseRemoteGateways: ps.UseRemoteGateways}
		if p.Name == "" {
			p.Name = ps.From + "-to-" + ps.To
		}
		if ps.AllowVirtualNetworkAccess != nil {
			p.AllowVirtualNetworkAccess = *ps.AllowVirtualNetworkAccess
		}
		byPair[key] = p
		from.Peerings = append(from.Peerings, p)
		c.t.Peerings = append(c.t.Peerings, p)
	}
	for k, p := range byPair {
		if r := byPair[[2]string{k[1], k[0]}]; r != nil {
			p.Reverse = r
		}
	}
}

func (c *compiler) compileGateways() {
	for i, gs := range c.sc.VirtualNetworkGateways {
		path := fmt.Sprintf("virtualNetworkGateways[%d]", i)
		if !c.claim(path+".name", gs.Name, "virtual network gateway") {
			continue
		}
		v := c.t.vnets[gs.VNet]
		if v == nil {
			c.errAt(path+".vnet", "unknown VNet %q", gs.VNet)
			continue
		}
		g := &Gateway{Name: gs.Name, VNet: v}
		switch strings.ToLower(gs.GatewayType) {
		case "vpn", "":
			g.Type = "Vpn"
		case "expressroute":
			g.Type = "ExpressRoute"
		default:
			c.errAt(path+".gatewayType", "%q: want Vpn or ExpressRoute", gs.GatewayType)
		}
		if v.Gateway != nil {
			c.errAt(path+".vnet", "VNet %s already has gateway %s; vnetsim models one gateway per VNet", v.Name, v.Gateway.Name)
			continue
		}
		gsub := c.t.subnets[v.Name+"/GatewaySubnet"]
		if gsub == nil {
			c.errAt(path+".vnet", "VNet %s has no subnet named GatewaySubnet for the gateway", v.Name)
			continue
		}
		for j, s := range gs.OnPremisesAddressPrefixes {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				c.errAt(fmt.Sprintf("%s.onPremisesAddressPrefixes[%d]", path, j), "%q is not a valid CIDR", s)
				continue
			}
			g.OnPremises = append(g.OnPremises, unmapPrefix(p))
		}
		g.onPrem = NewPrefixSet(g.OnPremises)
		g.IP = c.allocate(gsub, netip.Addr{}, path, g.Name)
		nic := &NIC{Name: g.Name, Kind: KindGateway, Subnet: gsub, IP: g.IP, ASGs: map[string]bool{}, IPForwarding: true}
		c.addNIC(nic)
		g.NIC = nic
		g.Hosts = map[string]netip.Addr{}
		for j, h := range gs.OnPremisesHosts {
			hp := fmt.Sprintf("%s.onPremisesHosts[%d]", path, j)
			a, err := netip.ParseAddr(h.IPAddress)
			if err != nil {
				c.errAt(hp+".ipAddress", "%q is not a valid IP address", h.IPAddress)
				continue
			}
			if !g.onPrem.Contains(a) {
				c.errAt(hp+".ipAddress", "%s is outside the gateway's onPremisesAddressPrefixes", a)
				continue
			}
			if c.claim(hp+".name", h.Name, "on-premises host") {
				g.Hosts[h.Name] = a.Unmap()
			}
		}
		v.Gateway = g
		c.t.gateways[g.Name] = g
		c.t.Gateways = append(c.t.Gateways, g)
	}
	// Gateway transit rules (PEERMG-18, SDK).
	for i, ps := range c.sc.Peerings {
		path := fmt.Sprintf("peerings[%d]", i)
		if !ps.UseRemoteGateways {
			continue
		}
		from, to := c.t.vnets[ps.From], c.t.vnets[ps.To]
		if from == nil || to == nil {
			continue
		}
		if from.Gateway != nil {
			c.errAt(path+".useRemoteGateways", "VNet %s has its own gateway %s and can't use remote gateways", from.Name, from.Gateway.Name)
		}
		if to.Gateway == nil {
			c.errAt(path+".useRemoteGateways", "VNet %s has no gateway to use", to.Name)
		}
		rev := false
		for _, p := range to.Peerings {
			if p.To == from && p.AllowGatewayTransit {
				rev = true
			}
		}
		if !rev {
			c.errAt(path+".useRemoteGateways", "the peering from %s back to %s must set allowGatewayTransit", to.Name, from.Name)
		}
		n := 0
		for _, p := range from.Peerings {
			if p.UseRemoteGateways {
				n++
			}
		}
		if n > 1 {
			c.errAt(path+".useRemoteGateways", "only one peering of VNet %s can use remote gateways", from.Name)
		}
	}
}

// allocate reserves an address in subnet s: the static one when given, else
// the next free address from .4 (Azure reserves the first four and the last).
func (c *compiler) allocate(s *Subnet, static netip.Addr, path, owner string) netip.Addr {
	used := c.alloc[s]
	if used == nil {
		used = map[netip.Addr]string{}
		c.alloc[s] = used
	}
	if static.IsValid() {
		if prev, ok := used[static]; ok {
			c.errAt(path, "%s is already used by %s", static, prev)
		}
		used[static] = owner
		return static
	}
	last := netipx.PrefixLastIP(s.Prefix)
	for a := s.FirstUsable(); s.Prefix.Contains(a) && a != last; a = a.Next() {
		if _, ok := used[a]; !ok {
			used[a] = owner
			return a
		}
	}
	c.errAt(path, "subnet %s has no free address left", s.ID())
	return netip.Addr{}
}

// staticIP checks a static private IP: inside its subnet and not one of the
// five addresses Azure reserves.
func (c *compiler) staticIP(s *Subnet, text, path string) (netip.Addr, bool) {
	if text == "" {
		return netip.Addr{}, true
	}
	a, err := netip.ParseAddr(text)
	if err != nil {
		c.errAt(path, "%q is not a valid IP address", text)
		return netip.Addr{}, false
	}
	a = a.Unmap()
	if !s.Prefix.Contains(a) {
		c.errAt(path, "%s is outside subnet %s (%s)", a, s.ID(), s.Prefix)
		return netip.Addr{}, false
	}
	if a.Less(s.FirstUsable()) || a == netipx.PrefixLastIP(s.Prefix) {
		c.errAt(path, "%s is one of the five addresses Azure reserves in %s (the first four and the last)", a, s.Prefix)
		return netip.Addr{}, false
	}
	return a, true
}

func (c *compiler) subnetRef(path, ref string) *Subnet {
	if ref == "" {
		c.errAt(path, "missing: give vnet/subnet")
		return nil
	}
	if !strings.Contains(ref, "/") {
		c.errAt(path, "%q: give the subnet as vnet/subnet", ref)
		return nil
	}
	s := c.t.subnets[ref]
	if s == nil {
		v, _, _ := strings.Cut(ref, "/")
		if c.t.vnets[v] == nil {
			c.errAt(path, "unknown VNet %q in %q", v, ref)
		} else {
			c.errAt(path, "unknown subnet %q", ref)
		}
		return nil
	}
	if !s.Prefix.IsValid() {
		return nil
	}
	return s
}

func (c *compiler) addNIC(n *NIC) {
	if !n.IP.IsValid() {
		return
	}
	n.Subnet.VNet.nicAt[n.IP] = n
	c.t.nics[n.Name] = n
	c.t.NICs = append(c.t.NICs, n)
	if n.PublicIP.IsValid() {
		c.t.publicIPs[n.PublicIP] = n
	}
}

// publicIPFor gives a NIC without an explicit public address one from its
// region's AzureCloud range, so that it is an Azure-owned public IP.
func (c *compiler) publicIPFor(region string) netip.Addr {
	st, ok := c.tags.Lookup("AzureCloud." + region)
	if !ok {
		st, ok = c.tags.Lookup("AzureCloud")
	}
	if !ok {
		return netip.MustParseAddr("20.0.0.1")
	}
	for _, p := range st.Prefixes() {
		if !p.Addr().Is4() || p.Bits() > 24 {
			continue
		}
		a := p.Addr()
		for i := 0; i < 100+len(c.t.publicIPs); i++ {
			a = a.Next()
		}
		if p.Contains(a) && c.t.publicIPs[a] == nil {
			return a
		}
	}
	return netip.MustParseAddr("20.0.0.1")
}

func (c *compiler) compileNICs() {
	type pending struct {
		nic    *NIC
		static netip.Addr
		path   string
	}
	var all []pending
	asgVNet := map[string]*VNet{}
	for i := range c.sc.VMs {
		vs := &c.sc.VMs[i]
		path := fmt.Sprintf("vms[%d]", i)
		if !c.claim(path+".name", vs.Name, "VM") {
			continue
		}
		s := c.subnetRef(path+".subnet", vs.Subnet)
		if s == nil {
			continue
		}
		n := &NIC{Name: vs.Name, Kind: KindVM, Subnet: s, IPForwarding: vs.EnableIPForwarding, ASGs: map[string]bool{}}
		c.vmNICs[vs.Name] = n
		c.t.VMs = append(c.t.VMs, n)
		if vs.Appliance != nil {
			n.Appliance = c.compileAppliance(path+".appliance", vs.Appliance, vs.EnableIPForwarding)
		}
		if vs.NetworkSecurityGroup != "" {
			if n.NSG = c.t.nsgs[vs.NetworkSecurityGroup]; n.NSG == nil {
				c.errAt(path+".networkSecurityGroup", "unknown network security group %q", vs.NetworkSecurityGroup)
			}
		}
		for j, g := range vs.ApplicationSecurityGroups {
			gp := fmt.Sprintf("%s.applicationSecurityGroups[%d]", path, j)
			if !c.t.asgs[g] {
				c.errAt(gp, "unknown application security group %q", g)
				continue
			}
			if v, ok := asgVNet[g]; ok && v != s.VNet {
				c.errAt(gp, "application security group %s already has members in VNet %s; all its NICs must be in one VNet", g, v.Name)
			}
			asgVNet[g] = s.VNet
			n.ASGs[g] = true
		}
		if pip := vs.PublicIPAddress; pip != nil {
			switch strings.ToLower(pip.SKU) {
			case "standard", "":
				n.PublicIPSKU = "Standard"
			case "basic":
				c.errAt(path+".publicIpAddress.sku", "Basic public IPs were retired on 30 September 2025; use Standard")
			default:
				c.errAt(path+".publicIpAddress.sku", "%q: want Standard", pip.SKU)
			}
			if pip.IPAddress != "" {
				a, err := netip.ParseAddr(pip.IPAddress)
				if err != nil || IsPrivate(a) {
					c.errAt(path+".publicIpAddress.ipAddress", "%q is not a public IP address", pip.IPAddress)
				} else {
					n.PublicIP = a.Unmap()
				}
			} else {
				n.PublicIP = c.publicIPFor(s.VNet.Region)
				c.t.publicIPs[n.PublicIP] = n
			}
		}
		static, ok := c.staticIP(s, vs.PrivateIPAddress, path+".privateIpAddress")
		if !ok {
			continue
		}
		all = append(all, pending{n, static, path + ".privateIpAddress"})
	}
	for i := range c.sc.PrivateEndpoints {
		ps := &c.sc.PrivateEndpoints[i]
		path := fmt.Sprintf("privateEndpoints[%d]", i)
		if !c.claim(path+".name", ps.Name, "private endpoint") {
			continue
		}
		s := c.subnetRef(path+".subnet", ps.Subnet)
		svc := c.t.services[ps.Service]
		if ps.Service == "" {
			c.errAt(path+".service", "missing")
		} else if svc == nil {
			c.errAt(path+".service", "unknown service %q", ps.Service)
		}
		if s == nil || svc == nil {
			continue
		}
		gid := strings.ToLower(ps.GroupID)
		if groups := serviceGroups[svc.Type]; !slices.Contains(groups, gid) {
			c.errAt(path+".groupId", "%q is not a sub-resource of %s; want one of %s", ps.GroupID, svc.Type, strings.Join(groups, ", "))
		}
		ep := &PrivateEndpoint{Name: ps.Name, Service: svc, GroupID: gid, Zones: ps.PrivateDNSZoneGroup, Path: path}
		n := &NIC{Name: ps.Name, Kind: KindPrivateEndpoint, Subnet: s, ASGs: map[string]bool{}, PrivateEndpoint: ep}
		ep.NIC = n
		static, ok := c.staticIP(s, ps.PrivateIPAddress, path+".privateIpAddress")
		if !ok {
			continue
		}
		svc.PrivateEndpoints = append(svc.PrivateEndpoints, ep)
		c.t.PrivateEndpoints = append(c.t.PrivateEndpoints, ep)
		all = append(all, pending{n, static, path + ".privateIpAddress"})
	}
	if ml := c.sc.MachineLearning; ml != nil {
		c.compileML(ml, func(n *NIC, path string) { all = append(all, pending{n, netip.Addr{}, path}) })
	}
	// Static addresses first, then dynamic ones in file order, as Azure
	// would hand them out.
	for _, p := range all {
		if p.static.IsValid() {
			p.nic.IP = c.allocate(p.nic.Subnet, p.static, p.path, p.nic.Name)
		}
	}
	for _, p := range all {
		if !p.static.IsValid() {
			p.nic.IP = c.allocate(p.nic.Subnet, netip.Addr{}, p.path, p.nic.Name)
		}
		c.addNIC(p.nic)
	}
	for name, n := range c.aliases {
		c.t.nics[name] = n
	}
}

// Service types and their private endpoint sub-resources.
const (
	TypeWorkspace = "Microsoft.MachineLearningServices/workspaces"
	TypeStorage   = "Microsoft.Storage/storageAccounts"
	TypeKeyVault  = "Microsoft.KeyVault/vaults"
	TypeRegistry  = "Microsoft.ContainerRegistry/registries"
	TypeInsights  = "Microsoft.Insights/components"
	// TypeMonitorScope is an Azure Monitor Private Link Scope (AMPLS).
	TypeMonitorScope = "Microsoft.Insights/privateLinkScopes"
)

var serviceGroups = map[string][]string{
	TypeWorkspace:    {"amlworkspace"},
	TypeStorage:      {"blob", "file", "queue", "table", "dfs", "web"},
	TypeKeyVault:     {"vault"},
	TypeRegistry:     {"registry"},
	TypeInsights:     {"azuremonitor"},
	TypeMonitorScope: {"azuremonitor"},
}

// serviceTagOf is the tag whose range holds a service's public endpoint.
func serviceTagOf(typ, region string) string {
	switch typ {
	case TypeWorkspace:
		return "AzureMachineLearning." + region
	case TypeStorage:
		return "Storage." + region
	case TypeKeyVault:
		return "AzureKeyVault." + region
	case TypeRegistry:
		return "AzureContainerRegistry." + region
	case TypeInsights, TypeMonitorScope:
		return "AzureMonitor." + region
	}
	return "AzureCloud." + region
}

func (c *compiler) compileServices() {
	perTag := map[string]int{}
	for i := range c.sc.Services {
		ss := &c.sc.Services[i]
		path := fmt.Sprintf("services[%d]", i)
		if !c.claim(path+".name", ss.Name, "service") {
			continue
		}
		typ := ""
		for k := range serviceGroups {
			if strings.EqualFold(k, ss.Type) {
				typ = k
			}
		}
		if typ == "" {
			c.errAt(path+".type", "%q is not a service type vnetsim models; want one of %s", ss.Type, strings.Join(slices.Sorted(maps.Keys(serviceGroups)), ", "))
			continue
		}
		svc := &Service{Name: ss.Name, Path: path, Type: typ, Region: strings.ToLower(ss.Region), Subscription: ss.Subscription, WorkspaceID: strings.ToLower(ss.WorkspaceID), PublicNetworkAccess: "Enabled"}
		if svc.Region == "" {
			svc.Region = c.t.Region
		}
		switch strings.ToLower(ss.PublicNetworkAccess) {
		case "", "enabled":
		case "disabled":
			svc.PublicNetworkAccess = "Disabled"
		default:
			c.errAt(path+".publicNetworkAccess", "%q: want Enabled or Disabled", ss.PublicNetworkAccess)
		}
		if typ == TypeWorkspace && ss.WorkspaceID == "" {
			svc.WorkspaceID = fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1)
		}
		if a := ss.NetworkACLs; a != nil {
			acl := &ServiceACLs{DefaultAction: "Allow", Bypass: a.Bypass}
			switch strings.ToLower(a.DefaultAction) {
			case "", "allow":
			case "deny":
				acl.DefaultAction = "Deny"
			default:
				c.errAt(path+".networkAcls.defaultAction", "%q: want Allow or Deny", a.DefaultAction)
			}
			for j, ref := range a.VirtualNetworkRules {
				key := fmt.Sprintf("%s.networkAcls.virtualNetworkRules[%d]", path, j)
				s := c.subnetRef(key, ref)
				if s == nil {
					continue
				}
				if se := serviceEndpointFor[typ]; se != "" && !a.IgnoreMissingVnetServiceEndpoint && !hasServiceEndpoint(s, se) {
					c.errAt(key, "subnet %s does not enable service endpoint %s, which a virtual network rule needs (or set ignoreMissingVnetServiceEndpoint: true)", s.ID(), se)
				}
				acl.Subnets = append(acl.Subnets, s)
			}
			for j, r := range a.IPRules {
				p, ok := parsePrefixOrAddr(r)
				if !ok {
					c.errAt(fmt.Sprintf("%s.networkAcls.ipRules[%d]", path, j), "%q is not a valid IP address or CIDR", r)
					continue
				}
				acl.IPRules = append(acl.IPRules, p)
			}
			svc.ACLs = acl
		}
		svc.Tag = serviceTagOf(typ, svc.Region)
		if st, ok := c.tags.Lookup(svc.Tag); ok {
			svc.Tag = st.Name
			n := perTag[svc.Tag]
			perTag[svc.Tag]++
			svc.PublicIP = nthTagAddr(st.Prefixes(), n)
			c.useTag(st.Name)
		} else {
			c.errAt(path+".region", "no service tag %s for region %q in the service tags file", svc.Tag, svc.Region)
		}
		if ss.PublicIPAddress != "" {
			a, err := netip.ParseAddr(ss.PublicIPAddress)
			if err != nil || IsPrivate(a) {
				c.errAt(path+".publicIpAddress", "%q is not a public IP address", ss.PublicIPAddress)
			} else {
				svc.PublicIP = a.Unmap()
			}
		}
		c.t.services[ss.Name] = svc
		c.t.Services = append(c.t.Services, svc)
	}
}

// serviceEndpointFor is the service endpoint a virtual network rule of a
// service type relies on.
var serviceEndpointFor = map[string]string{
	TypeStorage:  "Microsoft.Storage",
	TypeKeyVault: "Microsoft.KeyVault",
	TypeRegistry: "Microsoft.ContainerRegistry",
}

func hasServiceEndpoint(s *Subnet, se string) bool {
	for _, x := range s.ServiceEndpoints {
		if strings.EqualFold(x, se) || (strings.EqualFold(se, "Microsoft.Storage") && strings.EqualFold(x, "Microsoft.Storage.Global")) {
			return true
		}
	}
	return false
}

func (c *compiler) compileML(ml *spec.MachineLearning, add func(*NIC, string)) {
	ref := func(key, name, typ string) {
		if name == "" {
			if key == "machineLearning.workspace" {
				c.errAt(key, "missing")
			}
			return
		}
		s := c.t.services[name]
		if s == nil {
			c.errAt(key, "unknown service %q", name)
		} else if s.Type != typ {
			c.errAt(key, "service %s is a %s, not a %s", name, s.Type, typ)
		}
	}
	ref("machineLearning.workspace", ml.Workspace, TypeWorkspace)
	ref("machineLearning.storageAccount", ml.StorageAccount, TypeStorage)
	ref("machineLearning.keyVault", ml.KeyVault, TypeKeyVault)
	ref("machineLearning.containerRegistry", ml.ContainerRegistry, TypeRegistry)
	ref("machineLearning.applicationInsights", ml.ApplicationInsights, TypeInsights)
	m := &MachineLearning{Workspace: c.t.services[ml.Workspace], Storage: c.t.services[ml.StorageAccount],
		KeyVault: c.t.services[ml.KeyVault], Registry: c.t.services[ml.ContainerRegistry], Insights: c.t.services[ml.ApplicationInsights]}
	c.t.ML = m
	for j, ip := range ml.IPAllowList {
		p, ok := parsePrefixOrAddr(ip)
		if !ok || IsPrivate(p.Addr()) {
			c.errAt(fmt.Sprintf("machineLearning.ipAllowList[%d]", j), "%q is not a public IP address or CIDR", ip)
			continue
		}
		m.IPAllowList = append(m.IPAllowList, p)
	}
	// The workspace IP allow list is the workspace's public network rule set.
	if ws := m.Workspace; ws != nil && len(m.IPAllowList) > 0 {
		if ws.ACLs != nil {
			c.errAt("machineLearning.ipAllowList", "give the workspace's network rules either as networkAcls on service %s or as ipAllowList, not both", ws.Name)
		} else {
			ws.ACLs = &ServiceACLs{DefaultAction: "Deny", IPRules: m.IPAllowList}
		}
	}
	for i := range ml.Computes {
		cs := &ml.Computes[i]
		path := fmt.Sprintf("machineLearning.computes[%d]", i)
		if !c.claim(path+".name", cs.Name, "compute") {
			continue
		}
		cp := &Compute{Name: cs.Name, Path: path, PublicIP: true, NodeCommunication: "Simplified", MaxNodes: cs.MaxNodes}
		attached := false
		switch strings.ToLower(cs.Type) {
		case "amlcompute":
			cp.Type = "AmlCompute"
		case "computeinstance":
			cp.Type = "ComputeInstance"
		case "serverless":
			cp.Type = "Serverless"
		case "kubernetes":
			cp.Type = "Kubernetes"
		case "databricks":
			cp.Type = "Databricks"
		case "virtualmachine":
			cp.Type, attached = "VirtualMachine", true
		case "hdinsight":
			cp.Type, attached = "HDInsight", true
		default:
			c.errAt(path+".type", "%q: want AmlCompute, ComputeInstance, Serverless, Kubernetes, Databricks, VirtualMachine or HDInsight", cs.Type)
			continue
		}
		if cs.MaxNodes < 0 {
			c.errAt(path+".maxNodes", "%d is not a node count", cs.MaxNodes)
		}
		if cs.EnableNodePublicIP != nil {
			cp.PublicIP = *cs.EnableNodePublicIP
		}
		switch strings.ToLower(cs.NodeCommunication) {
		case "", "simplified":
		case "classic":
			cp.NodeCommunication = "Classic"
		default:
			c.errAt(path+".nodeCommunication", "%q: want Simplified or Classic", cs.NodeCommunication)
		}
		if cs.Managed {
			continue // synthesizeManaged reported why it could not place it
		}
		if attached {
			// An attached VM or HDInsight head node is a VM of the scenario.
			if cs.Subnet != "" || cs.EnableNodePublicIP != nil || cs.NodeCommunication != "" {
				c.errAt(path, "an attached %s takes its network from vm %q; subnet, enableNodePublicIp and nodeCommunication don't apply", cp.Type, cs.VM)
			}
			n := c.vmNICs[cs.VM]
			if cs.VM == "" {
				c.errAt(path+".vm", "missing: name the VM (in vms) that is attached")
				continue
			} else if n == nil {
				c.errAt(path+".vm", "unknown VM %q", cs.VM)
				continue
			}
			cp.NIC, cp.VM = n, cs.VM
			cp.PublicIP = n.PublicIP.IsValid()
			cp.Region = n.Subnet.VNet.Region
			c.t.computes[cs.Name] = cp
			c.t.Computes = append(c.t.Computes, cp)
			c.aliases[cs.Name] = n
			continue
		}
		if cs.VM != "" {
			c.errAt(path+".vm", "only VirtualMachine and HDInsight computes are attached VMs")
		}
		s := c.subnetRef(path+".subnet", cs.Subnet)
		if s == nil {
			continue
		}
		cp.Region = s.VNet.Region
		if cp.Type == "Kubernetes" || cp.Type == "Databricks" {
			// Their nodes' public addresses are not Azure ML's to manage.
			if cs.EnableNodePublicIP != nil || cs.NodeCommunication != "" {
				c.errAt(path, "enableNodePublicIp and nodeCommunication are Azure ML compute settings; a %s compute takes neither", cp.Type)
			}
			cp.PublicIP = false
		}
		if cs.Region != "" && !strings.EqualFold(cs.Region, s.VNet.Region) {
			c.errAt(path+".region", "%s: a compute is in the region of its VNet (%s)", cs.Region, s.VNet.Region)
		}
		n := &NIC{Name: cs.Name, Kind: KindCompute, Subnet: s, ASGs: map[string]bool{}, Compute: cp}
		if cp.PublicIP {
			n.PublicIPSKU = "Standard"
			n.PublicIP = c.publicIPFor(s.VNet.Region)
			c.t.publicIPs[n.PublicIP] = n
			n.NSG = c.computeNSG(cp)
		}
		cp.NIC = n
		c.t.computes[cs.Name] = cp
		c.t.Computes = append(c.t.Computes, cp)
		add(n, path+".subnet")
	}
	if ml.ImageBuildCompute != "" {
		cp := c.t.computes[ml.ImageBuildCompute]
		switch {
		case cp == nil:
			c.errAt("machineLearning.imageBuildCompute", "unknown compute %q", ml.ImageBuildCompute)
		case cp.Type != "AmlCompute":
			c.errAt("machineLearning.imageBuildCompute", "%s is a %s; images are built on a compute cluster (AmlCompute)", cp.Name, cp.Type)
		default:
			m.ImageBuildCompute = cp
		}
	}
}

// computeNSG is the NSG Azure Machine Learning creates for a compute with a
// public IP, on its network interfaces: it admits TCP 44224 from
// AzureMachineLearning and, in Classic node communication, TCP 29876-29877
// from BatchNodeManagement (seed 000, "...with public IP"; seed 002,
// "Compute clusters & instances"; decision 5). The subnet's NSG must not
// conflict with it.
func (c *compiler) computeNSG(cp *Compute) *NSG {
	name := cp.Name + "-batch-nsg"
	for i := 2; c.t.nsgs[name] != nil; i++ {
		name = fmt.Sprintf("%s-batch-nsg-%d", cp.Name, i)
	}
	nsg := &NSG{Name: name}
	rule := func(rname string, prio int, tag string, lo, hi uint16) {
		c.useTag(tag)
		nsg.Inbound = append(nsg.Inbound, &SecurityRule{Name: rname, NSG: name, Priority: prio, Direction: DirInbound, Allow: true, Protocol: ProtocolTCP,
			Src: AddrMatch{Tag: tag, Text: tag}, Dst: AddrMatch{Any: true, Text: "*"}, SrcPorts: AllPorts, DstPorts: PortSet{{lo, hi}}})
	}
	rule("AzureMachineLearningInbound", 100, "AzureMachineLearning", 44224, 44224)
	if cp.NodeCommunication == "Classic" {
		rule("BatchNodeManagementInbound", 110, "BatchNodeManagement", 29876, 29877)
	}
	in, out := defaultRules(name)
	nsg.Inbound = append(nsg.Inbound, in...)
	nsg.Outbound = out
	nsg.buildIndex()
	c.t.nsgs[name] = nsg
	c.t.NSGs = append(c.t.NSGs, nsg)
	return nsg
}

var resolutionPolicies = map[string]string{"": "Default", "default": "Default", "nxdomainredirect": "NxDomainRedirect"}

func (c *compiler) compileZones() {
	seen := map[string]bool{}
	registration := map[string]string{}
	for i, zs := range c.sc.PrivateDNSZones {
		path := fmt.Sprintf("privateDnsZones[%d]", i)
		name := strings.ToLower(strings.TrimSuffix(zs.Name, "."))
		if name == "" {
			c.errAt(path, "missing name")
			continue
		}
		if seen[name] {
			c.errAt(path+".name", "duplicate private DNS zone %q", zs.Name)
		}
		seen[name] = true
		zone := &DNSZone{Name: name, Path: path}
		c.t.DNSZones = append(c.t.DNSZones, zone)
		linked := map[string]bool{}
		for j, l := range zs.VirtualNetworkLinks {
			lp := fmt.Sprintf("%s.virtualNetworkLinks[%d]", path, j)
			if c.t.vnets[l.VNet] == nil {
				c.errAt(lp+".vnet", "unknown VNet %q", l.VNet)
				continue
			}
			if linked[l.VNet] {
				c.errAt(lp+".vnet", "zone %s already has a link to VNet %s", zs.Name, l.VNet)
			}
			linked[l.VNet] = true
			if _, ok := resolutionPolicies[strings.ToLower(l.ResolutionPolicy)]; !ok {
				c.errAt(lp+".resolutionPolicy", "%q: want Default or NxDomainRedirect", l.ResolutionPolicy)
			}
			if l.RegistrationEnabled {
				if prev, ok := registration[l.VNet]; ok {
					c.errAt(lp+".registrationEnabled", "VNet %s already has registration zone %s; a VNet has exactly one", l.VNet, prev)
				}
				registration[l.VNet] = zs.Name
			}
			zone.Links = append(zone.Links, ZoneLink{VNet: c.t.vnets[l.VNet], Registration: l.RegistrationEnabled, NxDomainRedirect: strings.EqualFold(l.ResolutionPolicy, "NxDomainRedirect")})
		}
		for j, r := range zs.Records {
			rp := fmt.Sprintf("%s.records[%d]", path, j)
			rec := DNSRecord{Name: recordName(r.Name, name), Label: r.Name, Type: strings.ToUpper(r.Type), TTL: r.TTL}
			if rec.Label == "" {
				rec.Label = "@"
			}
			switch rec.Type {
			case "A", "AAAA":
				for k, v := range r.Values {
					a, err := netip.ParseAddr(v)
					if err != nil {
						c.errAt(fmt.Sprintf("%s.values[%d]", rp, k), "%q is not a valid IP address", v)
						continue
					}
					rec.Addrs = append(rec.Addrs, a.Unmap())
				}
				zone.Records = append(zone.Records, rec)
			case "CNAME":
				if len(r.Values) != 1 {
					c.errAt(rp+".values", "a CNAME record holds exactly one name")
				} else {
					rec.Target = CanonicalName(r.Values[0])
				}
				zone.Records = append(zone.Records, rec)
			default:
				c.errAt(rp+".type", "%q: want A, AAAA or CNAME", r.Type)
			}
		}
	}
	for i, ps := range c.sc.PrivateEndpoints {
		for j, z := range ps.PrivateDNSZoneGroup {
			if !seen[strings.ToLower(strings.TrimSuffix(z, "."))] {
				c.errAt(fmt.Sprintf("privateEndpoints[%d].privateDnsZoneGroup[%d]", i, j), "unknown private DNS zone %q", z)
			}
		}
	}
}

func (c *compiler) compileVariants() {
	seen := map[string]bool{}
	for i, v := range c.sc.Variants {
		path := fmt.Sprintf("variants[%d]", i)
		switch {
		case v.Name == "":
			c.errAt(path, "missing name")
		case strings.ContainsAny(v.Name, "#/ "):
			c.errAt(path+".name", "%q: a variant name can't hold #, / or spaces", v.Name)
		case seen[v.Name]:
			c.errAt(path+".name", "duplicate variant %q", v.Name)
		}
		seen[v.Name] = true
	}
}

func (c *compiler) compileExpectations() {
	for i, es := range c.sc.Expectations {
		path := fmt.Sprintf("expectations[%d]", i)
		e := &Expectation{Name: es.Name, From: es.From, To: es.To, Protocol: es.Protocol, Port: es.Port, Intent: es.Intent,
			Compute: es.Compute, Client: es.Client, Expect: es.Expect, Reason: es.Reason, Index: i, line: es.Line()}
		if e.line == 0 {
			e.line = c.doc.Line(path)
		}
		if es.Reach != nil {
			c.compileReach(path, &es, e)
			c.t.Expectations = append(c.t.Expectations, e)
			continue
		}
		switch es.Expect {
		case "allowed", "denied":
		case "":
			c.errAt(path+".expect", "missing: want allowed or denied (or reach: none | only: [...])")
		default:
			c.errAt(path+".expect", "%q: want allowed or denied", es.Expect)
		}
		if es.Intent != "" {
			if es.From != "" || es.To != "" || es.Protocol != "" || es.Port != 0 {
				c.errAt(path+".intent", "an intent expectation names an intent, a compute and a client, not from, to, protocol or port")
			}
			c.t.Expectations = append(c.t.Expectations, e)
			continue
		}
		if es.Compute != "" || es.Client != "" {
			c.errAt(path, "compute and client belong to intent expectations")
		}
		if es.From == "" {
			c.errAt(path+".from", "missing")
		}
		if es.To == "" {
			c.errAt(path+".to", "missing")
		}
		if es.Protocol != "" {
			if _, err := ParseProtocol(es.Protocol); err != nil {
				c.errAt(path+".protocol", "%q: want Tcp, Udp, Icmp, Esp, Ah or *", es.Protocol)
			}
		}
		if es.Port < 0 || es.Port > 65535 {
			c.errAt(path+".port", "%d is not a port (0-65535)", es.Port)
		}
		c.t.Expectations = append(c.t.Expectations, e)
	}
}

// compileReach checks a set expectation: from, to and reach, and nothing
// of a single flow or an intent.
func (c *compiler) compileReach(path string, es *spec.Expectation, e *Expectation) {
	if es.Intent != "" || es.Compute != "" || es.Client != "" {
		c.errAt(path+".reach", "a set expectation (reach) names from and to, not an intent, compute or client")
	}
	if es.Protocol != "" || es.Port != 0 {
		c.errAt(path+".reach", "a set expectation covers every protocol and port: give them in reach: {only: [Tcp/443]}, not protocol or port")
	}
	if es.Expect != "" || es.Reason != "" {
		c.errAt(path+".expect", "a set expectation (reach) has no expect or reason: reach says what may pass")
	}
	if es.From == "" {
		c.errAt(path+".from", "missing")
	}
	if es.To == "" {
		c.errAt(path+".to", "missing")
	}
	r := &Reach{None: es.Reach.None}
	seen := map[Protocol]bool{}
	for i, s := range es.Reach.Only {
		ent, err := ParseReachEntry(s)
		key := fmt.Sprintf("%s.reach.only[%d]", path, i)
		if err != nil {
			c.errAt(key, "%v", err)
			continue
		}
		if seen[ent.Protocol] {
			c.errAt(key, "%s is listed twice; give its ports in one entry, %s/443,8443", ent.Protocol, ent.Protocol)
			continue
		}
		seen[ent.Protocol] = true
		r.Only = append(r.Only, ent)
	}
	if len(es.Reach.Only) == 0 && !es.Reach.None {
		r.None = true // only: [] allows nothing
	}
	e.Reach = r
	e.Expect = r.String()
}

// virtualNetworkTag is decision 2: the VNet's address space, connected peers
// that allow virtual network access, on-premises prefixes reachable through a
// gateway, the host's virtual IP, and the CIDR prefixes of user routes in
// route tables attached to the VNet's subnets, never 0.0.0.0/0.
func (c *compiler) virtualNetworkTag(v *VNet) []netip.Prefix {
	var out []netip.Prefix
	out = append(out, v.AddressSpace...)
	for _, p := range v.Peerings {
		if p.Connected() && p.AllowVirtualNetworkAccess {
			out = append(out, p.To.AddressSpace...)
		}
	}
	if gw := c.t.gatewayFor(v); gw != nil {
		for _, p := range gw.OnPremises {
			if p.Bits() > 0 {
				out = append(out, p)
			}
		}
	}
	out = append(out, netip.PrefixFrom(AzureDNS, 32))
	for _, s := range v.Subnets {
		if s.RouteTable == nil {
			continue
		}
		for _, r := range s.RouteTable.Routes {
			if r.Tag == "" && r.Prefix.IsValid() && r.Prefix.Bits() > 0 {
				out = append(out, r.Prefix)
			}
		}
	}
	return out
}
