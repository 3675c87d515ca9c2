package terraform_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/importer"
	"github.com/vnetsim/vnetsim/spec"
)

// The conversion rules of Terraform plans and state, each through the
// whole importer: the scenario it produces and what it reports skipped.

type obj = map[string]any

const (
	rg    = "/subscriptions/s1/resourceGroups/rg/providers/"
	vnet  = rg + "Microsoft.Network/virtualNetworks/vnet"
	subA  = vnet + "/subnets/a"
	nsgID = rg + "Microsoft.Network/networkSecurityGroups/nsg"
	rtID  = rg + "Microsoft.Network/routeTables/rt"
	natID = rg + "Microsoft.Network/natGateways/nat"
	pipID = rg + "Microsoft.Network/publicIPAddresses/pip"
	nicID = rg + "Microsoft.Network/networkInterfaces/nic"
	asgID = rg + "Microsoft.Network/applicationSecurityGroups/asg"
)

// res is a resource of a state or of planned values.
func res(addr, typ string, values obj) obj {
	name := addr[strings.LastIndex(addr, ".")+1:]
	if i := strings.Index(name, "["); i >= 0 {
		name = name[:i]
	}
	return obj{"address": addr, "mode": "managed", "type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/azurerm", "schema_version": 0, "values": values}
}

func vnetRes(extra obj) obj {
	v := obj{"id": vnet, "name": "vnet", "resource_group_name": "rg", "location": "eastus", "address_space": []any{"10.0.0.0/16"}}
	for k, x := range extra {
		v[k] = x
	}
	return res("azurerm_virtual_network.vnet", "azurerm_virtual_network", v)
}

func subnetRes(addr string, values obj) obj {
	v := obj{"id": subA, "name": "a", "resource_group_name": "rg", "virtual_network_name": "vnet"}
	for k, x := range values {
		v[k] = x
	}
	return res(addr, "azurerm_subnet", v)
}

func state(version string, rs ...obj) obj {
	return obj{"format_version": version, "terraform_version": "1.9.5", "values": obj{"root_module": obj{"resources": rs}}}
}

func nicRes(ipc obj, extra obj) obj {
	v := obj{"id": nicID, "name": "nic", "resource_group_name": "rg", "location": "eastus", "ip_configuration": []any{ipc}}
	for k, x := range extra {
		v[k] = x
	}
	return res("azurerm_network_interface.nic", "azurerm_network_interface", v)
}

type tfCase struct {
	name  string
	doc   any // marshalled to JSON, or a string taken as it is
	check func(t *testing.T, sc *spec.Scenario)
	// what was not imported: "kind subject path: message", in order
	skipped []string
	before  func(t *testing.T, sc *spec.Scenario) // the network before a plan
	err     string                                // the file cannot be imported
}

func run(t *testing.T, cases []tfCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, ok := tc.doc.(string)
			if !ok {
				b, err := json.Marshal(tc.doc)
				if err != nil {
					t.Fatal(err)
				}
				data = string(b)
			}
			file := filepath.Join(t.TempDir(), "tf.json")
			if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := importer.Import([]string{file}, importer.Options{})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range r.Problems {
				got = append(got, p.Kind+" "+p.Subject+" "+p.Path+": "+p.Msg)
			}
			if !slices.Equal(got, tc.skipped) {
				t.Errorf("skipped:\n got %q\nwant %q", got, tc.skipped)
			}
			if _, err := r.After.Document("tf"); err != nil {
				t.Errorf("the scenario does not decode: %v", err)
			}
			if tc.check != nil {
				tc.check(t, r.After.Scenario)
			}
			if tc.before != nil {
				if r.Before == nil {
					t.Fatal("no network before the plan")
				}
				tc.before(t, r.Before.Scenario)
			}
		})
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func eqs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func subnetOf(t *testing.T, sc *spec.Scenario, name string) spec.Subnet {
	t.Helper()
	for _, v := range sc.VNets {
		for _, s := range v.Subnets {
			if s.Name == name {
				return s
			}
		}
	}
	t.Fatalf("no subnet %s in %+v", name, sc.VNets)
	return spec.Subnet{}
}

