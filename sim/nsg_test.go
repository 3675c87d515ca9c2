package sim

import (
	"fmt"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// twoSubnets is a VNet with vm-a in snet-a and vm-b in snet-b; the NSGs and
// their attachments come from the arguments.
func twoSubnets(subnetA, subnetB, nicA, nicB, nsgs string) string {
	return fmt.Sprintf(`
vnets:
  - name: vnet
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: snet-a, addressPrefix: 10.0.1.0/24%s}
      - {name: snet-b, addressPrefix: 10.0.2.0/24%s}
applicationSecurityGroups: [asg-web, asg-db]
vms:
  - {name: vm-a, subnet: vnet/snet-a, privateIpAddress: 10.0.1.4%s}
  - {name: vm-b, subnet: vnet/snet-b, privateIpAddress: 10.0.2.4%s}
  - {name: vm-b2, subnet: vnet/snet-b, privateIpAddress: 10.0.2.5}
networkSecurityGroups:
%s`, subnetA, subnetB, nicA, nicB, nsgs)
}

func rule(name string, prio int, dir, access, proto, src, dst, ports string) string {
	return fmt.Sprintf("      - {name: %s, priority: %d, direction: %s, access: %s, protocol: %q, sourceAddressPrefix: %q, sourcePortRange: \"*\", destinationAddressPrefix: %q, destinationPortRange: %q}\n",
		name, prio, dir, access, proto, src, dst, ports)
}

func nsg(name string, rules ...string) string {
	s := "  - name: " + name + "\n    securityRules:\n"
	if len(rules) == 0 {
		return "  - name: " + name + "\n"
	}
	for _, r := range rules {
		s += r
	}
	return s
}

const onB = ", networkSecurityGroup: nsg-b"
const onA = ", networkSecurityGroup: nsg-a"

// TestNSGRules covers reference section 1: default rules, priority order and
// first match, subnet/NIC order, tags, ASGs, augmented rules, protocols and
// ports, and stateful replies.
func TestNSGRules(t *testing.T) {
	cases := []flowCase{
		{
			name:     "default AllowVNetInBound admits VNet traffic",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b")),
			from:     "vm-a", to: "vm-b", port: 22, verdict: Allowed,
			hops: []string{"nsg allow nsg-b subnet vnet/snet-b Inbound: rule AllowVNetInBound (priority 65000)"},
		},
		{
			name:     "default AllowVnetOutBound lets VNet traffic out",
			scenario: twoSubnets(onA, "", "", "", nsg("nsg-a")),
			from:     "vm-a", to: "vm-b", port: 22, verdict: Allowed,
			hops: []string{"nsg allow nsg-a subnet vnet/snet-a Outbound: rule AllowVnetOutBound (priority 65000)"},
		},
		{
			name:     "default AllowInternetOutBound",
			scenario: twoSubnets(onA, "", "", "", nsg("nsg-a")),
			from:     "vm-a", to: "internet", verdict: Allowed,
			hops: []string{"nsg allow nsg-a subnet vnet/snet-a Outbound: rule AllowInternetOutBound (priority 65001)"},
		},
		{
			name:     "default DenyAllOutBound catches what is neither VNet nor Internet",
			scenario: twoSubnets(onA, "", "", "", nsg("nsg-a", rule("DenyInternet", 100, "Outbound", "Deny", "*", "*", "Internet", "*"))),
			from:     "vm-a", to: "internet", verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/DenyInternet/nsg-a",
		},
		{
			name:     "health probes from 168.63.129.16 are admitted by default (the host IP is in VirtualNetwork)",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b")),
			from:     "AzureLoadBalancer", to: "vm-b", port: 80, verdict: Allowed,
			hops: []string{"source send 168.63.129.16", "nsg allow nsg-b subnet vnet/snet-b Inbound: rule AllowVNetInBound (priority 65000)"},
		},
		{
			name:     "an NSG can block health probes through the AzureLoadBalancer tag",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("DenyProbes", 4000, "Inbound", "Deny", "*", "AzureLoadBalancer", "*", "*"))),
			from:     "AzureLoadBalancer", to: "vm-b", port: 80, verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/DenyProbes/nsg-b",
		},
		{
			name:     "the AzureLoadBalancer tag is only the host IP, not real clients",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("DenyProbes", 4000, "Inbound", "Deny", "*", "AzureLoadBalancer", "*", "*"))),
			from:     "vm-a", to: "vm-b", port: 80, verdict: Allowed,
		},
		{
			name:     "lower priority number wins: allow 100 before deny 200",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("Allow22", 100, "Inbound", "Allow", "Tcp", "10.0.1.0/24", "*", "22"), rule("Deny22", 200, "Inbound", "Deny", "Tcp", "*", "*", "22"))),
			from:     "vm-a", to: "vm-b", port: 22, verdict: Allowed,
			hops: []string{"nsg allow nsg-b subnet vnet/snet-b Inbound: rule Allow22 (priority 100)"},
		},
		{
			name:     "first match stops: deny 100 before allow 200",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("Allow22", 200, "Inbound", "Allow", "Tcp", "*", "*", "22"), rule("Deny22", 100, "Inbound", "Deny", "Tcp", "*", "*", "22"))),
			from:     "vm-a", to: "vm-b", port: 22, verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/Deny22/nsg-b",
		},
		{
			name: "inbound: a subnet deny ends evaluation before the NIC NSG",
			scenario: twoSubnets("", onB, "", ", networkSecurityGroup: nsg-nic",
				nsg("nsg-b", rule("Deny22", 100, "Inbound", "Deny", "Tcp", "*", "*", "22"))+nsg("nsg-nic", rule("Allow22", 100, "Inbound", "Allow", "Tcp", "*", "*", "22"))),
			from: "vm-a", to: "vm-b", port: 22, verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/Deny22/nsg-b",
			noHops:    []string{"nsg-nic"},
		},
		{
			name: "inbound: subnet allows, NIC denies",
			scenario: twoSubnets("", onB, "", ", networkSecurityGroup: nsg-nic",
				nsg("nsg-b", rule("Allow22", 100, "Inbound", "Allow", "Tcp", "*", "*", "22"))+nsg("nsg-nic", rule("Deny22", 100, "Inbound", "Deny", "Tcp", "*", "*", "22"))),
			from: "vm-a", to: "vm-b", port: 22, verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/Deny22/nsg-nic",
			hops:      []string{"nsg allow nsg-b subnet", "nsg deny nsg-nic NIC vm-b"},
		},
		{
			name: "outbound: the NIC NSG comes before the subnet NSG",
			scenario: twoSubnets(onA, "", ", networkSecurityGroup: nsg-nic", "",
				nsg("nsg-a", rule("Deny22", 100, "Outbound", "Deny", "Tcp", "*", "*", "22"))+nsg("nsg-nic", rule("DenyNic22", 100, "Outbound", "Deny", "Tcp", "*", "*", "22"))),
			from: "vm-a", to: "vm-b", port: 22, verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/DenyNic22/nsg-nic",
			noHops:    []string{"nsg-a"},
		},
		{
			name: "outbound: NIC allows, subnet denies",
			scenario: twoSubnets(onA, "", ", networkSecurityGroup: nsg-nic", "",
				nsg("nsg-a", rule("Deny22", 100, "Outbound", "Deny", "Tcp", "*", "*", "22"))+nsg("nsg-nic", rule("Allow22", 100, "Outbound", "Allow", "Tcp", "*", "*", "22"))),
			from: "vm-a", to: "vm-b", port: 22, verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/Deny22/nsg-a",
			hops:      []string{"nsg allow nsg-nic NIC vm-a", "nsg deny nsg-a subnet vnet/snet-a"},
		},
		{
			name:     "intra-subnet traffic is filtered by the subnet NSG too",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("DenyAll", 100, "Inbound", "Deny", "*", "*", "*", "*"))),
			from:     "vm-b", to: "vm-b2", port: 22, verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/DenyAll/nsg-b",
		},
		{
			name:     "service tag destination: Storage matches a storage address",
			scenario: twoSubnets(onA, "", "", "", nsg("nsg-a", rule("DenyStorage", 100, "Outbound", "Deny", "Tcp", "*", "Storage", "443"))),
			from:     "vm-a", to: "Storage.EastUS", verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/DenyStorage/nsg-a",
		},
		{
			name:     "service tag destination: Storage does not match another service",
			scenario: twoSubnets(onA, "", "", "", nsg("nsg-a", rule("DenyStorage", 100, "Outbound", "Deny", "Tcp", "*", "Storage", "443"))),
			from:     "vm-a", to: "AzureActiveDirectory", verdict: Allowed,
		},
		{
			name:     "tag names match case-insensitively",
			scenario: twoSubnets(onA, "", "", "", nsg("nsg-a", rule("DenyStorage", 100, "Outbound", "Deny", "Tcp", "*", "storage.eastus", "443"))),
			from:     "vm-a", to: "Storage.EastUS", verdict: Denied, reason: ReasonNSG,
		},
		{
			name:     "protocol: a Udp rule does not match Tcp",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("DenyUdp", 100, "Inbound", "Deny", "Udp", "*", "*", "*"))),
			from:     "vm-a", to: "vm-b", port: 53, verdict: Allowed,
		},
		{
			name:     "protocol: a Udp rule matches Udp",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("DenyUdp", 100, "Inbound", "Deny", "Udp", "*", "*", "*"))),
			from:     "vm-a", to: "vm-b", proto: topology.ProtocolUDP, port: 53, verdict: Denied, reason: ReasonNSG,
		},
		{
			name:     "protocol: Icmp has no ports, a port-restricted Icmp rule still matches",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("DenyPing", 100, "Inbound", "Deny", "Icmp", "*", "*", "*"))),
			from:     "vm-a", to: "vm-b", proto: topology.ProtocolICMP, verdict: Denied, reason: ReasonNSG,
		},
		{
			name:     "protocol: * matches Esp",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("DenyAny", 100, "Inbound", "Deny", "*", "10.0.1.4", "*", "*"))),
			from:     "vm-a", to: "vm-b", proto: topology.ProtocolESP, verdict: Denied, reason: ReasonNSG,
		},
		{
			name:     "port range 8000-8010 includes 8005",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("DenyRange", 100, "Inbound", "Deny", "Tcp", "*", "*", "8000-8010"))),
			from:     "vm-a", to: "vm-b", port: 8005, verdict: Denied, reason: ReasonNSG,
		},
		{
			name:     "port range 8000-8010 excludes 8011",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("DenyRange", 100, "Inbound", "Deny", "Tcp", "*", "*", "8000-8010"))),
			from:     "vm-a", to: "vm-b", port: 8011, verdict: Allowed,
		},
		{
			name:     "comma list of ports",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("DenyList", 100, "Inbound", "Deny", "Tcp", "*", "*", "80, 10000-10005"))),
			from:     "vm-a", to: "vm-b", port: 10003, verdict: Denied, reason: ReasonNSG,
		},
		{
			name: "augmented rule: lists of prefixes and ports",
			scenario: twoSubnets("", onB, "", "", `  - name: nsg-b
    securityRules:
      - {name: DenyMany, priority: 100, direction: Inbound, access: Deny, protocol: Tcp, sourceAddressPrefixes: [192.168.0.0/16, 10.0.1.4], sourcePortRange: "*", destinationAddressPrefixes: [10.0.2.4/32, 10.0.2.9], destinationPortRanges: ["22", "3389"]}
`),
			from: "vm-a", to: "vm-b", port: 3389, verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/DenyMany/nsg-b",
		},
		{
			name: "augmented rule: destination list does not hold vm-b2",
			scenario: twoSubnets("", onB, "", "", `  - name: nsg-b
    securityRules:
      - {name: DenyMany, priority: 100, direction: Inbound, access: Deny, protocol: Tcp, sourceAddressPrefixes: [192.168.0.0/16, 10.0.1.4], sourcePortRange: "*", destinationAddressPrefixes: [10.0.2.4/32, 10.0.2.9], destinationPortRanges: ["22", "3389"]}
`),
			from: "vm-a", to: "vm-b2", port: 3389, verdict: Allowed,
		},
		{
			name: "ASG rule applies to member NICs",
			scenario: twoSubnets("", onB, "", ", applicationSecurityGroups: [asg-db]", `  - name: nsg-b
    securityRules:
      - {name: DenyDb, priority: 100, direction: Inbound, access: Deny, protocol: Tcp, sourceAddressPrefix: "*", sourcePortRange: "*", destinationApplicationSecurityGroups: [asg-db], destinationPortRange: "1433"}
`),
			from: "vm-a", to: "vm-b", port: 1433, verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/DenyDb/nsg-b",
		},
		{
			name: "ASG rule is not applied to a NIC outside the group, even in the same subnet",
			scenario: twoSubnets("", onB, "", ", applicationSecurityGroups: [asg-db]", `  - name: nsg-b
    securityRules:
      - {name: DenyDb, priority: 100, direction: Inbound, access: Deny, protocol: Tcp, sourceAddressPrefix: "*", sourcePortRange: "*", destinationApplicationSecurityGroups: [asg-db], destinationPortRange: "1433"}
`),
			from: "vm-a", to: "vm-b2", port: 1433, verdict: Allowed,
		},
		{
			name: "source ASG matches the sending NIC",
			scenario: twoSubnets("", onB, ", applicationSecurityGroups: [asg-web]", "", `  - name: nsg-b
    securityRules:
      - {name: DenyFromWeb, priority: 100, direction: Inbound, access: Deny, protocol: "*", sourceApplicationSecurityGroups: [asg-web], sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*"}
`),
			from: "vm-a", to: "vm-b", port: 22, verdict: Denied, reason: ReasonNSG,
		},
		{
			name:     "stateful: the reply passes a source NSG that denies all inbound",
			scenario: twoSubnets(onA, "", "", "", nsg("nsg-a", rule("DenyAllIn", 100, "Inbound", "Deny", "*", "*", "*", "*"))),
			from:     "vm-a", to: "vm-b", port: 22, verdict: Allowed,
			hops: []string{"reply:reply send vm-b Tcp 10.0.2.4:22 -> 10.0.1.4:49152; NSGs let it through by flow state", "reply:destination deliver vm-a"},
		},
		{
			name:     "stateful the other way: inbound allowed, the reply passes a deny-all outbound",
			scenario: twoSubnets("", onB, "", "", nsg("nsg-b", rule("DenyAllOut", 100, "Outbound", "Deny", "*", "*", "*", "*"))),
			from:     "vm-a", to: "vm-b", port: 22, verdict: Allowed,
			hops: []string{"reply:destination deliver vm-a"},
		},
	}
	runFlowCases(t, cases)
}

