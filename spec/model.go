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
	APIVersion  string `yaml:"apiVersion" json:"apiVersion"`
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description" json:"description"`
	Region      string `yaml:"region" json:"region"`
	ServiceTags string `yaml:"serviceTags" json:"serviceTags"`
	// Import names files the importer reads (ARM JSON, templates, what-if,
	// Terraform), relative to the scenario; the scenario's own keys patch
	// the imported network as a variant patches its scenario.
	Import []string `yaml:"import" json:"import"`

	VNets                     []VNet            `yaml:"vnets" json:"vnets"`
	Peerings                  []Peering         `yaml:"peerings" json:"peerings"`
	NetworkSecurityGroups     []NSG             `yaml:"networkSecurityGroups" json:"networkSecurityGroups"`
	ApplicationSecurityGroups []string          `yaml:"applicationSecurityGroups" json:"applicationSecurityGroups"`
	RouteTables               []RouteTable      `yaml:"routeTables" json:"routeTables"`
	VirtualNetworkGateways    []Gateway         `yaml:"virtualNetworkGateways" json:"virtualNetworkGateways"`
	NATGateways               []NATGateway      `yaml:"natGateways" json:"natGateways"`
	Firewalls                 []Firewall        `yaml:"firewalls" json:"firewalls"`
	IPGroups                  []IPGroup         `yaml:"ipGroups" json:"ipGroups"`
	VMs                       []VM              `yaml:"vms" json:"vms"`
	Services                  []Service         `yaml:"services" json:"services"`
	PrivateEndpoints          []PrivateEndpoint `yaml:"privateEndpoints" json:"privateEndpoints"`
	PrivateDNSZones           []DNSZone         `yaml:"privateDnsZones" json:"privateDnsZones"`
	DNSResolvers              []DNSResolver     `yaml:"dnsResolvers" json:"dnsResolvers"`
	NetworkManagers           []NetworkManager  `yaml:"networkManagers" json:"networkManagers"`
	LoadBalancers             []LoadBalancer    `yaml:"loadBalancers" json:"loadBalancers"`
	ServiceEndpointPolicies   []EndpointPolicy  `yaml:"serviceEndpointPolicies" json:"serviceEndpointPolicies"`
	BastionHosts              []BastionHost     `yaml:"bastionHosts" json:"bastionHosts"`
	DNSForwardingRulesets     []DNSRuleset      `yaml:"dnsForwardingRulesets" json:"dnsForwardingRulesets"`
	MachineLearning           *MachineLearning  `yaml:"machineLearning" json:"machineLearning"`
	Expectations              []Expectation     `yaml:"expectations" json:"expectations"`
	Variants                  []Variant         `yaml:"variants" json:"variants"`
}

// VNet is a virtual network.
type VNet struct {
	Name         string   `yaml:"name" json:"name"`
	Region       string   `yaml:"region" json:"region"`
	Subscription string   `yaml:"subscription" json:"subscription"`
	AddressSpace []string `yaml:"addressSpace" json:"addressSpace"`
	DNSServers   []string `yaml:"dnsServers" json:"dnsServers"`
	Subnets      []Subnet `yaml:"subnets" json:"subnets"`
}

// Subnet is a subnet of a VNet.
type Subnet struct {
	Name                              string   `yaml:"name" json:"name"`
	AddressPrefix                     string   `yaml:"addressPrefix" json:"addressPrefix"`
	NetworkSecurityGroup              string   `yaml:"networkSecurityGroup" json:"networkSecurityGroup"`
	RouteTable                        string   `yaml:"routeTable" json:"routeTable"`
	NATGateway                        string   `yaml:"natGateway" json:"natGateway"`
	ServiceEndpoints                  []string `yaml:"serviceEndpoints" json:"serviceEndpoints"`
	Delegations                       []string `yaml:"delegations" json:"delegations"`
	DefaultOutboundAccess             *bool    `yaml:"defaultOutboundAccess" json:"defaultOutboundAccess"`
	PrivateEndpointNetworkPolicies    string   `yaml:"privateEndpointNetworkPolicies" json:"privateEndpointNetworkPolicies"`
	PrivateLinkServiceNetworkPolicies string   `yaml:"privateLinkServiceNetworkPolicies" json:"privateLinkServiceNetworkPolicies"`
	ServiceEndpointPolicies           []string `yaml:"serviceEndpointPolicies" json:"serviceEndpointPolicies"`
}

