package sim

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// checkReply traces the reply of a flow delivered at NIC at (or an address
// of subnet sub) back to its origin: NSGs pass it by flow state, it must be
// routable, and it must cross exactly the stateful appliances the request
// crossed.
func (tr *tracer) checkReply(sub *topology.Subnet, at *topology.NIC, f topology.Flow) bool {
	if tr.reply {
		return true
	}
	node := sub.ID()
	if at != nil {
		node = at.Name
	}
	rt := tr.replyTracer()
	if !rt.quiet {
		rt.hopText(node, "reply", "send", rt.detail().flow(f.Reply()).s("; NSGs let it through by flow state").done())
	}
	if tr.origin.Kind == EndpointOnPrem && at != nil && at.Kind == topology.KindGateway {
		return true
	}
	return tr.finishReply(rt, rt.route(sub, at, tr.origin, f.Reply(), false), f)
}

// replyFromOutside traces the reply of a flow that left Azure at NIC at
// (the source itself, or an appliance or firewall on the way): the reply
// comes back to that egress point and, from an appliance, is forwarded to
// the origin (decision 10 applies to it).
func (tr *tracer) replyFromOutside(at *topology.NIC, f topology.Flow, method string) bool {
	if tr.reply {
		return true
	}
	rt := tr.replyTracer()
	if at == nil || len(tr.appliances) == 0 || !slices.Contains(tr.appliances, at) {
		if !rt.quiet {
			rt.hop(f.Dst.String(), "reply", "deliver", "the reply returns through %s to %s", method, tr.origin.Text)
		}
		return true
	}
	if !rt.quiet {
		rt.hopText(at.Name, "reply", "receive", rt.detail().s("the reply from ").addr(f.Dst).s(" comes back through ").s(method).s(" to ").s(at.Name).done())
	}
	rt.appliances = append(rt.appliances, at)
	return tr.finishReply(rt, rt.route(at.Subnet, at, tr.origin, f.Reply(), true), f)
}

func (tr *tracer) replyTracer() *tracer {
	if tr.res.Reply == nil {
		tr.res.Reply = []Hop{}
		if st := tr.state; st != nil && st.hops != nil {
			// The reply's hops go after the request's, in the same block
			// (the request's slice is capped before them).
			tr.res.Reply = st.hops[requestBlock:requestBlock:hopBlock]
		}
	}
	var rt *tracer
	if st := tr.state; st != nil && !st.rtUsed {
		st.rtUsed = true
		rt = &st.rt
	} else {
		rt = &tracer{}
	}
	*rt = tracer{t: tr.t, res: tr.res, hops: &tr.res.Reply, origin: tr.origin, reply: true, forward: tr.appliances,
		viaPublicIP: tr.viaPublicIP, quiet: tr.quiet, obs: tr.obs, text: tr.text, state: tr.state}
	rt.appliances, rt.visited = rt.appliancesBuf[:0], rt.visitedBuf[:0]
	if len(tr.nat) > 0 {
		rt.nat = append([]natRecord(nil), tr.nat...)
	}
	return rt
}

// finishReply turns the reply tracer's outcome into the flow's verdict.
func (tr *tracer) finishReply(rt *tracer, ok bool, f topology.Flow) bool {
	if !ok {
		if tr.res.Reason != ReasonAsymmetric {
			tr.res.Message = "the reply is lost: " + tr.res.Message
		}
		return false
	}
	for _, a := range tr.appliances {
		if !slices.Contains(rt.appliances, a) {
			rt.hop(a.Name, "appliance", "drop", "the reply does not come back through %s", a.Name)
			return tr.deny(ReasonAsymmetric, &BlockedBy{Kind: "appliance", Name: a.Name, Resource: a.Subnet.ID()},
				"the request went through appliance %s but the reply from %s takes another path; the appliance drops the half-open flow", a.Name, f.Dst)
		}
	}
	return true
}