func TestSubnetPrefixes(t *testing.T) {
	prefix := func(want string) func(*testing.T, *spec.Scenario) {
		return func(t *testing.T, sc *spec.Scenario) {
			eq(t, "addressPrefix", subnetOf(t, sc, "a").AddressPrefix, want)
		}
	}
	run(t, []tfCase{
		{name: "address_prefix (azurerm 2.x)",
			doc:   state("1.0", vnetRes(nil), subnetRes("azurerm_subnet.a", obj{"address_prefix": "10.0.1.0/24"})),
			check: prefix("10.0.1.0/24")},
		{name: "address_prefixes (azurerm 3.x and later)",
			doc:   state("1.0", vnetRes(nil), subnetRes("azurerm_subnet.a", obj{"address_prefixes": []any{"10.0.2.0/24"}})),
			check: prefix("10.0.2.0/24")},
		{name: "both, the same prefix (2.x writes both)",
			doc:   state("1.0", vnetRes(nil), subnetRes("azurerm_subnet.a", obj{"address_prefix": "10.0.3.0/24", "address_prefixes": []any{"10.0.3.0/24"}})),
			check: prefix("10.0.3.0/24")},
		{name: "two prefixes: the first, the second reported",
			doc:     state("1.0", vnetRes(nil), subnetRes("azurerm_subnet.a", obj{"address_prefixes": []any{"10.0.4.0/24", "10.0.5.0/24"}})),
			check:   prefix("10.0.4.0/24"),
			skipped: []string{"property azurerm_subnet.a $.values.root_module.resources[1].values.properties.addressPrefixes: second prefix 10.0.5.0/24 not imported: vnetsim models one prefix per subnet"}},
		{name: "inline subnet blocks of the VNet, with their NSG",
			doc: state("1.0", vnetRes(obj{"subnet": []any{
				obj{"name": "a", "address_prefix": "10.0.6.0/24", "security_group": nsgID, "id": subA},
				obj{"name": "b", "address_prefixes": []any{"10.0.7.0/24"}, "security_group": "", "id": vnet + "/subnets/b"},
			}}), res("azurerm_network_security_group.nsg", "azurerm_network_security_group", obj{"id": nsgID, "name": "nsg", "resource_group_name": "rg", "location": "eastus"})),
			check: func(t *testing.T, sc *spec.Scenario) {
				a, b := subnetOf(t, sc, "a"), subnetOf(t, sc, "b")
				eq(t, "a prefix", a.AddressPrefix, "10.0.6.0/24")
				eq(t, "a NSG", a.NetworkSecurityGroup, "nsg")
				eq(t, "b prefix", b.AddressPrefix, "10.0.7.0/24")
				eq(t, "b NSG", b.NetworkSecurityGroup, "")
			}},
		{name: "a subnet whose VNet is not in the input",
			doc:   state("1.0", subnetRes("azurerm_subnet.a", obj{"address_prefix": "10.0.1.0/24"})),
			check: func(t *testing.T, sc *spec.Scenario) { eq(t, "VNets", len(sc.VNets), 0) },
			skipped: []string{"note scenario : no resource gives a location; region eastus is written",
				"resource azurerm_subnet.a $.values.root_module.resources[0].values: subnet whose VNet " + vnet + " is not in the input: not imported (a VNet needs its address space)"}},
	})
}

func nsgRes(rules ...any) obj {
	v := obj{"id": nsgID, "name": "nsg", "resource_group_name": "rg", "location": "eastus"}
	if rules != nil {
		v["security_rule"] = rules
	}
	return res("azurerm_network_security_group.nsg", "azurerm_network_security_group", v)
}

