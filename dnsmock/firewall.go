package dnsmock

import (
	"net/netip"

	"github.com/miekg/dns"

	"github.com/vnetsim/vnetsim/topology"
)

// FirewallAddrs returns the IPv4 addresses the Azure Firewall at fwIP
// resolves name to, through its own DNS settings: its DNS servers, else
// Azure DNS from the firewall's VNet (reference 5.3, FWDNS). Network rules
// with FQDNs filter on these addresses ("Use FQDN filtering in network
// rules"). A name the scenario does not govern gets the stand-in internet
// address, as a trace's own resolution does. It returns nil when fwIP is
// no firewall or the name does not resolve.
func (r *Resolver) FirewallAddrs(fwIP netip.Addr, name string) []netip.Addr {
	f := r.firewalls[fwIP]
	if f == nil {
		return nil
	}
	q := Query{Name: name, Type: dns.TypeA, Protocol: topology.ProtocolUDP, Outside: true}
	rn := &run{r: r, q: q, name: topology.CanonicalName(name), qtype: dns.TypeA}
	res := rn.proxy(f, nil)
	var out []netip.Addr
	for _, x := range res.rrs {
		if x.addr.IsValid() {
			out = append(out, x.addr)
		}
	}
	return out
}