// fromOnPremises starts a packet at an on-premises address: it enters Azure
// through the gateway and is routed by the GatewaySubnet's routes.
func (tr *tracer) fromOnPremises(src, dst *Endpoint, f topology.Flow) bool {
	gw := src.Gateway
	if !tr.quiet {
		tr.hop("on-premises", "source", "send", "%s behind %s gateway %s", f.Src, gw.Type, gw.Name)
	}
	if dst.InVNet() {
		v := dst.Subnet.VNet
		if v != gw.VNet && !usesGateway(v, gw) {
			if !tr.quiet {
				tr.hop(gw.Name, "gateway", "drop", "%s does not advertise %s to on-premises", gw.Name, v.Name)
			}
			return tr.deny(ReasonNoRoute, &BlockedBy{Kind: "gateway", Name: gw.Name, Resource: gw.VNet.Name},
				"on-premises learns no route to %s: it is neither %s nor a peer that uses %s through gateway transit", v.Name, gw.VNet.Name, gw.Name)
		}
	}
	gsub := gw.VNet.SubnetAt(gw.IP)
	if !tr.quiet {
		tr.hop(gw.Name, "gateway", "forward", "into %s through %s", gw.VNet.Name, gw.Name)
	}
	return tr.route(gsub, nil, dst, f, false)
}

func usesGateway(v *topology.VNet, gw *topology.Gateway) bool {
	for _, p := range v.Peerings {
		if p.Connected() && p.To == gw.VNet && p.UseRemoteGateways && p.Reverse.AllowGatewayTransit {
			return true
		}
	}
	return false
}

// fromOutside starts a packet on the internet or at an Azure service tag
// address: it can only reach a public IP (a NIC's, or a service's endpoint).
func (tr *tracer) fromOutside(src, dst *Endpoint, f topology.Flow) bool {
	what := "internet"
	if src.Kind == EndpointServiceTag {
		what = "service tag " + src.Tag
	}
	if !tr.quiet {
		tr.hop(src.Text, "source", "send", "%s from %s", f.Src, what)
	}
	if src.Kind == EndpointAddress {
		return tr.deny(ReasonUnreachable, nil, "%s is a private address in no VNet and behind no gateway", f.Src)
	}
	switch {
	case dst.NATGateway != nil:
		return tr.inboundNAT(dst.NATGateway, f)
	case dst.LBFrontend != nil && dst.LBFrontend.Subnet == nil:
		return tr.throughLB(dst.LBFrontend, f, true)
	case dst.NIC != nil && (dst.Kind == EndpointNIC || dst.Kind == EndpointPublic || dst.Kind == EndpointAddress):
		return tr.inboundPublic(dst.NIC, f)
	case dst.Kind == EndpointService:
		if !tr.quiet {
			tr.hop(dst.Service.Name, "service", "reach", "public endpoint %s over the internet", dst.Addr)
		}
		return tr.serviceAccess(dst.Service, f, nil, f.Src)
	case dst.InVNet() || dst.Kind == EndpointOnPrem || (dst.Kind == EndpointAddress && topology.IsPrivate(f.Dst)):
		if !tr.quiet {
			tr.hop(f.Dst.String(), "destination", "drop", "a private address is not reachable from outside Azure")
		}
		return tr.deny(ReasonUnreachable, &BlockedBy{Kind: "address", Name: f.Dst.String(), Resource: dst.Text}, "%s is private and has no public IP; it can't be reached from %s", f.Dst, what)
	}
	if !tr.quiet {
		tr.hop(dst.Text, "destination", "deliver", "%s outside the scenario", f.Dst)
	}
	return true
}

// inboundPublic delivers a packet from outside to NIC n through its public IP
// (or its compute's public load balancer). NSGs see the private address
// (reference 1.1), and a Standard public IP is closed unless an NSG allows
// the flow (decision 1).
func (tr *tracer) inboundPublic(n *topology.NIC, f topology.Flow) bool {
	if !n.PublicIP.IsValid() {
		tr.hop(n.Name, "destination", "drop", "%s has no public IP address", n.Name)
		return tr.deny(ReasonUnreachable, &BlockedBy{Kind: "nic", Name: n.Name, Resource: n.Subnet.ID()}, "%s has no public IP, so it can't be reached from outside Azure", n.Name)
	}
	if n.Firewall != nil {
		return tr.dnat(n, f)
	}
	if n.Kind == topology.KindBastion {
		return tr.inboundBastion(n, f)
	}
	via := "public IP"
	if n.Kind == topology.KindCompute {
		via = "public load balancer"
	}
	if !tr.quiet {
		tr.hop(n.Name, "publicIp", "translate", "%s %s -> private %s (Standard SKU)", via, n.PublicIP, n.IP)
	}
	f.Dst = n.IP
	tr.viaPublicIP = true
	levels := nsgLevels(n, n.Subnet, true)
	if levels.n == 0 {
		tr.hop(n.Name, "publicIp", "deny", "a Standard public IP is closed to inbound traffic unless an NSG allows it")
		return tr.deny(ReasonPublicIPClosed, &BlockedBy{Kind: "publicIp", Name: n.PublicIP.String(), Resource: n.Name},
			"%s has a Standard public IP and no NSG on its NIC or subnet; Standard public IPs are closed to inbound traffic until an NSG allows it", n.Name)
	}
	if !tr.applyNSGs(levels, true, f, n.VNet(), nil, n) {
		return false
	}
	if !tr.quiet {
		tr.hopText(n.Name, "destination", "deliver", tr.detail().s(string(n.Kind)).s(" ").s(n.Name).s(" at ").addr(n.IP).s(" in ").s(n.Subnet.ID()).done())
	}
	return tr.checkReply(n.Subnet, n, f)
}

