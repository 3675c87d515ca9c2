// Package topology owns the compiled network of a scenario. Compile is the
// one place that reads the scenario format (package spec): it validates
// every value against Azure's rules, with file, line and key in every error,
// and builds the network a query engine reads: VNets, subnets and their
// effective routes (cidranger tries behind PrefixSet and PrefixMap), NSGs
// with their rules in evaluation order, service tags, peerings, gateways,
// firewalls and appliances, NICs and their addresses, services and private
// endpoints, private DNS zones and records, DNS server roles, Azure ML
// computes and managed networks, expectations, and the forwarding graphs'
// loops.
//
// A Topology is built once and is read-only afterwards, so concurrent
// queries share it. This package never traces a flow, resolves a name or
// formats a report: those are queries (packages sim and dnsmock), and it
// imports neither.
package topology

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// Well-known addresses.
var (
	// AzureDNS is the Azure-provided resolver, the host's virtual IP.
	AzureDNS = netip.MustParseAddr("168.63.129.16")
	// IMDS is the instance metadata service.
	IMDS = netip.MustParseAddr("169.254.169.254")
	// InternetHost is the address used for the `internet` endpoint: a
	// documentation address outside every Azure range.
	InternetHost = netip.MustParseAddr("198.51.100.10")
)

// Topology is a compiled, validated scenario.
type Topology struct {
	File        string
	Name        string
	Description string
	Region      string
	Tags        *ServiceTags

	VNets       []*VNet
	Peerings    []*Peering
	NSGs        []*NSG
	RouteTables []*RouteTable
	Gateways    []*Gateway
	NATGateways []*NATGateway
	NICs        []*NIC
	// VMs are the NICs of the scenario's VMs, in file order.
	VMs              []*NIC
	Services         []*Service
	PrivateEndpoints []*PrivateEndpoint
	Computes         []*Compute
	Firewalls        []*Firewall
	ML               *MachineLearning
	Expectations     []*Expectation
	// DNSZones are the private DNS zones, in file order.
	DNSZones []*DNSZone
	// DNSResolvers and Rulesets are the DNS private resolvers and the DNS
	// forwarding rulesets.
	DNSResolvers []*DNSResolver
	Rulesets     []*DNSRuleset
	// LoadBalancers are the Azure Load Balancers.
	LoadBalancers []*LoadBalancer

	// RoutingLoops are the cycles of user routes through appliances, and
	// ForwarderLoops the cycles of DNS forwarders, found at compile time
	// (forwarding.go). Azure accepts both; lint reports them.
	RoutingLoops   []RoutingLoop
	ForwarderLoops []ForwarderLoop

	vnets    map[string]*VNet
	subnets  map[string]*Subnet
	nsgs     map[string]*NSG
	rts      map[string]*RouteTable
	gateways map[string]*Gateway
	nats     map[string]*NATGateway
	nics     map[string]*NIC
	services map[string]*Service
	computes map[string]*Compute
	asgs     map[string]bool

	tagSets       map[string]*PrefixSet // lower-case tag name → set, every tag the scenario names
	tagRefs       map[string]tagRef     // every spelling of a tag the scenario uses → its meaning
	publicIPs     map[netip.Addr]*NIC
	lines         func(path string) int // key path → line in the scenario file
	origins       func(line int) string // line → the imported object written there
	variants      []string
	dnsServerNICs []*NIC
	// vnetAt indexes the VNets by their address spaces.
	vnetAt *PrefixMap[*VNet]
}

// VNet is a virtual network.
type VNet struct {
	Name string
	// Path is where it is written in the scenario file (vnets[i]), for messages.
	Path         string
	Region       string
	Subscription string
	AddressSpace []netip.Prefix
	Subnets      []*Subnet
	DNSServers   []netip.Addr
	// Peerings are this VNet's outgoing peering halves (connected or not).
	Peerings []*Peering
	Gateway  *Gateway
	// VirtualNetworkTag is what the VirtualNetwork service tag means for
	// rules evaluated in this VNet (decision 2).
	VirtualNetworkTag *PrefixSet

	index    int
	adminIn  []*AdminRule // security admin rules deployed to the VNet
	adminOut []*AdminRule
	space    *PrefixSet
	subnetAt *PrefixMap[*Subnet]
	nicAt    map[netip.Addr]*NIC
}

// Contains reports whether a lies in the VNet's address space.
func (v *VNet) Contains(a netip.Addr) bool { return v.space.Contains(a) }

// SubnetAt returns the subnet that holds a, if any.
func (v *VNet) SubnetAt(a netip.Addr) *Subnet {
	m, ok := v.subnetAt.Longest(a)
	if !ok {
		return nil
	}
	return m.Values[0]
}

