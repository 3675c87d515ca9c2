package terraform

import (
	"strings"

	"github.com/vnetsim/vnetsim/importer/arm"
)

// Issue 14's azurerm resources: load balancers and their pools, probes and
// rules, Azure Bastion, DNS Private Resolver with its endpoints, forwarding
// rulesets, rules and links, service endpoint (storage) policies, Azure
// Monitor Private Link Scopes and their scoped services, and Virtual Network
// Manager groups, static members, security admin configurations, rule
// collections and admin rules.

// childKinds are azurerm resources whose parent is named by an ID
// attribute: their ARM ID is the parent's ID, the segment and their name.
var childKinds = map[string]struct {
	arm, parentAttr, segment string
	patch                    bool // merged into the parent's inline arrays
}{
	"azurerm_lb_backend_address_pool":                      {arm.LBBackendPool, "loadbalancer_id", "backendAddressPools", true},
	"azurerm_lb_probe":                                     {"", "loadbalancer_id", "probes", true},
	"azurerm_lb_rule":                                      {"", "loadbalancer_id", "loadBalancingRules", true},
	"azurerm_lb_outbound_rule":                             {"", "loadbalancer_id", "outboundRules", true},
	"azurerm_private_dns_resolver_inbound_endpoint":        {arm.ResolverInbound, "private_dns_resolver_id", "inboundEndpoints", false},
	"azurerm_private_dns_resolver_outbound_endpoint":       {arm.ResolverOutbound, "private_dns_resolver_id", "outboundEndpoints", false},
	"azurerm_private_dns_resolver_forwarding_rule":         {arm.ForwardingRule, "dns_forwarding_ruleset_id", "forwardingRules", false},
	"azurerm_private_dns_resolver_virtual_network_link":    {arm.RulesetLink, "dns_forwarding_ruleset_id", "virtualNetworkLinks", false},
	"azurerm_network_manager_network_group":                {arm.NetworkGroup, "network_manager_id", "networkGroups", false},
	"azurerm_network_manager_static_member":                {arm.StaticMember, "network_group_id", "staticMembers", false},
	"azurerm_network_manager_security_admin_configuration": {arm.AdminConfig, "network_manager_id", "securityAdminConfigurations", false},
	"azurerm_network_manager_admin_rule_collection":        {arm.AdminCollection, "security_admin_configuration_id", "ruleCollections", false},
	"azurerm_network_manager_admin_rule":                   {arm.AdminRule, "admin_rule_collection_id", "rules", false},
}

func init() {
	for t, k := range map[string]string{
		"azurerm_lb": arm.LoadBalancer, "azurerm_bastion_host": arm.Bastion, "azurerm_private_dns_resolver": arm.DNSResolver,
		"azurerm_private_dns_resolver_dns_forwarding_ruleset": arm.Ruleset, "azurerm_subnet_service_endpoint_storage_policy": arm.EndpointPolicy,
		"azurerm_monitor_private_link_scope": arm.LinkScope, "azurerm_network_manager": arm.NetworkManager,
	} {
		kinds[t] = struct {
			arm     string
			parents []string
		}{k, nil}
	}
	kinds["azurerm_monitor_private_link_scoped_service"] = struct {
		arm     string
		parents []string
	}{arm.ScopedResource, []string{"scope_name"}}
	for t, k := range childKinds {
		if k.patch {
			patches[t] = true
		} else {
			kinds[t] = struct {
				arm     string
				parents []string
			}{k.arm, nil}
		}
	}
	patches["azurerm_network_interface_backend_address_pool_association"] = true
}

// childIDs gives the ID-parented resources without an ID (a plan) the ID
// Azure gives them, parents first (a network manager's rules are four
// levels down).
func (c *conv) childIDs(rs []*tfres) {
	for range 4 {
		for _, r := range rs {
			k, ok := childKinds[r.typ]
			if !ok {
				continue
			}
			if id, ok := r.vals.M["id"].(string); ok && id != "" {
				c.ids[r] = id
				continue
			}
			b := c.top(r)
			if parent := b.ref(k.parentAttr); parent != "" {
				c.ids[r] = strings.TrimRight(parent, "/") + "/" + k.segment + "/" + b.n.Str("name")
			}
		}
	}
}