// Peering is one direction of a VNet peering, as in Azure.
type Peering struct {
	Name                      string `yaml:"name" json:"name"`
	From                      string `yaml:"from" json:"from"`
	To                        string `yaml:"to" json:"to"`
	AllowVirtualNetworkAccess *bool  `yaml:"allowVirtualNetworkAccess" json:"allowVirtualNetworkAccess"`
	AllowForwardedTraffic     bool   `yaml:"allowForwardedTraffic" json:"allowForwardedTraffic"`
	AllowGatewayTransit       bool   `yaml:"allowGatewayTransit" json:"allowGatewayTransit"`
	UseRemoteGateways         bool   `yaml:"useRemoteGateways" json:"useRemoteGateways"`
}

// NSG is a network security group.
type NSG struct {
	Name          string         `yaml:"name" json:"name"`
	SecurityRules []SecurityRule `yaml:"securityRules" json:"securityRules"`
}

// SecurityRule is an NSG security rule, singular and plural (augmented) forms.
type SecurityRule struct {
	Name                                 string   `yaml:"name" json:"name"`
	Description                          string   `yaml:"description" json:"description"`
	Priority                             int      `yaml:"priority" json:"priority"`
	Direction                            string   `yaml:"direction" json:"direction"`
	Access                               string   `yaml:"access" json:"access"`
	Protocol                             string   `yaml:"protocol" json:"protocol"`
	SourceAddressPrefix                  string   `yaml:"sourceAddressPrefix" json:"sourceAddressPrefix"`
	SourceAddressPrefixes                []string `yaml:"sourceAddressPrefixes" json:"sourceAddressPrefixes"`
	SourcePortRange                      string   `yaml:"sourcePortRange" json:"sourcePortRange"`
	SourcePortRanges                     []string `yaml:"sourcePortRanges" json:"sourcePortRanges"`
	DestinationAddressPrefix             string   `yaml:"destinationAddressPrefix" json:"destinationAddressPrefix"`
	DestinationAddressPrefixes           []string `yaml:"destinationAddressPrefixes" json:"destinationAddressPrefixes"`
	DestinationPortRange                 string   `yaml:"destinationPortRange" json:"destinationPortRange"`
	DestinationPortRanges                []string `yaml:"destinationPortRanges" json:"destinationPortRanges"`
	SourceApplicationSecurityGroups      []string `yaml:"sourceApplicationSecurityGroups" json:"sourceApplicationSecurityGroups"`
	DestinationApplicationSecurityGroups []string `yaml:"destinationApplicationSecurityGroups" json:"destinationApplicationSecurityGroups"`
}

// RouteTable is a route table with user-defined routes.
type RouteTable struct {
	Name                       string  `yaml:"name" json:"name"`
	DisableBgpRoutePropagation bool    `yaml:"disableBgpRoutePropagation" json:"disableBgpRoutePropagation"`
	Routes                     []Route `yaml:"routes" json:"routes"`
}

// Route is a user-defined route. AddressPrefix is a CIDR or a service tag.
type Route struct {
	Name             string `yaml:"name" json:"name"`
	AddressPrefix    string `yaml:"addressPrefix" json:"addressPrefix"`
	NextHopType      string `yaml:"nextHopType" json:"nextHopType"`
	NextHopIPAddress string `yaml:"nextHopIpAddress" json:"nextHopIpAddress"`
}

// Gateway is a VPN or ExpressRoute gateway in a VNet's
// GatewaySubnet, with the on-premises prefixes it learns.
type Gateway struct {
	Name                      string       `yaml:"name" json:"name"`
	VNet                      string       `yaml:"vnet" json:"vnet"`
	GatewayType               string       `yaml:"gatewayType" json:"gatewayType"`
	SKU                       string       `yaml:"sku" json:"sku"`
	OnPremisesAddressPrefixes []string     `yaml:"onPremisesAddressPrefixes" json:"onPremisesAddressPrefixes"`
	OnPremisesHosts           []OnPremHost `yaml:"onPremisesHosts" json:"onPremisesHosts"`
}