func TestNSGRules(t *testing.T) {
	inline := obj{"name": "allow-https", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
		"source_address_prefix": "*", "source_address_prefixes": []any{}, "source_port_range": "*", "source_port_ranges": []any{},
		"destination_address_prefix": "", "destination_address_prefixes": []any{"10.0.1.0/24", "10.0.2.0/24"},
		"destination_port_range": "", "destination_port_ranges": []any{"443", "8443"},
		"source_application_security_group_ids": []any{asgID}, "destination_application_security_group_ids": []any{}, "description": "web"}
	asg := res("azurerm_application_security_group.asg", "azurerm_application_security_group", obj{"id": asgID, "name": "asg", "resource_group_name": "rg", "location": "eastus"})
	standalone := res("azurerm_network_security_rule.deny", "azurerm_network_security_rule", obj{
		"id": nsgID + "/securityRules/deny-all", "name": "deny-all", "resource_group_name": "rg", "network_security_group_name": "nsg",
		"priority": 4096, "direction": "Outbound", "access": "Deny", "protocol": "*", "source_address_prefix": "VirtualNetwork",
		"source_port_range": "*", "destination_address_prefix": "Internet", "destination_port_range": "*"})
	run(t, []tfCase{
		{name: "inline security_rule blocks",
			doc: state("1.0", nsgRes(inline), asg),
			check: func(t *testing.T, sc *spec.Scenario) {
				if len(sc.NetworkSecurityGroups) != 1 || len(sc.NetworkSecurityGroups[0].SecurityRules) != 1 {
					t.Fatalf("NSGs %+v", sc.NetworkSecurityGroups)
				}
				r := sc.NetworkSecurityGroups[0].SecurityRules[0]
				eq(t, "name", r.Name, "allow-https")
				eq(t, "priority", r.Priority, 100)
				eq(t, "direction", r.Direction, "Inbound")
				eq(t, "access", r.Access, "Allow")
				eq(t, "protocol", r.Protocol, "Tcp")
				eq(t, "description", r.Description, "web")
				eq(t, "sourcePortRange", r.SourcePortRange, "*")
				eq(t, "sourceAddressPrefix (an ASG is the source)", r.SourceAddressPrefix, "")
				eqs(t, "sourceApplicationSecurityGroups", r.SourceApplicationSecurityGroups, []string{"asg"})
				eqs(t, "destinationAddressPrefixes", r.DestinationAddressPrefixes, []string{"10.0.1.0/24", "10.0.2.0/24"})
				eqs(t, "destinationPortRanges", r.DestinationPortRanges, []string{"443", "8443"})
			}},
		{name: "an azurerm_network_security_rule beside its NSG",
			doc: state("1.0", nsgRes(), standalone),
			check: func(t *testing.T, sc *spec.Scenario) {
				if len(sc.NetworkSecurityGroups) != 1 || len(sc.NetworkSecurityGroups[0].SecurityRules) != 1 {
					t.Fatalf("NSGs %+v", sc.NetworkSecurityGroups)
				}
				r := sc.NetworkSecurityGroups[0].SecurityRules[0]
				eq(t, "name", r.Name, "deny-all")
				eq(t, "priority", r.Priority, 4096)
				eq(t, "direction", r.Direction, "Outbound")
				eq(t, "access", r.Access, "Deny")
				eq(t, "protocol", r.Protocol, "*")
				eq(t, "source", r.SourceAddressPrefix, "VirtualNetwork")
				eq(t, "destination", r.DestinationAddressPrefix, "Internet")
			}},
		{name: "both: the inline rules and a separate one add up",
			doc: state("1.0", nsgRes(inline), asg, standalone),
			check: func(t *testing.T, sc *spec.Scenario) {
				var names []string
				for _, r := range sc.NetworkSecurityGroups[0].SecurityRules {
					names = append(names, r.Name)
				}
				slices.Sort(names)
				eqs(t, "rules", names, []string{"allow-https", "deny-all"})
			}},
		{name: "a rule whose NSG is not in the input",
			doc:   state("1.0", standalone),
			check: func(t *testing.T, sc *spec.Scenario) { eq(t, "NSGs", len(sc.NetworkSecurityGroups), 0) },
			skipped: []string{"note scenario : no resource gives a location; region eastus is written",
				"resource azurerm_network_security_rule.deny $.values.root_module.resources[0].values: rule of NSG " + nsgID + ", which is not in the input: not imported"}},
		{name: "a rule's ASG that is not in the input",
			doc: state("1.0", nsgRes(inline)),
			check: func(t *testing.T, sc *spec.Scenario) {
				eq(t, "ASGs", len(sc.NetworkSecurityGroups[0].SecurityRules[0].SourceApplicationSecurityGroups), 0)
			},
			skipped: []string{"reference azurerm_network_security_group.nsg securityRules allow-https $.values.root_module.resources[0].values.properties.securityRules[0].properties.sourceApplicationSecurityGroups[0]: " + asgID + " is not in the input; the reference is left out"}},
	})
}