// TestPublicIPInbound covers decision 1 and reference 1.8: a Standard public
// IP is closed to inbound traffic unless an NSG allows it, while traffic
// inside the VNet to a NIC with no NSG is allowed.
func TestPublicIPInbound(t *testing.T) {
	pip := ", publicIpAddress: {sku: Standard}"
	cases := []flowCase{
		{
			name:     "no NSG at either level: closed",
			scenario: twoSubnets("", "", "", pip, nsg("unused")),
			from:     "internet", to: "vm-b", port: 443, verdict: Denied, reason: ReasonPublicIPClosed,
			blockedBy: "publicIp/" + "", // resource checked below
		},
		{
			name:     "subnet NSG allows 443 from Internet",
			scenario: twoSubnets("", onB, "", pip, nsg("nsg-b", rule("AllowHttps", 100, "Inbound", "Allow", "Tcp", "Internet", "*", "443"))),
			from:     "internet", to: "vm-b", port: 443, verdict: Allowed,
			hops: []string{"publicIp translate vm-b", "nsg allow nsg-b", "destination deliver vm-b", "reply:route match vnet/snet-b 0.0.0.0/0 -> Internet", "reply:reply deliver"},
		},
		{
			name:     "NSG present but only default rules: DenyAllInBound",
			scenario: twoSubnets("", onB, "", pip, nsg("nsg-b")),
			from:     "internet", to: "vm-b", port: 443, verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/DenyAllInBound/nsg-b",
		},
		{
			name:     "NSGs see the private address after translation",
			scenario: twoSubnets("", onB, "", pip, nsg("nsg-b", rule("AllowToPrivate", 100, "Inbound", "Allow", "Tcp", "*", "10.0.2.4", "443"))),
			from:     "internet", to: "vm-b", port: 443, verdict: Allowed,
		},
		{
			name:     "a NIC without a public IP can't be reached from the internet",
			scenario: twoSubnets("", "", "", "", nsg("unused")),
			from:     "internet", to: "vm-b", port: 443, verdict: Denied, reason: ReasonUnreachable,
		},
		{
			name:     "inside the VNet a NIC with no NSG is open",
			scenario: twoSubnets("", "", "", pip, nsg("unused")),
			from:     "vm-a", to: "vm-b", port: 443, verdict: Allowed,
		},
	}
	for i := range cases {
		if cases[i].reason == ReasonPublicIPClosed {
			cases[i].blockedBy = ""
		}
	}
	runFlowCases(t, cases)
}
