package sim

import (
	"fmt"
	"net/netip"
	"strings"

	"go4.org/netipx"

	"github.com/vnetsim/vnetsim/topology"
)

// Set expectations (reach: none, reach: {only: [...]}) are decided with
// the matrix machinery: for every address that stands for the source and
// every one that stands for the destination, Reach computes exactly what
// may pass over every protocol and destination port (one trace per port
// interval between the boundaries of the rules on the path). The addresses
// are the matrix's: a subnet stands for each NIC in it and its first free
// address (so NICs whose rules differ are all decided), a VNet for its
// subnets, a CIDR for the NICs and first free address of the subnets it
// overlaps and, outside the VNets, for one address in it, like internet
// and service tags.

// reachEndpoints resolves one side of a set expectation: a VNet, a
// vnet/subnet, a CIDR, or any endpoint (VM, compute, private endpoint,
// service, service tag, internet, an address or FQDN).
func (t *Network) reachEndpoints(s string, source bool) ([]*Endpoint, error) {
	s = strings.TrimSpace(s)
	subnetEnds := func(sub *topology.Subnet, within netip.Prefix) []*Endpoint {
		return subnetEndpoints(t, sub, within, source)
	}
	if v := t.VNet(s); v != nil && !strings.Contains(s, "/") {
		var out []*Endpoint
		for _, sub := range v.Subnets {
			if !sub.IsGatewayOrFirewall() {
				out = append(out, subnetEnds(sub, sub.Prefix)...)
			}
		}
		return out, nil
	}
	if sub := t.Subnet(s); sub != nil {
		return subnetEnds(sub, sub.Prefix), nil
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		p = p.Masked()
		var out []*Endpoint
		for _, v := range t.VNets {
			for _, sub := range v.Subnets {
				if sub.Prefix.Overlaps(p) && !sub.IsGatewayOrFirewall() {
					in := p
					if sub.Prefix.Bits() > p.Bits() {
						in = sub.Prefix
					}
					out = append(out, subnetEnds(sub, in)...)
				}
			}
		}
		for _, a := range []netip.Addr{p.Addr(), topology.InternetHost} {
			if p.Contains(a) && len(t.VNetsContaining(a)) == 0 {
				e, err := resolveAddr(t, &Endpoint{Text: s}, a)
				if err != nil {
					return nil, err
				}
				out = append(out, e)
				break
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("endpoint %q: no subnet or address of the scenario in it", s)
		}
		return out, nil
	}
	e, err := t.ResolveEndpoint(s)
	if err != nil {
		return nil, err
	}
	if source && (e.Kind == EndpointService || e.Kind == EndpointFQDN) {
		return nil, fmt.Errorf("endpoint %q: a flow can't start at a service or name", s)
	}
	return []*Endpoint{e}, nil
}

// subnetEndpoints stands a subnet (its addresses within in) for each NIC in
// it and its first free address. As a source, private endpoints, gateways
// and firewalls are left out: they don't start flows.
func subnetEndpoints(t *Network, sub *topology.Subnet, in netip.Prefix, source bool) []*Endpoint {
	var out []*Endpoint
	seen := map[netip.Addr]bool{}
	for _, n := range t.NICs {
		if n.Subnet != sub || !in.Contains(n.IP) || seen[n.IP] {
			continue
		}
		seen[n.IP] = true
		if source && (n.Kind == topology.KindPrivateEndpoint || n.Kind == topology.KindGateway || n.Kind == topology.KindFirewall) {
			continue
		}
		out = append(out, &Endpoint{Text: n.Name, Kind: EndpointNIC, Addr: n.IP, NIC: n, Subnet: sub})
	}
	a := sub.FirstUsable()
	if in.Addr().Compare(a) > 0 {
		a = in.Addr()
	}
	for ; in.Contains(a) && sub.Prefix.Contains(a) && (seen[a] || sub.VNet.NICAt(a) != nil); a = a.Next() {
	}
	if in.Contains(a) && sub.Prefix.Contains(a) && a != netipx.PrefixLastIP(sub.Prefix) {
		out = append(out, &Endpoint{Text: a.String(), Kind: EndpointAddress, Addr: a, Subnet: sub})
	}
	return out
}

// validateReach resolves both sides of a set expectation.
func validateReach(t *Network, e *topology.Expectation) topology.ErrorList {
	var errs topology.ErrorList
	for _, side := range []struct {
		key, val string
		source   bool
	}{{"from", e.From, true}, {"to", e.To, false}} {
		if side.val == "" {
			continue
		}
		if _, err := t.reachEndpoints(side.val, side.source); err != nil {
			key := fmt.Sprintf("expectations[%d].%s", e.Index, side.key)
			errs = append(errs, &topology.Error{File: t.File, Line: t.LineOf(key), Key: key, Msg: err.Error()})
		}
	}
	return errs
}

// checkReach decides a set expectation. It fails on the first pair of
// addresses that allows something outside the set (the witness is a flow
// that passes, with the rules that let it through) or, for only, that
// does not allow something listed (the witness is a flow that is denied,
// with the rule that denies it).
func checkReach(t *Network, e *topology.Expectation, o *Outcome) {
	o.Expect = e.Reach.String()
	srcs, err := t.reachEndpoints(e.From, true)
	if err == nil {
		var dsts []*Endpoint
		if dsts, err = t.reachEndpoints(e.To, false); err == nil {
			err = decideReach(t, e.Reach, srcs, dsts, o)
		}
	}
	if err != nil {
		o.Error, o.Got = err.Error(), "error"
	}
}

func decideReach(t *Network, want *topology.Reach, srcs, dsts []*Endpoint, o *Outcome) error {
	for _, src := range srcs {
		for _, dst := range dsts {
			if src.Addr.IsValid() && src.Addr == dst.Addr {
				continue // a NIC to itself
			}
			acc, err := t.Reach(src, dst, nil)
			if err != nil {
				return err
			}
			if p, port, ok := outside(acc, want); ok {
				res, err := witnessTrace(t, src, dst, p, port)
				if err != nil {
					return err
				}
				o.Got = acc.String()
				o.Witness = fmt.Sprintf("%s -> %s: %s passes (%s)", src, dst, res.Flow, allowedBy(res))
				o.Message = fmt.Sprintf("%s reaches %s with %s, outside %s", src, dst, acc, want)
				o.Hop = allowedBy(res)
				return nil
			}
			if p, port, ok := missing(acc, want); ok {
				res, err := witnessTrace(t, src, dst, p, port)
				if err != nil {
					return err
				}
				o.Got = acc.String()
				o.Reason = res.Reason
				o.Witness = fmt.Sprintf("%s -> %s: %s is denied (%s)", src, dst, res.Flow, res.Reason)
				o.Message = fmt.Sprintf("%s does not reach %s with %s: %s", src, dst, entryText(p, port), res.Message)
				o.Hop = blockingHop(res)
				return nil
			}
		}
	}
	o.Got = want.String()
	o.Passed = true
	return nil
}

func entryText(p topology.Protocol, port uint16) string {
	if p.HasPorts() {
		return fmt.Sprintf("%s/%d", p, port)
	}
	return string(p)
}

// witnessTrace traces one flow of a witness in full.
func witnessTrace(t *Network, src, dst *Endpoint, p topology.Protocol, port uint16) (*Result, error) {
	d := *dst
	return t.TraceEndpoints(src, &d, Request{Protocol: p, Port: port, SrcPort: DefaultSourcePort})
}

// allowedBy names what let a flow through: the NSG, firewall, appliance and
// service rules that allowed it, or, when none filtered it, that nothing
// on the path does.
func allowedBy(res *Result) string {
	var parts []string
	for _, h := range append(append([]Hop{}, res.Hops...), res.Reply...) {
		switch {
		case h.Action == "allow", h.Kind == "firewall" && h.Action == "dnat", h.Kind == "appliance" && h.Action == "forward":
			parts = append(parts, fmt.Sprintf("%s %s: %s", h.Kind, h.Node, h.Detail))
		}
	}
	if len(parts) == 0 {
		return "no NSG, firewall or appliance rule on the path filters it"
	}
	return "allowed by " + strings.Join(parts, "; ")
}

// outside returns a protocol and port that acc allows and want does not.
func outside(acc *Access, want *topology.Reach) (topology.Protocol, uint16, bool) {
	allowed := map[topology.Protocol][]topology.PortRange{}
	has := map[topology.Protocol]bool{}
	if !want.None {
		for _, e := range want.Only {
			allowed[e.Protocol] = e.Ports
			has[e.Protocol] = true
		}
	}
	for _, x := range []struct {
		p   topology.Protocol
		set PortSet
	}{{topology.ProtocolTCP, acc.TCP}, {topology.ProtocolUDP, acc.UDP}} {
		if port, ok := firstOutside(x.set, allowed[x.p]); ok {
			return x.p, port, true
		}
	}
	for _, x := range []struct {
		p  topology.Protocol
		ok bool
	}{{topology.ProtocolICMP, acc.ICMP}, {topology.ProtocolESP, acc.ESP}, {topology.ProtocolAH, acc.AH}} {
		if x.ok && !has[x.p] {
			return x.p, 0, true
		}
	}
	return "", 0, false
}

// missing returns a protocol and port that want lists and acc does not allow.
func missing(acc *Access, want *topology.Reach) (topology.Protocol, uint16, bool) {
	if want.None {
		return "", 0, false
	}
	for _, e := range want.Only {
		switch e.Protocol {
		case topology.ProtocolTCP, topology.ProtocolUDP:
			set := acc.TCP
			if e.Protocol == topology.ProtocolUDP {
				set = acc.UDP
			}
			if port, ok := firstOutside(PortSet(e.Ports), set); ok {
				return e.Protocol, port, true
			}
		case topology.ProtocolICMP:
			if !acc.ICMP {
				return e.Protocol, 0, true
			}
		case topology.ProtocolESP:
			if !acc.ESP {
				return e.Protocol, 0, true
			}
		case topology.ProtocolAH:
			if !acc.AH {
				return e.Protocol, 0, true
			}
		}
	}
	return "", 0, false
}

// firstOutside returns the first port of set that no range of in holds.
func firstOutside(set PortSet, in []topology.PortRange) (uint16, bool) {
	for _, r := range set {
		p := uint32(r.Lo)
		for p <= uint32(r.Hi) {
			next := p
			for _, a := range in {
				if a.Contains(uint16(p)) {
					next = uint32(a.Hi) + 1
					break
				}
			}
			if next == p {
				return uint16(p), true
			}
			p = next
		}
	}
	return 0, false
}
