package sim

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// EndpointKind says what a trace endpoint names.
type EndpointKind string

// Endpoint kinds.
const (
	EndpointNIC        EndpointKind = "nic"        // a VM, compute, private endpoint or gateway
	EndpointSubnet     EndpointKind = "subnet"     // vnet/subnet: its first usable address
	EndpointAddress    EndpointKind = "address"    // an IP inside a VNet
	EndpointOnPrem     EndpointKind = "onPremises" // an IP behind a gateway
	EndpointInternet   EndpointKind = "internet"   // an address outside Azure
	EndpointServiceTag EndpointKind = "serviceTag" // an address inside a service tag
	EndpointService    EndpointKind = "service"    // a PaaS service by name
	EndpointFQDN       EndpointKind = "fqdn"       // a DNS name
	EndpointPublic     EndpointKind = "publicIp"   // a public address (Azure-owned or not)
	EndpointPlatform   EndpointKind = "platform"   // 168.63.129.16, the host's virtual IP
)

// Endpoint is a resolved trace endpoint.
type Endpoint struct {
	Text    string
	Kind    EndpointKind
	Addr    netip.Addr
	NIC     *topology.NIC
	Subnet  *topology.Subnet
	Service *topology.Service
	Gateway *topology.Gateway
	// NATGateway is set for a NAT gateway's public IP.
	NATGateway *topology.NATGateway
	// LBFrontend is set for a load balancer's frontend.
	LBFrontend *topology.LBFrontend
	Tag        string
	FQDN       string
	// resolved is set once a name has been resolved in a source's view, so
	// that further traces from that source reuse the answer.
	resolved bool
}

// needsName reports whether the endpoint is a name still to be resolved.
func (e *Endpoint) needsName() bool {
	return !e.resolved && (e.Kind == EndpointFQDN || (e.Kind == EndpointService && e.Text == e.Service.Name))
}

// InVNet reports whether the endpoint is an address inside a VNet subnet.
func (e *Endpoint) InVNet() bool { return e.Subnet != nil }

func (e *Endpoint) String() string {
	if e.Addr.IsValid() && e.Text != e.Addr.String() {
		return fmt.Sprintf("%s (%s)", e.Text, e.Addr)
	}
	return e.Text
}

// ResolveEndpoint interprets an endpoint as the scenario format defines it: a
// VM, compute, private endpoint or gateway name; vnet/subnet; an IP address;
// `internet`; a service tag; a service name; or an FQDN.
func (t *Network) ResolveEndpoint(s string) (*Endpoint, error) {
	s = strings.TrimSpace(s)
	e := &Endpoint{Text: s}
	if s == "" {
		return nil, fmt.Errorf("endpoint %q: empty endpoint", s)
	}
	if strings.EqualFold(s, "internet") {
		e.Kind, e.Addr = EndpointInternet, topology.InternetHost
		return e, nil
	}
	if strings.EqualFold(s, "AzureLoadBalancer") || strings.EqualFold(s, "AzurePlatformDNS") {
		e.Kind, e.Tag, e.Addr = EndpointPlatform, "AzureLoadBalancer", topology.AzureDNS
		return e, nil
	}
	if n := t.NIC(s); n != nil {
		e.Kind, e.NIC, e.Subnet, e.Addr = EndpointNIC, n, n.Subnet, n.IP
		return e, nil
	}
	for _, g := range t.Gateways {
		if a, ok := g.Hosts[s]; ok {
			e.Kind, e.Gateway, e.Addr = EndpointOnPrem, g, a
			return e, nil
		}
	}
	if fe := t.LBFrontendNamed(s); fe != nil {
		e.LBFrontend, e.Addr = fe, fe.IP
		if fe.Subnet != nil {
			e.Kind, e.Subnet = EndpointAddress, fe.Subnet
		} else {
			e.Kind = EndpointPublic
		}
		return e, nil
	}
	if svc := t.Service(s); svc != nil {
		e.Kind, e.Service, e.Addr = EndpointService, svc, svc.PublicIP
		return e, nil
	}
	if strings.Contains(s, "/") {
		if sub := t.Subnet(s); sub != nil {
			e.Kind, e.Subnet, e.Addr = EndpointSubnet, sub, sub.FirstUsable()
			e.NIC = sub.VNet.NICAt(e.Addr)
			return e, nil
		}
		if _, err := netip.ParsePrefix(s); err == nil {
			return nil, fmt.Errorf("endpoint %q: give one address, not a prefix", s)
		}
		return nil, fmt.Errorf("endpoint %q: no such subnet (give vnet/subnet)", s)
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return resolveAddr(t, e, a.Unmap())
	}
	if name, ok := t.CanonicalTag(s); ok {
		e.Kind, e.Tag = EndpointServiceTag, name
		st, ok := t.Tags.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("endpoint %q: %s is computed per VNet and has no address of its own; name an address instead", s, name)
		}
		a, ok := st.FirstIPv4()
		if !ok {
			return nil, fmt.Errorf("endpoint %q: service tag %s has no IPv4 prefix", s, name)
		}
		e.Addr = a
		return e, nil
	}
	if msg := t.EndpointProblem(s); msg != "" {
		return nil, fmt.Errorf("endpoint %q: %s", s, msg)
	}
	if strings.Contains(s, ".") {
		e.Kind, e.FQDN = EndpointFQDN, strings.ToLower(strings.TrimSuffix(s, "."))
		return e, nil
	}
	return nil, fmt.Errorf("endpoint %q: not a VM, compute, private endpoint, service, subnet, IP address, service tag or FQDN in %s", s, t.File)
}