// NICAt returns the NIC (VM, private endpoint, compute node, appliance) with
// private address a in this VNet.
func (v *VNet) NICAt(a netip.Addr) *NIC { return v.nicAt[a.Unmap()] }

// Subnet is a subnet with its effective routes.
type Subnet struct {
	Name string
	// Path is where it is written in the scenario file (vnets[i].subnets[j]), for messages.
	Path                  string
	VNet                  *VNet
	Prefix                netip.Prefix
	NSG                   *NSG
	RouteTable            *RouteTable
	NATGateway            *NATGateway
	ServiceEndpoints      []string
	Delegations           []string
	DefaultOutboundAccess bool
	// PrivateEndpointNetworkPolicies is Disabled, Enabled,
	// NetworkSecurityGroupEnabled or RouteTableEnabled.
	PrivateEndpointNetworkPolicies string
	Routes                         *RouteSet
	// EndpointPolicies are the service endpoint policies on the subnet.
	EndpointPolicies []*EndpointPolicy

	id string // ID, built once at load time
}

// ID returns "vnet/subnet".
func (s *Subnet) ID() string {
	if s.id != "" {
		return s.id
	}
	return s.VNet.Name + "/" + s.Name
}

// IsGatewayOrFirewall reports whether the subnet is a GatewaySubnet or an
// AzureFirewallSubnet, whose addresses no workload uses.
func (s *Subnet) IsGatewayOrFirewall() bool {
	return s.Name == "GatewaySubnet" || s.Name == "AzureFirewallSubnet"
}

// FirstUsable returns the first address Azure hands out in the subnet (.4).
func (s *Subnet) FirstUsable() netip.Addr {
	a := s.Prefix.Addr()
	for i := 0; i < 4; i++ {
		a = a.Next()
	}
	return a
}

// PENSGEnabled reports whether NSGs apply to private endpoints in the subnet.
func (s *Subnet) PENSGEnabled() bool {
	return s.PrivateEndpointNetworkPolicies == "Enabled" || s.PrivateEndpointNetworkPolicies == "NetworkSecurityGroupEnabled"
}

// PERouteTableEnabled reports whether user routes can invalidate the /32
// routes of private endpoints in the subnet (decision 7).
func (s *Subnet) PERouteTableEnabled() bool {
	return s.PrivateEndpointNetworkPolicies == "Enabled" || s.PrivateEndpointNetworkPolicies == "RouteTableEnabled"
}

// Peering is one direction of a VNet peering.
type Peering struct {
	Name                      string
	From, To                  *VNet
	AllowVirtualNetworkAccess bool
	AllowForwardedTraffic     bool
	AllowGatewayTransit       bool
	UseRemoteGateways         bool
	// Reverse is the other half; a peering without one is Initiated, not
	// Connected, and carries no traffic.
	Reverse *Peering
}

// Connected reports whether both halves of the peering exist.
func (p *Peering) Connected() bool { return p.Reverse != nil }

// Open reports whether the peering carries traffic between its VNets: both
// halves exist and both allow virtual network access.
func (p *Peering) Open() bool {
	return p.Connected() && p.AllowVirtualNetworkAccess && p.Reverse.AllowVirtualNetworkAccess
}

// PeeringTo returns v's connected peering to w, or nil. This is the one
// place that finds the peering between two VNets.
func (v *VNet) PeeringTo(w *VNet) *Peering {
	for _, p := range v.Peerings {
		if p.To == w && p.Connected() {
			return p
		}
	}
	return nil
}

// Reaches reports whether packets can pass between v and w without a
// gateway or an appliance: w is v, or an open peering joins them.
func (v *VNet) Reaches(w *VNet) bool {
	if v == w {
		return true
	}
	p := v.PeeringTo(w)
	return p != nil && p.Open()
}

// Global reports whether the peering crosses regions.
func (p *Peering) Global() bool { return !strings.EqualFold(p.From.Region, p.To.Region) }

// NextHopType returns VNetPeering or VNetGlobalPeering.
func (p *Peering) NextHopType() string {
	if p.Global() {
		return "VNetGlobalPeering"
	}
	return "VNetPeering"
}

// Gateway is a virtual network gateway with the on-premises prefixes it reaches.
type Gateway struct {
	Name       string
	VNet       *VNet
	Type       string // Vpn | ExpressRoute
	IP         netip.Addr
	NIC        *NIC
	OnPremises []netip.Prefix
	// Hosts are named on-premises addresses that traces can use as endpoints.
	Hosts  map[string]netip.Addr
	onPrem *PrefixSet
}