func TestAssociations(t *testing.T) {
	subnet := subnetRes("azurerm_subnet.a", obj{"address_prefixes": []any{"10.0.1.0/24"}})
	nsg := nsgRes()
	rt := res("azurerm_route_table.rt", "azurerm_route_table", obj{"id": rtID, "name": "rt", "resource_group_name": "rg", "location": "eastus", "route": []any{
		obj{"name": "default", "address_prefix": "0.0.0.0/0", "next_hop_type": "VirtualAppliance", "next_hop_in_ip_address": "10.0.9.4"}}})
	nat := res("azurerm_nat_gateway.nat", "azurerm_nat_gateway", obj{"id": natID, "name": "nat", "resource_group_name": "rg", "location": "eastus", "sku_name": "Standard"})
	pip := res("azurerm_public_ip.pip", "azurerm_public_ip", obj{"id": pipID, "name": "pip", "resource_group_name": "rg", "location": "eastus", "ip_address": "20.1.2.3", "allocation_method": "Static", "sku": "Standard"})
	nic := nicRes(obj{"name": "ipc", "subnet_id": subA, "private_ip_address": "10.0.1.10", "private_ip_address_allocation": "Static", "primary": true}, nil)
	asg := res("azurerm_application_security_group.asg", "azurerm_application_security_group", obj{"id": asgID, "name": "asg", "resource_group_name": "rg", "location": "eastus"})
	assoc := func(typ string, vals obj) obj {
		vals["id"] = "assoc-" + typ
		return res(typ+".x", typ, vals)
	}
	run(t, []tfCase{
		{name: "subnet with NSG, route table and NAT gateway",
			doc: state("1.0", vnetRes(nil), subnet, nsg, rt, nat, pip,
				assoc("azurerm_subnet_network_security_group_association", obj{"subnet_id": subA, "network_security_group_id": nsgID}),
				assoc("azurerm_subnet_route_table_association", obj{"subnet_id": subA, "route_table_id": rtID}),
				assoc("azurerm_subnet_nat_gateway_association", obj{"subnet_id": subA, "nat_gateway_id": natID}),
				assoc("azurerm_nat_gateway_public_ip_association", obj{"nat_gateway_id": natID, "public_ip_address_id": pipID})),
			check: func(t *testing.T, sc *spec.Scenario) {
				s := subnetOf(t, sc, "a")
				eq(t, "NSG", s.NetworkSecurityGroup, "nsg")
				eq(t, "route table", s.RouteTable, "rt")
				eq(t, "NAT gateway", s.NATGateway, "nat")
				eqs(t, "NAT public IPs", sc.NATGateways[0].PublicIPAddresses, []string{"20.1.2.3"})
				eq(t, "route next hop", sc.RouteTables[0].Routes[0].NextHopIPAddress, "10.0.9.4")
			}},
		{name: "NIC with NSG and ASG",
			doc: state("1.0", vnetRes(nil), subnet, nsg, nic, asg,
				assoc("azurerm_network_interface_security_group_association", obj{"network_interface_id": nicID, "network_security_group_id": nsgID}),
				assoc("azurerm_network_interface_application_security_group_association", obj{"network_interface_id": nicID, "application_security_group_id": asgID})),
			check: func(t *testing.T, sc *spec.Scenario) {
				if len(sc.VMs) != 1 {
					t.Fatalf("VMs %+v", sc.VMs)
				}
				eq(t, "NIC NSG", sc.VMs[0].NetworkSecurityGroup, "nsg")
				eqs(t, "NIC ASGs", sc.VMs[0].ApplicationSecurityGroups, []string{"asg"})
				eq(t, "subnet", sc.VMs[0].Subnet, "vnet/a")
				eq(t, "address", sc.VMs[0].PrivateIPAddress, "10.0.1.10")
			}},
		{name: "an association whose subnet is not in the input",
			doc:   state("1.0", nsg, assoc("azurerm_subnet_network_security_group_association", obj{"subnet_id": subA, "network_security_group_id": nsgID})),
			check: func(t *testing.T, sc *spec.Scenario) { eq(t, "NSGs", len(sc.NetworkSecurityGroups), 1) },
			skipped: []string{"reference azurerm_subnet_network_security_group_association.x $.values.root_module.resources[1].values.subnet_id: " + subA + " is not in the input",
				// the association was not applied, so neither was its NSG
				"property azurerm_subnet_network_security_group_association.x $.values.root_module.resources[1].values.network_security_group_id: not imported"}},
	})
}