// OnPremHost names an on-premises address behind a gateway.
type OnPremHost struct {
	Name      string `yaml:"name" json:"name"`
	IPAddress string `yaml:"ipAddress" json:"ipAddress"`
}

// NATGateway is a NAT gateway, attached to subnets with subnets[].natGateway.
type NATGateway struct {
	Name              string   `yaml:"name" json:"name"`
	PublicIPAddresses []string `yaml:"publicIpAddresses" json:"publicIpAddresses"`
}

// Firewall is an Azure Firewall with classic rule collections or policy
// rule collection groups.
type Firewall struct {
	Name             string   `yaml:"name" json:"name"`
	Subnet           string   `yaml:"subnet" json:"subnet"`
	PrivateIPAddress string   `yaml:"privateIpAddress" json:"privateIpAddress"`
	PublicIPAddress  string   `yaml:"publicIpAddress" json:"publicIpAddress"`
	DNSProxy         bool     `yaml:"dnsProxy" json:"dnsProxy"`
	DNSServers       []string `yaml:"dnsServers" json:"dnsServers"`
	ThreatIntelMode  string   `yaml:"threatIntelMode" json:"threatIntelMode"`
	PrivateRanges    []string `yaml:"privateRanges" json:"privateRanges"`
	// ManagementIPConfiguration puts the firewall in forced tunneling mode:
	// its management traffic leaves through AzureFirewallManagementSubnet,
	// so AzureFirewallSubnet may send 0.0.0.0/0 elsewhere.
	ManagementIPConfiguration *FirewallManagement   `yaml:"managementIpConfiguration" json:"managementIpConfiguration"`
	NetworkRuleCollections    []FirewallCollection  `yaml:"networkRuleCollections" json:"networkRuleCollections"`
	ApplicationRuleCollection []FirewallCollection  `yaml:"applicationRuleCollections" json:"applicationRuleCollections"`
	NATRuleCollections        []FirewallCollection  `yaml:"natRuleCollections" json:"natRuleCollections"`
	RuleCollectionGroups      []RuleCollectionGroup `yaml:"ruleCollectionGroups" json:"ruleCollectionGroups"`
}

// FirewallManagement is a firewall's management IP configuration (forced
// tunneling mode).
type FirewallManagement struct {
	Subnet          string `yaml:"subnet" json:"subnet"`
	PublicIPAddress string `yaml:"publicIpAddress" json:"publicIpAddress"`
}

// RuleCollectionGroup is a Firewall Policy rule collection group.
type RuleCollectionGroup struct {
	Name                      string               `yaml:"name" json:"name"`
	Priority                  int                  `yaml:"priority" json:"priority"`
	NetworkRuleCollections    []FirewallCollection `yaml:"networkRuleCollections" json:"networkRuleCollections"`
	ApplicationRuleCollection []FirewallCollection `yaml:"applicationRuleCollections" json:"applicationRuleCollections"`
	NATRuleCollections        []FirewallCollection `yaml:"natRuleCollections" json:"natRuleCollections"`
}

// FirewallCollection is a rule collection of one type.
type FirewallCollection struct {
	Name     string         `yaml:"name" json:"name"`
	Priority int            `yaml:"priority" json:"priority"`
	Action   string         `yaml:"action" json:"action"`
	Rules    []FirewallRule `yaml:"rules" json:"rules"`
}

