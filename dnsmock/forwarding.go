package dnsmock

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// Forwarding is where a VNet's queries for a name end up, following its
// first DNS server and the servers' forwarders as configured, without
// tracing the queries as flows: the configuration a linter judges.
type Forwarding struct {
	// VNet is the VNet from which the query reaches 168.63.129.16, so the
	// private zones linked to it answer; when the chain ends in public DNS,
	// the VNet of the server that resolves it there.
	VNet *topology.VNet
	// Via describes the custom DNS servers and proxies on the way, joined
	// by " -> "; empty for Azure DNS.
	Via string
	// PublicServer is the DNS server VM that resolves the name from public
	// DNS because no forwarder covers it; empty otherwise.
	PublicServer string
}

// Forward follows v's DNS servers and forwarders for name, as configured.
// It returns nil where the configuration alone can't tell: an on-premises
// or internet server, a firewall without DNS proxy, nothing listening at the
// address, a host record that answers the name, or a forwarding loop (a
// loop is what the forwarding graph reports).
func (r *Resolver) Forward(v *topology.VNet, name string) *Forwarding {
	if len(v.DNSServers) == 0 || v.DNSServers[0] == topology.AzureDNS {
		return &Forwarding{VNet: v}
	}
	name = topology.CanonicalName(name)
	addr, near := v.DNSServers[0], v
	var via []string
	for range maxForwarding {
		srv := r.serverAt(addr, near)
		switch srv.kind {
		case serverAzure:
			return &Forwarding{VNet: near, Via: strings.Join(via, " -> ")}
		case serverVM:
			n, role := srv.vm.nic, srv.vm.role
			if _, ok := srv.vm.hosts[name]; ok {
				return nil
			}
			via = append(via, fmt.Sprintf("DNS server %s (%s) in %s", n.Name, n.IP, n.VNet().Name))
			target := role.DefaultForwarder
			if f, ok := role.ForwarderFor(name); ok {
				target = f.Target
			}
			if !target.IsValid() {
				return &Forwarding{VNet: n.VNet(), Via: strings.Join(via, " -> "), PublicServer: n.Name}
			}
			addr, near = target, n.VNet()
		case serverFirewall:
			f := srv.fw
			via = append(via, fmt.Sprintf("firewall %s (%s) DNS proxy in %s", f.Name, f.IP, f.Subnet.VNet.Name))
			near, addr = f.Subnet.VNet, topology.AzureDNS
			if len(f.Servers) > 0 {
				addr = f.Servers[0]
			}
		default:
			return nil
		}
	}
	return nil
}

// ServerVM returns the DNS server VM that a query from near sent to a
// reaches, if a is one (VNets that are not peered may reuse addresses).
func (r *Resolver) ServerVM(a netip.Addr, near *topology.VNet) *topology.NIC {
	if s := r.serverAt(a, near); s.kind == serverVM {
		return s.vm.nic
	}
	return nil
}
