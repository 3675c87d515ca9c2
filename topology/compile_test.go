package topology

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/spec"
)

// compileBase is a small valid scenario that each compile error case breaks
// with one edit.
const compileBase = `apiVersion: vnetsim/v1
region: eastus
vnets:
  - name: hub
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: snet-a, addressPrefix: 10.0.1.0/24, networkSecurityGroup: nsg-a, routeTable: rt-a}
      - {name: snet-b, addressPrefix: 10.0.2.0/24}
  - name: spoke
    addressSpace: [10.1.0.0/16]
    subnets:
      - {name: snet-s, addressPrefix: 10.1.0.0/24}
peerings:
  - {name: hub-to-spoke, from: hub, to: spoke}
  - {name: spoke-to-hub, from: spoke, to: hub}
networkSecurityGroups:
  - name: nsg-a
    securityRules:
      - {name: AllowWeb, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "443"}
routeTables:
  - name: rt-a
    routes:
      - {name: to-nva, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.2.4}
vms:
  - {name: nva, subnet: hub/snet-b, privateIpAddress: 10.0.2.4, enableIpForwarding: true}
  - {name: vm1, subnet: hub/snet-a}
services:
  - {name: st1, type: Microsoft.Storage/storageAccounts}
privateEndpoints:
  - {name: pe-blob, subnet: spoke/snet-s, service: st1, groupId: blob, privateDnsZoneGroup: [privatelink.blob.core.windows.net]}
privateDnsZones:
  - {name: privatelink.blob.core.windows.net, virtualNetworkLinks: [{vnet: hub}]}
expectations:
  - {name: web, from: vm1, to: st1, port: 443, expect: allowed}
`