func resolveAddr(t *Network, e *Endpoint, a netip.Addr) (*Endpoint, error) {
	return resolveAddrNear(t, e, a, nil)
}

// resolveAddrNear is resolveAddr seen from VNet near: when VNets that are
// not peered reuse an address, the one near sees (itself or a connected
// peer) is meant.
func resolveAddrNear(t *Network, e *Endpoint, a netip.Addr, near *topology.VNet) (*Endpoint, error) {
	e.Addr = a
	found := t.VNetsContaining(a)
	if len(found) > 1 && near != nil {
		var seen []*topology.VNet
		for _, v := range found {
			if v == near || near.PeeringTo(v) != nil {
				seen = append(seen, v)
			}
		}
		if len(seen) == 1 {
			found = seen
		}
	}
	switch {
	case len(found) > 1:
		return nil, fmt.Errorf("endpoint %q: the address is in more than one VNet (%s, %s); name the VM or subnet instead", e.Text, found[0].Name, found[1].Name)
	case len(found) == 1:
		sub := found[0].SubnetAt(a)
		if sub == nil {
			return nil, fmt.Errorf("endpoint %q: the address is in VNet %s but in none of its subnets", e.Text, found[0].Name)
		}
		e.Kind, e.Subnet, e.NIC = EndpointAddress, sub, found[0].NICAt(a)
		return e, nil
	}
	if a == topology.AzureDNS {
		e.Kind = EndpointPlatform
		return e, nil
	}
	for _, g := range t.Gateways {
		if g.ReachesOnPremises(a) {
			e.Kind, e.Gateway = EndpointOnPrem, g
			return e, nil
		}
	}
	if n := t.NICByPublicIP(a); n != nil {
		e.Kind, e.NIC = EndpointPublic, n
		return e, nil
	}
	if fe := t.LBFrontendAt(a); fe != nil && fe.Subnet == nil {
		e.Kind, e.LBFrontend = EndpointPublic, fe
		return e, nil
	}
	if n := t.NATGatewayByPublicIP(a); n != nil {
		e.Kind, e.NATGateway = EndpointPublic, n
		return e, nil
	}
	for _, svc := range t.Services {
		if svc.PublicIP == a {
			e.Kind, e.Service = EndpointService, svc
			return e, nil
		}
	}
	if topology.IsPrivate(a) {
		e.Kind = EndpointAddress
		return e, nil
	}
	e.Kind = EndpointPublic
	return e, nil
}
