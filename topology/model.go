package topology

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

	VNets                     []VNetSpec            `yaml:"vnets"`
	Peerings                  []PeeringSpec         `yaml:"peerings"`
	NetworkSecurityGroups     []NSGSpec             `yaml:"networkSecurityGroups"`
	ApplicationSecurityGroups []string              `yaml:"applicationSecurityGroups"`
	RouteTables               []RouteTableSpec      `yaml:"routeTables"`
	VirtualNetworkGateways    []GatewaySpec         `yaml:"virtualNetworkGateways"`
	NATGateways               []NATGatewaySpec      `yaml:"natGateways"`
	Firewalls                 []FirewallSpec        `yaml:"firewalls"`
	IPGroups                  []IPGroupSpec         `yaml:"ipGroups"`
	VMs                       []VMSpec              `yaml:"vms"`
	Services                  []ServiceSpec         `yaml:"services"`
	PrivateEndpoints          []PrivateEndpointSpec `yaml:"privateEndpoints"`
	PrivateDNSZones           []DNSZoneSpec         `yaml:"privateDnsZones"`
	MachineLearning           *MachineLearningSpec  `yaml:"machineLearning"`
	Expectations              []ExpectationSpec     `yaml:"expectations"`
	Variants                  []VariantSpec         `yaml:"variants"`
}

// VNetSpec is a virtual network.
type VNetSpec struct {
	Name         string       `yaml:"name"`
	Region       string       `yaml:"region"`
	Subscription string       `yaml:"subscription"`
	AddressSpace []string     `yaml:"addressSpace"`
	DNSServers   []string     `yaml:"dnsServers"`
	Subnets      []SubnetSpec `yaml:"subnets"`
}

// SubnetSpec is a subnet of a VNet.
type SubnetSpec struct {
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
}

// PeeringSpec is one direction of a VNet peering, as in Azure.
type PeeringSpec struct {
	Name                      string `yaml:"name"`
	From                      string `yaml:"from"`
	To                        string `yaml:"to"`
	AllowVirtualNetworkAccess *bool  `yaml:"allowVirtualNetworkAccess"`
	AllowForwardedTraffic     bool   `yaml:"allowForwardedTraffic"`
	AllowGatewayTransit       bool   `yaml:"allowGatewayTransit"`
	UseRemoteGateways         bool   `yaml:"useRemoteGateways"`
}

// NSGSpec is a network security group.
type NSGSpec struct {
	Name          string             `yaml:"name"`
	SecurityRules []SecurityRuleSpec `yaml:"securityRules"`
}