// ReachesOnPremises reports whether a lies in an on-premises prefix of the gateway.
func (g *Gateway) ReachesOnPremises(a netip.Addr) bool { return g.onPrem.Contains(a) }

// NATGateway is a NAT gateway.
type NATGateway struct {
	Name      string
	PublicIPs []netip.Addr
}

// NICKind says what a NIC belongs to.
type NICKind string

// NIC kinds.
const (
	KindVM              NICKind = "vm"
	KindPrivateEndpoint NICKind = "privateEndpoint"
	KindCompute         NICKind = "compute"
	KindGateway         NICKind = "gateway"
	KindFirewall        NICKind = "firewall"
	KindBastion         NICKind = "bastion"
)

// NIC is a network interface with one private IP.
type NIC struct {
	Name            string
	Kind            NICKind
	Subnet          *Subnet
	IP              netip.Addr
	NSG             *NSG
	ASGs            map[string]bool
	IPForwarding    bool
	PublicIP        netip.Addr // invalid when the NIC has none
	PublicIPSKU     string
	PrivateEndpoint *PrivateEndpoint
	Compute         *Compute
	Firewall        *Firewall
	Appliance       *ApplianceRules
	Hosts           map[string]netip.Addr
	// DNSServer is the VM's custom DNS server role, nil when it has none.
	DNSServer *DNSServerRole
}

// VNet returns the NIC's VNet.
func (n *NIC) VNet() *VNet { return n.Subnet.VNet }

// Service is an Azure PaaS resource.
type Service struct {
	Name string
	// Path is where it is written in the scenario file (services[i]), for messages.
	Path                string
	Type                string
	Region              string
	Subscription        string
	WorkspaceID         string
	PublicNetworkAccess string // Enabled | Disabled
	ACLs                *ServiceACLs
	// PublicIP is the address the service's public endpoint resolves to, inside
	// its service tag (Tag).
	PublicIP         netip.Addr
	Tag              string
	PrivateEndpoints []*PrivateEndpoint
}

// ServiceACLs is a PaaS resource firewall.
type ServiceACLs struct {
	DefaultAction string // Allow | Deny
	Subnets       []*Subnet
	IPRules       []netip.Prefix
	Bypass        string
}

// PrivateEndpoint is a private endpoint NIC for one sub-resource of a service.
type PrivateEndpoint struct {
	Name string
	// Path is where it is written in the scenario file (privateEndpoints[i]), for messages.
	Path    string
	Service *Service
	GroupID string
	NIC     *NIC
	Zones   []string
}

// Compute is an Azure ML compute. Its NIC stands for its first node.
type Compute struct {
	Name string
	// Path is where it is written in the scenario file (machineLearning.computes[i]), for messages.
	Path              string
	Type              string // AmlCompute | ComputeInstance | Serverless | VirtualMachine | HDInsight
	NIC               *NIC
	Region            string
	PublicIP          bool
	NodeCommunication string // Simplified | Classic
	MaxNodes          int
	// VM is the attached VM of a VirtualMachine or HDInsight compute.
	VM string
	// Managed is true for a compute in the workspace's managed network.
	Managed bool
}

// Attached reports whether the compute is an attached VM or HDInsight cluster.
func (c *Compute) Attached() bool { return c.VM != "" }

// MachineLearning is the scenario's Azure Machine Learning workspace and its
// associated resources (nil services are not configured).
type MachineLearning struct {
	Workspace, Storage, KeyVault, Registry, Insights *Service
	ImageBuildCompute                                *Compute
	IPAllowList                                      []netip.Prefix
	// Managed is the workspace's managed network, nil when there is none.
	Managed *ManagedNetwork
}

// Expectation is a scenario expectation: a flow (From, To, Protocol, Port)
// or an intent (Intent, Compute, Client), and the verdict it expects.
type Expectation struct {
	Name     string
	From     string
	To       string
	Protocol string
	Port     int
	Intent   string
	Compute  string
	Client   string
	Expect   string
	Reason   string
	// Reach, when set, makes it a set expectation over every protocol and
	// port from From to To.
	Reach *Reach
	// Index is the expectation's place in its list.
	Index int

	line int
}

// Reach is a set expectation: nothing may pass (None), or exactly Only.
type Reach struct {
	None bool
	Only []ReachEntry
}

// ReachEntry is a protocol and, for Tcp and Udp, destination ports.
type ReachEntry struct {
	Protocol Protocol
	Ports    []PortRange // nil for Icmp, Esp and Ah
}

// String writes the set: "none", or "only Tcp/443,445; Udp/53".
func (r *Reach) String() string {
	if r.None || len(r.Only) == 0 {
		return "none"
	}
	parts := make([]string, len(r.Only))
	for i, e := range r.Only {
		parts[i] = e.String()
	}
	return "only " + strings.Join(parts, "; ")
}

