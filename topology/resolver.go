package topology

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// NIC kinds of an Azure DNS Private Resolver's endpoints.
const (
	KindResolverInbound  NICKind = "dnsResolverInbound"
	KindResolverOutbound NICKind = "dnsResolverOutbound"
)

// DNSResolver is an Azure DNS Private Resolver. An inbound endpoint answers
// queries sent to its address as Azure DNS does from the resolver's VNet:
// from the private DNS zones linked to that VNet, and the forwarding
// rulesets linked to it. An outbound endpoint is where forwarded queries
// leave from (learn.microsoft.com/azure/dns/private-resolver-endpoints-rulesets).
type DNSResolver struct {
	Name     string
	Path     string
	VNet     *VNet
	Inbound  []*ResolverEndpoint
	Outbound []*ResolverEndpoint
}

// ResolverEndpoint is one endpoint of a resolver: a NIC in a subnet
// delegated to Microsoft.Network/dnsResolvers.
type ResolverEndpoint struct {
	Name     string // resolver/endpoint
	Resolver *DNSResolver
	NIC      *NIC
}

// DNSRuleset is a DNS forwarding ruleset.
type DNSRuleset struct {
	Name     string
	Path     string
	Outbound []*ResolverEndpoint
	Links    []*VNet
	Rules    []*ForwardingRule
}

// ForwardingRule sends queries for names in Domain to Targets.
type ForwardingRule struct {
	Name    string
	Ruleset *DNSRuleset
	Domain  string // canonical, no trailing dot; "" is the root (".")
	Targets []netip.Addr
	Enabled bool
}

// ForwardingRuleFor returns the enabled forwarding rule of the rulesets
// linked to v whose domain is the longest suffix of name ("If multiple
// rules are matched, the longest prefix match is used"), or nil.
func (t *Topology) ForwardingRuleFor(v *VNet, name string) *ForwardingRule {
	var best *ForwardingRule
	for _, rs := range t.Rulesets {
		linked := false
		for _, l := range rs.Links {
			linked = linked || l == v
		}
		if !linked {
			continue
		}
		for _, r := range rs.Rules {
			if !r.Enabled || !(r.Domain == "" || InZone(name, r.Domain)) {
				continue
			}
			if best == nil || len(r.Domain) > len(best.Domain) {
				best = r
			}
		}
	}
	return best
}

// InboundEndpointAt returns the resolver inbound endpoint at address a.
func (t *Topology) InboundEndpointAt(a netip.Addr) *ResolverEndpoint {
	for _, r := range t.DNSResolvers {
		for _, e := range r.Inbound {
			if e.NIC.IP == a {
				return e
			}
		}
	}
	return nil
}

const resolverDelegation = "Microsoft.Network/dnsResolvers"

