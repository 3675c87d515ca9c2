package sim

import (
	"strings"
	"testing"
)

// denyAllOut is a VM behind an NSG whose only custom rule denies all
// outbound traffic; extra adds rules before it.
func denyAllOut(extra string) string {
	return `vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.0.0/24, networkSecurityGroup: nsg-a}
networkSecurityGroups:
  - name: nsg-a
    securityRules:
` + extra + `      - {name: DenyAllOut, priority: 4000, direction: Outbound, access: Deny, protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*"}
vms:
  - {name: vm1, subnet: v/a}
`
}

// TestPlatformAddresses (rule 1): DHCP, DNS, IMDS and health probes through
// 168.63.129.16 and 169.254.169.254 are not subject to NSGs unless a rule
// targets them by the platform service tags (NSG overview, "Azure platform
// considerations").
func TestPlatformAddresses(t *testing.T) {
	denyIMDS := `      - {name: DenyIMDS, priority: 100, direction: Outbound, access: Deny, protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: AzurePlatformIMDS, destinationPortRange: "*"}
`
	denyDNS := `      - {name: DenyDNS, priority: 100, direction: Outbound, access: Deny, protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: AzurePlatformDNS, destinationPortRange: "*"}
`
	runFlowCases(t, []flowCase{
		{name: "IMDS passes a deny-all outbound rule", scenario: denyAllOut(""), from: "vm1", to: "169.254.169.254", port: 80,
			verdict: Allowed, hops: []string{"platform bypass 169.254.169.254", "destination deliver 169.254.169.254"}, noHops: []string{"DenyAllOut"}},
		{name: "Azure DNS passes a deny-all outbound rule", scenario: denyAllOut(""), from: "vm1", to: "168.63.129.16", proto: "Udp", port: 53,
			verdict: Allowed},
		{name: "AzurePlatformIMDS deny blocks IMDS", scenario: denyAllOut(denyIMDS), from: "vm1", to: "169.254.169.254", port: 80,
			verdict: Denied, reason: ReasonNSG, blockedBy: "nsgRule/DenyIMDS/nsg-a"},
		{name: "AzurePlatformDNS deny does not block IMDS", scenario: denyAllOut(denyDNS), from: "vm1", to: "169.254.169.254", port: 80,
			verdict: Allowed},
		{name: "AzurePlatformIMDS deny does not block Azure DNS", scenario: denyAllOut(denyIMDS), from: "vm1", to: "168.63.129.16", proto: "Udp", port: 53,
			verdict: Allowed},
	})
}

var _ = strings.Contains

// storageIPRules is a VM with a public IP and a storage account whose
// firewall denies by default and lists the VM's public IP.
func storageIPRules(stRegion string) string {
	return `vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.0.0/24}
vms:
  - {name: vm1, subnet: v/a, publicIpAddress: {sku: Standard, ipAddress: 20.10.0.5}}
  - {name: vm2, subnet: v/a}
services:
  - name: st
    type: Microsoft.Storage/storageAccounts
    region: ` + stRegion + `
    networkAcls: {defaultAction: Deny, ipRules: [20.10.0.5, 20.10.0.0/24]}
`
}

// TestStorageIPRulesSameRegion (rule 2): IP network rules have no effect on
// requests from the same Azure region as the storage account, which use
// private addresses (Configure Azure Storage firewalls and virtual networks).
func TestStorageIPRulesSameRegion(t *testing.T) {
	runFlowCases(t, []flowCase{
		{name: "same region: the VM's public IP in ipRules does not admit it", scenario: storageIPRules("eastus"), from: "vm1", to: "st",
			verdict: Denied, reason: ReasonServiceFirewall, blockedBy: "service/networkAcls/st",
			hops: []string{"service deny st the request comes from the same region (eastus)"}, noHops: []string{"service allow st IP rule"}},
		{name: "same region, default outbound: the reason names the private source", scenario: storageIPRules("eastus"), from: "vm2", to: "st",
			verdict: Denied, reason: ReasonServiceFirewall, hops: []string{"service deny st the request comes from the same region (eastus)"}},
		{name: "another region: the IP rule admits the VM's public IP", scenario: storageIPRules("westus"), from: "vm1", to: "st",
			verdict: Allowed, hops: []string{"service allow st IP rule 20.10.0.5/32"}},
	})
	topo := load(t, storageIPRules("eastus"))
	for _, from := range []string{"vm1", "vm2"} {
		res, err := topo.Trace(Request{From: from, To: "st", Port: 443})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Message, "private address 10.0.0.") || strings.Contains(res.Message, "public address") || strings.Contains(res.Message, "Microsoft-owned") {
			t.Errorf("%s: the message must say the request comes from a private address, not a public one: %s", from, res.Message)
		}
	}
}

// TestFirewallNetworkRuleFQDNs (rule 3): network rules with FQDNs filter on
// the addresses the firewall resolves them to (its DNS proxy, its DNS
// servers or Azure DNS), so a flow addressed by IP to one of them matches,
// and FQDNs sharing an address are not told apart (Use FQDN filtering in
// network rules).
func TestFirewallNetworkRuleFQDNs(t *testing.T) {
	rules := `    dnsProxy: true
    networkRuleCollections:
      - name: allow-app
        priority: 100
        action: Allow
        rules:
          - {name: app-by-name, protocols: [TCP], sourceAddresses: ["*"], destinationFqdns: [app.corp.example], destinationPorts: ["443"]}
privateDnsZones:
  - name: corp.example
    virtualNetworkLinks: [{vnet: hub}]
    records:
      - {name: app, type: A, values: [10.2.0.4]}
      - {name: alias, type: A, values: [10.2.0.4]}
      - {name: other, type: A, values: [10.2.0.5]}
`
	sc := strings.Replace(fwHub(rules, "", ""), "  - name: spoke\n    addressSpace: [10.1.0.0/16]\n", "  - name: spoke\n    addressSpace: [10.1.0.0/16]\n    dnsServers: [10.0.0.4]\n", 1)
	runFlowCases(t, []flowCase{
		{name: "a flow by IP to the address the FQDN resolves to matches", scenario: sc, from: "vm", to: "10.2.0.4",
			verdict: Allowed, hops: []string{"firewall allow fw network rule app-by-name", "destination deliver app2"}},
		{name: "a name sharing the address is not told apart", scenario: sc, from: "vm", to: "alias.corp.example",
			verdict: Allowed, hops: []string{"firewall allow fw network rule app-by-name"}},
		{name: "the named FQDN itself", scenario: sc, from: "vm", to: "app.corp.example",
			verdict: Allowed, hops: []string{"firewall allow fw network rule app-by-name"}},
		{name: "another address does not match", scenario: sc, from: "vm", to: "other.corp.example",
			verdict: Denied, reason: ReasonFirewall, blockedBy: "firewall/default deny/fw"},
		{name: "another port does not match", scenario: sc, from: "vm", to: "10.2.0.4", port: 22,
			verdict: Denied, reason: ReasonFirewall},
	})
}
