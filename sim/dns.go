package sim

import (
	"fmt"
	"strings"

	"github.com/vnetsim/vnetsim/dnsmock"
	"github.com/vnetsim/vnetsim/topology"
)

// Reasons for name resolution failures.
const (
	ReasonDNSNXDomain    = dnsmock.ReasonNXDomain
	ReasonDNSNoData      = dnsmock.ReasonNoData
	ReasonDNSUnreachable = dnsmock.ReasonUnreachable
	ReasonDNSServFail    = dnsmock.ReasonServFail
)

// dnsFlow traces a DNS query from a client or a forwarding server to a DNS
// server at port 53.
func dnsFlow(t *Network) dnsmock.FlowFunc {
	return func(from, server dnsmock.Client, proto topology.Protocol) dnsmock.Flow {
		src, err := clientEndpoint(t, from)
		if err != nil {
			return dnsmock.Flow{Reason: ReasonUnreachable, Message: err.Error()}
		}
		dst, err := clientEndpoint(t, server)
		if err != nil {
			return dnsmock.Flow{Reason: ReasonUnreachable, Message: err.Error()}
		}
		res, err := t.TraceEndpoints(src, dst, Request{Protocol: proto, Port: 53, SrcPort: DefaultSourcePort})
		if err != nil {
			return dnsmock.Flow{Reason: ReasonUnreachable, Message: err.Error()}
		}
		fl := dnsmock.Flow{Allowed: res.Verdict == Allowed, Reason: res.Reason, Message: res.Message, Path: hopPath(res.Hops)}
		if res.BlockedBy != nil {
			fl.BlockedBy = &dnsmock.Blocker{Kind: res.BlockedBy.Kind, Name: res.BlockedBy.Name, Resource: res.BlockedBy.Resource}
		}
		return fl
	}
}

// hopPath summarises a flow's hops on one line: the routes, NSGs,
// peerings and devices it went through.
func hopPath(hops []Hop) string {
	var parts []string
	for _, h := range hops {
		p := h.Kind + " " + h.Node
		switch h.Kind {
		case "source", "destination", "dns":
			continue
		case "platform":
			p = h.Detail
		}
		if len(parts) == 0 || parts[len(parts)-1] != p {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " > ")
}

// clientEndpoint turns a DNS client back into a trace endpoint.
func clientEndpoint(t *Network, c dnsmock.Client) (*Endpoint, error) {
	if c.NIC != nil {
		return &Endpoint{Text: c.NIC.Name, Kind: EndpointNIC, NIC: c.NIC, Subnet: c.NIC.Subnet, Addr: c.NIC.IP}, nil
	}
	if c.Subnet != nil {
		return &Endpoint{Text: c.Label(), Kind: EndpointAddress, Subnet: c.Subnet, Addr: c.Addr, NIC: c.Subnet.VNet.NICAt(c.Addr)}, nil
	}
	return resolveAddr(t, &Endpoint{Text: c.Label()}, c.Addr)
}

// DNSClient returns the DNS client an endpoint stands for: a NIC (with its
// hosts file), an address in a subnet, or an address outside Azure.
func DNSClient(e *Endpoint) dnsmock.Client {
	c := dnsmock.Client{Name: e.Text, Addr: e.Addr, NIC: e.NIC, Subnet: e.Subnet}
	if e.Kind == EndpointPublic {
		c.NIC, c.Subnet = nil, nil // a NIC's public IP as a source is outside Azure
	}
	if c.NIC != nil && c.Subnet == nil {
		c.Subnet = c.NIC.Subnet
	}
	return c
}

// resolveName resolves a destination name in the source's DNS view (the
// service's primary FQDN when the destination is a service named by its
// name), adds a "dns" hop for each step, and points dst at the answer, or
// denies the flow: dns-nxdomain, dns-nodata (the name exists without an A
// record), dns-unreachable, dns-servfail, or
// public-access-disabled when the name resolved to the public address of a
// service whose public network access is disabled (naming the missing
// private DNS link, record or forwarder).
func (tr *tracer) resolveName(src, dst *Endpoint) error {
	r := tr.t.Resolver()
	name := dst.FQDN
	if dst.Kind == EndpointService {
		fqdn, ok := r.PrimaryFQDN(dst.Service)
		if !ok {
			tr.hop(dst.Service.Name, "dns", "skip", "%s (%s) has no DNS name in vnetsim's catalog; tracing to its public endpoint %s", dst.Service.Name, dst.Service.Type, dst.Addr)
			dst.resolved = true // its public address is the answer, for every port
			return nil
		}
		name = fqdn
	}
	ans := r.Resolve(DNSClient(src), dnsmock.Query{Name: name, Protocol: topology.ProtocolUDP, Outside: true})
	for _, s := range ans.Steps {
		if !tr.quiet {
			tr.hop(s.Server, "dns", s.Action, "%s", s.Detail)
		}
	}
	addrs := ans.Addrs()
	if len(addrs) == 0 {
		f := ans.Failure
		if f == nil {
			f = &dnsmock.Diagnosis{Reason: ReasonDNSNXDomain, Message: fmt.Sprintf("%s did not resolve", name)}
		}
		if f.Reason == dnsmock.ReasonBadName {
			return fmt.Errorf("%q is not a valid DNS name", dst.Text)
		}
		tr.deny(f.Reason, blocker(f.BlockedBy), "%s does not resolve in the DNS view of %s: %s", name, src.Text, f.Message)
		return nil
	}
	addr := addrs[0]
	var near *topology.VNet
	if src.Subnet != nil {
		near = src.Subnet.VNet
	}
	e, err := resolveAddrNear(tr.t, &Endpoint{Text: dst.Text, FQDN: name}, addr, near)
	if err != nil {
		return err
	}
	if dst.Kind == EndpointService && e.Service == nil && e.NIC == nil {
		e.Service = dst.Service
	}
	*dst = *e
	dst.resolved = true
	if svc := dst.Service; dst.Kind == EndpointService && addr == svc.PublicIP && svc.PublicNetworkAccess == "Disabled" {
		by := &BlockedBy{Kind: "service", Name: "publicNetworkAccess", Resource: svc.Name}
		why := fmt.Sprintf("%s has no private endpoint or DNS record that %s's view resolves", svc.Name, src.Text)
		if g := ans.PrivateLinkGap; g != nil {
			by, why = blocker(g.BlockedBy), g.Message
		}
		if !tr.quiet {
			tr.hop(svc.Name, "dns", "deny", "%s resolved to the public address %s of %s, whose publicNetworkAccess is Disabled", name, addr, svc.Name)
		}
		tr.deny(ReasonPublicAccess, by, "%s resolves to %s, the public address of %s, whose publicNetworkAccess is Disabled: %s", name, addr, svc.Name, why)
	}
	return nil
}

func blocker(b *dnsmock.Blocker) *BlockedBy {
	if b == nil {
		return nil
	}
	return &BlockedBy{Kind: b.Kind, Name: b.Name, Resource: b.Resource}
}
