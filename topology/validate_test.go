package topology

import (
	"strings"
	"testing"
)

// TestValidateAccepts: what Azure allows passes the rules of validate_*.go
// (the bad-input catalogue in testdata/bad holds the refusals).
func TestValidateAccepts(t *testing.T) {
	head := "apiVersion: vnetsim/v1\nregion: eastus\nvnets:\n  - name: v\n    addressSpace: [10.0.0.0/16, \"fd00:1::/48\"]\n    subnets:\n      - {name: s, addressPrefix: 10.0.0.0/24}\n      - {name: GatewaySubnet, addressPrefix: 10.0.1.0/27}\n      - {name: AzureFirewallSubnet, addressPrefix: 10.0.2.0/25}\n  - name: w\n    region: westeurope\n    addressSpace: [10.1.0.0/16]\n    subnets:\n      - {name: s, addressPrefix: 10.1.0.0/24}\n"
	for _, tc := range []struct{ name, body string }{
		{"a dual-stack VNet, a /25 firewall subnet and a region from the tags", ""},
		{"a Basic gateway without transit", "virtualNetworkGateways:\n  - {name: g, vnet: v, gatewayType: Vpn, sku: Basic}\n"},
		{"an ExpressRoute SKU on an ExpressRoute gateway", "virtualNetworkGateways:\n  - {name: g, vnet: v, gatewayType: ExpressRoute, sku: ErGw1AZ}\n"},
		{"records: wildcard, apex A, CNAME alone on its name, AAAA", "privateDnsZones:\n  - name: corp.example.com\n    records:\n      - {name: \"*\", type: A, values: [10.0.0.9]}\n      - {name: \"@\", type: A, ttl: 3600, values: [10.0.0.8]}\n      - {name: www, type: CNAME, values: [web.corp.example.com]}\n      - {name: _svc.v6, type: AAAA, values: [\"fd00:1::5\"]}\n"},
		{"names at Azure's maxima", "vms:\n  - {name: " + strings.Repeat("m", 64) + ", subnet: v/s}\nservices:\n  - {name: " + strings.Repeat("s", 24) + ", type: Microsoft.Storage/storageAccounts, networkAcls: {defaultAction: Deny, bypass: \"AzureServices, Logging\"}}\n"},
		{"host-free prefixes and 25 tag routes", "routeTables:\n  - name: rt\n    routes:\n" + tagRoutes(25)},
		{"expectations to a tag, an FQDN, an address and a port", "vms:\n  - {name: a, subnet: v/s}\nexpectations:\n  - {name: e1, from: a, to: Storage.EastUS, port: 443, expect: allowed}\n  - {name: e2, from: a, to: pypi.org, port: 443, expect: allowed}\n  - {name: e3, from: a, to: 10.1.0.4, port: 22, expect: allowed}\n  - {name: e4, from: a, to: 10.1.0.4, protocol: Icmp, expect: allowed}\n"},
	} {
		if _, err := Parse("ok.yaml", []byte(head+tc.body), Options{}); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func tagRoutes(n int) string {
	tags := []string{"AzureMachineLearning", "Storage", "AzureActiveDirectory", "AzureResourceManager", "AzureMonitor", "MicrosoftContainerRegistry", "AzureFrontDoor.FirstParty", "AzureFrontDoor.Frontend", "Sql", "AzureKeyVault", "EventHub", "ServiceBus", "AzureCosmosDB", "AppService", "AzureContainerRegistry", "Storage.EastUS", "Storage.WestUS", "Sql.EastUS", "AzureMonitor.EastUS", "AzureKeyVault.EastUS", "EventHub.EastUS", "ServiceBus.EastUS", "AzureCosmosDB.EastUS", "AppService.EastUS", "AzureContainerRegistry.EastUS"}
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("      - {name: r" + strings.Repeat("x", i+1) + ", addressPrefix: " + tags[i] + ", nextHopType: Internet}\n")
	}
	return b.String()
}

// TestEndpointProblem: names that fall through to FQDNs must be DNS names;
// mistyped addresses and tags are refused, with the nearest tag.
func TestEndpointProblem(t *testing.T) {
	top, err := Parse("t.yaml", []byte("apiVersion: vnetsim/v1\nregion: eastus\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, want string }{
		{"pypi.org", ""},
		{"files.pythonhosted.org", ""},
		{"my_host.corp.example.com", ""},
		{"10.0.1.999", "not a valid IP address"},
		{"10.0.1.256", "not a valid IP address"},
		{"10.0.1", "not a valid IP address"},
		{"fd00::1::2", "not a valid IPv6 address"},
		{"BatchNodeManagment.eastus", "not a service tag; did you mean BatchNodeManagement.EastUS?"},
		{"Storage.eastuss", "not a service tag; did you mean Storage.EastUS?"},
		{"pypi..org", "not a valid DNS name: an empty label"},
		{"-bad.example.com", "not a valid DNS name"},
		{"example.123", "not a valid DNS name: the last label is all digits"},
	} {
		if got := top.EndpointProblem(tc.name); !strings.HasPrefix(got, tc.want) || (tc.want == "") != (got == "") {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