// A plan: the NIC and its subnet are being created, so their IDs are
// unknown; the configuration says what they refer to.
func plan(version string, nicIPC obj, nicUnknown obj, nicExprs obj) obj {
	subVals := obj{"name": "a", "resource_group_name": "rg", "virtual_network_name": "vnet", "address_prefixes": []any{"10.0.1.0/24"}}
	nicVals := obj{"name": "nic", "resource_group_name": "rg", "location": "eastus", "ip_configuration": []any{nicIPC}}
	changes := []any{
		obj{"address": "azurerm_virtual_network.vnet", "mode": "managed", "type": "azurerm_virtual_network", "name": "vnet",
			"change": obj{"actions": []any{"no-op"}, "before": vnetRes(nil)["values"], "after": vnetRes(nil)["values"], "after_unknown": obj{}}},
		obj{"address": "azurerm_subnet.a", "mode": "managed", "type": "azurerm_subnet", "name": "a",
			"change": obj{"actions": []any{"create"}, "before": nil, "after": subVals, "after_unknown": obj{"id": true}}},
		obj{"address": "azurerm_network_interface.nic", "mode": "managed", "type": "azurerm_network_interface", "name": "nic",
			"change": obj{"actions": []any{"create"}, "before": nil, "after": nicVals, "after_unknown": nicUnknown}},
	}
	cfg := obj{"root_module": obj{"resources": []any{
		obj{"address": "azurerm_network_interface.nic", "mode": "managed", "type": "azurerm_network_interface", "name": "nic", "expressions": nicExprs},
	}}}
	return obj{"format_version": version, "terraform_version": "1.9.5",
		"planned_values": obj{"root_module": obj{"resources": []any{vnetRes(nil),
			res("azurerm_subnet.a", "azurerm_subnet", subVals), res("azurerm_network_interface.nic", "azurerm_network_interface", nicVals)}}},
		"resource_changes": changes, "configuration": cfg,
		"prior_state": obj{"format_version": version, "values": obj{"root_module": obj{"resources": []any{vnetRes(nil)}}}}}
}

