package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/spec"
)

const sub = "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Network/"

// importJSON imports one JSON text as a file.
func importJSON(t *testing.T, text string) (*spec.Scenario, string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "in.json")
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Import([]string{f}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range res.Problems {
		b.WriteString(p.Kind + ": " + p.Msg + "\n")
	}
	return res.After.Scenario, b.String()
}

const vnet = `{"id": "` + sub + `virtualNetworks/v1", "type": "Microsoft.Network/virtualNetworks", "location": "West Europe",
  "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": [
    {"name": "a", "properties": {"addressPrefix": "10.0.1.0/24"}}]}}`

func TestRules(t *testing.T) {
	for _, c := range []struct {
		name, in string
		check    func(sc *spec.Scenario) bool
		problem  string // a substring the problem list must hold
	}{
		{"location spelled as a display name becomes the region", `[` + vnet + `]`,
			func(sc *spec.Scenario) bool { return sc.Region == "westeurope" }, ""},
		{"az CLI output: flattened properties, resourceGroup", `[{"id": "` + sub + `networkSecurityGroups/n1", "type": "Microsoft.Network/networkSecurityGroups", "resourceGroup": "rg1",
		  "securityRules": [{"name": "r", "priority": 100, "direction": "inbound", "access": "ALLOW", "protocol": "TCP", "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}]}]`,
			func(sc *spec.Scenario) bool {
				r := sc.NetworkSecurityGroups[0].SecurityRules[0]
				return r.Direction == "Inbound" && r.Access == "Allow" && r.Protocol == "Tcp" && r.Priority == 100
			}, ""},
		{"Resource Graph rows: lower-case type, data wrapper", `{"count": 1, "data": [{"id": "` + sub + `routeTables/rt", "type": "microsoft.network/routetables", "properties": {"routes": [{"name": "d", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "virtualappliance", "nextHopIpAddress": "10.0.0.4"}}]}}]}`,
			func(sc *spec.Scenario) bool { return sc.RouteTables[0].Routes[0].NextHopType == "VirtualAppliance" }, ""},
		{"a relative ID matches a full one", `[` + vnet + `, {"id": "/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic", "type": "Microsoft.Network/networkInterfaces",
		  "properties": {"ipConfigurations": [{"name": "c", "properties": {"subnet": {"id": "/RESOURCEGROUPS/rg1/providers/Microsoft.Network/virtualNetworks/V1/subnets/A"}, "privateIPAddress": "10.0.1.9"}}]}}]`,
			func(sc *spec.Scenario) bool { return len(sc.VMs) == 1 && sc.VMs[0].Subnet == "v1/a" }, ""},
		{"dynamic IPs: first free from .4 after static ones, in declaration order", `[` + vnet + `,
		  {"id": "` + sub + `networkInterfaces/n1", "type": "Microsoft.Network/networkInterfaces", "properties": {"ipConfigurations": [{"name": "c", "properties": {"subnet": {"id": "` + sub + `virtualNetworks/v1/subnets/a"}, "privateIPAllocationMethod": "Dynamic"}}]}},
		  {"id": "` + sub + `networkInterfaces/n2", "type": "Microsoft.Network/networkInterfaces", "properties": {"ipConfigurations": [{"name": "c", "properties": {"subnet": {"id": "` + sub + `virtualNetworks/v1/subnets/a"}, "privateIPAddress": "10.0.1.4", "privateIPAllocationMethod": "Static"}}]}}]`,
			func(sc *spec.Scenario) bool {
				return sc.VMs[0].Name == "n1" && sc.VMs[0].PrivateIPAddress == "10.0.1.5"
			}, ""},
		{"a public IP that says it belongs to another NIC is not attached", `[` + vnet + `,
		  {"id": "` + sub + `publicIPAddresses/p", "type": "Microsoft.Network/publicIPAddresses", "properties": {"ipAddress": "20.0.0.1", "ipConfiguration": {"id": "` + sub + `networkInterfaces/other/ipConfigurations/c"}}},
		  {"id": "` + sub + `networkInterfaces/n1", "type": "Microsoft.Network/networkInterfaces", "properties": {"ipConfigurations": [{"name": "c", "properties": {"subnet": {"id": "` + sub + `virtualNetworks/v1/subnets/a"}, "publicIPAddress": {"id": "` + sub + `publicIPAddresses/p"}}}]}}]`,
			func(sc *spec.Scenario) bool { return sc.VMs[0].PublicIPAddress == nil }, "conflict: public IP"},
		{"a public IP two NICs claim, without a back-reference, is attached to neither", `[` + vnet + `,
		  {"id": "` + sub + `publicIPAddresses/p", "type": "Microsoft.Network/publicIPAddresses", "properties": {"ipAddress": "20.0.0.1"}},
		  {"id": "` + sub + `networkInterfaces/n1", "type": "Microsoft.Network/networkInterfaces", "properties": {"ipConfigurations": [{"name": "c", "properties": {"subnet": {"id": "` + sub + `virtualNetworks/v1/subnets/a"}, "publicIPAddress": {"id": "` + sub + `publicIPAddresses/p"}}}]}},
		  {"id": "` + sub + `networkInterfaces/n2", "type": "Microsoft.Network/networkInterfaces", "properties": {"ipConfigurations": [{"name": "c", "properties": {"subnet": {"id": "` + sub + `virtualNetworks/v1/subnets/a"}, "publicIPAddress": {"id": "` + sub + `publicIPAddresses/p"}}}]}}]`,
			func(sc *spec.Scenario) bool {
				return sc.VMs[0].PublicIPAddress == nil && sc.VMs[1].PublicIPAddress == nil
			}, "attached to none"},
		{"a NAT gateway listing a subnet that does not point back is not attached", `[` + vnet + `,
		  {"id": "` + sub + `natGateways/ng", "type": "Microsoft.Network/natGateways", "properties": {"subnets": [{"id": "` + sub + `virtualNetworks/v1/subnets/a"}]}}]`,
			func(sc *spec.Scenario) bool { return sc.VNets[0].Subnets[0].NATGateway == "" }, "does not point back"},
		{"a reference to something not in the input is left out and listed", `[{"id": "` + sub + `virtualNetworks/v1", "type": "Microsoft.Network/virtualNetworks", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": [{"name": "a", "properties": {"addressPrefix": "10.0.1.0/24", "routeTable": {"id": "` + sub + `routeTables/missing"}}}]}}]`,
			func(sc *spec.Scenario) bool { return sc.VNets[0].Subnets[0].RouteTable == "" }, "reference: " + sub + "routeTables/missing is not in the input"},
		{"names colliding across resource groups get the group", `[{"id": "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/nsg", "type": "Microsoft.Network/networkSecurityGroups", "properties": {}},
		  {"id": "/subscriptions/s1/resourceGroups/RG2/providers/Microsoft.Network/networkSecurityGroups/nsg", "type": "Microsoft.Network/networkSecurityGroups", "properties": {}}]`,
			func(sc *spec.Scenario) bool {
				return len(sc.NetworkSecurityGroups) == 2 && sc.NetworkSecurityGroups[0].Name == "nsg" && sc.NetworkSecurityGroups[1].Name == "nsg-rg2"
			}, ""},
		{"an unknown property is listed", `[{"id": "` + sub + `routeTables/rt", "type": "Microsoft.Network/routeTables", "properties": {"someNewThing": true}}]`,
			func(sc *spec.Scenario) bool { return len(sc.RouteTables) == 1 }, "property: not imported (true)"},
		{"an unknown resource type is listed", `[{"id": "` + sub + `applicationGateways/agw", "type": "Microsoft.Network/applicationGateways", "properties": {}}]`,
			func(sc *spec.Scenario) bool { return true }, "resource: Microsoft.Network/applicationGateways is not imported"},
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
