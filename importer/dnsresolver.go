package importer

import (
	"fmt"

	"github.com/vnetsim/vnetsim/importer/arm"
	"github.com/vnetsim/vnetsim/spec"
)

// dnsResolvers turns Azure DNS Private Resolver resources into
// dnsResolvers entries (Microsoft.Network/dnsResolvers with their
// inboundEndpoints and outboundEndpoints children) and
// dnsForwardingRulesets entries (with forwardingRules and
// virtualNetworkLinks children).
func (c *conv) dnsResolvers() {
	for _, r := range c.byType[arm.DNSResolver] {
		c.consumed[r] = true
		p := r.Props()
		p.Use("dnsResolverState")
		v := c.ref(r, p, "virtualNetwork", arm.VirtualNetwork)
		if v == nil {
			c.problem(r, "resource", r.Node.Path(), "DNS resolver without its VNet in the input: not imported")
			continue
		}
		i := len(c.sc.DNSResolvers)
		out := spec.DNSResolver{Name: c.names[r], VNet: c.names[v]}
		for _, ch := range c.childrenOf(r, arm.ResolverInbound) {
			c.consumed[ch] = true
			cp := ch.Props()
			e := spec.ResolverEndpoint{Name: lastSeg(ch.ID)}
			for k, ipc := range cp.Objs("ipConfigurations") {
				ipc.Use("privateIpAllocationMethod")
				if k > 0 {
					ipc.Use("subnet", "privateIpAddress")
					c.problem(ch, "property", ipc.Path(), "only the first IP configuration of an inbound endpoint is imported")
					continue
				}
				e.Subnet, _ = c.subnetOf(ch, ipc, "subnet")
				e.PrivateIPAddress = ipc.Str("privateIpAddress")
			}
			if e.Subnet == "" {
				c.problem(ch, "resource", ch.Node.Path(), "inbound endpoint without a subnet in the input: not imported")
				continue
			}
			c.comments[fmt.Sprintf("dnsResolvers[%d].inboundEndpoints[%d]", i, len(out.InboundEndpoints))] = c.comment(ch)
			out.InboundEndpoints = append(out.InboundEndpoints, e)
		}
		for _, ch := range c.childrenOf(r, arm.ResolverOutbound) {
			c.consumed[ch] = true
			e := spec.ResolverEndpoint{Name: lastSeg(ch.ID)}
			e.Subnet, _ = c.subnetOf(ch, ch.Props(), "subnet")
			if e.Subnet == "" {
				c.problem(ch, "resource", ch.Node.Path(), "outbound endpoint without a subnet in the input: not imported")
				continue
			}
			c.more.outbound[arm.Key(ch.ID)] = out.Name + "/" + e.Name
			c.comments[fmt.Sprintf("dnsResolvers[%d].outboundEndpoints[%d]", i, len(out.OutboundEndpoints))] = c.comment(ch)
			out.OutboundEndpoints = append(out.OutboundEndpoints, e)
		}
		c.comments[fmt.Sprintf("dnsResolvers[%d]", i)] = c.comment(r)
		c.sc.DNSResolvers = append(c.sc.DNSResolvers, out)
	}
	c.orphans("endpoint of DNS resolver", arm.ResolverInbound, arm.ResolverOutbound)
	for _, r := range c.byType[arm.Ruleset] {
		c.consumed[r] = true
		p := r.Props()
		out := spec.DNSRuleset{Name: c.names[r]}
		for k, id := range p.IDs("dnsResolverOutboundEndpoints") {
			at := where{p, "dnsResolverOutboundEndpoints", k}
			ep := c.refID(r, at, id, arm.ResolverOutbound)
			if ep == nil {
				continue
			}
			name := c.more.outbound[arm.Key(ep.ID)]
			if name == "" {
				c.problem(r, "reference", at.String(), "outbound endpoint %s is not imported; the reference is left out", ep.ID)
				continue
			}
			out.OutboundEndpoints = append(out.OutboundEndpoints, name)
		}
		if len(out.OutboundEndpoints) == 0 {
			c.problem(r, "resource", r.Node.Path(), "DNS forwarding ruleset without an imported outbound endpoint: not imported")
			continue
		}
		i := len(c.sc.DNSForwardingRulesets)
		for _, ch := range c.childrenOf(r, arm.RulesetLink) {
			c.consumed[ch] = true
			cp := ch.Props()
			cp.Use("metadata")
			if v := c.ref(ch, cp, "virtualNetwork", arm.VirtualNetwork); v != nil {
				out.VirtualNetworkLinks = append(out.VirtualNetworkLinks, c.names[v])
			}
		}
		for _, ch := range c.childrenOf(r, arm.ForwardingRule) {
			c.consumed[ch] = true
			cp := ch.Props()
			fr := spec.ForwardingRule{Name: lastSeg(ch.ID), DomainName: cp.Str("domainName"), State: enum(cp.Str("forwardingRuleState"), "Enabled", "Disabled")}
			for _, t := range cp.Objs("targetDnsServers") {
				ip := t.Str("ipAddress")
				if port := t.Str("port"); port != "" && port != "53" {
					ip += ":" + port
				}
				fr.TargetDNSServers = append(fr.TargetDNSServers, ip)
			}
			if fr.State == "Enabled" {
				fr.State = "" // the default
			}
			cp.Use("metadata")
			c.comments[fmt.Sprintf("dnsForwardingRulesets[%d].rules[%d]", i, len(out.Rules))] = c.comment(ch)
			out.Rules = append(out.Rules, fr)
		}
		c.comments[fmt.Sprintf("dnsForwardingRulesets[%d]", i)] = c.comment(r)
		c.sc.DNSForwardingRulesets = append(c.sc.DNSForwardingRulesets, out)
	}
	c.orphans("child of DNS forwarding ruleset", arm.ForwardingRule, arm.RulesetLink)
}