func (c *compiler) compileResolvers() {
	endpoints := map[string]*ResolverEndpoint{}
	used := map[*Subnet]string{}
	for i := range c.sc.DNSResolvers {
		rs := &c.sc.DNSResolvers[i]
		path := fmt.Sprintf("dnsResolvers[%d]", i)
		if rs.Name == "" {
			c.errAt(path, "missing name")
			continue
		}
		v := c.t.vnets[rs.VNet]
		if v == nil {
			c.errAt(path+".vnet", "unknown VNet %q", rs.VNet)
			continue
		}
		r := &DNSResolver{Name: rs.Name, Path: path, VNet: v}
		add := func(list string, j int, name, subnet, ip string, kind NICKind) *ResolverEndpoint {
			ep := fmt.Sprintf("%s.%s[%d]", path, list, j)
			full := rs.Name + "/" + name
			if !c.claim(ep+".name", full, "DNS resolver endpoint") {
				return nil
			}
			s := c.subnetRef(ep+".subnet", subnet)
			if s == nil {
				return nil
			}
			if s.VNet != v {
				c.errAt(ep+".subnet", "%s is not in the resolver's VNet %s", s.ID(), v.Name)
				return nil
			}
			if !slices.ContainsFunc(s.Delegations, func(d string) bool { return strings.EqualFold(d, resolverDelegation) }) {
				c.errAt(ep+".subnet", "subnet %s must be delegated to %s to hold a DNS resolver endpoint", s.ID(), resolverDelegation)
			}
			if prev, ok := used[s]; ok && prev != list {
				c.errAt(ep+".subnet", "subnet %s already holds the resolver's %s; inbound and outbound endpoints need subnets of their own", s.ID(), prev)
			}
			used[s] = list
			if s.Prefix.Bits() > 28 {
				c.errAt(ep+".subnet", "a DNS resolver subnet is /28 or larger, not /%d", s.Prefix.Bits())
			}
			if kind == KindResolverOutbound && ip != "" {
				c.errAt(ep+".privateIpAddress", "an outbound endpoint has no address of its own to set")
				ip = ""
			}
			static, ok := c.staticIP(s, ip, ep+".privateIpAddress")
			if !ok {
				return nil
			}
			n := &NIC{Name: full, Kind: kind, Subnet: s, ASGs: map[string]bool{}}
			n.IP = c.allocate(s, static, ep+".privateIpAddress", full)
			c.addNIC(n)
			e := &ResolverEndpoint{Name: full, Resolver: r, NIC: n}
			endpoints[full] = e
			return e
		}
		for j, e := range rs.InboundEndpoints {
			if x := add("inboundEndpoints", j, e.Name, e.Subnet, e.PrivateIPAddress, KindResolverInbound); x != nil {
				r.Inbound = append(r.Inbound, x)
			}
		}
		for j, e := range rs.OutboundEndpoints {
			if x := add("outboundEndpoints", j, e.Name, e.Subnet, e.PrivateIPAddress, KindResolverOutbound); x != nil {
				r.Outbound = append(r.Outbound, x)
			}
		}
		c.t.DNSResolvers = append(c.t.DNSResolvers, r)
	}
	for i := range c.sc.DNSForwardingRulesets {
		rs := &c.sc.DNSForwardingRulesets[i]
		path := fmt.Sprintf("dnsForwardingRulesets[%d]", i)
		if rs.Name == "" {
			c.errAt(path, "missing name")
			continue
		}
		set := &DNSRuleset{Name: rs.Name, Path: path}
		for j, o := range rs.OutboundEndpoints {
			e := endpoints[o]
			if e == nil || e.NIC.Kind != KindResolverOutbound {
				c.errAt(fmt.Sprintf("%s.outboundEndpoints[%d]", path, j), "unknown outbound endpoint %q (give resolver/endpoint)", o)
				continue
			}
			set.Outbound = append(set.Outbound, e)
		}
		if len(rs.OutboundEndpoints) == 0 {
			c.errAt(path+".outboundEndpoints", "missing: a ruleset sends its queries through at least one outbound endpoint")
		}
		for j, l := range rs.VirtualNetworkLinks {
			v := c.t.vnets[l]
			if v == nil {
				c.errAt(fmt.Sprintf("%s.virtualNetworkLinks[%d]", path, j), "unknown VNet %q", l)
				continue
			}
			set.Links = append(set.Links, v)
		}
		seen := map[string]bool{}
		for j, rr := range rs.Rules {
			rp := fmt.Sprintf("%s.rules[%d]", path, j)
			r := &ForwardingRule{Name: rr.Name, Ruleset: set, Enabled: true}
			if rr.Name == "" {
				c.errAt(rp, "missing name")
			}
			switch strings.ToLower(rr.State) {
			case "", "enabled":
			case "disabled":
				r.Enabled = false
			default:
				c.errAt(rp+".forwardingRuleState", "%q: want Enabled or Disabled", rr.State)
			}
			d := strings.TrimSpace(rr.DomainName)
			if d != "." {
				if err := CheckDNSName(strings.TrimSuffix(d, ".")); err != nil || d == "" {
					c.errAt(rp+".domainName", "%q is not a domain name (end it with a dot, as Azure writes it: contoso.com.)", rr.DomainName)
					continue
				}
				r.Domain = CanonicalName(d)
			}
			if seen[r.Domain] {
				c.errAt(rp+".domainName", "duplicate rule for %q in ruleset %s", rr.DomainName, rs.Name)
			}
			seen[r.Domain] = true
			for k, ts := range rr.TargetDNSServers {
				host, _, _ := strings.Cut(ts, ":")
				a, err := netip.ParseAddr(host)
				if err != nil {
					c.errAt(fmt.Sprintf("%s.targetDnsServers[%d]", rp, k), "%q is not an IP address (optionally with :53)", ts)
					continue
				}
				r.Targets = append(r.Targets, a.Unmap())
			}
			if len(rr.TargetDNSServers) == 0 {
				c.errAt(rp+".targetDnsServers", "missing: give the DNS servers the rule forwards to")
			}
			set.Rules = append(set.Rules, r)
		}
		c.t.Rulesets = append(c.t.Rulesets, set)
	}
}