// inboundNAT denies a connection initiated towards a NAT gateway's public
// IP: a NAT gateway carries outbound flows and their replies only
// (reference 5.2).
func (tr *tracer) inboundNAT(n *topology.NATGateway, f topology.Flow) bool {
	if !tr.quiet {
		tr.hop(n.Name, "natGateway", "drop", "%s is a public IP of NAT gateway %s, which admits only replies to flows its subnets started", f.Dst, n.Name)
	}
	return tr.deny(ReasonUnreachable, &BlockedBy{Kind: "natGateway", Name: n.Name, Resource: f.Dst.String()},
		"%s is a public IP of NAT gateway %s: you can't initiate an inbound connection through NAT gateway; only replies to outbound flows come back", f.Dst, n.Name)
}

// egress names how a packet leaves for the internet from NIC at in subnet
// sub (reference 5.2: NAT gateway, then instance public IP, then default
// outbound access), and its public source address when known.
// The method is written into the trace's text.
func (tr *tracer) egress(sub *topology.Subnet, at *topology.NIC) (method string, ip netip.Addr, ok bool) {
	switch {
	case sub.NATGateway != nil:
		m := tr.detail().s("NAT gateway ").s(sub.NATGateway.Name).done()
		if len(sub.NATGateway.PublicIPs) > 0 {
			ip = sub.NATGateway.PublicIPs[0]
		}
		return m, ip, true
	case at != nil && at.Firewall != nil:
		return tr.detail().s("Azure Firewall ").s(at.Name).s(" public IP ").addr(at.PublicIP).done(), at.PublicIP, true
	case at != nil && at.PublicIP.IsValid():
		return tr.detail().s("instance public IP ").addr(at.PublicIP).done(), at.PublicIP, true
	case sub.DefaultOutboundAccess:
		return "default outbound access", netip.Addr{}, true
	}
	return "", netip.Addr{}, false
}

