package picture

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// Topology draws a compiled network: each VNet a frame holding its subnets,
// each subnet a frame holding its NICs (VMs, appliances, compute nodes,
// private endpoints, firewalls, gateways); peerings (both halves, with
// their flags), user routes to appliances, gateways and the internet,
// gateways to on-premises, private endpoints to the services and the private
// DNS zones they serve, and the zones' VNet links.
func Topology(t *topology.Topology) *Graph {
	g := NewGraph("topology", fmt.Sprintf("%s: topology", t.Name))
	d := &topoDrawer{g: g, t: t, nic: map[*topology.NIC]*Node{}, vnet: map[*topology.VNet]*Cluster{}, subnet: map[*topology.Subnet]*Node{}, svc: map[*topology.Service]*Node{}, zone: map[string]*Node{}}
	d.vnets()
	d.peerings()
	d.routes()
	d.gateways()
	d.services()
	d.zones()
	d.dnsServers()
	return g
}

type topoDrawer struct {
	g        *Graph
	t        *topology.Topology
	nic      map[*topology.NIC]*Node
	vnet     map[*topology.VNet]*Cluster
	subnet   map[*topology.Subnet]*Node
	svc      map[*topology.Service]*Node
	zone     map[string]*Node
	internet *Node
}

func prefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

func (d *topoDrawer) vnets() {
	byNIC := map[*topology.Subnet][]*topology.NIC{}
	for _, n := range d.t.NICs {
		if n.Subnet != nil {
			byNIC[n.Subnet] = append(byNIC[n.Subnet], n)
		}
	}
	for _, v := range d.t.VNets {
		label := fmt.Sprintf("VNet %s  %s  (%s)", v.Name, prefixes(v.AddressSpace), v.Region)
		if d.t.ML != nil && d.t.ML.Managed != nil && d.t.ML.Managed.VNet == v {
			label = fmt.Sprintf("managed VNet %s of workspace %s (%s)", v.Name, d.t.ML.Managed.Workspace.Name, d.t.ML.Managed.Mode)
		}
		vc := d.g.Cluster(nil, label)
		d.vnet[v] = vc
		for _, s := range v.Subnets {
			sc := d.g.Cluster(vc, fmt.Sprintf("subnet %s  %s", s.Name, s.Prefix))
			d.subnet[s] = d.g.Node(sc, subnetLabel(s), "note")
			for _, n := range byNIC[s] {
				d.nic[n] = d.g.Node(sc, nicLabel(n), nicShape(n))
			}
		}
	}
}

// subnetLabel lists what applies to every NIC of a subnet.
func subnetLabel(s *topology.Subnet) string {
	var lines []string
	if s.NSG != nil {
		lines = append(lines, "NSG "+s.NSG.Name)
	} else {
		lines = append(lines, "no NSG")
	}
	if s.RouteTable != nil {
		lines = append(lines, "route table "+s.RouteTable.Name)
	}
	if s.NATGateway != nil {
		lines = append(lines, "NAT gateway "+s.NATGateway.Name)
	}
	if len(s.Delegations) > 0 {
		lines = append(lines, "delegated to "+strings.Join(s.Delegations, ", "))
	}
	if len(s.ServiceEndpoints) > 0 {
		lines = append(lines, "service endpoints "+strings.Join(s.ServiceEndpoints, ", "))
	}
	return strings.Join(lines, "\n")
}

func nicLabel(n *topology.NIC) string {
	var what string
	switch {
	case n.Kind == topology.KindCompute && n.Compute != nil:
		what = n.Compute.Type + " compute"
	case n.Kind == topology.KindPrivateEndpoint && n.PrivateEndpoint != nil:
		what = "private endpoint (" + n.PrivateEndpoint.GroupID + ")"
	case n.Kind == topology.KindFirewall:
		what = "Azure Firewall"
	case n.Kind == topology.KindGateway:
		what = "gateway"
	case n.Appliance != nil || n.IPForwarding:
		what = "appliance (IP forwarding)"
	case n.DNSServer != nil:
		what = "VM, DNS server"
	default:
		what = "VM"
	}
	lines := []string{n.Name, what + "  " + n.IP.String()}
	if n.PublicIP.IsValid() {
		lines = append(lines, "public IP "+n.PublicIP.String())
	} else if n.Compute != nil && n.Compute.PublicIP {
		lines = append(lines, "public IP (load balancer)")
	}
	if n.NSG != nil {
		lines = append(lines, "NIC NSG "+n.NSG.Name)
	}
	return strings.Join(lines, "\n")
}