// moreResource fills the ARM properties of issue 14's resources; it
// returns true when it emitted the resource itself.
func (c *conv) moreResource(r *tfres, b blk, id string, p obj) bool {
	switch r.typ {
	case "azurerm_lb":
		var fes []any
		for _, fb := range b.blocks("frontend_ip_configuration") {
			fp := obj{}
			fp.set("subnet", idRef(fb.ref("subnet_id")))
			fp.set("privateIPAddress", fb.n.Str("private_ip_address"))
			fp.set("privateIPAllocationMethod", fb.n.Str("private_ip_address_allocation"))
			fp.set("publicIPAddress", idRef(fb.ref("public_ip_address_id")))
			fb.n.Use("id", "zones", "private_ip_address_version", "inbound_nat_rules", "load_balancer_rules", "outbound_rules", "gateway_load_balancer_frontend_ip_configuration_id")
			name := fb.n.Str("name")
			fes = append(fes, map[string]any{"name": name, "id": id + "/frontendIPConfigurations/" + name, "properties": map[string]any(fp)})
		}
		p.set("frontendIPConfigurations", fes)
		b.n.Use("private_ip_address", "private_ip_addresses", "sku_tier", "edge_zone")
		c.emitSKU(b, id, arm.LoadBalancer, p, b.n.Str("sku"))
		return true
	case "azurerm_bastion_host":
		var ipcs []any
		for _, ib := range b.blocks("ip_configuration") {
			ip := obj{}
			ip.set("subnet", idRef(ib.ref("subnet_id")))
			ip.set("publicIPAddress", idRef(ib.ref("public_ip_address_id")))
			ipcs = append(ipcs, map[string]any{"name": ib.n.Str("name"), "properties": map[string]any(ip)})
		}
		p.set("ipConfigurations", ipcs)
		p.set("virtualNetwork", idRef(b.ref("virtual_network_id")))
		b.n.Use("dns_name", "scale_units", "copy_paste_enabled", "file_copy_enabled", "ip_connect_enabled", "shareable_link_enabled", "tunneling_enabled", "kerberos_enabled", "session_recording_enabled", "zones")
		c.emitSKU(b, id, arm.Bastion, p, b.n.Str("sku"))
		return true
	case "azurerm_private_dns_resolver":
		p.set("virtualNetwork", idRef(b.ref("virtual_network_id")))
	case "azurerm_private_dns_resolver_inbound_endpoint":
		var ipcs []any
		for _, ib := range b.blocks("ip_configurations") {
			ip := obj{}
			ip.set("subnet", idRef(ib.ref("subnet_id")))
			ip.set("privateIpAddress", ib.n.Str("private_ip_address"))
			ip.set("privateIpAllocationMethod", ib.n.Str("private_ip_allocation_method"))
			ipcs = append(ipcs, map[string]any(ip))
		}
		p.set("ipConfigurations", ipcs)
		b.n.Use("private_dns_resolver_id")
	case "azurerm_private_dns_resolver_outbound_endpoint":
		p.set("subnet", idRef(b.ref("subnet_id")))
		b.n.Use("private_dns_resolver_id")
	case "azurerm_private_dns_resolver_dns_forwarding_ruleset":
		p.set("dnsResolverOutboundEndpoints", idRefs(b.refs("private_dns_resolver_outbound_endpoint_ids")))
	case "azurerm_private_dns_resolver_forwarding_rule":
		p.set("domainName", b.s("domain_name"))
		p.set("forwardingRuleState", enabled(b.boolean("enabled")))
		var ts []any
		for _, tb := range b.blocks("target_dns_servers") {
			ts = append(ts, map[string]any(obj{}.set("ipAddress", tb.n.Str("ip_address")).set("port", tb.num("port"))))
		}
		p.set("targetDnsServers", ts)
		b.n.Use("dns_forwarding_ruleset_id", "metadata")
	case "azurerm_private_dns_resolver_virtual_network_link":
		p.set("virtualNetwork", idRef(b.ref("virtual_network_id")))
		b.n.Use("dns_forwarding_ruleset_id", "metadata")
	case "azurerm_subnet_service_endpoint_storage_policy":
		var defs []any
		for _, db := range b.blocks("definition") {
			svc := db.n.Str("service")
			if svc == "" {
				svc = "Microsoft.Storage"
			}
			name := db.n.Str("name")
			defs = append(defs, map[string]any{"name": name, "id": id + "/serviceEndpointPolicyDefinitions/" + name,
				"properties": map[string]any(obj{}.set("service", svc).set("serviceResources", db.strs("service_resources")))})
			db.n.Use("description")
		}
		p.set("serviceEndpointPolicyDefinitions", defs)
	case "azurerm_monitor_private_link_scope":
		p.set("accessModeSettings", obj{}.set("ingestionAccessMode", b.n.Str("ingestion_access_mode")).set("queryAccessMode", b.n.Str("query_access_mode")))
	case "azurerm_monitor_private_link_scoped_service":
		p.set("linkedResourceId", b.ref("linked_resource_id"))
		b.n.Use("scope_name")
	case "azurerm_network_manager":
		b.n.Use("scope", "scope_accesses", "description", "cross_tenant_scopes")
	case "azurerm_network_manager_network_group":
		p.set("memberType", b.n.Str("member_type"))
		b.n.Use("network_manager_id", "description")
	case "azurerm_network_manager_static_member":
		p.set("resourceId", b.ref("target_virtual_network_id"))
		b.n.Use("network_group_id", "region")
	case "azurerm_network_manager_security_admin_configuration":
		b.n.Use("network_manager_id", "description", "apply_on_network_intent_policy_based_services", "network_group_address_space_aggregation_option")
	case "azurerm_network_manager_admin_rule_collection":
		var gs []any
		for _, g := range b.refs("network_group_ids") {
			gs = append(gs, map[string]any{"networkGroupId": g})
		}
		p.set("appliesToGroups", gs)
		b.n.Use("security_admin_configuration_id", "description")
	case "azurerm_network_manager_admin_rule":
		p.set("access", b.s("action"))
		p.set("direction", b.s("direction"))
		p.set("priority", b.num("priority"))
		p.set("protocol", b.s("protocol"))
		for _, side := range [][2]string{{"source", "sources"}, {"destination", "destinations"}} {
			var items []any
			for _, ab := range b.blocks(side[0]) {
				items = append(items, map[string]any(obj{}.set("addressPrefix", ab.n.Str("address_prefix")).set("addressPrefixType", ab.n.Str("address_prefix_type"))))
			}
			p.set(side[1], items)
		}
		p.set("sourcePortRanges", b.strs("source_port_ranges"))
		p.set("destinationPortRanges", b.strs("destination_port_ranges"))
		p.set("description", b.n.Str("description"))
		b.n.Use("admin_rule_collection_id")
		c.emit(r, id, arm.AdminRule, p)
		c.out[len(c.out)-1].Node.M["kind"] = "Custom"
		return true
	}
	return false
}