// TestCompileErrors: each edit of compileBase breaks one rule the compiler
// enforces; the compile fails with one error naming the key and saying why.
func TestCompileErrors(t *testing.T) {
	if _, err := Parse("base.yaml", []byte(compileBase), Options{}); err != nil {
		t.Fatalf("the base scenario does not compile: %v", err)
	}
	cases := []struct {
		name     string
		old, new string
		want     string // a substring of the one error line: "key: message"
	}{
		{"subnet outside the address space", "addressPrefix: 10.0.2.0/24}", "addressPrefix: 10.2.2.0/24}", "vnets[0].subnets[1].addressPrefix: 10.2.2.0/24 is outside the address space of VNet hub"},
		{"overlapping subnets", "addressPrefix: 10.0.2.0/24}", "addressPrefix: 10.0.1.128/25}", "vnets[0].subnets[1].addressPrefix: 10.0.1.128/25 overlaps subnet"},
		{"subnet prefix with host bits", "addressPrefix: 10.0.2.0/24}", "addressPrefix: 10.0.2.1/24}", `vnets[0].subnets[1].addressPrefix: "10.0.2.1/24" has host bits set`},
		{"duplicate subnet", "{name: snet-b, addressPrefix: 10.0.2.0/24}", "{name: snet-a, addressPrefix: 10.0.2.0/24}", `vnets[0].subnets[1].name: duplicate subnet "snet-a" in VNet hub`},
		{"unknown NSG on a subnet", "networkSecurityGroup: nsg-a,", "networkSecurityGroup: nsg-x,", `vnets[0].subnets[0].networkSecurityGroup: unknown network security group "nsg-x"`},
		{"unknown route table", "routeTable: rt-a}", "routeTable: rt-x}", `vnets[0].subnets[0].routeTable: unknown route table "rt-x"`},
		{"peered VNets whose address spaces overlap", "addressSpace: [10.1.0.0/16]", "addressSpace: [10.0.128.0/17]", "peerings[0]: VNets hub (10.0.0.0/16) and spoke (10.0.128.0/17) overlap and can't be peered"},
		{"peering to an unknown VNet", "{name: hub-to-spoke, from: hub, to: spoke}", "{name: hub-to-spoke, from: hub, to: spok}", `peerings[0].to: unknown VNet "spok"`},
		{"NSG priority out of range", "priority: 100,", "priority: 99,", "networkSecurityGroups[0].securityRules[0].priority: 99 is outside 100-4096"},
		{"NSG direction", "direction: Inbound,", "direction: Inward,", "networkSecurityGroups[0].securityRules[0].direction"},
		{"NSG access", "access: Allow,", "access: Permit,", `networkSecurityGroups[0].securityRules[0].access: "Permit"`},
		{"NSG protocol", "protocol: Tcp,", "protocol: Sctp,", `networkSecurityGroups[0].securityRules[0].protocol: "Sctp"`},
		{"NSG port", `destinationPortRange: "443"`, `destinationPortRange: "70000"`, `networkSecurityGroups[0].securityRules[0].destinationPortRange: "70000"`},
		{"NSG rule without ports", `, destinationPortRange: "443"}`, `}`, "networkSecurityGroups[0].securityRules[0].destinationPortRange: missing"},
		{"route next hop type", "nextHopType: VirtualAppliance,", "nextHopType: Appliance,", `routeTables[0].routes[0].nextHopType: "Appliance"`},
		{"appliance route without an address", ", nextHopIpAddress: 10.0.2.4}", "}", "routeTables[0].routes[0].nextHopIpAddress: missing"},
		{"route prefix", "addressPrefix: 0.0.0.0/0,", "addressPrefix: 0.0.0.0/40,", "routeTables[0].routes[0].addressPrefix"},
		{"VM in an unknown subnet", "{name: vm1, subnet: hub/snet-a}", "{name: vm1, subnet: hub/snet-z}", `vms[1].subnet: unknown subnet "hub/snet-z"`},
		{"static IP outside the subnet", "privateIpAddress: 10.0.2.4,", "privateIpAddress: 10.0.3.4,", "vms[0].privateIpAddress"},
		{"two NICs on one address", "{name: vm1, subnet: hub/snet-a}", "{name: vm1, subnet: hub/snet-b, privateIpAddress: 10.0.2.4}", "vms[1].privateIpAddress"},
		{"duplicate endpoint name", "{name: vm1, subnet: hub/snet-a}", "{name: nva, subnet: hub/snet-a}", "vms[1].name"},
		{"unknown service type", "type: Microsoft.Storage/storageAccounts}", "type: Microsoft.Storage/buckets}", `services[0].type: "Microsoft.Storage/buckets" is not a service type vnetsim models`},
		{"private endpoint sub-resource", "groupId: blob,", "groupId: vault,", `privateEndpoints[0].groupId: "vault" is not a sub-resource of`},
		{"private endpoint to an unknown service", "service: st1, groupId", "service: st2, groupId", `privateEndpoints[0].service: unknown service "st2"`},
		{"zone group names an unknown zone", "privateDnsZoneGroup: [privatelink.blob.core.windows.net]", "privateDnsZoneGroup: [privatelink.file.core.windows.net]", `privateEndpoints[0].privateDnsZoneGroup[0]: unknown private DNS zone "privatelink.file.core.windows.net"`},
		{"zone link to an unknown VNet", "virtualNetworkLinks: [{vnet: hub}]", "virtualNetworkLinks: [{vnet: hubb}]", `privateDnsZones[0].virtualNetworkLinks[0].vnet: unknown VNet "hubb"`},
		{"zone linked twice to one VNet", "virtualNetworkLinks: [{vnet: hub}]", "virtualNetworkLinks: [{vnet: hub}, {vnet: hub}]", "privateDnsZones[0].virtualNetworkLinks[1].vnet: zone privatelink.blob.core.windows.net already has a link to VNet hub"},
		{"record type", "virtualNetworkLinks: [{vnet: hub}]}", "virtualNetworkLinks: [{vnet: hub}], records: [{name: x, type: MX, values: [mail]}]}", `privateDnsZones[0].records[0].type: "MX"`},
		{"record address", "virtualNetworkLinks: [{vnet: hub}]}", "virtualNetworkLinks: [{vnet: hub}], records: [{name: x, type: A, values: [10.0.0.300]}]}", `privateDnsZones[0].records[0].values[0]: "10.0.0.300" is not a valid IP address`},
		{"CNAME with two targets", "virtualNetworkLinks: [{vnet: hub}]}", "virtualNetworkLinks: [{vnet: hub}], records: [{name: x, type: CNAME, values: [a.example.com, b.example.com]}]}", "privateDnsZones[0].records[0].values: a CNAME record holds exactly one name"},
		{"DNS server forwarding to itself", "{name: vm1, subnet: hub/snet-a}", "{name: vm1, subnet: hub/snet-a, privateIpAddress: 10.0.1.5, dnsServer: {defaultForwarder: 10.0.1.5}}", "vms[1].dnsServer.defaultForwarder: 10.0.1.5 is this VM's own address"},
		{"expectation verdict", "expect: allowed}", "expect: maybe}", `expectations[0].expect: "maybe": want allowed or denied`},
		{"expectation port", "port: 443,", "port: 70000,", "expectations[0].port: 70000 is not a port"},
		{"intent expectation with a flow", "{name: web, from: vm1, to: st1, port: 443, expect: allowed}", "{name: web, intent: training-job, from: vm1, expect: allowed}", "expectations[0].intent: an intent expectation names an intent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(compileBase, c.old) {
				t.Fatalf("the edit's old text %q is not in the base scenario", c.old)
			}
			src := strings.Replace(compileBase, c.old, c.new, 1)
			_, err := Parse("test.yaml", []byte(src), Options{})
			if err == nil {
				t.Fatalf("compiled without error; want %q", c.want)
			}
			el, ok := err.(ErrorList)
			if !ok {
				t.Fatalf("err = %#v, want an ErrorList", err)
			}
			found := false
			for _, e := range el {
				if strings.Contains(e.Error(), c.want) {
					found = true
				}
				if !strings.HasPrefix(e.Error(), "test.yaml:") || e.Line <= 0 || strings.Contains(e.Msg, "\n") {
					t.Errorf("not one located line: %q", e.Error())
				}
			}
			if !found {
				t.Errorf("errors:\n%s\nwant one containing %q", el.Error(), c.want)
			}
		})
	}
}

// Compile reads its Document and never changes it: a managed network's
// synthesized VNet, NSG, firewall and endpoints go into a copy, so the same
// Document compiles again (variants, diff) to the same network.
func TestCompileLeavesTheDocumentAlone(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "scenarios", "managed-network-internet-outbound.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := spec.Parse("managed.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	vnets, computes := len(d.Scenario.VNets), len(d.Scenario.MachineLearning.Computes)
	managed := d.Scenario.MachineLearning.Computes[0].Managed
	var first int
	for i := range 2 {
		topo, err := Compile(d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = len(topo.VNets)
		} else if len(topo.VNets) != first {
			t.Errorf("second compile has %d VNets, the first %d", len(topo.VNets), first)
		}
	}
	if len(d.Scenario.VNets) != vnets || len(d.Scenario.MachineLearning.Computes) != computes || d.Scenario.MachineLearning.Computes[0].Managed != managed {
		t.Errorf("Compile changed the document: %d VNets (was %d), compute 0 managed %v (was %v)", len(d.Scenario.VNets), vnets, d.Scenario.MachineLearning.Computes[0].Managed, managed)
	}
}