// FirewallRule is a network, application or DNAT rule; which keys apply
// depends on the collection type.
type FirewallRule struct {
	Name                 string   `yaml:"name" json:"name"`
	Protocols            []string `yaml:"protocols" json:"protocols"`
	SourceAddresses      []string `yaml:"sourceAddresses" json:"sourceAddresses"`
	SourceIPGroups       []string `yaml:"sourceIpGroups" json:"sourceIpGroups"`
	DestinationAddresses []string `yaml:"destinationAddresses" json:"destinationAddresses"`
	DestinationIPGroups  []string `yaml:"destinationIpGroups" json:"destinationIpGroups"`
	DestinationFqdns     []string `yaml:"destinationFqdns" json:"destinationFqdns"`
	DestinationPorts     []string `yaml:"destinationPorts" json:"destinationPorts"`
	TargetFqdns          []string `yaml:"targetFqdns" json:"targetFqdns"`
	FqdnTags             []string `yaml:"fqdnTags" json:"fqdnTags"`
	TranslatedAddress    string   `yaml:"translatedAddress" json:"translatedAddress"`
	TranslatedPort       string   `yaml:"translatedPort" json:"translatedPort"`
}

// VM is anything with a NIC: clients, jump boxes, NVAs, DNS servers.
type VM struct {
	Name                      string            `yaml:"name" json:"name"`
	Subnet                    string            `yaml:"subnet" json:"subnet"`
	PrivateIPAddress          string            `yaml:"privateIpAddress" json:"privateIpAddress"`
	NetworkSecurityGroup      string            `yaml:"networkSecurityGroup" json:"networkSecurityGroup"`
	ApplicationSecurityGroups []string          `yaml:"applicationSecurityGroups" json:"applicationSecurityGroups"`
	EnableIPForwarding        bool              `yaml:"enableIpForwarding" json:"enableIpForwarding"`
	PublicIPAddress           *PublicIP         `yaml:"publicIpAddress" json:"publicIpAddress"`
	DNSServer                 *DNSServer        `yaml:"dnsServer" json:"dnsServer"`
	Appliance                 *Appliance        `yaml:"appliance" json:"appliance"`
	Hosts                     map[string]string `yaml:"hosts" json:"hosts"`
}

// Appliance gives a network virtual appliance (a VM with IP forwarding)
// simple filtering rules, evaluated in order; the first match decides.
type Appliance struct {
	DefaultAction string          `yaml:"defaultAction" json:"defaultAction"`
	Rules         []ApplianceRule `yaml:"rules" json:"rules"`
}

// ApplianceRule is one appliance rule, shaped like a firewall network rule.
type ApplianceRule struct {
	Name                 string   `yaml:"name" json:"name"`
	Action               string   `yaml:"action" json:"action"`
	Protocols            []string `yaml:"protocols" json:"protocols"`
	SourceAddresses      []string `yaml:"sourceAddresses" json:"sourceAddresses"`
	DestinationAddresses []string `yaml:"destinationAddresses" json:"destinationAddresses"`
	DestinationPorts     []string `yaml:"destinationPorts" json:"destinationPorts"`
}

// PublicIP is a public IP address attached to a NIC.
type PublicIP struct {
	SKU       string `yaml:"sku" json:"sku"`
	IPAddress string `yaml:"ipAddress" json:"ipAddress"`
}

// DNSServer makes a VM a custom DNS server with conditional forwarders.
type DNSServer struct {
	Forwarders       []Forwarder `yaml:"forwarders" json:"forwarders"`
	DefaultForwarder string      `yaml:"defaultForwarder" json:"defaultForwarder"`
}

// Forwarder forwards one zone to one server.
type Forwarder struct {
	Zone   string `yaml:"zone" json:"zone"`
	Target string `yaml:"target" json:"target"`
}

// Service is an Azure PaaS resource.
type Service struct {
	Name                string       `yaml:"name" json:"name"`
	Type                string       `yaml:"type" json:"type"`
	Region              string       `yaml:"region" json:"region"`
	Subscription        string       `yaml:"subscription" json:"subscription"`
	WorkspaceID         string       `yaml:"workspaceId" json:"workspaceId"`
	PublicNetworkAccess string       `yaml:"publicNetworkAccess" json:"publicNetworkAccess"`
	NetworkACLs         *NetworkACLs `yaml:"networkAcls" json:"networkAcls"`
	PublicIPAddress     string       `yaml:"publicIpAddress" json:"publicIpAddress"`
	// ScopedResources are the Application Insights components an Azure
	// Monitor Private Link Scope holds (Microsoft.Insights/privateLinkScopes).
	ScopedResources []string `yaml:"scopedResources" json:"scopedResources"`
}