func TestUnknownAtPlan(t *testing.T) {
	ipc := obj{"name": "ipc", "private_ip_address_allocation": "Dynamic"}
	unknownSubnet := obj{"id": true, "private_ip_address": true, "ip_configuration": []any{obj{"subnet_id": true, "private_ip_address": true}}}
	refSubnet := obj{"ip_configuration": []any{obj{"subnet_id": obj{"references": []any{"azurerm_subnet.a.id", "azurerm_subnet.a"}}}}}
	run(t, []tfCase{
		{name: "resolved through the configuration's reference",
			doc: plan("1.2", ipc, unknownSubnet, refSubnet),
			check: func(t *testing.T, sc *spec.Scenario) {
				if len(sc.VMs) != 1 {
					t.Fatalf("VMs %+v", sc.VMs)
				}
				eq(t, "subnet", sc.VMs[0].Subnet, "vnet/a")
				eq(t, "address (allocated: the first free from .4)", sc.VMs[0].PrivateIPAddress, "10.0.1.4")
				eq(t, "subnet prefix", subnetOf(t, sc, "a").AddressPrefix, "10.0.1.0/24")
			},
			before: func(t *testing.T, sc *spec.Scenario) {
				eq(t, "VNets before", len(sc.VNets), 1)
				eq(t, "subnets before", len(sc.VNets[0].Subnets), 0)
				eq(t, "VMs before", len(sc.VMs), 0)
			}},
		{name: "no reference to follow: reported",
			doc: plan("1.2", ipc, unknownSubnet, obj{}),
			check: func(t *testing.T, sc *spec.Scenario) {
				eq(t, "VMs", len(sc.VMs), 0)
			},
			skipped: []string{
				"unknown azurerm_network_interface.nic $.planned_values.root_module.resources[2].values.ip_configuration[0].subnet_id: unknown at plan time and not a reference to a resource in the plan",
				"resource azurerm_network_interface.nic $.planned_values.root_module.resources[2].values: NIC without a subnet in the input: not imported",
			}},
		{name: "a reference to something not in the plan: reported",
			doc: plan("1.2", ipc, unknownSubnet, obj{"ip_configuration": []any{obj{"subnet_id": obj{"references": []any{"data.azurerm_subnet.x.id", "data.azurerm_subnet.x"}}}}}),
			skipped: []string{
				"unknown azurerm_network_interface.nic $.planned_values.root_module.resources[2].values.ip_configuration[0].subnet_id: unknown at plan time and not a reference to a resource in the plan",
				"resource azurerm_network_interface.nic $.planned_values.root_module.resources[2].values: NIC without a subnet in the input: not imported",
			}},
		{name: "an unknown *_name taken from the referenced resource",
			doc: func() obj {
				p := plan("1.2", obj{"name": "ipc", "subnet_id": subA, "private_ip_address": "10.0.1.20", "private_ip_address_allocation": "Static"}, obj{"id": true}, obj{})
				// the subnet's VNet name is unknown too; its configuration names the VNet
				sub := p["planned_values"].(obj)["root_module"].(obj)["resources"].([]any)[1].(obj)["values"].(obj)
				delete(sub, "virtual_network_name")
				p["resource_changes"].([]any)[1].(obj)["change"].(obj)["after_unknown"] = obj{"id": true, "virtual_network_name": true}
				p["configuration"].(obj)["root_module"].(obj)["resources"] = append(p["configuration"].(obj)["root_module"].(obj)["resources"].([]any),
					obj{"address": "azurerm_subnet.a", "mode": "managed", "type": "azurerm_subnet", "name": "a",
						"expressions": obj{"virtual_network_name": obj{"references": []any{"azurerm_virtual_network.vnet.name", "azurerm_virtual_network.vnet"}}}})
				return p
			}(),
			check: func(t *testing.T, sc *spec.Scenario) {
				eq(t, "subnet in its VNet", subnetOf(t, sc, "a").AddressPrefix, "10.0.1.0/24")
				eq(t, "NIC subnet", sc.VMs[0].Subnet, "vnet/a")
			}},
	})
}

