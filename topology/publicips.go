package topology

import "net/netip"

// NATGatewayByPublicIP returns the NAT gateway that owns public address a,
// or nil. NAT gateways carry outbound flows only: "Return traffic from the
// internet is only allowed in response to an active flow" (reference 5.2).
func (t *Topology) NATGatewayByPublicIP(a netip.Addr) *NATGateway {
	a = a.Unmap()
	for _, n := range t.NATGateways {
		for _, p := range n.PublicIPs {
			if p == a {
				return n
			}
		}
	}
	return nil
}

// nthTagAddr returns the n-th address (from 0) a service of a tag gets: the
// third address of the tag's first IPv4 prefix, then the next ones,
// continuing into the following prefixes when a prefix is small, so that
// two services of one tag never share an address.
func nthTagAddr(prefixes []netip.Prefix, n int) netip.Addr {
	var last netip.Addr
	skip := 2 // the first addresses stand for the tag itself (as before)
	for _, p := range prefixes {
		if !p.Addr().Is4() {
			continue
		}
		for a := p.Masked().Addr(); p.Contains(a); a = a.Next() {
			last = a
			if skip > 0 {
				skip--
				continue
			}
			if n == 0 {
				return a
			}
			n--
			if !a.Next().IsValid() {
				break
			}
		}
	}
	return last
}