// NetworkACLs is a PaaS resource firewall (storage, key vault, registry).
type NetworkACLs struct {
	DefaultAction       string   `yaml:"defaultAction" json:"defaultAction"`
	VirtualNetworkRules []string `yaml:"virtualNetworkRules" json:"virtualNetworkRules"`
	// IgnoreMissingVnetServiceEndpoint admits subnets that don't (yet)
	// enable the service endpoint, as Azure's property of the same name.
	IgnoreMissingVnetServiceEndpoint bool     `yaml:"ignoreMissingVnetServiceEndpoint" json:"ignoreMissingVnetServiceEndpoint"`
	IPRules                          []string `yaml:"ipRules" json:"ipRules"`
	Bypass                           string   `yaml:"bypass" json:"bypass"`
}

// PrivateEndpoint is a private endpoint to one sub-resource of a service.
type PrivateEndpoint struct {
	Name                string   `yaml:"name" json:"name"`
	Subnet              string   `yaml:"subnet" json:"subnet"`
	Service             string   `yaml:"service" json:"service"`
	GroupID             string   `yaml:"groupId" json:"groupId"`
	PrivateIPAddress    string   `yaml:"privateIpAddress" json:"privateIpAddress"`
	PrivateDNSZoneGroup []string `yaml:"privateDnsZoneGroup" json:"privateDnsZoneGroup"`
}

// DNSZone is an Azure private DNS zone with its VNet links.
type DNSZone struct {
	Name                string     `yaml:"name" json:"name"`
	VirtualNetworkLinks []VNetLink `yaml:"virtualNetworkLinks" json:"virtualNetworkLinks"`
	Records             []Record   `yaml:"records" json:"records"`
}

// VNetLink links a private DNS zone to a VNet.
type VNetLink struct {
	VNet                string `yaml:"vnet" json:"vnet"`
	RegistrationEnabled bool   `yaml:"registrationEnabled" json:"registrationEnabled"`
	ResolutionPolicy    string `yaml:"resolutionPolicy" json:"resolutionPolicy"`
}

// Record is an explicit record in a private DNS zone.
type Record struct {
	Name   string   `yaml:"name" json:"name"`
	Type   string   `yaml:"type" json:"type"`
	TTL    int      `yaml:"ttl" json:"ttl"`
	Values []string `yaml:"values" json:"values"`
}

// MachineLearning describes an Azure Machine Learning workspace and its computes.
type MachineLearning struct {
	Workspace           string          `yaml:"workspace" json:"workspace"`
	StorageAccount      string          `yaml:"storageAccount" json:"storageAccount"`
	KeyVault            string          `yaml:"keyVault" json:"keyVault"`
	ContainerRegistry   string          `yaml:"containerRegistry" json:"containerRegistry"`
	ApplicationInsights string          `yaml:"applicationInsights" json:"applicationInsights"`
	ImageBuildCompute   string          `yaml:"imageBuildCompute" json:"imageBuildCompute"`
	IPAllowList         []string        `yaml:"ipAllowList" json:"ipAllowList"`
	Computes            []Compute       `yaml:"computes" json:"computes"`
	ManagedNetwork      *ManagedNetwork `yaml:"managedNetwork" json:"managedNetwork"`
}

// Compute is an Azure ML compute target.
type Compute struct {
	Name               string `yaml:"name" json:"name"`
	Type               string `yaml:"type" json:"type"`
	Subnet             string `yaml:"subnet" json:"subnet"`
	Region             string `yaml:"region" json:"region"`
	EnableNodePublicIP *bool  `yaml:"enableNodePublicIp" json:"enableNodePublicIp"`
	NodeCommunication  string `yaml:"nodeCommunication" json:"nodeCommunication"`
	MaxNodes           int    `yaml:"maxNodes" json:"maxNodes"`
	Managed            bool   `yaml:"managed" json:"managed"`
	VM                 string `yaml:"vm" json:"vm"`
}

