package importer_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/importer"
	"github.com/vnetsim/vnetsim/topology"
)

// tfRes is one resource of a plan: its planned values (no id: the plan
// creates it) and the attributes that reference another resource's id.
type tfRes struct {
	addr string
	vals map[string]any
	refs map[string]string // attribute -> address whose id it takes
}

// tfPlan writes a `terraform show -json` plan that creates rs: every id and
// every referencing attribute is unknown, resolved through the
// configuration's references, as in a real first apply.
func tfPlan(t *testing.T, rs []tfRes) string {
	t.Helper()
	var planned, changes, cfg []any
	for _, r := range rs {
		typ, name, _ := strings.Cut(r.addr, ".")
		unknown := map[string]any{"id": true}
		exprs := map[string]any{}
		for a, target := range r.refs {
			if strings.HasSuffix(a, "_ids") {
				unknown[a] = []any{true}
			} else {
				unknown[a] = true
			}
			exprs[a] = map[string]any{"references": []any{target + ".id", target}}
		}
		planned = append(planned, map[string]any{"address": r.addr, "mode": "managed", "type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/azurerm", "schema_version": 0, "values": r.vals})
		changes = append(changes, map[string]any{"address": r.addr, "mode": "managed", "type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/azurerm",
			"change": map[string]any{"actions": []any{"create"}, "before": nil, "after": r.vals, "after_unknown": unknown}})
		cfg = append(cfg, map[string]any{"address": r.addr, "mode": "managed", "type": typ, "name": name, "provider_config_key": "azurerm", "expressions": exprs})
	}
	plan := map[string]any{"format_version": "1.2", "terraform_version": "1.7.0",
		"planned_values": map[string]any{"root_module": map[string]any{"resources": planned}}, "resource_changes": changes,
		"configuration": map[string]any{"root_module": map[string]any{"resources": cfg}}}
	data, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func rg(m map[string]any) map[string]any {
	m["resource_group_name"] = "rg"
	if _, ok := m["location"]; !ok {
		m["location"] = "eastus"
	}
	return m
}

// A Terraform plan of issue 14's azurerm resources imports into the
// scenario keys, and the result compiles.
func TestTerraformIssue14(t *testing.T) {
	rs := []tfRes{
		{"azurerm_virtual_network.hub", rg(map[string]any{"name": "hub", "address_space": []any{"10.0.0.0/16"}}), nil},
		{"azurerm_subnet.nva", rg(map[string]any{"name": "snet-nva", "virtual_network_name": "hub", "address_prefixes": []any{"10.0.1.0/24"}, "service_endpoints": []any{"Microsoft.Storage"}}),
			map[string]string{"service_endpoint_policy_ids": "azurerm_subnet_service_endpoint_storage_policy.sep"}},
		{"azurerm_subnet.bastion", rg(map[string]any{"name": "AzureBastionSubnet", "virtual_network_name": "hub", "address_prefixes": []any{"10.0.2.0/26"}}), nil},
		{"azurerm_subnet.dnsin", rg(map[string]any{"name": "snet-dns-in", "virtual_network_name": "hub", "address_prefixes": []any{"10.0.3.0/28"},
			"delegation": []any{map[string]any{"name": "d", "service_delegation": []any{map[string]any{"name": "Microsoft.Network/dnsResolvers"}}}}}), nil},
		{"azurerm_subnet.dnsout", rg(map[string]any{"name": "snet-dns-out", "virtual_network_name": "hub", "address_prefixes": []any{"10.0.3.16/28"},
			"delegation": []any{map[string]any{"name": "d", "service_delegation": []any{map[string]any{"name": "Microsoft.Network/dnsResolvers"}}}}}), nil},
		{"azurerm_network_interface.nva1", rg(map[string]any{"name": "nva1", "ip_forwarding_enabled": true, "ip_configuration": []any{map[string]any{"name": "ipconfig1", "private_ip_address": "10.0.1.4", "private_ip_address_allocation": "Static"}}}), nil},
		{"azurerm_lb.ilb", rg(map[string]any{"name": "ilb", "sku": "Standard", "frontend_ip_configuration": []any{map[string]any{"name": "fe", "private_ip_address": "10.0.1.100", "private_ip_address_allocation": "Static"}}}), nil},
		{"azurerm_lb_backend_address_pool.nvas", map[string]any{"name": "nvas"}, map[string]string{"loadbalancer_id": "azurerm_lb.ilb"}},
		{"azurerm_lb_probe.ssh", map[string]any{"name": "ssh", "protocol": "Tcp", "port": 22}, map[string]string{"loadbalancer_id": "azurerm_lb.ilb"}},
		{"azurerm_lb_rule.ha", map[string]any{"name": "ha", "protocol": "All", "frontend_port": 0, "backend_port": 0, "frontend_ip_configuration_name": "fe"},
			map[string]string{"loadbalancer_id": "azurerm_lb.ilb", "backend_address_pool_ids": "azurerm_lb_backend_address_pool.nvas", "probe_id": "azurerm_lb_probe.ssh"}},
		{"azurerm_network_interface_backend_address_pool_association.nva1", map[string]any{"ip_configuration_name": "ipconfig1"},
			map[string]string{"network_interface_id": "azurerm_network_interface.nva1", "backend_address_pool_id": "azurerm_lb_backend_address_pool.nvas"}},
		{"azurerm_public_ip.bastion", rg(map[string]any{"name": "pip-bastion", "allocation_method": "Static", "sku": "Standard", "ip_address": "20.80.0.4"}), nil},
		{"azurerm_bastion_host.b", rg(map[string]any{"name": "bastion", "sku": "Standard", "ip_configuration": []any{map[string]any{"name": "ipconf"}}}), nil},
		{"azurerm_private_dns_resolver.r", rg(map[string]any{"name": "hub-resolver"}), map[string]string{"virtual_network_id": "azurerm_virtual_network.hub"}},
		{"azurerm_private_dns_resolver_inbound_endpoint.in", map[string]any{"name": "in", "location": "eastus", "ip_configurations": []any{map[string]any{"private_ip_address": "10.0.3.4", "private_ip_allocation_method": "Static"}}},
			map[string]string{"private_dns_resolver_id": "azurerm_private_dns_resolver.r"}},
		{"azurerm_private_dns_resolver_outbound_endpoint.out", map[string]any{"name": "out", "location": "eastus"},
			map[string]string{"private_dns_resolver_id": "azurerm_private_dns_resolver.r", "subnet_id": "azurerm_subnet.dnsout"}},
		{"azurerm_private_dns_resolver_dns_forwarding_ruleset.rs", rg(map[string]any{"name": "rs"}),
			map[string]string{"private_dns_resolver_outbound_endpoint_ids": "azurerm_private_dns_resolver_outbound_endpoint.out"}},
		{"azurerm_private_dns_resolver_forwarding_rule.corp", map[string]any{"name": "corp", "domain_name": "corp.example.com.", "enabled": true,
			"target_dns_servers": []any{map[string]any{"ip_address": "192.168.0.4", "port": 53}}}, map[string]string{"dns_forwarding_ruleset_id": "azurerm_private_dns_resolver_dns_forwarding_ruleset.rs"}},
		{"azurerm_private_dns_resolver_virtual_network_link.hub", map[string]any{"name": "hub-link"},
			map[string]string{"dns_forwarding_ruleset_id": "azurerm_private_dns_resolver_dns_forwarding_ruleset.rs", "virtual_network_id": "azurerm_virtual_network.hub"}},
		{"azurerm_network_manager.nm", rg(map[string]any{"name": "avnm", "scope_accesses": []any{"SecurityAdmin"}}), nil},
		{"azurerm_network_manager_network_group.g", map[string]any{"name": "ng"}, map[string]string{"network_manager_id": "azurerm_network_manager.nm"}},
		{"azurerm_network_manager_static_member.m", map[string]any{"name": "hub"}, map[string]string{"network_group_id": "azurerm_network_manager_network_group.g", "target_virtual_network_id": "azurerm_virtual_network.hub"}},
		{"azurerm_network_manager_security_admin_configuration.c", map[string]any{"name": "cfg"}, map[string]string{"network_manager_id": "azurerm_network_manager.nm"}},
		{"azurerm_network_manager_admin_rule_collection.col", map[string]any{"name": "baseline"},
			map[string]string{"security_admin_configuration_id": "azurerm_network_manager_security_admin_configuration.c", "network_group_ids": "azurerm_network_manager_network_group.g"}},
		{"azurerm_network_manager_admin_rule.deny", map[string]any{"name": "deny-rdp", "action": "Deny", "direction": "Inbound", "priority": 10, "protocol": "Tcp",
			"source": []any{map[string]any{"address_prefix": "Internet", "address_prefix_type": "ServiceTag"}}, "destination": []any{map[string]any{"address_prefix": "*", "address_prefix_type": "IPPrefix"}},
			"source_port_ranges": []any{"0-65535"}, "destination_port_ranges": []any{"3389"}}, map[string]string{"admin_rule_collection_id": "azurerm_network_manager_admin_rule_collection.col"}},
		{"azurerm_storage_account.st", rg(map[string]any{"name": "stml"}), nil},
		{"azurerm_subnet_service_endpoint_storage_policy.sep", rg(map[string]any{"name": "sep", "definition": []any{
			map[string]any{"name": "aml", "service": "Global", "service_resources": []any{"/services/Azure/MachineLearning"}}}}), nil},
		{"azurerm_application_insights.appi", rg(map[string]any{"name": "appi", "application_type": "web"}), nil},
		{"azurerm_monitor_private_link_scope.ampls", rg(map[string]any{"name": "ampls", "ingestion_access_mode": "PrivateOnly", "query_access_mode": "PrivateOnly"}), nil},
		{"azurerm_monitor_private_link_scoped_service.appi", rg(map[string]any{"name": "appi-link", "scope_name": "ampls"}), map[string]string{"linked_resource_id": "azurerm_application_insights.appi"}},
	}
	// references the planned values leave unknown
	rs[1].refs = map[string]string{"service_endpoint_policy_ids": "azurerm_subnet_service_endpoint_storage_policy.sep"}
	rs[5].vals["ip_configuration"].([]any)[0].(map[string]any)["subnet_id"] = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/snet-nva"
	rs[6].vals["frontend_ip_configuration"].([]any)[0].(map[string]any)["subnet_id"] = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/snet-nva"
	rs[12].vals["ip_configuration"].([]any)[0].(map[string]any)["subnet_id"] = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/AzureBastionSubnet"
	rs[12].vals["ip_configuration"].([]any)[0].(map[string]any)["public_ip_address_id"] = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip-bastion"
	rs[14].vals["ip_configurations"].([]any)[0].(map[string]any)["subnet_id"] = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/snet-dns-in"
	res, err := importer.Import([]string{tfPlan(t, rs)}, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := importer.Marshal(res.After, "")
	var probs []string
	for _, p := range res.Problems {
		if p.Kind != "note" {
			probs = append(probs, p.String())
		}
	}
	sc := res.After.Scenario
	fail := func(what string) {
		t.Errorf("%s\n%s\nproblems:\n%s", what, out, strings.Join(probs, "\n"))
	}
	if len(probs) > 0 {
		fail("problems other than notes")
	}
	if len(sc.LoadBalancers) != 1 || len(sc.LoadBalancers[0].LoadBalancingRules) != 1 || strings.Join(sc.LoadBalancers[0].BackendAddressPools[0].Members, ",") != "nva1" ||
		sc.LoadBalancers[0].LoadBalancingRules[0].Probe != "ssh" || sc.LoadBalancers[0].FrontendIPConfigurations[0].Subnet != "hub/snet-nva" {
		fail("load balancer")
	}
	if len(sc.BastionHosts) != 1 || sc.BastionHosts[0].PublicIPAddress != "20.80.0.4" {
		fail("bastion")
	}
	if len(sc.DNSResolvers) != 1 || len(sc.DNSForwardingRulesets) != 1 || sc.DNSForwardingRulesets[0].OutboundEndpoints[0] != "hub-resolver/out" ||
		sc.DNSForwardingRulesets[0].VirtualNetworkLinks[0] != "hub" || sc.DNSForwardingRulesets[0].Rules[0].TargetDNSServers[0] != "192.168.0.4" {
		fail("resolver")
	}
	if len(sc.NetworkManagers) != 1 || len(sc.NetworkManagers[0].SecurityAdminRuleCollections) != 1 || sc.NetworkManagers[0].SecurityAdminRuleCollections[0].AppliesToGroups[0] != "ng" ||
		sc.NetworkManagers[0].SecurityAdminRuleCollections[0].Rules[0].Access != "Deny" || sc.NetworkManagers[0].NetworkGroups[0].Members[0] != "hub" {
		fail("network manager")
	}
	if len(sc.ServiceEndpointPolicies) != 1 || strings.Join(sc.VNets[0].Subnets[0].ServiceEndpointPolicies, ",") != "sep" {
		fail("service endpoint policy")
	}
	found := false
	for _, s := range sc.Services {
		if s.Name == "ampls" && s.PublicNetworkAccess == "Disabled" && strings.Join(s.ScopedResources, ",") == "appi" {
			found = true
		}
	}
	if !found {
		fail("private link scope")
	}
	d, err := res.After.Document("plan")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := topology.Compile(d, topology.Options{}); err != nil {
		fail("compile: " + err.Error())
	}
}
