package importer

import (
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/spec"
)

// Issue 14's resources read from ARM JSON: each case asserts what is
// written and what is listed.

const (
	lbID   = sub + "loadBalancers/lb"
	nicOne = `{"id": "` + sub + `networkInterfaces/nic1", "type": "Microsoft.Network/networkInterfaces", "properties": {"ipConfigurations": [
  {"name": "ipconfig1", "properties": {"primary": true, "privateIPAddress": "10.0.1.4", "subnet": {"id": "` + sub + `virtualNetworks/v1/subnets/a"}, "loadBalancerBackendAddressPools": [{"id": "` + lbID + `/backendAddressPools/pool"}]}}]}}`
	nicTwo = `{"id": "` + sub + `networkInterfaces/nic2", "type": "Microsoft.Network/networkInterfaces", "properties": {"ipConfigurations": [
  {"name": "ipconfig1", "properties": {"privateIPAddress": "10.0.1.5", "subnet": {"id": "` + sub + `virtualNetworks/v1/subnets/a"}}}]}}`
	bastionVNet = `{"id": "` + sub + `virtualNetworks/v2", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
  "properties": {"addressSpace": {"addressPrefixes": ["10.2.0.0/16"]}, "subnets": [
    {"name": "AzureBastionSubnet", "properties": {"addressPrefix": "10.2.0.0/26"}},
    {"name": "small", "properties": {"addressPrefix": "10.2.1.0/27"}}]}}`
)

func lb(fe, pools, rules string) string {
	return `{"id": "` + lbID + `", "type": "Microsoft.Network/loadBalancers", "sku": {"name": "Standard"}, "properties": {
  "frontendIPConfigurations": [` + fe + `], "backendAddressPools": [` + pools + `],
  "probes": [{"name": "tcp22", "properties": {"protocol": "Tcp", "port": 22, "intervalInSeconds": 5}}],
  "loadBalancingRules": [` + rules + `]}}`
}

const (
	feInternal = `{"name": "fe", "properties": {"subnet": {"id": "` + sub + `virtualNetworks/v1/subnets/a"}, "privateIPAddress": "10.0.1.100", "privateIPAllocationMethod": "Static"}}`
	haRule     = `{"name": "ha", "properties": {"frontendIPConfiguration": {"id": "` + lbID + `/frontendIPConfigurations/fe"}, "backendAddressPool": {"id": "` + lbID + `/backendAddressPools/pool"},
  "probe": {"id": "` + lbID + `/probes/tcp22"}, "protocol": "All", "frontendPort": 0, "backendPort": 0}}`
)