// toInternet follows a route whose next hop is Internet.
func (tr *tracer) toInternet(sub *topology.Subnet, at *topology.NIC, dst *Endpoint, f topology.Flow, r *topology.Route) bool {
	// A reply to a private address is dropped here too: the internet does
	// not route it back (found by the kernel cross-check, seeds 9 and 10).
	if topology.IsPrivate(f.Dst) {
		if !tr.quiet {
			tr.hop(sub.ID(), "route", "drop", "next hop Internet can't reach private address %s", f.Dst)
		}
		return tr.deny(ReasonNoRoute, routeBlocker(r, sub), "%s sends private address %s to the Internet, where it is dropped", r.Describe(), f.Dst)
	}
	if tr.reply {
		if tr.viaPublicIP {
			tr.hop(dst.Text, "reply", "deliver", "the reply leaves through the public IP the request came in on")
		} else {
			if !tr.quiet {
				tr.hop(dst.Text, "reply", "deliver", "the reply returns to %s", f.Dst)
			}
		}
		return true
	}
	method, ip, ok := tr.egress(sub, at)
	// NAT gateway >> instance public IP >> load balancer outbound rules >>
	// default outbound access (reference 5.2).
	if o := tr.t.LBOutboundRuleFor(at); o != nil && sub.NATGateway == nil && !at.PublicIP.IsValid() && at.Firewall == nil {
		method, ip, ok = fmt.Sprintf("load balancer %s outbound rule %s, public IP %s", o.LB.Name, o.Name, o.Frontends[0].IP), o.Frontends[0].IP, true
	}
	// Same-region storage matters only without an outbound method.
	switch {
	case !ok && tr.t.InTag("Storage."+sub.VNet.Region, f.Dst, nil):
		method = "Azure backbone (same-region storage needs no outbound method)"
	case !ok:
		if !tr.quiet {
			tr.hop(sub.ID(), "egress", "drop", "private subnet: defaultOutboundAccess is false and there is no NAT gateway or public IP")
		}
		return tr.deny(ReasonNoOutbound, &BlockedBy{Kind: "subnet", Name: "defaultOutboundAccess", Resource: sub.ID()},
			"%s is a private subnet (defaultOutboundAccess: false) with no NAT gateway or instance public IP, so %s can't leave through next hop Internet (%s)", sub.ID(), f.Dst, r.Describe())
	case f.Protocol == topology.ProtocolICMP && !strings.HasPrefix(method, "instance"):
		if !tr.quiet {
			tr.hop(sub.ID(), "egress", "drop", "%s does not carry ICMP", method)
		}
		return tr.deny(ReasonNoOutbound, &BlockedBy{Kind: "egress", Name: method, Resource: sub.ID()}, "%s does not support ICMP", method)
	}
	tr.res.Egress = method
	if !tr.quiet {
		tr.hopText(sub.ID(), "egress", "snat", method)
	}
	if n := tr.t.NICByPublicIP(f.Dst); n != nil {
		in := f
		if ip.IsValid() {
			in.Src = ip
		}
		return tr.inboundPublic(n, in)
	}
	if n := tr.t.NATGatewayByPublicIP(f.Dst); n != nil {
		return tr.inboundNAT(n, f)
	}
	if fe := tr.t.LBFrontendAt(f.Dst); fe != nil && fe.Subnet == nil {
		in := f
		if ip.IsValid() {
			in.Src = ip
		}
		return tr.throughLB(fe, in, true)
	}
	if dst.Kind == EndpointService && dst.Service != nil {
		if !tr.quiet {
			tr.hop(dst.Service.Name, "service", "reach", "public endpoint %s over the Azure backbone", f.Dst)
		}
		return tr.serviceAccessFrom(dst.Service, f, nil, ip, sub) && tr.replyFromOutside(at, f, method)
	}
	if dst.Kind == EndpointServiceTag {
		if !tr.quiet {
			tr.hop(dst.Text, "destination", "deliver", "Azure public address %s over the Azure backbone", f.Dst)
		}
		return tr.replyFromOutside(at, f, method)
	}
	if !tr.quiet {
		tr.hopText(dst.Text, "destination", "deliver", tr.detail().addr(f.Dst).s(" on the internet").done())
	}
	return tr.replyFromOutside(at, f, method)
}

// toService follows a service endpoint route.
func (tr *tracer) toService(sub *topology.Subnet, at *topology.NIC, dst *Endpoint, f topology.Flow, via string) bool {
	if tr.reply {
		if !tr.quiet {
			tr.hop(dst.Text, "reply", "deliver", "the reply returns over %s", via)
		}
		return true
	}
	if !tr.endpointPolicyAllows(sub, dst, f, strings.TrimPrefix(via, "service endpoint ")) {
		return false
	}
	if dst.Kind == EndpointService && dst.Service != nil {
		if !tr.quiet {
			tr.hop(dst.Service.Name, "service", "reach", "public endpoint %s through %s from %s", f.Dst, via, sub.ID())
		}
		return tr.serviceAccess(dst.Service, f, sub, netip.Addr{})
	}
	if !tr.quiet {
		tr.hop(dst.Text, "destination", "deliver", "%s through %s", f.Dst, via)
	}
	return true
}

// serviceAccess applies a PaaS resource's own network rules to a request
// that reached its public endpoint. viaSubnet is the source subnet when the
// request used a service endpoint; publicSrc the request's public source.
func (tr *tracer) serviceAccess(svc *topology.Service, f topology.Flow, viaSubnet *topology.Subnet, publicSrc netip.Addr) bool {
	return tr.serviceAccessFrom(svc, f, viaSubnet, publicSrc, nil)
}