func nicShape(n *topology.NIC) string {
	switch {
	case n.Kind == topology.KindPrivateEndpoint:
		return "hexagon"
	case n.Kind == topology.KindFirewall, n.Kind == topology.KindGateway, n.Appliance != nil, n.IPForwarding:
		return "octagon"
	case n.Kind == topology.KindCompute:
		return "box3d"
	}
	return "box"
}

func (d *topoDrawer) peerings() {
	for _, p := range d.t.Peerings {
		from, to := d.vnet[p.From], d.vnet[p.To]
		if from == nil || to == nil || from.Anchor() == nil || to.Anchor() == nil {
			continue
		}
		if p.Reverse != nil && peeringIndex(d.t.Peerings, p.Reverse) < peeringIndex(d.t.Peerings, p) {
			continue // drawn with its other half
		}
		label := peeringLabel(p)
		if p.Reverse != nil {
			label += "\n" + peeringLabel(p.Reverse)
		} else {
			label += "\nInitiated: the other half is missing, no traffic"
		}
		if p.Global() {
			label += "\n(global peering)"
		}
		e := d.g.Edge(from.Anchor(), to.Anchor(), label, !p.Open())
		if e != nil {
			e.TailCluster, e.HeadCluster = from, to
			e.Both = p.Reverse != nil
		}
	}
}

func peeringIndex(ps []*topology.Peering, p *topology.Peering) int {
	for i, q := range ps {
		if q == p {
			return i
		}
	}
	return len(ps)
}

// peeringLabel writes one half of a peering with its flags.
func peeringLabel(p *topology.Peering) string {
	flags := []string{yesNo("access", p.AllowVirtualNetworkAccess), yesNo("forwarded", p.AllowForwardedTraffic)}
	if p.AllowGatewayTransit {
		flags = append(flags, "gateway transit")
	}
	if p.UseRemoteGateways {
		flags = append(flags, "uses remote gateways")
	}
	return fmt.Sprintf("peering %s (%s -> %s): %s", p.Name, p.From.Name, p.To.Name, strings.Join(flags, ", "))
}

func yesNo(what string, ok bool) string {
	if ok {
		return what + " yes"
	}
	return what + " NO"
}

func (d *topoDrawer) internetNode() *Node {
	if d.internet == nil {
		d.internet = d.g.Node(nil, "Internet", "ellipse")
	}
	return d.internet
}

// routes draws each subnet's user routes that leave it: to an appliance,
// the internet or a gateway. None routes are written on the subnet.
func (d *topoDrawer) routes() {
	for _, v := range d.t.VNets {
		for _, s := range v.Subnets {
			if s.RouteTable == nil {
				continue
			}
			from := d.subnet[s]
			for _, r := range s.RouteTable.Routes {
				prefix := r.Tag
				if prefix == "" {
					prefix = r.Prefix.String()
				}
				label := fmt.Sprintf("%s via %s\n(route %s)", prefix, r.NextHopType, r.Name)
				switch r.NextHopType {
				case "VirtualAppliance":
					if n := d.nicAt(r.NextHopIP); n != nil {
						d.g.Edge(from, n, label, false)
					} else {
						from.Label += fmt.Sprintf("\nroute %s: %s -> %s (no NIC there)", r.Name, prefix, r.NextHopIP)
					}
				case "Internet":
					d.g.Edge(from, d.internetNode(), label, false)
				case "VirtualNetworkGateway":
					for _, gw := range d.t.Gateways {
						if gw.VNet == v || (v.PeeringTo(gw.VNet) != nil) {
							if n := d.nic[gw.NIC]; n != nil {
								d.g.Edge(from, n, label, false)
								break
							}
						}
					}
				case "None":
					from.Label += fmt.Sprintf("\nroute %s: %s dropped (None)", r.Name, prefix)
				}
			}
		}
	}
}

