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