// ManagedNetwork is an Azure ML workspace managed virtual network.
type ManagedNetwork struct {
	IsolationMode string         `yaml:"isolationMode" json:"isolationMode"`
	FirewallSKU   string         `yaml:"firewall_sku" json:"firewall_sku"`
	Status        string         `yaml:"status" json:"status"`
	OutboundRules []OutboundRule `yaml:"outboundRules" json:"outboundRules"`
}

// OutboundRule is a managed network outbound rule.
type OutboundRule struct {
	Name        string    `yaml:"name" json:"name"`
	Type        string    `yaml:"type" json:"type"`
	Destination yaml.Node `yaml:"destination" json:"destination"`
	Category    string    `yaml:"category" json:"category"`
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
	Name     string `yaml:"name" json:"name"`
	From     string `yaml:"from" json:"from"`
	To       string `yaml:"to" json:"to"`
	Protocol string `yaml:"protocol" json:"protocol"`
	Port     int    `yaml:"port" json:"port"`
	Intent   string `yaml:"intent" json:"intent"`
	Compute  string `yaml:"compute" json:"compute"`
	Client   string `yaml:"client" json:"client"`
	Expect   string `yaml:"expect" json:"expect" jsonschema:"enum=allowed,enum=denied"`
	Reason   string `yaml:"reason" json:"reason"`
	// Reach makes the expectation a set expectation over every protocol
	// and port from From to To: none, or only the listed ones.
	Reach *Reach `yaml:"reach" json:"reach"`

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
	Name        string   `yaml:"name" json:"name"`
	IPAddresses []string `yaml:"ipAddresses" json:"ipAddresses"`
}

// DNSResolver is an Azure DNS Private Resolver in a VNet, with its inbound
// and outbound endpoints.
type DNSResolver struct {
	Name              string             `yaml:"name" json:"name"`
	VNet              string             `yaml:"vnet" json:"vnet"`
	InboundEndpoints  []ResolverEndpoint `yaml:"inboundEndpoints" json:"inboundEndpoints"`
	OutboundEndpoints []ResolverEndpoint `yaml:"outboundEndpoints" json:"outboundEndpoints"`
}

// ResolverEndpoint is an inbound or outbound endpoint of a DNS resolver, in
// a subnet delegated to Microsoft.Network/dnsResolvers.
type ResolverEndpoint struct {
	Name             string `yaml:"name" json:"name"`
	Subnet           string `yaml:"subnet" json:"subnet"`
	PrivateIPAddress string `yaml:"privateIpAddress" json:"privateIpAddress"`
}

// DNSRuleset is a DNS forwarding ruleset: rules sent through outbound
// endpoints, applied to the VNets it is linked to.
type DNSRuleset struct {
	Name                string           `yaml:"name" json:"name"`
	OutboundEndpoints   []string         `yaml:"outboundEndpoints" json:"outboundEndpoints"`
	VirtualNetworkLinks []string         `yaml:"virtualNetworkLinks" json:"virtualNetworkLinks"`
	Rules               []ForwardingRule `yaml:"rules" json:"rules"`
}

// ForwardingRule forwards one domain to target DNS servers.
type ForwardingRule struct {
	Name             string   `yaml:"name" json:"name"`
	DomainName       string   `yaml:"domainName" json:"domainName"`
	TargetDNSServers []string `yaml:"targetDnsServers" json:"targetDnsServers"`
	State            string   `yaml:"forwardingRuleState" json:"forwardingRuleState"`
}

// NetworkManager is an Azure Virtual Network Manager with its network
// groups and the rule collections of its deployed security admin
// configuration.
type NetworkManager struct {
	Name                         string                `yaml:"name" json:"name"`
	NetworkGroups                []NetworkGroup        `yaml:"networkGroups" json:"networkGroups"`
	SecurityAdminRuleCollections []AdminRuleCollection `yaml:"securityAdminRuleCollections" json:"securityAdminRuleCollections"`
}

// NetworkGroup is a set of VNets a network manager configures.
type NetworkGroup struct {
	Name    string   `yaml:"name" json:"name"`
	Members []string `yaml:"members" json:"members"`
}