// nicAt finds the NIC with private address a in any VNet.
func (d *topoDrawer) nicAt(a netip.Addr) *Node {
	for _, v := range d.t.VNetsContaining(a) {
		if n := v.NICAt(a); n != nil {
			return d.nic[n]
		}
	}
	return nil
}

func (d *topoDrawer) gateways() {
	for _, gw := range d.t.Gateways {
		n := d.nic[gw.NIC]
		if n == nil {
			continue
		}
		if len(gw.OnPremises) > 0 {
			label := "on-premises\n" + prefixes(gw.OnPremises)
			for name, a := range sortedHosts(gw.Hosts) {
				label += fmt.Sprintf("\n%s %s", name, a)
			}
			op := d.g.Node(nil, label, "house")
			d.g.Edge(n, op, gw.Type, false)
		}
	}
}

// sortedHosts iterates a host map by name.
func sortedHosts(m map[string]netip.Addr) func(func(string, netip.Addr) bool) {
	return func(yield func(string, netip.Addr) bool) {
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

func (d *topoDrawer) services() {
	for _, s := range d.t.Services {
		lines := []string{s.Name, shortType(s.Type)}
		if s.PublicNetworkAccess != "" {
			lines = append(lines, "public access "+s.PublicNetworkAccess)
		}
		if s.ACLs != nil && s.ACLs.DefaultAction != "" {
			lines = append(lines, "firewall default "+s.ACLs.DefaultAction)
		}
		d.svc[s] = d.g.Node(nil, strings.Join(lines, "\n"), "cylinder")
	}
	for _, pe := range d.t.PrivateEndpoints {
		n, s := d.nic[pe.NIC], d.svc[pe.Service]
		if n != nil && s != nil {
			d.g.Edge(n, s, "private link "+pe.GroupID, false)
		}
	}
}

// shortType writes Microsoft.Storage/storageAccounts as storageAccounts.
func shortType(t string) string {
	if i := strings.LastIndexByte(t, '/'); i >= 0 {
		return t[i+1:]
	}
	return t
}

func (d *topoDrawer) zones() {
	for _, z := range d.t.DNSZones {
		n := d.g.Node(nil, z.Name+"\nprivate DNS zone", "folder")
		n.Mark = MarkDNS
		d.zone[z.Name] = n
		for _, l := range z.Links {
			vc := d.vnet[l.VNet]
			if vc == nil || vc.Anchor() == nil {
				continue
			}
			label := "linked"
			if l.Registration {
				label += ", autoregistration"
			}
			if l.NxDomainRedirect {
				label += ", NxDomainRedirect"
			}
			e := d.g.Edge(n, vc.Anchor(), label, true)
			if e != nil {
				e.HeadCluster = vc
			}
		}
	}
	for _, pe := range d.t.PrivateEndpoints {
		for _, z := range pe.Zones {
			if zn, n := d.zone[strings.ToLower(strings.TrimSuffix(z, "."))], d.nic[pe.NIC]; zn != nil && n != nil {
				d.g.Edge(n, zn, "A record", true)
			}
		}
	}
}

// dnsServers draws a VNet's custom DNS servers.
func (d *topoDrawer) dnsServers() {
	for _, v := range d.t.VNets {
		vc := d.vnet[v]
		for _, a := range v.DNSServers {
			n := d.nicAt(a)
			if n == nil || vc.Anchor() == nil {
				continue
			}
			e := d.g.Edge(vc.Anchor(), n, "DNS server "+a.String(), true)
			if e != nil && n.Cluster != vc && !inside(n.Cluster, vc) {
				e.TailCluster = vc
			}
		}
	}
}

// inside reports whether c is in ancestor.
func inside(c, ancestor *Cluster) bool {
	for ; c != nil; c = c.parent {
		if c == ancestor {
			return true
		}
	}
	return false
}