func TestChildModules(t *testing.T) {
	mod := func(addr string, rs []any, kids ...any) obj {
		m := obj{"resources": rs}
		if addr != "" {
			m["address"] = addr
		}
		if kids != nil {
			m["child_modules"] = kids
		}
		return m
	}
	inMod := func(r obj, module string) obj {
		r["address"] = module + "." + r["address"].(string)
		return r
	}
	net := mod("module.net", []any{inMod(vnetRes(nil), "module.net")},
		mod("module.net.module.subnets", []any{inMod(subnetRes(`azurerm_subnet.a["a"]`, obj{"address_prefixes": []any{"10.0.1.0/24"}}), "module.net.module.subnets")}))
	run(t, []tfCase{
		{name: "state: resources of nested modules",
			doc: obj{"format_version": "1.0", "terraform_version": "1.9.5", "values": obj{"root_module": mod("", []any{}, net)}},
			check: func(t *testing.T, sc *spec.Scenario) {
				eq(t, "VNet", sc.VNets[0].Name, "vnet")
				eq(t, "subnet", subnetOf(t, sc, "a").AddressPrefix, "10.0.1.0/24")
			}},
		{name: "plan: an unknown reference resolved inside its module",
			doc: func() obj {
				nicVals := obj{"name": "nic", "resource_group_name": "rg", "location": "eastus", "ip_configuration": []any{obj{"name": "ipc", "private_ip_address_allocation": "Dynamic"}}}
				nic := res("module.app.azurerm_network_interface.nic", "azurerm_network_interface", nicVals)
				sub := subnetRes("module.app.azurerm_subnet.a", obj{"address_prefixes": []any{"10.0.1.0/24"}})
				return obj{"format_version": "1.2", "terraform_version": "1.9.5",
					"planned_values": obj{"root_module": mod("", []any{vnetRes(nil)}, mod("module.app", []any{sub, nic}))},
					"resource_changes": []any{obj{"address": "module.app.azurerm_network_interface.nic", "module_address": "module.app", "mode": "managed", "type": "azurerm_network_interface", "name": "nic",
						"change": obj{"actions": []any{"create"}, "after": nicVals, "after_unknown": obj{"id": true, "ip_configuration": []any{obj{"subnet_id": true}}}}}},
					"configuration": obj{"root_module": obj{"module_calls": obj{"app": obj{"source": "./app", "module": obj{"resources": []any{
						obj{"address": "azurerm_network_interface.nic", "mode": "managed", "type": "azurerm_network_interface", "name": "nic",
							"expressions": obj{"ip_configuration": []any{obj{"subnet_id": obj{"references": []any{"azurerm_subnet.a.id", "azurerm_subnet.a"}}}}}}}}}}}}}
			}(),
			check: func(t *testing.T, sc *spec.Scenario) {
				if len(sc.VMs) != 1 {
					t.Fatalf("VMs %+v", sc.VMs)
				}
				eq(t, "NIC subnet, through module.app's configuration", sc.VMs[0].Subnet, "vnet/a")
			}},
	})
}