func (e ReachEntry) String() string {
	if !e.Protocol.HasPorts() {
		return string(e.Protocol)
	}
	ps := make([]string, len(e.Ports))
	for i, p := range e.Ports {
		ps[i] = p.String()
	}
	return string(e.Protocol) + "/" + strings.Join(ps, ",")
}

// ParseReachEntry parses Tcp/443, Udp/53,5353, Tcp/8000-8999, Tcp/* or
// Icmp, Esp, Ah.
func ParseReachEntry(s string) (ReachEntry, error) {
	proto, ports, hasPorts := strings.Cut(strings.TrimSpace(s), "/")
	p, err := ParseProtocol(proto)
	if err != nil || p == ProtocolAny {
		return ReachEntry{}, fmt.Errorf("%q: want Tcp/PORTS, Udp/PORTS, Icmp, Esp or Ah", s)
	}
	if !p.HasPorts() {
		if hasPorts {
			return ReachEntry{}, fmt.Errorf("%q: %s has no ports", s, p)
		}
		return ReachEntry{Protocol: p}, nil
	}
	if !hasPorts {
		return ReachEntry{}, fmt.Errorf("%q: give the ports, %s/443 or %s/* for all", s, p, p)
	}
	rs, err := ParsePortRanges(ports)
	if err != nil {
		return ReachEntry{}, fmt.Errorf("%q: ports: want *, a port 0-65535, a range lo-hi or a comma list", s)
	}
	return ReachEntry{Protocol: p, Ports: rs}, nil
}

// Line returns the line the expectation is written on.
func (e *Expectation) Line() int { return e.line }

// VNetsContaining returns the VNets whose address space holds a (VNets that
// are not peered may reuse addresses).
func (t *Topology) VNetsContaining(a netip.Addr) []*VNet {
	var out []*VNet
	for _, m := range t.vnetAt.Containing(a) {
		out = append(out, m.Values...)
	}
	return out
}

// VNet returns the named VNet.
func (t *Topology) VNet(name string) *VNet { return t.vnets[name] }

// Subnet returns the subnet with ID "vnet/subnet".
func (t *Topology) Subnet(id string) *Subnet { return t.subnets[id] }

// NIC returns the NIC named by a VM, compute or private endpoint name.
func (t *Topology) NIC(name string) *NIC { return t.nics[name] }

// Service returns the named service.
func (t *Topology) Service(name string) *Service { return t.services[name] }

// Compute returns the named compute.
func (t *Topology) Compute(name string) *Compute { return t.computes[name] }

// NSG returns the named NSG.
func (t *Topology) NSG(name string) *NSG { return t.nsgs[name] }

// NICByPublicIP returns the NIC that owns public address a.
func (t *Topology) NICByPublicIP(a netip.Addr) *NIC { return t.publicIPs[a.Unmap()] }

// TagNames returns the service tags the scenario uses (in NSG, firewall and
// route rules, services and service endpoints), by their canonical names,
// sorted.
func (t *Topology) TagNames() []string {
	var out []string
	for k := range t.tagSets {
		if st, ok := t.Tags.Lookup(k); ok {
			out = append(out, st.Name)
		}
	}
	sort.Strings(out)
	return out
}

// LineOf returns the line a key path is written on, or 0.
func (t *Topology) LineOf(path string) int {
	if t.lines == nil {
		return 0
	}
	return t.lines(path)
}

// OriginAt returns where the object written at line came from when an
// importer wrote the scenario ("FILE: resource ID or Terraform address"),
// or "" for a scenario written by hand.
func (t *Topology) OriginAt(line int) string {
	if t.origins == nil || line <= 0 {
		return ""
	}
	return t.origins(line)
}

// VariantNames lists the variants the scenario file defines, in file order
// (empty for a variant itself).
func (t *Topology) VariantNames() []string { return t.variants }

// IsPrivate reports whether a is a private, shared or link-local address that
// the internet does not route (RFC 1918, RFC 6598, loopback, link-local, ULA).
func IsPrivate(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || cgnat.Contains(a) || !a.IsGlobalUnicast()
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// RouteTable is a route table.
type RouteTable struct {
	Name                       string
	DisableBgpRoutePropagation bool
	Routes                     []*UserRoute
}

// UserRoute is a user-defined route; its prefix is a CIDR or a service tag.
type UserRoute struct {
	Name        string
	Path        string       // routeTables[i].routes[j], for messages
	Prefix      netip.Prefix // invalid when Tag is set
	Tag         string
	NextHopType string
	NextHopIP   netip.Addr
}