// AdminRuleCollection is a security admin rule collection applied to
// network groups. Its rules take the keys of NSG rules; access is Allow,
// AlwaysAllow or Deny and priority 1-4096.
type AdminRuleCollection struct {
	Name            string         `yaml:"name" json:"name"`
	AppliesToGroups []string       `yaml:"appliesToGroups" json:"appliesToGroups"`
	Rules           []SecurityRule `yaml:"rules" json:"rules"`
}

// LoadBalancer is an Azure Load Balancer (Standard SKU): public when its
// frontends have public IPs, internal when they sit in a subnet.
type LoadBalancer struct {
	Name                     string           `yaml:"name" json:"name"`
	SKU                      string           `yaml:"sku" json:"sku"`
	FrontendIPConfigurations []LBFrontend     `yaml:"frontendIpConfigurations" json:"frontendIpConfigurations"`
	BackendAddressPools      []LBPool         `yaml:"backendAddressPools" json:"backendAddressPools"`
	Probes                   []LBProbe        `yaml:"probes" json:"probes"`
	LoadBalancingRules       []LBRule         `yaml:"loadBalancingRules" json:"loadBalancingRules"`
	OutboundRules            []LBOutboundRule `yaml:"outboundRules" json:"outboundRules"`
}

// LBFrontend is a frontend IP configuration.
type LBFrontend struct {
	Name             string `yaml:"name" json:"name"`
	PublicIPAddress  string `yaml:"publicIpAddress" json:"publicIpAddress"`
	Subnet           string `yaml:"subnet" json:"subnet"`
	PrivateIPAddress string `yaml:"privateIpAddress" json:"privateIpAddress"`
}

// LBPool is a backend address pool of VM NICs.
type LBPool struct {
	Name    string   `yaml:"name" json:"name"`
	Members []string `yaml:"members" json:"members"`
}

// LBProbe is a health probe (Tcp, Http or Https).
type LBProbe struct {
	Name     string `yaml:"name" json:"name"`
	Protocol string `yaml:"protocol" json:"protocol"`
	Port     int    `yaml:"port" json:"port"`
}

// LBRule is a load-balancing rule; protocol All with ports 0 is HA ports.
type LBRule struct {
	Name                    string `yaml:"name" json:"name"`
	FrontendIPConfiguration string `yaml:"frontendIpConfiguration" json:"frontendIpConfiguration"`
	BackendAddressPool      string `yaml:"backendAddressPool" json:"backendAddressPool"`
	Protocol                string `yaml:"protocol" json:"protocol"`
	FrontendPort            int    `yaml:"frontendPort" json:"frontendPort"`
	BackendPort             int    `yaml:"backendPort" json:"backendPort"`
	Probe                   string `yaml:"probe" json:"probe"`
}

// LBOutboundRule gives a backend pool outbound connectivity through
// frontends' public IPs.
type LBOutboundRule struct {
	Name                     string   `yaml:"name" json:"name"`
	FrontendIPConfigurations []string `yaml:"frontendIpConfigurations" json:"frontendIpConfigurations"`
	BackendAddressPool       string   `yaml:"backendAddressPool" json:"backendAddressPool"`
	Protocol                 string   `yaml:"protocol" json:"protocol"`
}

// EndpointPolicy is a service endpoint policy.
type EndpointPolicy struct {
	Name        string                     `yaml:"name" json:"name"`
	Definitions []EndpointPolicyDefinition `yaml:"serviceEndpointPolicyDefinitions" json:"serviceEndpointPolicyDefinitions"`
}

// EndpointPolicyDefinition lists the resources a policy allows: storage
// accounts of the scenario (service Microsoft.Storage) or a service alias
// such as /services/Azure/MachineLearning (service Global).
type EndpointPolicyDefinition struct {
	Name             string   `yaml:"name" json:"name"`
	Service          string   `yaml:"service" json:"service"`
	ServiceResources []string `yaml:"serviceResources" json:"serviceResources"`
}

// BastionHost is an Azure Bastion host in a VNet's AzureBastionSubnet.
type BastionHost struct {
	Name            string `yaml:"name" json:"name"`
	Subnet          string `yaml:"subnet" json:"subnet"`
	PublicIPAddress string `yaml:"publicIpAddress" json:"publicIpAddress"`
}