func TestFormatVersions(t *testing.T) {
	two := func(t *testing.T, sc *spec.Scenario) {
		eq(t, "VNet", len(sc.VNets), 1)
		eq(t, "subnet", subnetOf(t, sc, "a").AddressPrefix, "10.0.1.0/24")
	}
	sub := subnetRes("azurerm_subnet.a", obj{"address_prefix": "10.0.1.0/24"})
	oldPlan := obj{"format_version": "0.1", "terraform_version": "0.12.31",
		"planned_values":   obj{"root_module": obj{"resources": []any{vnetRes(nil)}}},
		"resource_changes": []any{obj{"address": "azurerm_subnet.a", "mode": "managed", "type": "azurerm_subnet", "name": "a", "change": obj{"actions": []any{"create"}, "before": nil, "after": sub["values"]}}}}
	run(t, []tfCase{
		{name: "state 0.1", doc: state("0.1", vnetRes(nil), sub), check: two},
		{name: "state 1.0", doc: state("1.0", vnetRes(nil), sub), check: two},
		{name: "plan 0.1: a created resource only in resource_changes", doc: oldPlan, check: two},
		{name: "plan 1.2", doc: plan("1.2", obj{"name": "ipc", "subnet_id": subA, "private_ip_address": "10.0.1.9", "private_ip_address_allocation": "Static"}, obj{"id": true}, obj{}), check: func(t *testing.T, sc *spec.Scenario) {
			eq(t, "NIC address", sc.VMs[0].PrivateIPAddress, "10.0.1.9")
		}},
		{name: "plan 2.0 is refused", doc: func() obj { p := plan("1.2", obj{}, obj{}, obj{}); p["format_version"] = "2.0"; return p }(), err: "format"},
		{name: "raw terraform.tfstate version 4", doc: obj{"version": 4, "terraform_version": "1.9.5", "resources": []any{
			obj{"mode": "managed", "type": "azurerm_virtual_network", "name": "vnet", "instances": []any{obj{"attributes": vnetRes(nil)["values"]}}},
			obj{"mode": "managed", "type": "azurerm_subnet", "name": "a", "instances": []any{obj{"index_key": 0, "attributes": sub["values"]}}},
			obj{"mode": "data", "type": "azurerm_client_config", "name": "current", "instances": []any{obj{"attributes": obj{"tenant_id": "t"}}}},
		}}, check: func(t *testing.T, sc *spec.Scenario) {
			two(t, sc)
		}},
		{name: "raw terraform.tfstate version 3 is refused", doc: obj{"version": 3, "terraform_version": "0.11.14", "resources": []any{}}, err: "version 3"},
	})
}

func TestNotImportedListed(t *testing.T) {
	run(t, []tfCase{
		{name: "an azurerm type the importer does not model, and an attribute it does not read",
			doc: state("1.0", vnetRes(obj{"bgp_community": "12076:20000"}),
				res("azurerm_application_gateway.g", "azurerm_application_gateway", obj{"id": rg + "Microsoft.Network/applicationGateways/g", "name": "g"})),
			check: func(t *testing.T, sc *spec.Scenario) { eq(t, "VNets", len(sc.VNets), 1) },
			skipped: []string{
				"resource azurerm_application_gateway.g $.values.root_module.resources[1].values: azurerm_application_gateway is not imported",
				"property azurerm_virtual_network.vnet $.values.root_module.resources[0].values.bgp_community: not imported",
			}},
		{name: "a plan that deletes a subnet: before and after",
			doc: func() obj {
				sub := subnetRes("azurerm_subnet.a", obj{"address_prefixes": []any{"10.0.1.0/24"}})
				return obj{"format_version": "1.2", "terraform_version": "1.9.5",
					"planned_values": obj{"root_module": obj{"resources": []any{vnetRes(nil)}}},
					"resource_changes": []any{obj{"address": "azurerm_subnet.a", "mode": "managed", "type": "azurerm_subnet", "name": "a",
						"change": obj{"actions": []any{"delete"}, "before": sub["values"], "after": nil}}},
					"prior_state": obj{"format_version": "1.0", "values": obj{"root_module": obj{"resources": []any{vnetRes(nil), sub}}}}}
			}(),
			check: func(t *testing.T, sc *spec.Scenario) { eq(t, "subnets after", len(sc.VNets[0].Subnets), 0) },
			before: func(t *testing.T, sc *spec.Scenario) {
				eq(t, "subnet before", subnetOf(t, sc, "a").AddressPrefix, "10.0.1.0/24")
			}},
	})
}
