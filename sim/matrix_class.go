package sim

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/vnetsim/vnetsim/topology"
)

// Equivalence classes of matrix cells: see docs/matrix.md for the argument.
//
// A cell (source address e, destination d) is computed once per class: two
// cells share a class only when their sources are addresses of subnets that
// nothing on the path can tell apart except through what the class key
// holds, so that the trace from one is the trace from the other with the
// one subnet (and NIC) put for the other, and every verdict and reason, so
// every cell, is the same. The key holds:
//
//   - the source's VNet, its subnet's settings other than its name, prefix
//     and NSG (the same route set, NAT gateway, service endpoints and
//     policies, delegations, outbound access, endpoint policies) and, for a
//     NIC, its kind and application security groups;
//   - the prefixes, among all the network names outside the two subnets'
//     own NSGs, that hold the source address (so every rule, route and
//     address set elsewhere treats both alike);
//   - the destination as the source resolved it (names are resolved for
//     every source, not per class);
//   - for each NSG on the source (NIC, then subnet, outbound) and, when the
//     destination is in a groupable subnet, on the destination (inbound):
//     the rules that match the source and destination addresses, in order,
//     with their protocol, ports and access (what decides every port), and
//     the port boundaries of all the NSG's rules (what the matrix cuts the
//     port range at, which sets how many traces count each reason).
//
// Everything else a trace from a groupable subnet can meet is outside it:
// a groupable subnet holds only plain VMs (no forwarding, public IP, hosts
// file or DNS role, not a load balancer's backend), no route's next hop,
// is referred to by nothing but its VNet and NICs, overlaps no other subnet
// and has no reserved name; the destination is not in the source's subnet.

// classifier decides the class of each matrix cell.
type classifier struct {
	t         *Network
	groupable map[*topology.Subnet]bool
	// prefixes are the prefixes that can tell two source addresses apart
	// (see the package comment above).
	prefixes map[netip.Prefix]struct{}
	// asgs are the application security groups named outside the NSGs
	// compared rule by rule.
	asgs map[string]bool
	// routeFP caches route set fingerprints.
	routeMu  sync.Mutex
	routeFP  map[*topology.RouteSet]string
	routeIDs map[string]string // fingerprint → a short name for it
	// srcKeys caches the part of the key that depends on the source only;
	// ruleText and nsgCuts what rules writes of a rule and of an NSG.
	srcKeys  sync.Map // *Endpoint → string
	ruleText sync.Map // *topology.SecurityRule → string
	nsgCuts  sync.Map // nsgDir → string
	dnsKeys  sync.Map // *Endpoint → string
	dstKeys  sync.Map // dstID → string
	// azureDNS is the endpoint of the platform's DNS server, as the DNS
	// resolver's flows see it.
	azureDNS *Endpoint
}

type nsgDir struct {
	n       *topology.NSG
	inbound bool
}

// routes names the content of a route set: equal names, equal content.
func (c *classifier) routes(rs *topology.RouteSet) string {
	c.routeMu.Lock()
	defer c.routeMu.Unlock()
	id, ok := c.routeFP[rs]
	if !ok {
		fp := rs.Fingerprint()
		if id, ok = c.routeIDs[fp]; !ok {
			id = "routes#" + strconv.Itoa(len(c.routeIDs))
			c.routeIDs[fp] = id
		}
		c.routeFP[rs] = id
	}
	return id
}