// SecurityRuleSpec is an NSG security rule, singular and plural (augmented) forms.
type SecurityRuleSpec struct {
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

// RouteTableSpec is a route table with user-defined routes.
type RouteTableSpec struct {
	Name                       string      `yaml:"name"`
	DisableBgpRoutePropagation bool        `yaml:"disableBgpRoutePropagation"`
	Routes                     []RouteSpec `yaml:"routes"`
}

// RouteSpec is a user-defined route. AddressPrefix is a CIDR or a service tag.
type RouteSpec struct {
	Name             string `yaml:"name"`
	AddressPrefix    string `yaml:"addressPrefix"`
	NextHopType      string `yaml:"nextHopType"`
	NextHopIPAddress string `yaml:"nextHopIpAddress"`
}

// GatewaySpec is a VPN or ExpressRoute gateway in a VNet's
// GatewaySubnet, with the on-premises prefixes it learns.
type GatewaySpec struct {
	Name                      string           `yaml:"name"`
	VNet                      string           `yaml:"vnet"`
	GatewayType               string           `yaml:"gatewayType"`
	SKU                       string           `yaml:"sku"`
	OnPremisesAddressPrefixes []string         `yaml:"onPremisesAddressPrefixes"`
	OnPremisesHosts           []OnPremHostSpec `yaml:"onPremisesHosts"`
}

// OnPremHostSpec names an on-premises address behind a gateway.
type OnPremHostSpec struct {
	Name      string `yaml:"name"`
	IPAddress string `yaml:"ipAddress"`
}

// NATGatewaySpec is a NAT gateway, attached to subnets with subnets[].natGateway.
type NATGatewaySpec struct {
	Name              string   `yaml:"name"`
	PublicIPAddresses []string `yaml:"publicIpAddresses"`
}

// FirewallSpec is an Azure Firewall with classic rule collections or policy
// rule collection groups.
type FirewallSpec struct {
	Name                      string                    `yaml:"name"`
	Subnet                    string                    `yaml:"subnet"`
	PrivateIPAddress          string                    `yaml:"privateIpAddress"`
	PublicIPAddress           string                    `yaml:"publicIpAddress"`
	DNSProxy                  bool                      `yaml:"dnsProxy"`
	DNSServers                []string                  `yaml:"dnsServers"`
	ThreatIntelMode           string                    `yaml:"threatIntelMode"`
	PrivateRanges             []string                  `yaml:"privateRanges"`
	NetworkRuleCollections    []FirewallCollectionSpec  `yaml:"networkRuleCollections"`
	ApplicationRuleCollection []FirewallCollectionSpec  `yaml:"applicationRuleCollections"`
	NATRuleCollections        []FirewallCollectionSpec  `yaml:"natRuleCollections"`
	RuleCollectionGroups      []RuleCollectionGroupSpec `yaml:"ruleCollectionGroups"`
}

// RuleCollectionGroupSpec is a Firewall Policy rule collection group.
type RuleCollectionGroupSpec struct {
	Name                      string                   `yaml:"name"`
	Priority                  int                      `yaml:"priority"`
	NetworkRuleCollections    []FirewallCollectionSpec `yaml:"networkRuleCollections"`
	ApplicationRuleCollection []FirewallCollectionSpec `yaml:"applicationRuleCollections"`
	NATRuleCollections        []FirewallCollectionSpec `yaml:"natRuleCollections"`
}

// FirewallCollectionSpec is a rule collection of one type.
type FirewallCollectionSpec struct {
	Name     string             `yaml:"name"`
	Priority int                `yaml:"priority"`
	Action   string             `yaml:"action"`
	Rules    []FirewallRuleSpec `yaml:"rules"`
}

// FirewallRuleSpec is a network, application or DNAT rule; which keys apply
// depends on the collection type.
type FirewallRuleSpec struct {
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

// VMSpec is anything with a NIC: clients, jump boxes, NVAs, DNS servers.
type VMSpec struct {
	Name                      string            `yaml:"name"`
	Subnet                    string            `yaml:"subnet"`
	PrivateIPAddress          string            `yaml:"privateIpAddress"`
	NetworkSecurityGroup      string            `yaml:"networkSecurityGroup"`
	ApplicationSecurityGroups []string          `yaml:"applicationSecurityGroups"`
	EnableIPForwarding        bool              `yaml:"enableIpForwarding"`
	PublicIPAddress           *PublicIPSpec     `yaml:"publicIpAddress"`
	DNSServer                 *DNSServerSpec    `yaml:"dnsServer"`
	Appliance                 *ApplianceSpec    `yaml:"appliance"`
	Hosts                     map[string]string `yaml:"hosts"`
}

// ApplianceSpec gives a network virtual appliance (a VM with IP forwarding)
// simple filtering rules, evaluated in order; the first match decides.
type ApplianceSpec struct {
	DefaultAction string              `yaml:"defaultAction"`
	Rules         []ApplianceRuleSpec `yaml:"rules"`
}

// ApplianceRuleSpec is one appliance rule, shaped like a firewall network rule.
type ApplianceRuleSpec struct {
	Name                 string   `yaml:"name"`
	Action               string   `yaml:"action"`
	Protocols            []string `yaml:"protocols"`
	SourceAddresses      []string `yaml:"sourceAddresses"`
	DestinationAddresses []string `yaml:"destinationAddresses"`
	DestinationPorts     []string `yaml:"destinationPorts"`
}

// PublicIPSpec is a public IP address attached to a NIC.
type PublicIPSpec struct {
	SKU       string `yaml:"sku"`
	IPAddress string `yaml:"ipAddress"`
}

// DNSServerSpec makes a VM a custom DNS server with conditional forwarders.
type DNSServerSpec struct {
	Forwarders       []ForwarderSpec `yaml:"forwarders"`
	DefaultForwarder string          `yaml:"defaultForwarder"`
}

// ForwarderSpec forwards one zone to one server.
type ForwarderSpec struct {
	Zone   string `yaml:"zone"`
	Target string `yaml:"target"`
}

// ServiceSpec is an Azure PaaS resource.
type ServiceSpec struct {
	Name                string           `yaml:"name"`
	Type                string           `yaml:"type"`
	Region              string           `yaml:"region"`
	Subscription        string           `yaml:"subscription"`
	WorkspaceID         string           `yaml:"workspaceId"`
	PublicNetworkAccess string           `yaml:"publicNetworkAccess"`
	NetworkACLs         *NetworkACLsSpec `yaml:"networkAcls"`
	PublicIPAddress     string           `yaml:"publicIpAddress"`
}

// NetworkACLsSpec is a PaaS resource firewall (storage, key vault, registry).
type NetworkACLsSpec struct {
	DefaultAction       string   `yaml:"defaultAction"`
	VirtualNetworkRules []string `yaml:"virtualNetworkRules"`
	// IgnoreMissingVnetServiceEndpoint admits subnets that don't (yet)
	// enable the service endpoint, as Azure's property of the same name.
	IgnoreMissingVnetServiceEndpoint bool     `yaml:"ignoreMissingVnetServiceEndpoint"`
	IPRules                          []string `yaml:"ipRules"`
	Bypass                           string   `yaml:"bypass"`
}

// PrivateEndpointSpec is a private endpoint to one sub-resource of a service.
type PrivateEndpointSpec struct {
	Name                string   `yaml:"name"`
	Subnet              string   `yaml:"subnet"`
	Service             string   `yaml:"service"`
	GroupID             string   `yaml:"groupId"`
	PrivateIPAddress    string   `yaml:"privateIpAddress"`
	PrivateDNSZoneGroup []string `yaml:"privateDnsZoneGroup"`
}

// DNSZoneSpec is an Azure private DNS zone with its VNet links.
type DNSZoneSpec struct {
	Name                string         `yaml:"name"`
	VirtualNetworkLinks []VNetLinkSpec `yaml:"virtualNetworkLinks"`
	Records             []RecordSpec   `yaml:"records"`
}

// VNetLinkSpec links a private DNS zone to a VNet.
type VNetLinkSpec struct {
	VNet                string `yaml:"vnet"`
	RegistrationEnabled bool   `yaml:"registrationEnabled"`
	ResolutionPolicy    string `yaml:"resolutionPolicy"`
}

// RecordSpec is an explicit record in a private DNS zone.
type RecordSpec struct {
	Name   string   `yaml:"name"`
	Type   string   `yaml:"type"`
	TTL    int      `yaml:"ttl"`
	Values []string `yaml:"values"`
}

// MachineLearningSpec describes an Azure Machine Learning workspace and its computes.
type MachineLearningSpec struct {
	Workspace           string              `yaml:"workspace"`
	StorageAccount      string              `yaml:"storageAccount"`
	KeyVault            string              `yaml:"keyVault"`
	ContainerRegistry   string              `yaml:"containerRegistry"`
	ApplicationInsights string              `yaml:"applicationInsights"`
	ImageBuildCompute   string              `yaml:"imageBuildCompute"`
	IPAllowList         []string            `yaml:"ipAllowList"`
	Computes            []ComputeSpec       `yaml:"computes"`
	ManagedNetwork      *ManagedNetworkSpec `yaml:"managedNetwork"`
}

// ComputeSpec is an Azure ML compute target.
type ComputeSpec struct {
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

// ManagedNetworkSpec is an Azure ML workspace managed virtual network.
type ManagedNetworkSpec struct {
	IsolationMode string             `yaml:"isolationMode"`
	FirewallSKU   string             `yaml:"firewall_sku"`
	Status        string             `yaml:"status"`
	OutboundRules []OutboundRuleSpec `yaml:"outboundRules"`
}

// OutboundRuleSpec is a managed network outbound rule.
type OutboundRuleSpec struct {
	Name        string    `yaml:"name"`
	Type        string    `yaml:"type"`
	Destination yaml.Node `yaml:"destination"`
	Category    string    `yaml:"category"`
}

// ExpectationSpec is one assertion of a scenario: a flow or an intent.
type ExpectationSpec struct {
	Name     string `yaml:"name"`
	From     string `yaml:"from"`
	To       string `yaml:"to"`
	Protocol string `yaml:"protocol"`
	Port     int    `yaml:"port"`
	Intent   string `yaml:"intent"`
	Compute  string `yaml:"compute"`
	Client   string `yaml:"client"`
	Expect   string `yaml:"expect"`
	Reason   string `yaml:"reason"`

	line int // where it is written, recorded while decoding
}

// UnmarshalYAML decodes an expectation strictly and records its line, so
// that check can name it without building the positions of a large file.
func (e *ExpectationSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain ExpectationSpec
	if n.Kind == yaml.MappingNode {
		var unknown []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !expectationKeys[n.Content[i].Value] {
				unknown = append(unknown, fmt.Sprintf("line %d: field %s not found in type topology.ExpectationSpec", n.Content[i].Line, n.Content[i].Value))
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
	*e = ExpectationSpec(p)
	e.line = n.Line
	return nil
}

// expectationKeys are the keys an expectation may have.
var expectationKeys = yamlKeys(ExpectationSpec{})

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
