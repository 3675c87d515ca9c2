package arm

import "strings"

// Types of issue 14's resources: load balancers, DNS Private Resolver and
// its forwarding rulesets, Virtual Network Manager security admin rules,
// service endpoint policies, Azure Bastion and Azure Monitor Private Link
// Scopes, in their documented spelling.
const (
	LoadBalancer      = "Microsoft.Network/loadBalancers"
	LBBackendPool     = "Microsoft.Network/loadBalancers/backendAddressPools"
	DNSResolver       = "Microsoft.Network/dnsResolvers"
	ResolverInbound   = "Microsoft.Network/dnsResolvers/inboundEndpoints"
	ResolverOutbound  = "Microsoft.Network/dnsResolvers/outboundEndpoints"
	Ruleset           = "Microsoft.Network/dnsForwardingRulesets"
	ForwardingRule    = "Microsoft.Network/dnsForwardingRulesets/forwardingRules"
	RulesetLink       = "Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks"
	NetworkManager    = "Microsoft.Network/networkManagers"
	NetworkGroup      = "Microsoft.Network/networkManagers/networkGroups"
	StaticMember      = "Microsoft.Network/networkManagers/networkGroups/staticMembers"
	AdminConfig       = "Microsoft.Network/networkManagers/securityAdminConfigurations"
	AdminCollection   = "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections"
	AdminRule         = "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules"
	EndpointPolicy    = "Microsoft.Network/serviceEndpointPolicies"
	EndpointPolicyDef = "Microsoft.Network/serviceEndpointPolicies/serviceEndpointPolicyDefinitions"
	Bastion           = "Microsoft.Network/bastionHosts"
	LinkScope         = "Microsoft.Insights/privateLinkScopes"
	ScopedResource    = "Microsoft.Insights/privateLinkScopes/scopedResources"
)

func init() {
	for _, t := range []string{LoadBalancer, LBBackendPool, DNSResolver, ResolverInbound, ResolverOutbound, Ruleset, ForwardingRule, RulesetLink,
		NetworkManager, NetworkGroup, StaticMember, AdminConfig, AdminCollection, AdminRule, EndpointPolicy, EndpointPolicyDef, Bastion, LinkScope, ScopedResource} {
		canonical[strings.ToLower(t)] = t
	}
	// A policy's definitions come inline (a GET of the policy) or as child
	// resources (a template, Resource Graph).
	Children[EndpointPolicy] = []struct{ Prop, Type string }{{"serviceEndpointPolicyDefinitions", EndpointPolicyDef}}
}
