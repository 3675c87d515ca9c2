package spec

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// This file holds the scenario file format v1 exactly as it is written on
// disk. Names mirror Azure Resource Manager property names so that values can
// be copied from the portal, az output or templates. Every struct is decoded
// strictly: a key that is not declared here is an error.

// Scenario is one scenario file.
type Scenario struct {
	APIVersion  string `yaml:"apiVersion"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Region      string `yaml:"region"`
	ServiceTags string `yaml:"serviceTags"`
	// Import names files the importer reads (ARM JSON, templates, what-if,
	// Terraform), relative to the scenario; the scenario's own keys patch
	// the imported network as a variant patches its scenario.
	Import []string `yaml:"import"`

	VNets                     []VNet            `yaml:"vnets"`
	Peerings                  []Peering         `yaml:"peerings"`
	NetworkSecurityGroups     []NSG             `yaml:"networkSecurityGroups"`
	ApplicationSecurityGroups []string          `yaml:"applicationSecurityGroups"`
	RouteTables               []RouteTable      `yaml:"routeTables"`
	VirtualNetworkGateways    []Gateway         `yaml:"virtualNetworkGateways"`
	NATGateways               []NATGateway      `yaml:"natGateways"`
	Firewalls                 []Firewall        `yaml:"firewalls"`
	IPGroups                  []IPGroup         `yaml:"ipGroups"`
	VMs                       []VM              `yaml:"vms"`
	Services                  []Service         `yaml:"services"`
	PrivateEndpoints          []PrivateEndpoint `yaml:"privateEndpoints"`
	PrivateDNSZones           []DNSZone         `yaml:"privateDnsZones"`
	DNSResolvers              []DNSResolver     `yaml:"dnsResolvers"`
	NetworkManagers           []NetworkManager  `yaml:"networkManagers"`
	LoadBalancers             []LoadBalancer    `yaml:"loadBalancers"`
	ServiceEndpointPolicies   []EndpointPolicy  `yaml:"serviceEndpointPolicies"`
	BastionHosts              []BastionHost     `yaml:"bastionHosts"`
	DNSForwardingRulesets     []DNSRuleset      `yaml:"dnsForwardingRulesets"`
	MachineLearning           *MachineLearning  `yaml:"machineLearning"`
	Expectations              []Expectation     `yaml:"expectations"`
	Variants                  []Variant         `yaml:"variants"`
}

// VNet is a virtual network.
type VNet struct {
	Name         string   `yaml:"name"`
	Region       string   `yaml:"region"`
	Subscription string   `yaml:"subscription"`
	AddressSpace []string `yaml:"addressSpace"`
	DNSServers   []string `yaml:"dnsServers"`
	Subnets      []Subnet `yaml:"subnets"`
}

// Subnet is a subnet of a VNet.
type Subnet struct {
	Name                              string   `yaml:"name"`
	AddressPrefix                     string   `yaml:"addressPrefix"`
	NetworkSecurityGroup              string   `yaml:"networkSecurityGroup"`
	RouteTable                        string   `yaml:"routeTable"`
	NATGateway                        string   `yaml:"natGateway"`
	ServiceEndpoints                  []string `yaml:"serviceEndpoints"`
	Delegations                       []string `yaml:"delegations"`
	DefaultOutboundAccess             *bool    `yaml:"defaultOutboundAccess"`
	PrivateEndpointNetworkPolicies    string   `yaml:"privateEndpointNetworkPolicies"`
	PrivateLinkServiceNetworkPolicies string   `yaml:"privateLinkServiceNetworkPolicies"`
	ServiceEndpointPolicies           []string `yaml:"serviceEndpointPolicies"`
}

// Peering is one direction of a VNet peering, as in Azure.
type Peering struct {
	Name                      string `yaml:"name"`
	From                      string `yaml:"from"`
	To                        string `yaml:"to"`
	AllowVirtualNetworkAccess *bool  `yaml:"allowVirtualNetworkAccess"`
	AllowForwardedTraffic     bool   `yaml:"allowForwardedTraffic"`
	AllowGatewayTransit       bool   `yaml:"allowGatewayTransit"`
	UseRemoteGateways         bool   `yaml:"useRemoteGateways"`
}

// NSG is a network security group.
type NSG struct {
	Name          string         `yaml:"name"`
	SecurityRules []SecurityRule `yaml:"securityRules"`
}

// SecurityRule is an NSG security rule, singular and plural (augmented) forms.
type SecurityRule struct {
	Name                                 string   `yaml:"name"`
	Description                          string   `yaml:"description"`
	Priority                             int      `yaml:"priority"`
	Direction                            string   `yaml:"direction"`
	Access                               string   `yaml:"access"`
	Protocol                             string   `yaml:"protocol"`
	SourceAddressPrefix                  string   `yaml:"sourceAddressPrefix"`
	SourceAddressPrefixes                []string `yaml:"sourceAddressPrefixes"`
	SourcePortRange                      string   `yaml:"sourcePortRange"`
	SourcePortRanges                     []string `yaml:"sourcePortRanges"`
	DestinationAddressPrefix             string   `yaml:"destinationAddressPrefix"`
	DestinationAddressPrefixes           []string `yaml:"destinationAddressPrefixes"`
	DestinationPortRange                 string   `yaml:"destinationPortRange"`
	DestinationPortRanges                []string `yaml:"destinationPortRanges"`
	SourceApplicationSecurityGroups      []string `yaml:"sourceApplicationSecurityGroups"`
	DestinationApplicationSecurityGroups []string `yaml:"destinationApplicationSecurityGroups"`
}

// RouteTable is a route table with user-defined routes.
type RouteTable struct {
	Name                       string  `yaml:"name"`
	DisableBgpRoutePropagation bool    `yaml:"disableBgpRoutePropagation"`
	Routes                     []Route `yaml:"routes"`
}

// Route is a user-defined route. AddressPrefix is a CIDR or a service tag.
type Route struct {
	Name             string `yaml:"name"`
	AddressPrefix    string `yaml:"addressPrefix"`
	NextHopType      string `yaml:"nextHopType"`
	NextHopIPAddress string `yaml:"nextHopIpAddress"`
}

// Gateway is a VPN or ExpressRoute gateway in a VNet's
// GatewaySubnet, with the on-premises prefixes it learns.
type Gateway struct {
	Name                      string       `yaml:"name"`
	VNet                      string       `yaml:"vnet"`
	GatewayType               string       `yaml:"gatewayType"`
	SKU                       string       `yaml:"sku"`
	OnPremisesAddressPrefixes []string     `yaml:"onPremisesAddressPrefixes"`
	OnPremisesHosts           []OnPremHost `yaml:"onPremisesHosts"`
}

// OnPremHost names an on-premises address behind a gateway.
type OnPremHost struct {
	Name      string `yaml:"name"`
	IPAddress string `yaml:"ipAddress"`
}

// NATGateway is a NAT gateway, attached to subnets with subnets[].natGateway.
type NATGateway struct {
	Name              string   `yaml:"name"`
	PublicIPAddresses []string `yaml:"publicIpAddresses"`
}

// Firewall is an Azure Firewall with classic rule collections or policy
// rule collection groups.
type Firewall struct {
	Name             string   `yaml:"name"`
	Subnet           string   `yaml:"subnet"`
	PrivateIPAddress string   `yaml:"privateIpAddress"`
	PublicIPAddress  string   `yaml:"publicIpAddress"`
	DNSProxy         bool     `yaml:"dnsProxy"`
	DNSServers       []string `yaml:"dnsServers"`
	ThreatIntelMode  string   `yaml:"threatIntelMode"`
	PrivateRanges    []string `yaml:"privateRanges"`
	// ManagementIPConfiguration puts the firewall in forced tunneling mode:
	// its management traffic leaves through AzureFirewallManagementSubnet,
	// so AzureFirewallSubnet may send 0.0.0.0/0 elsewhere.
	ManagementIPConfiguration *FirewallManagement   `yaml:"managementIpConfiguration"`
	NetworkRuleCollections    []FirewallCollection  `yaml:"networkRuleCollections"`
	ApplicationRuleCollection []FirewallCollection  `yaml:"applicationRuleCollections"`
	NATRuleCollections        []FirewallCollection  `yaml:"natRuleCollections"`
	RuleCollectionGroups      []RuleCollectionGroup `yaml:"ruleCollectionGroups"`
}

// FirewallManagement is a firewall's management IP configuration (forced
// tunneling mode).
type FirewallManagement struct {
	Subnet          string `yaml:"subnet"`
	PublicIPAddress string `yaml:"publicIpAddress"`
}

// RuleCollectionGroup is a Firewall Policy rule collection group.
type RuleCollectionGroup struct {
	Name                      string               `yaml:"name"`
	Priority                  int                  `yaml:"priority"`
	NetworkRuleCollections    []FirewallCollection `yaml:"networkRuleCollections"`
	ApplicationRuleCollection []FirewallCollection `yaml:"applicationRuleCollections"`
	NATRuleCollections        []FirewallCollection `yaml:"natRuleCollections"`
}

// FirewallCollection is a rule collection of one type.
type FirewallCollection struct {
	Name     string         `yaml:"name"`
	Priority int            `yaml:"priority"`
	Action   string         `yaml:"action"`
	Rules    []FirewallRule `yaml:"rules"`
}

// FirewallRule is a network, application or DNAT rule; which keys apply
// depends on the collection type.
type FirewallRule struct {
	Name                 string   `yaml:"name"`
	Protocols            []string `yaml:"protocols"`
	SourceAddresses      []string `yaml:"sourceAddresses"`
	SourceIPGroups       []string `yaml:"sourceIpGroups"`
	DestinationAddresses []string `yaml:"destinationAddresses"`
	DestinationIPGroups  []string `yaml:"destinationIpGroups"`
	DestinationFqdns     []string `yaml:"destinationFqdns"`
	DestinationPorts     []string `yaml:"destinationPorts"`
	TargetFqdns          []string `yaml:"targetFqdns"`
	FqdnTags             []string `yaml:"fqdnTags"`
	TranslatedAddress    string   `yaml:"translatedAddress"`
	TranslatedPort       string   `yaml:"translatedPort"`
}

// VM is anything with a NIC: clients, jump boxes, NVAs, DNS servers.
type VM struct {
	Name                      string            `yaml:"name"`
	Subnet                    string            `yaml:"subnet"`
	PrivateIPAddress          string            `yaml:"privateIpAddress"`
	NetworkSecurityGroup      string            `yaml:"networkSecurityGroup"`
	ApplicationSecurityGroups []string          `yaml:"applicationSecurityGroups"`
	EnableIPForwarding        bool              `yaml:"enableIpForwarding"`
	PublicIPAddress           *PublicIP         `yaml:"publicIpAddress"`
	DNSServer                 *DNSServer        `yaml:"dnsServer"`
	Appliance                 *Appliance        `yaml:"appliance"`
	Hosts                     map[string]string `yaml:"hosts"`
}

// Appliance gives a network virtual appliance (a VM with IP forwarding)
// simple filtering rules, evaluated in order; the first match decides.
type Appliance struct {
	DefaultAction string          `yaml:"defaultAction"`
	Rules         []ApplianceRule `yaml:"rules"`
}

// ApplianceRule is one appliance rule, shaped like a firewall network rule.
type ApplianceRule struct {
	Name                 string   `yaml:"name"`
	Action               string   `yaml:"action"`
	Protocols            []string `yaml:"protocols"`
	SourceAddresses      []string `yaml:"sourceAddresses"`
	DestinationAddresses []string `yaml:"destinationAddresses"`
	DestinationPorts     []string `yaml:"destinationPorts"`
}

// PublicIP is a public IP address attached to a NIC.
type PublicIP struct {
	SKU       string `yaml:"sku"`
	IPAddress string `yaml:"ipAddress"`
}

// DNSServer makes a VM a custom DNS server with conditional forwarders.
type DNSServer struct {
	Forwarders       []Forwarder `yaml:"forwarders"`
	DefaultForwarder string      `yaml:"defaultForwarder"`
}

// Forwarder forwards one zone to one server.
type Forwarder struct {
	Zone   string `yaml:"zone"`
	Target string `yaml:"target"`
}

// Service is an Azure PaaS resource.
type Service struct {
	Name                string       `yaml:"name"`
	Type                string       `yaml:"type"`
	Region              string       `yaml:"region"`
	Subscription        string       `yaml:"subscription"`
	WorkspaceID         string       `yaml:"workspaceId"`
	PublicNetworkAccess string       `yaml:"publicNetworkAccess"`
	NetworkACLs         *NetworkACLs `yaml:"networkAcls"`
	PublicIPAddress     string       `yaml:"publicIpAddress"`
	// ScopedResources are the Application Insights components an Azure
	// Monitor Private Link Scope holds (Microsoft.Insights/privateLinkScopes).
	ScopedResources []string `yaml:"scopedResources"`
}

// NetworkACLs is a PaaS resource firewall (storage, key vault, registry).
type NetworkACLs struct {
	DefaultAction       string   `yaml:"defaultAction"`
	VirtualNetworkRules []string `yaml:"virtualNetworkRules"`
	// IgnoreMissingVnetServiceEndpoint admits subnets that don't (yet)
	// enable the service endpoint, as Azure's property of the same name.
	IgnoreMissingVnetServiceEndpoint bool     `yaml:"ignoreMissingVnetServiceEndpoint"`
	IPRules                          []string `yaml:"ipRules"`
	Bypass                           string   `yaml:"bypass"`
}

// PrivateEndpoint is a private endpoint to one sub-resource of a service.
type PrivateEndpoint struct {
	Name                string   `yaml:"name"`
	Subnet              string   `yaml:"subnet"`
	Service             string   `yaml:"service"`
	GroupID             string   `yaml:"groupId"`
	PrivateIPAddress    string   `yaml:"privateIpAddress"`
	PrivateDNSZoneGroup []string `yaml:"privateDnsZoneGroup"`
}

// DNSZone is an Azure private DNS zone with its VNet links.
type DNSZone struct {
	Name                string     `yaml:"name"`
	VirtualNetworkLinks []VNetLink `yaml:"virtualNetworkLinks"`
	Records             []Record   `yaml:"records"`
}

// VNetLink links a private DNS zone to a VNet.
type VNetLink struct {
	VNet                string `yaml:"vnet"`
	RegistrationEnabled bool   `yaml:"registrationEnabled"`
	ResolutionPolicy    string `yaml:"resolutionPolicy"`
}

// Record is an explicit record in a private DNS zone.
type Record struct {
	Name   string   `yaml:"name"`
	Type   string   `yaml:"type"`
	TTL    int      `yaml:"ttl"`
	Values []string `yaml:"values"`
}

// MachineLearning describes an Azure Machine Learning workspace and its computes.
type MachineLearning struct {
	Workspace           string          `yaml:"workspace"`
	StorageAccount      string          `yaml:"storageAccount"`
	KeyVault            string          `yaml:"keyVault"`
	ContainerRegistry   string          `yaml:"containerRegistry"`
	ApplicationInsights string          `yaml:"applicationInsights"`
	ImageBuildCompute   string          `yaml:"imageBuildCompute"`
	IPAllowList         []string        `yaml:"ipAllowList"`
	Computes            []Compute       `yaml:"computes"`
	ManagedNetwork      *ManagedNetwork `yaml:"managedNetwork"`
}

// Compute is an Azure ML compute target.
type Compute struct {
	Name               string `yaml:"name"`
	Type               string `yaml:"type"`
	Subnet             string `yaml:"subnet"`
	Region             string `yaml:"region"`
	EnableNodePublicIP *bool  `yaml:"enableNodePublicIp"`
	NodeCommunication  string `yaml:"nodeCommunication"`
	MaxNodes           int    `yaml:"maxNodes"`
	Managed            bool   `yaml:"managed"`
	VM                 string `yaml:"vm"`
}

// ManagedNetwork is an Azure ML workspace managed virtual network.
type ManagedNetwork struct {
	IsolationMode string         `yaml:"isolationMode"`
	FirewallSKU   string         `yaml:"firewall_sku"`
	Status        string         `yaml:"status"`
	OutboundRules []OutboundRule `yaml:"outboundRules"`
}

// OutboundRule is a managed network outbound rule.
type OutboundRule struct {
	Name        string    `yaml:"name"`
	Type        string    `yaml:"type"`
	Destination yaml.Node `yaml:"destination"`
	Category    string    `yaml:"category"`
}

// Reach is a set expectation: `reach: none` (no protocol and port from A to
// B), or `reach: {only: [Tcp/443, Udp/53]}` (exactly those, and nothing
// else). An entry is a protocol (Tcp, Udp, Icmp, Esp, Ah) with, for Tcp
// and Udp, a slash and ports: 443, 8000-8999, 443,445 or *.
type Reach struct {
	None bool
	Only []string
	// OnlyLine is the line of the only list, for messages.
	OnlyLine int
}

// ReachNone is the scalar form of Reach.
const ReachNone = "none"

// UnmarshalYAML decodes `none` or a mapping with one key, only, holding a
// list (or one) of protocol/ports.
func (r *Reach) UnmarshalYAML(n *yaml.Node) error {
	bad := func() error {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: reach: want none, or only: [Tcp/443, ...]", n.Line)}}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Value != ReachNone {
			return bad()
		}
		*r = Reach{None: true}
		return nil
	case yaml.MappingNode:
		if len(n.Content) != 2 || n.Content[0].Value != "only" {
			return bad()
		}
		v := n.Content[1]
		switch v.Kind {
		case yaml.ScalarNode:
			*r = Reach{Only: []string{v.Value}, OnlyLine: v.Line}
			return nil
		case yaml.SequenceNode:
			var only []string
			if err := v.Decode(&only); err != nil {
				return err
			}
			*r = Reach{Only: only, OnlyLine: v.Line}
			if only == nil {
				r.Only = []string{}
			}
			return nil
		}
	}
	return bad()
}

// Expectation is one assertion of a scenario: a flow, an intent, or a set
// expectation (reach) over every protocol and port.
type Expectation struct {
	Name     string `yaml:"name"`
	From     string `yaml:"from"`
	To       string `yaml:"to"`
	Protocol string `yaml:"protocol"`
	Port     int    `yaml:"port"`
	Intent   string `yaml:"intent"`
	Compute  string `yaml:"compute"`
	Client   string `yaml:"client"`
	Expect   string `yaml:"expect" jsonschema:"enum=allowed,enum=denied"`
	Reason   string `yaml:"reason"`
	// Reach makes the expectation a set expectation over every protocol
	// and port from From to To: none, or only the listed ones.
	Reach *Reach `yaml:"reach"`

	line int // where it is written, recorded while decoding
}

// Line returns the line the expectation is written on, recorded while
// decoding (0 when it was built in memory).
func (e *Expectation) Line() int { return e.line }

// UnmarshalYAML decodes an expectation strictly and records its line, so
// that check can name it without building the positions of a large file.
func (e *Expectation) UnmarshalYAML(n *yaml.Node) error {
	type plain Expectation
	if n.Kind == yaml.MappingNode {
		if msg := tooWide(n); msg != "" {
			return &yaml.TypeError{Errors: []string{msg}}
		}
		var unknown []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !expectationKeys[n.Content[i].Value] {
				unknown = append(unknown, fmt.Sprintf("line %d: field %s not found in type topology.Expectation", n.Content[i].Line, n.Content[i].Value))
			} else if n.Content[i].Value == "port" {
				if msg := wholeNumber(n.Content[i+1]); msg != "" {
					unknown = append(unknown, fmt.Sprintf("line %d: field port: %s", n.Content[i+1].Line, msg))
				}
			}
		}
		if len(unknown) > 0 {
			return &yaml.TypeError{Errors: unknown}
		}
	}
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*e = Expectation(p)
	e.line = n.Line
	return nil
}

// expectationKeys are the keys an expectation may have.
var expectationKeys = yamlKeys(Expectation{})

// yamlKeys returns the yaml keys of a struct's fields.
func yamlKeys(v any) map[string]bool {
	out := map[string]bool{}
	t := reflect.TypeOf(v)
	for i := 0; i < t.NumField(); i++ {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k != "" && k != "-" {
			out[k] = true
		}
	}
	return out
}

// IPGroup is an Azure IP Group that firewall rules can name.
type IPGroup struct {
	Name        string   `yaml:"name"`
	IPAddresses []string `yaml:"ipAddresses"`
}

// DNSResolver is an Azure DNS Private Resolver in a VNet, with its inbound
// and outbound endpoints.
type DNSResolver struct {
	Name              string             `yaml:"name"`
	VNet              string             `yaml:"vnet"`
	InboundEndpoints  []ResolverEndpoint `yaml:"inboundEndpoints"`
	OutboundEndpoints []ResolverEndpoint `yaml:"outboundEndpoints"`
}

// ResolverEndpoint is an inbound or outbound endpoint of a DNS resolver, in
// a subnet delegated to Microsoft.Network/dnsResolvers.
type ResolverEndpoint struct {
	Name             string `yaml:"name"`
	Subnet           string `yaml:"subnet"`
	PrivateIPAddress string `yaml:"privateIpAddress"`
}

// DNSRuleset is a DNS forwarding ruleset: rules sent through outbound
// endpoints, applied to the VNets it is linked to.
type DNSRuleset struct {
	Name                string           `yaml:"name"`
	OutboundEndpoints   []string         `yaml:"outboundEndpoints"`
	VirtualNetworkLinks []string         `yaml:"virtualNetworkLinks"`
	Rules               []ForwardingRule `yaml:"rules"`
}

// ForwardingRule forwards one domain to target DNS servers.
type ForwardingRule struct {
	Name             string   `yaml:"name"`
	DomainName       string   `yaml:"domainName"`
	TargetDNSServers []string `yaml:"targetDnsServers"`
	State            string   `yaml:"forwardingRuleState"`
}

// NetworkManager is an Azure Virtual Network Manager with its network
// groups and the rule collections of its deployed security admin
// configuration.
type NetworkManager struct {
	Name                         string                `yaml:"name"`
	NetworkGroups                []NetworkGroup        `yaml:"networkGroups"`
	SecurityAdminRuleCollections []AdminRuleCollection `yaml:"securityAdminRuleCollections"`
}

// NetworkGroup is a set of VNets a network manager configures.
type NetworkGroup struct {
	Name    string   `yaml:"name"`
	Members []string `yaml:"members"`
}

// AdminRuleCollection is a security admin rule collection applied to
// network groups. Its rules take the keys of NSG rules; access is Allow,
// AlwaysAllow or Deny and priority 1-4096.
type AdminRuleCollection struct {
	Name            string         `yaml:"name"`
	AppliesToGroups []string       `yaml:"appliesToGroups"`
	Rules           []SecurityRule `yaml:"rules"`
}

// LoadBalancer is an Azure Load Balancer (Standard SKU): public when its
// frontends have public IPs, internal when they sit in a subnet.
type LoadBalancer struct {
	Name                     string           `yaml:"name"`
	SKU                      string           `yaml:"sku"`
	FrontendIPConfigurations []LBFrontend     `yaml:"frontendIpConfigurations"`
	BackendAddressPools      []LBPool         `yaml:"backendAddressPools"`
	Probes                   []LBProbe        `yaml:"probes"`
	LoadBalancingRules       []LBRule         `yaml:"loadBalancingRules"`
	OutboundRules            []LBOutboundRule `yaml:"outboundRules"`
}

// LBFrontend is a frontend IP configuration.
type LBFrontend struct {
	Name             string `yaml:"name"`
	PublicIPAddress  string `yaml:"publicIpAddress"`
	Subnet           string `yaml:"subnet"`
	PrivateIPAddress string `yaml:"privateIpAddress"`
}

// LBPool is a backend address pool of VM NICs.
type LBPool struct {
	Name    string   `yaml:"name"`
	Members []string `yaml:"members"`
}

// LBProbe is a health probe (Tcp, Http or Https).
type LBProbe struct {
	Name     string `yaml:"name"`
	Protocol string `yaml:"protocol"`
	Port     int    `yaml:"port"`
}

// LBRule is a load-balancing rule; protocol All with ports 0 is HA ports.
type LBRule struct {
	Name                    string `yaml:"name"`
	FrontendIPConfiguration string `yaml:"frontendIpConfiguration"`
	BackendAddressPool      string `yaml:"backendAddressPool"`
	Protocol                string `yaml:"protocol"`
	FrontendPort            int    `yaml:"frontendPort"`
	BackendPort             int    `yaml:"backendPort"`
	Probe                   string `yaml:"probe"`
}

// LBOutboundRule gives a backend pool outbound connectivity through
// frontends' public IPs.
type LBOutboundRule struct {
	Name                     string   `yaml:"name"`
	FrontendIPConfigurations []string `yaml:"frontendIpConfigurations"`
	BackendAddressPool       string   `yaml:"backendAddressPool"`
	Protocol                 string   `yaml:"protocol"`
}

// EndpointPolicy is a service endpoint policy.
type EndpointPolicy struct {
	Name        string                     `yaml:"name"`
	Definitions []EndpointPolicyDefinition `yaml:"serviceEndpointPolicyDefinitions"`
}

// EndpointPolicyDefinition lists the resources a policy allows: storage
// accounts of the scenario (service Microsoft.Storage) or a service alias
// such as /services/Azure/MachineLearning (service Global).
type EndpointPolicyDefinition struct {
	Name             string   `yaml:"name"`
	Service          string   `yaml:"service"`
	ServiceResources []string `yaml:"serviceResources"`
}

// BastionHost is an Azure Bastion host in a VNet's AzureBastionSubnet.
type BastionHost struct {
	Name            string `yaml:"name"`
	Subnet          string `yaml:"subnet"`
	PublicIPAddress string `yaml:"publicIpAddress"`
}