// morePatch merges load balancer pools, probes and rules into their load
// balancer, and a NIC's backend pool association into its IP configuration.
func (c *conv) morePatch(r *tfres, b blk, target func(key string) (map[string]any, string)) {
	if r.typ == "azurerm_network_interface_backend_address_pool_association" {
		n, _ := target("network_interface_id")
		pool := b.ref("backend_address_pool_id")
		if n == nil || pool == "" {
			return
		}
		want := b.s("ip_configuration_name")
		ipcs, _ := n["ipConfigurations"].([]any)
		for _, ipc := range ipcs {
			m := ipc.(map[string]any)
			if !strings.EqualFold(arm.Scalar(m["name"]), want) {
				continue
			}
			p := m["properties"].(map[string]any)
			prev, _ := p["loadBalancerBackendAddressPools"].([]any)
			p["loadBalancerBackendAddressPools"] = append(prev, map[string]any{"id": pool})
			return
		}
		b.problem("reference", "ip_configuration_name", "the NIC has no IP configuration "+want)
		return
	}
	k, ok := childKinds[r.typ]
	if !ok {
		return
	}
	lb, lbID := target(k.parentAttr)
	if lb == nil {
		return
	}
	name := b.s("name")
	p := obj{}
	switch r.typ {
	case "azurerm_lb_backend_address_pool":
		b.n.Use("backend_ip_configurations", "load_balancing_rules", "outbound_rules", "inbound_nat_rules", "virtual_network_id", "synchronous_mode", "tunnel_interface")
	case "azurerm_lb_probe":
		p.set("protocol", b.s("protocol"))
		p.set("port", b.num("port"))
		p.set("requestPath", b.n.Str("request_path"))
		b.n.Use("interval_in_seconds", "number_of_probes", "probe_threshold", "load_balancer_rules")
	case "azurerm_lb_rule":
		p.set("frontendIPConfiguration", idRef(lbID+"/frontendIPConfigurations/"+b.s("frontend_ip_configuration_name")))
		pools := b.refs("backend_address_pool_ids")
		if len(pools) > 0 {
			p.set("backendAddressPool", idRef(pools[0]))
		}
		p.set("backendAddressPools", idRefs(pools))
		p.set("probe", idRef(b.ref("probe_id")))
		p.set("protocol", b.s("protocol"))
		p.set("frontendPort", b.num("frontend_port"))
		p.set("backendPort", b.num("backend_port"))
		p.set("enableFloatingIP", b.boolean("enable_floating_ip"))
		p.set("enableFloatingIP", b.boolean("floating_ip_enabled"))
		b.n.Use("frontend_ip_configuration_id", "disable_outbound_snat", "idle_timeout_in_minutes", "load_distribution", "enable_tcp_reset", "tcp_reset_enabled")
	case "azurerm_lb_outbound_rule":
		var fes []any
		for _, fb := range b.blocks("frontend_ip_configuration") {
			fes = append(fes, map[string]any{"id": lbID + "/frontendIPConfigurations/" + fb.n.Str("name")})
			fb.n.Use("id")
		}
		p.set("frontendIPConfigurations", fes)
		p.set("backendAddressPool", idRef(b.ref("backend_address_pool_id")))
		p.set("protocol", b.s("protocol"))
		b.n.Use("allocated_outbound_ports", "idle_timeout_in_minutes", "enable_tcp_reset", "tcp_reset_enabled")
	}
	b.n.Use(k.parentAttr)
	prev, _ := lb[k.segment].([]any)
	lb[k.segment] = append(prev, map[string]any{"name": name, "id": lbID + "/" + k.segment + "/" + name, "properties": map[string]any(p)})
}
