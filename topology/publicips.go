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