// serviceAccessFrom is serviceAccess for a request that left Azure subnet
// from (nil for a request from outside Azure). A request to a storage
// account from a VNet in the account's own region travels on private
// addresses, so IP network rules can't match it ("IP network rules have no
// effect on requests that originate from the same Azure region as the
// storage account", Configure Azure Storage firewalls and virtual networks).
func (tr *tracer) serviceAccessFrom(svc *topology.Service, f topology.Flow, viaSubnet *topology.Subnet, publicSrc netip.Addr, from *topology.Subnet) bool {
	if svc.PublicNetworkAccess == "Disabled" {
		tr.hop(svc.Name, "service", "deny", "publicNetworkAccess is Disabled")
		return tr.deny(ReasonPublicAccess, &BlockedBy{Kind: "service", Name: "publicNetworkAccess", Resource: svc.Name},
			"%s reached the public endpoint of %s (%s), whose publicNetworkAccess is Disabled", f.Src, svc.Name, f.Dst)
	}
	if acl := svc.ACLs; acl != nil && acl.DefaultAction == "Deny" {
		if viaSubnet != nil {
			for _, s := range acl.Subnets {
				if s == viaSubnet {
					if !tr.quiet {
						tr.hop(svc.Name, "service", "allow", "virtual network rule %s", s.ID())
					}
					return true
				}
			}
		}
		sameRegion := viaSubnet == nil && from != nil && svc.Type == topology.TypeStorage && strings.EqualFold(from.VNet.Region, svc.Region)
		if publicSrc.IsValid() && viaSubnet == nil && !sameRegion {
			for _, p := range acl.IPRules {
				if p.Contains(publicSrc) {
					if !tr.quiet {
						tr.hop(svc.Name, "service", "allow", "IP rule %s", p)
					}
					return true
				}
			}
		}
		by := &BlockedBy{Kind: "service", Name: "networkAcls", Resource: svc.Name}
		if sameRegion {
			if !tr.quiet {
				tr.hop(svc.Name, "service", "deny", "the request comes from the same region (%s): it reaches %s from private address %s, which IP rules can't match; no virtual network rule matches", svc.Region, svc.Name, f.Src)
			}
			return tr.deny(ReasonServiceFirewall, by,
				"the firewall of %s denies private address %s: requests from the same Azure region (%s) reach a storage account from private addresses, so IP network rules have no effect on them; allow subnet %s with a virtual network rule (service endpoint) or use a private endpoint", svc.Name, f.Src, svc.Region, from.ID())
		}
		tr.hop(svc.Name, "service", "deny", "networkAcls defaultAction Deny; no virtual network or IP rule matches")
		src := fmt.Sprintf("public address %s", publicSrc)
		if viaSubnet != nil {
			src = "subnet " + viaSubnet.ID() + " (service endpoint)"
		} else if !publicSrc.IsValid() {
			src = "a Microsoft-owned default outbound address"
		}
		return tr.deny(ReasonServiceFirewall, by,
			"the firewall of %s denies %s: defaultAction is Deny and no virtual network rule or IP rule allows it", svc.Name, src)
	}
	if !tr.quiet {
		tr.hop(svc.Name, "destination", "deliver", "%s (%s) public endpoint", svc.Name, svc.Type)
	}
	return true
}

// fromPlatform starts a packet at 168.63.129.16, the host's virtual IP, where
// load balancer health probes come from: the host hands it straight to the
// NIC, with no route, and the NIC's inbound NSGs decide (reference 1.5, 1.7).
func (tr *tracer) fromPlatform(dst *Endpoint, f topology.Flow) bool {
	if !tr.quiet {
		tr.hop(f.Src.String(), "source", "send", "the host's virtual IP (load balancer health probes, Azure DNS)")
	}
	if dst.NIC == nil {
		return tr.deny(ReasonUnreachable, nil, "the host only talks to NICs of its VMs; %s is not one", dst.Text)
	}
	tr.origin = &Endpoint{Text: dst.Text, Kind: EndpointPlatform, Addr: f.Src}
	if !tr.applyNSGs(nsgLevels(dst.NIC, dst.NIC.Subnet, true), true, f, dst.NIC.VNet(), nil, dst.NIC) {
		return false
	}
	if !tr.quiet {
		tr.hop(dst.NIC.Name, "destination", "deliver", "%s %s at %s", dst.NIC.Kind, dst.NIC.Name, dst.NIC.IP)
	}
	return true
}