func TestRulesIssue14(t *testing.T) {
	for _, c := range []struct {
		name, in string
		check    func(sc *spec.Scenario) bool
		problem  string // a substring the problem list must hold
	}{
		{"a load balancer's pool members come from the NIC side, named as vms",
			`[` + vnet + `,` + nicOne + `,` + nicTwo + `,` + lb(feInternal, `{"name": "pool"}`, haRule) + `]`,
			func(sc *spec.Scenario) bool {
				if len(sc.LoadBalancers) != 1 {
					return false
				}
				l := sc.LoadBalancers[0]
				r := l.LoadBalancingRules
				return l.SKU == "Standard" && l.FrontendIPConfigurations[0].Subnet == "v1/a" && l.FrontendIPConfigurations[0].PrivateIPAddress == "10.0.1.100" &&
					len(l.BackendAddressPools[0].Members) == 1 && l.BackendAddressPools[0].Members[0] == "nic1" &&
					len(r) == 1 && r[0].Protocol == "All" && r[0].FrontendPort == 0 && r[0].FrontendIPConfiguration == "fe" && r[0].BackendAddressPool == "pool" && r[0].Probe == "tcp22" &&
					l.Probes[0].Protocol == "Tcp" && l.Probes[0].Port == 22
			}, ""},
		{"a pool's back-reference to a NIC that does not name the pool is a conflict",
			`[` + vnet + `,` + nicOne + `,` + nicTwo + `,` + lb(feInternal, `{"name": "pool", "properties": {"backendIPConfigurations": [{"id": "`+sub+`networkInterfaces/nic2/ipConfigurations/ipconfig1"}]}}`, haRule) + `]`,
			func(sc *spec.Scenario) bool {
				m := sc.LoadBalancers[0].BackendAddressPools[0].Members
				return len(m) == 1 && m[0] == "nic1"
			}, "conflict: backend pool pool lists NIC " + sub + "networkInterfaces/nic2, whose IP configuration does not name the pool; not a member"},
		{"an IP-based pool member is the VM with that address",
			`[` + vnet + `,` + nicTwo + `,` + lb(feInternal, `{"name": "pool", "properties": {"loadBalancerBackendAddresses": [{"name": "a1", "properties": {"ipAddress": "10.0.1.5", "virtualNetwork": {"id": "`+sub+`virtualNetworks/v1"}}}]}}`, haRule) + `]`,
			func(sc *spec.Scenario) bool {
				m := sc.LoadBalancers[0].BackendAddressPools[0].Members
				return len(m) == 1 && m[0] == "nic2"
			}, ""},
		{"a Basic load balancer is listed, not imported",
			`[` + vnet + `,` + strings.Replace(lb(feInternal, `{"name": "pool"}`, haRule), `"Standard"`, `"Basic"`, 1) + `]`,
			func(sc *spec.Scenario) bool { return len(sc.LoadBalancers) == 0 }, "resource: a Basic load balancer: vnetsim models Standard load balancers only; not imported"},
		{"a public frontend takes its public IP's address, and the IP is not listed as unattached",
			`[` + vnet + `,{"id": "` + sub + `publicIPAddresses/pip", "type": "Microsoft.Network/publicIPAddresses", "properties": {"ipAddress": "20.1.2.3", "ipConfiguration": {"id": "` + lbID + `/frontendIPConfigurations/pub"}}},` +
				lb(`{"name": "pub", "properties": {"publicIPAddress": {"id": "`+sub+`publicIPAddresses/pip"}}}`, `{"name": "pool"}`, `{"name": "web", "properties": {"frontendIPConfiguration": {"id": "`+lbID+`/frontendIPConfigurations/pub"}, "backendAddressPool": {"id": "`+lbID+`/backendAddressPools/pool"}, "protocol": "Tcp", "frontendPort": 443, "backendPort": 8443, "enableFloatingIP": true}}`) + `]`,
			func(sc *spec.Scenario) bool {
				l := sc.LoadBalancers[0]
				return l.FrontendIPConfigurations[0].PublicIPAddress == "20.1.2.3" && l.LoadBalancingRules[0].BackendPort == 8443
			}, "property: rule web: floating IP (the backend sees the frontend address) is not modelled"},
		{"a rule naming a frontend of another load balancer is left out",
			`[` + vnet + `,` + lb(feInternal, `{"name": "pool"}`, strings.Replace(haRule, `loadBalancers/lb/frontendIPConfigurations`, `loadBalancers/other/frontendIPConfigurations`, 1)) + `]`,
			func(sc *spec.Scenario) bool { return len(sc.LoadBalancers[0].LoadBalancingRules) == 0 }, "rule ha: its frontend or backend pool is not imported; left out"},
		{"a Bastion host takes its subnet and public IP",
			`[` + bastionVNet + `,{"id": "` + sub + `publicIPAddresses/pip-b", "type": "Microsoft.Network/publicIPAddresses", "properties": {"ipAddress": "20.9.9.9"}},
			 {"id": "` + sub + `bastionHosts/bas", "type": "Microsoft.Network/bastionHosts", "sku": {"name": "Standard"}, "properties": {"ipConfigurations": [{"name": "IpConf", "properties": {
			  "subnet": {"id": "` + sub + `virtualNetworks/v2/subnets/AzureBastionSubnet"}, "publicIPAddress": {"id": "` + sub + `publicIPAddresses/pip-b"}}}], "scaleUnits": 2}}]`,
			func(sc *spec.Scenario) bool {
				return len(sc.BastionHosts) == 1 && sc.BastionHosts[0].Subnet == "v2/AzureBastionSubnet" && sc.BastionHosts[0].PublicIPAddress == "20.9.9.9"
			}, ""},
		{"a Bastion host Azure would refuse is listed, not imported",
			`[` + bastionVNet + `,{"id": "` + sub + `bastionHosts/bas", "type": "Microsoft.Network/bastionHosts", "properties": {"ipConfigurations": [{"name": "IpConf", "properties": {
			  "subnet": {"id": "` + sub + `virtualNetworks/v2/subnets/small"}}}]}}]`,
			func(sc *spec.Scenario) bool { return len(sc.BastionHosts) == 0 }, "resource: Azure Bastion lives in a subnet named AzureBastionSubnet, not small: not imported"},
		{"a private-only Bastion host is listed",
			`[` + bastionVNet + `,{"id": "` + sub + `bastionHosts/bas", "type": "Microsoft.Network/bastionHosts", "properties": {"enablePrivateOnlyBastion": true, "ipConfigurations": [{"name": "IpConf", "properties": {
			  "subnet": {"id": "` + sub + `virtualNetworks/v2/subnets/AzureBastionSubnet"}}}]}}]`,
			func(sc *spec.Scenario) bool { return len(sc.BastionHosts) == 0 }, "resource: a private-only Bastion host (no public endpoint) is not modelled: not imported"},
		{"a DNS resolver, its endpoints and a ruleset with rules and links",
			`[` + vnet + `,{"id": "` + sub + `dnsResolvers/r", "type": "Microsoft.Network/dnsResolvers", "properties": {"virtualNetwork": {"id": "` + sub + `virtualNetworks/v1"}}},
			 {"id": "` + sub + `dnsResolvers/r/inboundEndpoints/in", "type": "Microsoft.Network/dnsResolvers/inboundEndpoints", "properties": {"ipConfigurations": [{"subnet": {"id": "` + sub + `virtualNetworks/v1/subnets/a"}, "privateIpAddress": "10.0.1.4", "privateIpAllocationMethod": "Static"}]}},
			 {"id": "` + sub + `dnsResolvers/r/outboundEndpoints/out", "type": "Microsoft.Network/dnsResolvers/outboundEndpoints", "properties": {"subnet": {"id": "` + sub + `virtualNetworks/v1/subnets/a"}}},
			 {"id": "` + sub + `dnsForwardingRulesets/rs", "type": "Microsoft.Network/dnsForwardingRulesets", "properties": {"dnsResolverOutboundEndpoints": [{"id": "` + sub + `dnsResolvers/r/outboundEndpoints/out"}]}},
			 {"id": "` + sub + `dnsForwardingRulesets/rs/forwardingRules/onprem", "type": "Microsoft.Network/dnsForwardingRulesets/forwardingRules", "properties": {"domainName": "corp.example.com.", "forwardingRuleState": "Disabled",
			   "targetDnsServers": [{"ipAddress": "192.168.0.4", "port": 53}, {"ipAddress": "192.168.0.5", "port": 5353}]}},
			 {"id": "` + sub + `dnsForwardingRulesets/rs/virtualNetworkLinks/l", "type": "Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks", "properties": {"virtualNetwork": {"id": "` + sub + `virtualNetworks/v1"}, "metadata": {}}}]`,
			func(sc *spec.Scenario) bool {
				if len(sc.DNSResolvers) != 1 || len(sc.DNSForwardingRulesets) != 1 {
					return false
				}
				r, rs := sc.DNSResolvers[0], sc.DNSForwardingRulesets[0]
				return r.VNet == "v1" && r.InboundEndpoints[0].PrivateIPAddress == "10.0.1.4" && r.OutboundEndpoints[0].Subnet == "v1/a" &&
					rs.OutboundEndpoints[0] == "r/out" && rs.VirtualNetworkLinks[0] == "v1" && rs.Rules[0].State == "Disabled" &&
					strings.Join(rs.Rules[0].TargetDNSServers, " ") == "192.168.0.4 192.168.0.5:5353"
			}, ""},
		{"a ruleset whose outbound endpoint is not in the input is listed with its rules",
			`[{"id": "` + sub + `dnsForwardingRulesets/rs", "type": "Microsoft.Network/dnsForwardingRulesets", "properties": {"dnsResolverOutboundEndpoints": [{"id": "` + sub + `dnsResolvers/r/outboundEndpoints/out"}]}},
			 {"id": "` + sub + `dnsForwardingRulesets/rs/forwardingRules/x", "type": "Microsoft.Network/dnsForwardingRulesets/forwardingRules", "properties": {"domainName": "x."}}]`,
			func(sc *spec.Scenario) bool { return len(sc.DNSForwardingRulesets) == 0 }, "resource: child of DNS forwarding ruleset " + sub + "dnsForwardingRulesets/rs, which is not in the input or not imported: not imported"},
		{"a network manager's static members, collections and admin rules",
			`[` + vnet + `,{"id": "` + sub + `networkManagers/nm", "type": "Microsoft.Network/networkManagers", "properties": {"networkManagerScopeAccesses": ["SecurityAdmin"]}},
			 {"id": "` + sub + `networkManagers/nm/networkGroups/g", "type": "Microsoft.Network/networkManagers/networkGroups", "properties": {"memberType": "VirtualNetwork"}},
			 {"id": "` + sub + `networkManagers/nm/networkGroups/g/staticMembers/m", "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers", "properties": {"resourceId": "` + sub + `virtualNetworks/v1"}},
			 {"id": "` + sub + `networkManagers/nm/securityAdminConfigurations/c", "type": "Microsoft.Network/networkManagers/securityAdminConfigurations", "properties": {}},
			 {"id": "` + sub + `networkManagers/nm/securityAdminConfigurations/c/ruleCollections/col", "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
			   "properties": {"appliesToGroups": [{"networkGroupId": "` + sub + `networkManagers/nm/networkGroups/g"}]}},
			 {"id": "` + sub + `networkManagers/nm/securityAdminConfigurations/c/ruleCollections/col/rules/deny-ssh", "kind": "Custom", "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
			   "properties": {"protocol": "Any", "access": "Deny", "priority": 1, "direction": "Inbound", "sources": [{"addressPrefix": "Internet", "addressPrefixType": "ServiceTag"}],
			   "destinations": [{"addressPrefix": "10.0.0.0/16", "addressPrefixType": "IPPrefix"}, {"addressPrefix": "10.1.0.0/16", "addressPrefixType": "IPPrefix"}], "sourcePortRanges": ["0-65535"], "destinationPortRanges": ["22", "3389"]}},
			 {"id": "` + sub + `networkManagers/nm/securityAdminConfigurations/c/ruleCollections/col/rules/empty", "kind": "Custom", "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
			   "properties": {"protocol": "Tcp", "access": "Allow", "priority": 2, "direction": "Inbound", "sources": [], "destinations": [], "sourcePortRanges": [], "destinationPortRanges": ["443"]}}]`,
			func(sc *spec.Scenario) bool {
				if len(sc.NetworkManagers) != 1 {
					return false
				}
				nm := sc.NetworkManagers[0]
				col := nm.SecurityAdminRuleCollections
				if len(nm.NetworkGroups) != 1 || nm.NetworkGroups[0].Members[0] != "v1" || len(col) != 1 || col[0].AppliesToGroups[0] != "g" || len(col[0].Rules) != 1 {
					return false
				}
				r := col[0].Rules[0]
				return r.Name == "deny-ssh" && r.Protocol == "*" && r.Access == "Deny" && r.SourceAddressPrefix == "Internet" && len(r.DestinationAddressPrefixes) == 2 &&
					r.SourcePortRange == "0-65535" && strings.Join(r.DestinationPortRanges, ",") == "22,3389"
			}, "resource: a rule without sources: not imported (vnetsim does not guess what an empty list matches)"},
		{"a subnet's service endpoint policy, its storage accounts and a scope expanded to the input's accounts",
			`[{"id": "` + sub + `virtualNetworks/v1", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": [
			   {"name": "a", "properties": {"addressPrefix": "10.0.1.0/24", "serviceEndpoints": [{"service": "Microsoft.Storage"}], "serviceEndpointPolicies": [{"id": "` + sub + `serviceEndpointPolicies/sep"}]}}]}},
			 {"id": "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/st1", "type": "Microsoft.Storage/storageAccounts", "properties": {}},
			 {"id": "/subscriptions/s1/resourceGroups/rg2/providers/Microsoft.Storage/storageAccounts/st2", "type": "Microsoft.Storage/storageAccounts", "properties": {}},
			 {"id": "` + sub + `serviceEndpointPolicies/sep", "type": "Microsoft.Network/serviceEndpointPolicies", "properties": {"serviceEndpointPolicyDefinitions": [
			   {"name": "rg", "properties": {"service": "microsoft.storage", "serviceResources": ["/subscriptions/s1/resourceGroups/rg2"]}},
			   {"name": "one", "properties": {"service": "Microsoft.Storage", "serviceResources": ["/subscriptions/s1/resourceGroups/rg9/providers/Microsoft.Storage/storageAccounts/elsewhere"]}},
			   {"name": "aml", "properties": {"service": "Global", "serviceResources": ["/services/Azure/MachineLearning"]}}]}}]`,
			func(sc *spec.Scenario) bool {
				if len(sc.ServiceEndpointPolicies) != 1 || len(sc.VNets[0].Subnets[0].ServiceEndpointPolicies) != 1 {
					return false
				}
				d := sc.ServiceEndpointPolicies[0].Definitions
				return sc.VNets[0].Subnets[0].ServiceEndpointPolicies[0] == "sep" && len(d) == 3 &&
					d[0].Service == "Microsoft.Storage" && strings.Join(d[0].ServiceResources, ",") == "st2" &&
					strings.Join(d[1].ServiceResources, ",") == "elsewhere" && d[2].Service == "Global" && d[2].ServiceResources[0] == "/services/Azure/MachineLearning"
			}, "note: scope /subscriptions/s1/resourceGroups/rg2 is expanded to the storage accounts of the input inside it (1 account)"},
		{"a Private Link Scope with PrivateOnly ingestion is a service with publicNetworkAccess Disabled and its components",
			`[{"id": "/subscriptions/s1/resourceGroups/rg1/providers/microsoft.insights/privatelinkscopes/ampls", "type": "microsoft.insights/privatelinkscopes", "location": "global",
			   "properties": {"accessModeSettings": {"ingestionAccessMode": "PrivateOnly", "queryAccessMode": "Open", "exclusions": []}}},
			 {"id": "/subscriptions/s1/resourceGroups/rg1/providers/microsoft.insights/privatelinkscopes/ampls/scopedresources/appi-link", "type": "microsoft.insights/privatelinkscopes/scopedresources",
			   "properties": {"linkedResourceId": "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Insights/components/appi"}},
			 {"id": "/subscriptions/s1/resourceGroups/rg1/providers/microsoft.insights/privatelinkscopes/ampls/scopedresources/law-link", "type": "microsoft.insights/privatelinkscopes/scopedresources",
			   "properties": {"linkedResourceId": "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.OperationalInsights/workspaces/law"}},
			 {"id": "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Insights/components/appi", "type": "Microsoft.Insights/components", "properties": {}}]`,
			func(sc *spec.Scenario) bool {
				for _, s := range sc.Services {
					if s.Name == "ampls" {
						return s.Type == "Microsoft.Insights/privateLinkScopes" && s.PublicNetworkAccess == "Disabled" && strings.Join(s.ScopedResources, ",") == "appi"
					}
				}
				return false
			}, "property: query access mode Open differs from ingestion access mode PrivateOnly"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, probs := importJSON(t, c.in)
			if !c.check(sc) {
				o, _ := Marshal(&Output{Scenario: sc}, "")
				t.Errorf("scenario:\n%s\nproblems:\n%s", o, probs)
			}
			if c.problem != "" && !strings.Contains(probs, c.problem) {
				t.Errorf("no problem %q in\n%s", c.problem, probs)
			}
		})
	}
}