// reservedSubnets are the subnet names Azure gives a meaning to.
var reservedSubnets = []string{"GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "AzureBastionSubnet", "RouteServerSubnet"}

// constantPrefixes are the prefixes the code itself tests addresses
// against (private ranges, the platform's addresses, the internet host).
var constantPrefixes = []string{
	"0.0.0.0/0", "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
	"255.255.255.255/32", "168.63.129.16/32", "169.254.169.254/32", "198.51.100.10/32", "20.0.0.1/32",
	"::/0", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8",
}

func plainNIC(n *topology.NIC, refs *topology.AddressRefs) bool {
	return n.Kind == topology.KindVM && !n.IPForwarding && !n.PublicIP.IsValid() && len(n.Hosts) == 0 && n.DNSServer == nil &&
		n.Appliance == nil && n.Firewall == nil && n.PrivateEndpoint == nil && n.Compute == nil && !refs.NICRefs[n]
}

func newClassifier(t *Network) *classifier {
	refs := t.Topology.AddressRefs()
	c := &classifier{t: t, groupable: map[*topology.Subnet]bool{}, prefixes: refs.Prefixes, asgs: refs.ASGs, routeFP: map[*topology.RouteSet]string{}, routeIDs: map[string]string{}}
	var subs []*topology.Subnet
	for _, v := range t.VNets {
		for _, s := range v.Subnets {
			subs = append(subs, s)
			if !slices.ContainsFunc(reservedSubnets, func(r string) bool { return strings.EqualFold(r, s.Name) }) && !refs.SubnetRefs[s] {
				c.groupable[s] = true
			}
		}
	}
	// Subnets that overlap another (in another VNet) are not groupable.
	sort.Slice(subs, func(i, j int) bool {
		a, b := subs[i].Prefix, subs[j].Prefix
		if a.Addr() != b.Addr() {
			return a.Addr().Less(b.Addr())
		}
		return a.Bits() < b.Bits()
	})
	for i := 1; i < len(subs); i++ {
		for j := i - 1; j >= 0 && j >= i-64; j-- {
			if subs[j].Prefix.Overlaps(subs[i].Prefix) {
				delete(c.groupable, subs[i])
				delete(c.groupable, subs[j])
			}
		}
	}
	var last netip.Prefix // the widest prefix seen so far, for overlaps beyond 64 neighbours
	for _, s := range subs {
		if last.IsValid() && last.Overlaps(s.Prefix) && last != s.Prefix {
			delete(c.groupable, s)
		}
		if !last.IsValid() || !last.Contains(s.Prefix.Addr()) || s.Prefix.Bits() < last.Bits() {
			last = s.Prefix
		}
	}
	for _, n := range t.NICs {
		if n.Subnet != nil && !plainNIC(n, refs) {
			delete(c.groupable, n.Subnet)
		}
	}
	// No route may lead into a groupable subnet.
	seenRS := map[*topology.RouteSet]bool{}
	hops := map[netip.Addr]bool{}
	for _, s := range subs {
		if s.Routes == nil || seenRS[s.Routes] {
			continue
		}
		seenRS[s.Routes] = true
		for _, r := range s.Routes.Routes {
			if r.NextHopIP.IsValid() && !hops[r.NextHopIP] {
				hops[r.NextHopIP] = true
				for _, sub := range subnetsHolding(t, r.NextHopIP) {
					delete(c.groupable, sub)
				}
			}
		}
	}
	if len(refs.NSGRefs) > 0 {
		// An NSG used other than by attachment: its subnets are not
		// groupable either.
		for _, s := range subs {
			if s.NSG != nil && refs.NSGRefs[s.NSG] {
				delete(c.groupable, s)
			}
		}
		for _, n := range t.NICs {
			if n.NSG != nil && refs.NSGRefs[n.NSG] && n.Subnet != nil {
				delete(c.groupable, n.Subnet)
			}
		}
	}
	// The prefixes that tell addresses apart: all but the groupable
	// subnets' own prefixes, NIC addresses and NSGs attached only to them.
	for _, s := range subs {
		if !c.groupable[s] {
			c.prefixes[s.Prefix.Masked()] = struct{}{}
		}
	}
	for _, n := range t.NICs {
		if n.Subnet == nil || !c.groupable[n.Subnet] {
			if a := n.IP.Unmap(); a.IsValid() {
				c.prefixes[netip.PrefixFrom(a, a.BitLen())] = struct{}{}
			}
		}
	}
	onlyGroupable := map[*topology.NSG]bool{}
	attached := func(n *topology.NSG, ok bool) {
		if n == nil {
			return
		}
		if prev, seen := onlyGroupable[n]; seen {
			onlyGroupable[n] = prev && ok
		} else {
			onlyGroupable[n] = ok
		}
	}
	for _, s := range subs {
		attached(s.NSG, c.groupable[s])
	}
	for _, n := range t.NICs {
		attached(n.NSG, n.Subnet != nil && c.groupable[n.Subnet])
	}
	for n, ps := range refs.NSGPrefixes {
		if onlyGroupable[n] && !refs.NSGRefs[n] {
			continue
		}
		for _, p := range ps {
			c.prefixes[p] = struct{}{}
		}
	}
	for n, gs := range refs.NSGASGs {
		if onlyGroupable[n] && !refs.NSGRefs[n] {
			continue
		}
		for g := range gs {
			c.asgs[g] = true
		}
	}
	for _, s := range constantPrefixes {
		c.prefixes[netip.MustParsePrefix(s)] = struct{}{}
	}
	c.azureDNS, _ = resolveAddr(t, &Endpoint{Text: topology.AzureDNS.String()}, topology.AzureDNS)
	return c
}

// subnetsHolding returns the subnets, of any VNet, that hold a.
func subnetsHolding(t *Network, a netip.Addr) []*topology.Subnet {
	var out []*topology.Subnet
	for _, v := range t.VNets {
		if v.Contains(a) {
			if s := v.SubnetAt(a); s != nil {
				out = append(out, s)
			}
		}
	}
	return out
}

// addrSig writes the prefixes of c.prefixes that hold a.
func (c *classifier) addrSig(b *strings.Builder, a netip.Addr) {
	a = a.Unmap()
	for bits := 0; bits <= a.BitLen(); bits++ {
		p := netip.PrefixFrom(a, bits).Masked()
		if _, ok := c.prefixes[p]; ok {
			b.WriteString(p.String())
			b.WriteByte(' ')
		}
	}
}

// rules writes the rules of one direction of n that match the flow's
// addresses, in order, with what decides each port; and to cb the port
// boundaries of all its rules.
func (c *classifier) rules(b, cb *strings.Builder, n *topology.NSG, inbound bool, src netip.Addr, srcNIC *topology.NIC, dst netip.Addr, dstNIC *topology.NIC, v *topology.VNet) {
	if n == nil {
		b.WriteString("-|")
		cb.WriteString("-|")
		return
	}
	for _, r := range n.Rules(inbound) {
		if !c.t.MatchAddr(&r.Src, src, srcNIC, v) || !c.t.MatchAddr(&r.Dst, dst, dstNIC, v) {
			continue
		}
		b.WriteString(ruleText(&c.ruleText, r))
	}
	b.WriteByte('|')
	k := nsgDir{n, inbound}
	cuts, ok := c.nsgCuts.Load(k)
	if !ok {
		var xs []uint32
		for _, r := range n.Rules(inbound) {
			for _, pr := range r.DstPorts {
				xs = append(xs, uint32(pr.Lo), uint32(pr.Hi)+1)
			}
		}
		slices.Sort(xs)
		xs = slices.Compact(xs)
		var w strings.Builder
		for _, x := range xs {
			w.WriteString(strconv.Itoa(int(x)))
			w.WriteByte(' ')
		}
		cuts = w.String()
		c.nsgCuts.Store(k, cuts)
	}
	cb.WriteString(cuts.(string))
	cb.WriteByte('|')
}

// ruleText is what decides a port once a rule's addresses match: its
// protocol, ports and access, whether it is a default rule, and the
// platform tag it names (the platform's addresses pass only those).
func ruleText(cache *sync.Map, r *topology.SecurityRule) string {
	if t, ok := cache.Load(r); ok {
		return t.(string)
	}
	t := fmt.Sprintf("%s %s %s %t %t", r.Protocol, r.SrcPorts, r.DstPorts, r.Allow, r.Default)
	if tag := strings.ToLower(r.Dst.Tag); strings.HasPrefix(tag, "azureplatform") {
		t += " " + tag
	}
	t += ";"
	cache.Store(r, t)
	return t
}

// srcKey is the part of the key that depends on the source only.
func (c *classifier) srcKey(sub *topology.Subnet, e *Endpoint) string {
	if k, ok := c.srcKeys.Load(e); ok {
		return k.(string)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%p %s %p %q %q %t %q %v|", sub.VNet, c.routes(sub.Routes), sub.NATGateway, sub.ServiceEndpoints, sub.Delegations, sub.DefaultOutboundAccess, sub.PrivateEndpointNetworkPolicies, sub.EndpointPolicies)
	b.WriteString(string(e.Kind))
	if e.NIC != nil {
		asgs := make([]string, 0, len(e.NIC.ASGs))
		for g, in := range e.NIC.ASGs {
			if in && c.asgs[g] {
				asgs = append(asgs, g)
			}
		}
		sort.Strings(asgs)
		fmt.Fprintf(&b, " %s %q %t", e.NIC.Kind, asgs, e.NIC.NSG != nil)
	}
	b.WriteByte('|')
	c.addrSig(&b, e.Addr)
	k := b.String()
	c.srcKeys.Store(e, k)
	return k
}

// key returns the class of the cell from e (an address of subnet source
// sub) to d, the destination as e resolved it, or "" when the cell is in a
// class of its own; and cuts, the port boundaries of the NSGs the key
// compares rule by rule, which matter only when the cell's ports are
// traced one interval at a time (see reach).
func (c *classifier) key(sub *topology.Subnet, e, d *Endpoint) (key, cuts string) {
	if sub == nil || e.Subnet != sub || !c.groupable[sub] || d.needsName() || d.LBFrontend != nil || d.NATGateway != nil {
		return "", ""
	}
	if e.NIC != nil && (e.NIC.Subnet != sub || e.NIC.IP != e.Addr) {
		return "", ""
	}
	dsub := d.Subnet
	if d.NIC != nil {
		if dsub != nil && d.NIC.Subnet != dsub {
			return "", ""
		}
		dsub = d.NIC.Subnet
	}
	if dsub == sub || d.Addr.IsValid() && sub.Prefix.Contains(d.Addr) {
		return "", ""
	}
	var b, cb strings.Builder
	b.WriteString(c.srcKey(sub, e))
	b.WriteString(c.dstKey(d))
	dn := dstNIC(d)
	v := sub.VNet
	out := nsgLevels(e.NIC, sub, false)
	for _, lvl := range out.list() {
		c.rules(&b, &cb, lvl.nsg, false, e.Addr, e.NIC, d.Addr, dn, v)
	}
	if dsub != nil && c.groupable[dsub] {
		// The destination's NSGs are left out of c.prefixes: they must
		// treat both sources alike.
		b.WriteString("dst|")
		in := nsgLevels(dn, dsub, true)
		for _, lvl := range in.list() {
			c.rules(&b, &cb, lvl.nsg, true, e.Addr, e.NIC, d.Addr, dn, dsub.VNet)
		}
	}
	return b.String(), cb.String()
}

// dstID is what the key holds of a destination.
type dstID struct {
	kind            EndpointKind
	addr            netip.Addr
	nic             *topology.NIC
	sub             *topology.Subnet
	svc             *topology.Service
	gw              *topology.Gateway
	tag, fqdn, text string
}

func (c *classifier) dstKey(d *Endpoint) string {
	id := dstID{d.Kind, d.Addr, d.NIC, d.Subnet, d.Service, d.Gateway, d.Tag, d.FQDN, d.Text}
	if k, ok := c.dstKeys.Load(id); ok {
		return k.(string)
	}
	k := fmt.Sprintf("|%s %s %p %p %p %p %q %q %q|", d.Kind, d.Addr, d.NIC, d.Subnet, d.Service, d.Gateway, d.Tag, d.FQDN, d.Text)
	c.dstKeys.Store(id, k)
	return k
}

// dnsKey is the class of e's DNS view: sources of one class get the same
// answers. The resolver asks from the source's VNet, with the source's
// hosts file, and its only flows from the source are to the VNet's DNS
// servers; with the platform's DNS server (no custom servers) and no hosts
// file, equal keys of the cell from the source to that server mean equal
// verdicts and reasons of those flows, so equal answers. "" when the
// answer must be computed for the source's subnet.
func (c *classifier) dnsKey(sub *topology.Subnet, e *Endpoint) string {
	if sub == nil || c.azureDNS == nil || len(sub.VNet.DNSServers) > 0 || e.NIC != nil && len(e.NIC.Hosts) > 0 {
		return ""
	}
	if k, ok := c.dnsKeys.Load(e); ok {
		return k.(string)
	}
	k, _ := c.key(sub, e, c.azureDNS)
	c.dnsKeys.Store(e, k)
	return k
}

// resolveFor resolves d in src's view as reach does, without tracing a
// flow: the answer, or the reason nothing resolves.
func resolveFor(t *Network, src, d *Endpoint) (Endpoint, string, error) {
	dd := *d
	if !dd.needsName() {
		return dd, "", nil
	}
	tr := newTracer(t, src, true, nil)
	res := tr.res
	if err := tr.resolveName(src, &dd); err != nil {
		return dd, "", err
	}
	if !dd.resolved {
		return dd, res.Reason, nil
	}
	return dd, "", nil
}

// resolveCached is resolveFor with the matrix's name cache, on the same
// terms as reach uses it (by source subnet and NIC NSG, for sources without
// a hosts file).
func resolveCached(t *Network, src, d *Endpoint, names *nameCache, dnsKey string) (Endpoint, string, error) {
	if !d.needsName() {
		return *d, "", nil
	}
	cacheable := src.Subnet != nil && (src.NIC == nil || len(src.NIC.Hosts) == 0)
	var key nameKey
	if cacheable {
		key = nameKey{sub: src.Subnet, name: d.Text}
		if src.NIC != nil {
			key.nsg = src.NIC.NSG
		}
		if dnsKey != "" {
			key = nameKey{name: d.Text, class: dnsKey}
		}
		names.Lock()
		ans, ok := names.m[key]
		names.Unlock()
		if ok {
			return ans.dst, ans.reason, nil
		}
	}
	dd, reason, err := resolveFor(t, src, d)
	if err != nil {
		return dd, "", err
	}
	if cacheable {
		names.Lock()
		names.m[key] = nameAnswer{dst: dd, reason: reason}
		names.Unlock()
	}
	return dd, reason, nil
}
