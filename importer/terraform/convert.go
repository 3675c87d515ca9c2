package terraform

import (
	"fmt"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/vnetsim/vnetsim/importer/arm"
)

// kinds maps an azurerm type to the ARM type it becomes and the attributes
// that name its parents, outermost first.
var kinds = map[string]struct {
	arm     string
	parents []string
}{
	"azurerm_virtual_network":                       {arm.VirtualNetwork, nil},
	"azurerm_subnet":                                {arm.Subnet, []string{"virtual_network_name"}},
	"azurerm_virtual_network_peering":               {arm.Peering, []string{"virtual_network_name"}},
	"azurerm_network_security_group":                {arm.NSG, nil},
	"azurerm_network_security_rule":                 {arm.SecurityRule, []string{"network_security_group_name"}},
	"azurerm_application_security_group":            {arm.ASG, nil},
	"azurerm_route_table":                           {arm.RouteTable, nil},
	"azurerm_route":                                 {arm.Route, []string{"route_table_name"}},
	"azurerm_network_interface":                     {arm.NIC, nil},
	"azurerm_public_ip":                             {arm.PublicIP, nil},
	"azurerm_nat_gateway":                           {arm.NATGateway, nil},
	"azurerm_virtual_network_gateway":               {arm.VNetGateway, nil},
	"azurerm_firewall":                              {arm.Firewall, nil},
	"azurerm_firewall_policy":                       {arm.FirewallPolicy, nil},
	"azurerm_ip_group":                              {arm.IPGroup, nil},
	"azurerm_private_endpoint":                      {arm.PrivateEndpoint, nil},
	"azurerm_private_dns_zone":                      {arm.PrivateDNSZone, nil},
	"azurerm_private_dns_zone_virtual_network_link": {arm.VNetLink, []string{"private_dns_zone_name"}},
	"azurerm_private_dns_a_record":                  {arm.RecordA, []string{"zone_name"}},
	"azurerm_private_dns_aaaa_record":               {arm.RecordAAAA, []string{"zone_name"}},
	"azurerm_private_dns_cname_record":              {arm.RecordCNAME, []string{"zone_name"}},
	"azurerm_storage_account":                       {arm.Storage, nil},
	"azurerm_key_vault":                             {arm.KeyVault, nil},
	"azurerm_container_registry":                    {arm.Registry, nil},
	"azurerm_application_insights":                  {arm.Insights, nil},
	"azurerm_machine_learning_workspace":            {arm.Workspace, nil},
	"azurerm_linux_virtual_machine":                 {arm.VM, nil},
	"azurerm_windows_virtual_machine":               {arm.VM, nil},
	"azurerm_virtual_machine":                       {arm.VM, nil},
}

// patches are azurerm resources that change another resource.
var patches = map[string]bool{
	"azurerm_subnet_network_security_group_association":                true,
	"azurerm_subnet_route_table_association":                           true,
	"azurerm_subnet_nat_gateway_association":                           true,
	"azurerm_network_interface_security_group_association":             true,
	"azurerm_network_interface_application_security_group_association": true,
	"azurerm_nat_gateway_public_ip_association":                        true,
	"azurerm_firewall_policy_rule_collection_group":                    true,
	"azurerm_firewall_network_rule_collection":                         true,
	"azurerm_firewall_application_rule_collection":                     true,
	"azurerm_firewall_nat_rule_collection":                             true,
	"azurerm_storage_account_network_rules":                            true,
	"azurerm_machine_learning_compute_cluster":                         true,
	"azurerm_machine_learning_compute_instance":                        true,
}

// Supported lists the azurerm types the importer reads, sorted.
func Supported() []string {
	var out []string
	for k := range kinds {
		out = append(out, k)
	}
	for k := range patches {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type conv struct {
	file   string
	probs  *[]arm.Problem
	sub    string
	byAddr map[string]*tfres // by address and by configuration address
	ids    map[*tfres]string
	out    []*arm.Resource
	byKey  map[string]map[string]any // ARM key -> the resource object built
}

// blk is one object of a resource's values with its unknown marks and its
// configuration expressions.
type blk struct {
	c   *conv
	r   *tfres
	n   *arm.Node
	unk any
	ex  map[string]*tfjson.Expression
}

func (c *conv) top(r *tfres) blk { return blk{c, r, r.vals, r.unknown, r.expr} }

func (b blk) unknown(key string) bool {
	m, ok := b.unk.(map[string]any)
	if !ok {
		return b.unk == true
	}
	return isTrue(m[key])
}

func isTrue(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case []any:
		for _, e := range x {
			if isTrue(e) {
				return true
			}
		}
	}
	return false
}

func (b blk) problem(kind, key, msg string) {
	*b.c.probs = append(*b.c.probs, arm.Problem{Kind: kind, Subject: b.r.addr, File: b.c.file, Path: b.n.Path() + "." + key, Msg: msg})
}

// resolve returns the resources a configuration expression references.
func (b blk) resolve(key string) []*tfres {
	e := b.ex[key]
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	var out []*tfres
	seen := map[*tfres]bool{}
	for _, ref := range e.References {
		for cand := ref; cand != ""; {
			full := cand
			if b.r.module != "" {
				full = b.r.module + "." + cand
			}
			if r := b.c.byAddr[full]; r != nil {
				if !seen[r] {
					seen[r] = true
					out = append(out, r)
				}
				break
			}
			i := strings.LastIndex(cand, ".")
			if i < 0 {
				break
			}
			cand = cand[:i]
		}
	}
	return out
}

// s returns a string attribute; unknown at plan time, a *_name attribute is
// taken from the resource its expression references, else reported.
func (b blk) s(key string) string {
	if v := b.n.Str(key); v != "" {
		return v
	}
	if !b.unknown(key) {
		return ""
	}
	if strings.HasSuffix(key, "name") {
		if rs := b.resolve(key); len(rs) == 1 {
			return rs[0].vals.Str("name")
		}
	}
	b.problem("unknown", key, "unknown at plan time and not a reference to a resource in the plan")
	return ""
}

// ref returns an ID attribute, resolving an unknown one through the
// configuration's references.
func (b blk) ref(key string) string {
	if v := b.n.Str(key); v != "" {
		return v
	}
	if !b.unknown(key) && b.ex[key] == nil {
		return ""
	}
	if rs := b.resolve(key); len(rs) == 1 {
		return b.c.ids[rs[0]]
	}
	if b.unknown(key) {
		b.problem("unknown", key, "unknown at plan time and not a reference to a resource in the plan")
	}
	return ""
}

func (b blk) refs(key string) []string {
	if v := b.n.Strs(key); len(v) > 0 {
		return v
	}
	if !b.unknown(key) {
		return nil
	}
	var out []string
	for _, r := range b.resolve(key) {
		out = append(out, b.c.ids[r])
	}
	if len(out) == 0 {
		b.problem("unknown", key, "unknown at plan time and not a reference to a resource in the plan")
	}
	return out
}

func (b blk) strs(key string) []string {
	v := b.n.Strs(key)
	if len(v) == 0 && b.unknown(key) {
		b.problem("unknown", key, "unknown at plan time")
	}
	return v
}

func (b blk) boolean(key string) any {
	if v, ok := b.n.Bool(key); ok {
		return v
	}
	if b.unknown(key) {
		b.problem("unknown", key, "unknown at plan time")
	}
	return nil
}

func (b blk) num(key string) any {
	if v, ok := b.n.Int(key); ok {
		return v
	}
	if b.unknown(key) {
		b.problem("unknown", key, "unknown at plan time")
	}
	return nil
}

// blocks returns the nested blocks at key.
func (b blk) blocks(key string) []blk {
	var out []blk
	var unk []any
	if m, ok := b.unk.(map[string]any); ok {
		unk, _ = m[key].([]any)
		if m[key] == true && len(b.n.Objs(key)) == 0 {
			b.problem("unknown", key, "the whole block is unknown at plan time")
		}
	}
	var nested []map[string]*tfjson.Expression
	if e := b.ex[key]; e != nil && e.ExpressionData != nil {
		nested = e.NestedBlocks
	}
	for i, n := range b.n.Objs(key) {
		nb := blk{c: b.c, r: b.r, n: n}
		if i < len(unk) {
			nb.unk = unk[i]
		}
		if i < len(nested) {
			nb.ex = nested[i]
		}
		out = append(out, nb)
	}
	return out
}

func (b blk) first(key string) *blk {
	bs := b.blocks(key)
	if len(bs) == 0 {
		return nil
	}
	return &bs[0]
}

// obj is an ARM object under construction; set skips empty values.
type obj map[string]any

func (o obj) set(k string, v any) obj {
	switch x := v.(type) {
	case nil:
		return o
	case string:
		if x == "" {
			return o
		}
	case []string:
		if len(x) == 0 {
			return o
		}
		a := make([]any, len(x))
		for i, s := range x {
			a[i] = s
		}
		v = a
	case []any:
		if len(x) == 0 {
			return o
		}
	case obj:
		if len(x) == 0 {
			return o
		}
		v = map[string]any(x)
	}
	o[k] = v
	return o
}

func idRef(id string) any {
	if id == "" {
		return nil
	}
	return obj{"id": id}
}

func idRefs(ids []string) any {
	var out []any
	for _, id := range ids {
		if id != "" {
			out = append(out, map[string]any{"id": id})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func convert(file string, rs []*tfres, probs *[]arm.Problem) []*arm.Resource {
	c := &conv{file: file, probs: probs, byAddr: map[string]*tfres{}, ids: map[*tfres]string{}, byKey: map[string]map[string]any{}}
	subs := map[string]int{}
	for _, r := range rs {
		c.byAddr[r.addr] = r
		if ca := configAddr(r.addr); c.byAddr[ca] == nil {
			c.byAddr[ca] = r
		}
		if idv, _ := r.vals.M["id"].(string); idv != "" && subOf(idv) != "" {
			subs[subOf(idv)]++
		}
	}
	for s, n := range subs {
		if n > subs[c.sub] || (n == subs[c.sub] && s < c.sub) {
			c.sub = s
		}
	}
	// IDs first: references between resources go through them.
	for _, r := range rs {
		r.vals.Use("id")
		if id, ok := r.vals.M["id"].(string); ok && id != "" {
			c.ids[r] = id
			continue
		}
		k, ok := kinds[r.typ]
		if !ok {
			continue
		}
		b := c.top(r)
		var names []string
		for _, p := range k.parents {
			names = append(names, b.s(p))
		}
		name := b.s("name")
		if name == "" {
			name = r.addr
		}
		c.ids[r] = arm.Build(c.sub, b.s("resource_group_name"), k.arm, append(names, name)...)
	}
	c.childIDs(rs)
	for _, r := range rs {
		if _, ok := kinds[r.typ]; ok {
			c.resource(r)
		}
	}
	for _, r := range rs {
		if patches[r.typ] {
			c.patch(r)
		} else if _, ok := kinds[r.typ]; !ok {
			*probs = append(*probs, arm.Problem{Kind: "resource", Subject: r.addr, File: file, Path: r.vals.Path(), Msg: r.typ + " is not imported"})
		}
	}
	for _, r := range rs {
		if _, ok := kinds[r.typ]; ok || patches[r.typ] {
			r.vals.Use("name", "resource_group_name", "location", "tags", "timeouts")
			r.vals.Unused(func(path string, _ any) {
				*probs = append(*probs, arm.Problem{Kind: "property", Subject: r.addr, File: file, Path: path, Msg: "not imported"})
			})
		}
	}
	return c.out
}

// emit adds an ARM resource built from a Terraform one.
func (c *conv) emit(r *tfres, id, typ string, props obj) map[string]any {
	b := c.top(r)
	m := map[string]any{"id": id, "type": typ, "name": lastName(id), "properties": map[string]any(props)}
	if loc := b.n.Str("location"); loc != "" {
		m["location"] = loc
	}
	res, _ := arm.NewResource(c.file, arm.NewNode(r.vals.Path(), m))
	res.Origin = r.addr
	c.out = append(c.out, res)
	c.byKey[arm.Key(id)] = props
	return props
}

func lastName(id string) string {
	p, _ := arm.ParseID(id)
	return p.Name()
}

func (c *conv) resource(r *tfres) {
	b := c.top(r)
	id := c.ids[r]
	typ := kinds[r.typ].arm
	p := obj{}
	switch r.typ {
	case "azurerm_virtual_network":
		p.set("addressSpace", obj{}.set("addressPrefixes", b.strs("address_space")))
		p.set("dhcpOptions", obj{}.set("dnsServers", b.n.Strs("dns_servers")))
		var subnets []any
		for _, s := range b.blocks("subnet") {
			sp := obj{}
			prefixes := s.n.Strs("address_prefixes")
			if v := s.n.Str("address_prefix"); v != "" {
				prefixes = append([]string{v}, prefixes...)
			}
			sp.set("addressPrefixes", prefixes)
			sp.set("networkSecurityGroup", idRef(s.ref("security_group")))
			s.n.Use("id", "name")
			subnets = append(subnets, map[string]any{"name": s.n.Str("name"), "id": id + "/subnets/" + s.n.Str("name"), "properties": map[string]any(sp)})
		}
		p.set("subnets", subnets)
		b.n.Use("guid", "flow_timeout_in_minutes", "edge_zone")
	case "azurerm_subnet":
		subnet(b, p)
	case "azurerm_virtual_network_peering":
		p.set("remoteVirtualNetwork", idRef(b.ref("remote_virtual_network_id")))
		for _, k := range [][2]string{{"allow_virtual_network_access", "allowVirtualNetworkAccess"}, {"allow_forwarded_traffic", "allowForwardedTraffic"}, {"allow_gateway_transit", "allowGatewayTransit"}, {"use_remote_gateways", "useRemoteGateways"}} {
			p.set(k[1], b.boolean(k[0]))
		}
		b.n.Use("virtual_network_name")
	case "azurerm_network_security_group":
		var rules []any
		for _, rb := range b.blocks("security_rule") {
			rules = append(rules, map[string]any{"name": rb.n.Str("name"), "properties": map[string]any(rule(rb))})
		}
		p.set("securityRules", rules)
	case "azurerm_network_security_rule":
		p = rule(b)
		b.n.Use("network_security_group_name")
	case "azurerm_application_security_group":
	case "azurerm_route_table":
		var routes []any
		for _, rb := range b.blocks("route") {
			routes = append(routes, map[string]any{"name": rb.n.Str("name"), "properties": map[string]any(route(rb))})
		}
		p.set("routes", routes)
		bgp(b, p)
		b.n.Use("subnets")
	case "azurerm_route":
		p = route(b)
		b.n.Use("route_table_name")
	case "azurerm_network_interface":
		var ipcs []any
		for _, ib := range b.blocks("ip_configuration") {
			ip := obj{}
			ip.set("subnet", idRef(ib.ref("subnet_id")))
			ip.set("privateIPAddress", ib.n.Str("private_ip_address"))
			ip.set("privateIPAllocationMethod", ib.n.Str("private_ip_address_allocation"))
			ip.set("publicIPAddress", idRef(ib.ref("public_ip_address_id")))
			ip.set("primary", ib.boolean("primary"))
			ib.n.Use("private_ip_address_version")
			ipcs = append(ipcs, map[string]any{"name": ib.n.Str("name"), "properties": map[string]any(ip)})
		}
		p.set("ipConfigurations", ipcs)
		p.set("enableIPForwarding", b.boolean("enable_ip_forwarding"))
		p.set("enableIPForwarding", b.boolean("ip_forwarding_enabled"))
		b.n.Use("private_ip_address", "private_ip_addresses", "mac_address", "virtual_machine_id", "applied_dns_servers", "internal_domain_name_suffix", "internal_dns_name_label", "enable_accelerated_networking", "accelerated_networking_enabled")
	case "azurerm_public_ip":
		p.set("ipAddress", b.n.Str("ip_address"))
		p.set("publicIPAllocationMethod", b.n.Str("allocation_method"))
		c.emitSKU(b, id, typ, p, b.n.Str("sku"))
		b.n.Use("ip_version", "idle_timeout_in_minutes", "fqdn", "domain_name_label", "zones", "sku_tier", "ddos_protection_mode", "ip_tags")
		return
	case "azurerm_nat_gateway":
		b.n.Use("sku_name", "idle_timeout_in_minutes", "resource_guid", "zones")
	case "azurerm_virtual_network_gateway":
		p.set("gatewayType", b.s("type"))
		var ipcs []any
		for _, ib := range b.blocks("ip_configuration") {
			ipcs = append(ipcs, map[string]any{"name": ib.n.Str("name"), "properties": map[string]any(obj{}.set("subnet", idRef(ib.ref("subnet_id"))))})
			ib.n.Use("public_ip_address_id", "private_ip_address_allocation")
		}
		p.set("ipConfigurations", ipcs)
		c.emitSKU(b, id, typ, p, b.n.Str("sku"))
		return
	case "azurerm_firewall":
		var ipcs []any
		for _, ib := range b.blocks("ip_configuration") {
			ip := obj{}
			ip.set("subnet", idRef(ib.ref("subnet_id")))
			ip.set("privateIPAddress", ib.n.Str("private_ip_address"))
			ip.set("publicIPAddress", idRef(ib.ref("public_ip_address_id")))
			ipcs = append(ipcs, map[string]any{"name": ib.n.Str("name"), "properties": map[string]any(ip)})
		}
		p.set("ipConfigurations", ipcs)
		p.set("firewallPolicy", idRef(b.ref("firewall_policy_id")))
		p.set("threatIntelMode", b.n.Str("threat_intel_mode"))
		if h := b.first("virtual_hub"); h != nil {
			p.set("virtualHub", idRef(h.ref("virtual_hub_id")))
			h.n.Use("public_ip_count", "private_ip_address", "public_ip_addresses")
		}
		p.set("additionalProperties", obj{}.set("Network.DNS.Servers", strings.Join(b.n.Strs("dns_servers"), ",")))
		b.n.Use("sku_tier", "zones")
		c.emitSKU(b, id, typ, p, b.n.Str("sku_name"))
		return
	case "azurerm_firewall_policy":
		if d := b.first("dns"); d != nil {
			p.set("dnsSettings", obj{}.set("enableProxy", d.boolean("proxy_enabled")).set("servers", d.n.Strs("servers")))
		}
		p.set("threatIntelMode", b.n.Str("threat_intel_mode"))
		p.set("snat", obj{}.set("privateRanges", b.n.Strs("private_ip_ranges")))
		b.n.Use("sku", "child_policies", "firewalls", "rule_collection_groups")
	case "azurerm_ip_group":
		p.set("ipAddresses", b.strs("cidrs"))
		b.n.Use("firewall_ids", "firewall_policy_ids")
	case "azurerm_private_endpoint":
		p.set("subnet", idRef(b.ref("subnet_id")))
		for _, sc := range b.blocks("private_service_connection") {
			con := map[string]any{"name": sc.n.Str("name"), "properties": map[string]any(obj{}.set("privateLinkServiceId", sc.ref("private_connection_resource_id")).set("groupIds", sc.strs("subresource_names")))}
			key := "privateLinkServiceConnections"
			if m, _ := sc.n.Bool("is_manual_connection"); m {
				key = "manualPrivateLinkServiceConnections"
			}
			prev, _ := p[key].([]any)
			p[key] = append(prev, con)
			if ip := sc.n.Str("private_ip_address"); ip != "" {
				p.set("customDnsConfigs", []any{map[string]any{"ipAddresses": []any{ip}}})
			}
			sc.n.Use("request_message", "private_connection_resource_alias")
		}
		var ipcs []any
		for _, ib := range b.blocks("ip_configuration") {
			ipcs = append(ipcs, map[string]any{"name": ib.n.Str("name"), "properties": map[string]any(obj{}.set("privateIPAddress", ib.n.Str("private_ip_address")))})
			ib.n.Use("subresource_name", "member_name")
		}
		p.set("ipConfigurations", ipcs)
		for _, zg := range b.blocks("private_dns_zone_group") {
			var cfgs []any
			for _, z := range zg.refs("private_dns_zone_ids") {
				cfgs = append(cfgs, map[string]any{"properties": map[string]any{"privateDnsZoneId": z}})
			}
			zid := id + "/privateDnsZoneGroups/" + zg.n.Str("name")
			c.emit(r, zid, arm.DNSZoneGroup, obj{}.set("privateDnsZoneConfigs", cfgs))
			zg.n.Use("id")
		}
		b.n.Use("network_interface", "custom_dns_configs", "private_dns_zone_configs", "custom_network_interface_name")
	case "azurerm_private_dns_zone":
		b.n.Use("number_of_record_sets", "max_number_of_record_sets", "max_number_of_virtual_network_links", "max_number_of_virtual_network_links_with_registration", "soa_record")
	case "azurerm_private_dns_zone_virtual_network_link":
		p.set("virtualNetwork", idRef(b.ref("virtual_network_id")))
		p.set("registrationEnabled", b.boolean("registration_enabled"))
		p.set("resolutionPolicy", b.n.Str("resolution_policy"))
		b.n.Use("private_dns_zone_name")
	case "azurerm_private_dns_a_record", "azurerm_private_dns_aaaa_record", "azurerm_private_dns_cname_record":
		p.set("ttl", b.num("ttl"))
		switch r.typ {
		case "azurerm_private_dns_a_record":
			var recs []any
			for _, ip := range b.strs("records") {
				recs = append(recs, map[string]any{"ipv4Address": ip})
			}
			p.set("aRecords", recs)
		case "azurerm_private_dns_aaaa_record":
			var recs []any
			for _, ip := range b.strs("records") {
				recs = append(recs, map[string]any{"ipv6Address": ip})
			}
			p.set("aaaaRecords", recs)
		default:
			p.set("cnameRecord", obj{}.set("cname", b.s("record")))
		}
		b.n.Use("zone_name", "fqdn")
	case "azurerm_storage_account":
		p.set("publicNetworkAccess", enabled(b.boolean("public_network_access_enabled")))
		if nr := b.first("network_rules"); nr != nil {
			p.set("networkAcls", networkRules(*nr))
		} else {
			b.blocks("network_rules")
		}
		b.n.Use("account_tier", "account_replication_type", "account_kind", "access_tier", "primary_location", "secondary_location", "enable_https_traffic_only", "https_traffic_only_enabled", "min_tls_version", "primary_blob_endpoint", "primary_access_key", "secondary_access_key", "primary_connection_string", "secondary_connection_string", "is_hns_enabled", "allow_blob_public_access", "allow_nested_items_to_be_public")
	case "azurerm_key_vault":
		p.set("publicNetworkAccess", enabled(b.boolean("public_network_access_enabled")))
		if nr := b.first("network_acls"); nr != nil {
			p.set("networkAcls", networkRules(*nr))
		}
		b.n.Use("tenant_id", "sku_name", "vault_uri", "soft_delete_retention_days", "purge_protection_enabled", "access_policy")
	case "azurerm_container_registry":
		p.set("publicNetworkAccess", enabled(b.boolean("public_network_access_enabled")))
		if nr := b.first("network_rule_set"); nr != nil {
			var ips []any
			for _, ir := range nr.blocks("ip_rule") {
				ips = append(ips, map[string]any{"value": ir.n.Str("ip_range"), "action": ir.n.Str("action")})
			}
			p.set("networkRuleSet", obj{}.set("defaultAction", nr.n.Str("default_action")).set("ipRules", ips))
		}
		p.set("networkRuleBypassOptions", b.n.Str("network_rule_bypass_option"))
		b.n.Use("sku", "admin_enabled", "login_server")
	case "azurerm_application_insights":
		b.n.Use("application_type", "instrumentation_key", "app_id", "connection_string", "workspace_id")
	case "azurerm_machine_learning_workspace":
		p.set("publicNetworkAccess", enabled(b.boolean("public_network_access_enabled")))
		p.set("storageAccount", b.ref("storage_account_id"))
		p.set("keyVault", b.ref("key_vault_id"))
		p.set("containerRegistry", b.ref("container_registry_id"))
		p.set("applicationInsights", b.ref("application_insights_id"))
		p.set("imageBuildCompute", b.n.Str("image_build_compute_name"))
		if mn := b.first("managed_network"); mn != nil {
			p.set("managedNetwork", obj{}.set("isolationMode", mn.n.Str("isolation_mode")))
		}
		b.n.Use("workspace_id", "discovery_url", "identity", "sku_name")
	default:
		if c.moreResource(r, b, id, p) {
			return
		}
	case "azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine", "azurerm_virtual_machine":
		p.set("networkProfile", obj{}.set("networkInterfaces", idRefs(b.refs("network_interface_ids"))))
		b.n.Use("size", "vm_size", "admin_username", "admin_password", "os_disk", "storage_os_disk", "source_image_reference", "storage_image_reference", "admin_ssh_key", "os_profile", "os_profile_linux_config", "computer_name", "private_ip_address", "private_ip_addresses", "public_ip_address", "public_ip_addresses", "virtual_machine_id", "boot_diagnostics", "availability_set_id", "primary_network_interface_id", "delete_os_disk_on_termination", "delete_data_disks_on_termination", "disable_password_authentication", "zones", "identity", "os_profile_windows_config", "storage_data_disk", "additional_capabilities", "plan", "provision_vm_agent", "allow_extension_operations", "encryption_at_host_enabled", "priority", "license_type", "proximity_placement_group_id", "custom_data", "secret", "max_bid_price", "eviction_policy", "dedicated_host_id", "extensions_time_budget", "patch_mode", "platform_fault_domain", "virtual_machine_scale_set_id", "zone", "user_data", "vtpm_enabled", "secure_boot_enabled", "computer_name", "source_image_id", "os_profile_secrets", "additional_unattend_content", "boot_diagnostics")
	}
	c.emit(r, id, typ, p)
}

func (c *conv) emitSKU(b blk, id, typ string, p obj, sku string) {
	m := c.emit(b.r, id, typ, p)
	_ = m
	if sku != "" {
		c.out[len(c.out)-1].Node.M["sku"] = map[string]any{"name": sku}
	}
}

func enabled(v any) any {
	switch v {
	case true:
		return "Enabled"
	case false:
		return "Disabled"
	}
	return nil
}

func subnet(b blk, p obj) {
	prefixes := b.strs("address_prefixes")
	if v := b.n.Str("address_prefix"); v != "" {
		prefixes = append([]string{v}, prefixes...)
	}
	p.set("addressPrefixes", prefixes)
	var ses []any
	for _, s := range b.strs("service_endpoints") {
		ses = append(ses, map[string]any{"service": s})
	}
	p.set("serviceEndpoints", ses)
	var dels []any
	for _, d := range b.blocks("delegation") {
		if sd := d.first("service_delegation"); sd != nil {
			dels = append(dels, map[string]any{"name": d.n.Str("name"), "properties": map[string]any{"serviceName": sd.n.Str("name")}})
			sd.n.Use("actions")
		}
	}
	p.set("delegations", dels)
	if v, ok := b.n.Bool("enforce_private_link_endpoint_network_policies"); ok && v { // 2.x: true disables them
		p.set("privateEndpointNetworkPolicies", "Disabled")
	}
	if v, ok := b.n.Bool("private_endpoint_network_policies_enabled"); ok {
		p.set("privateEndpointNetworkPolicies", enabled(v))
	}
	p.set("privateEndpointNetworkPolicies", b.n.Str("private_endpoint_network_policies"))
	if v, ok := b.n.Bool("default_outbound_access_enabled"); ok {
		p.set("defaultOutboundAccess", v)
	}
	p.set("serviceEndpointPolicies", idRefs(b.refs("service_endpoint_policy_ids")))
	b.n.Use("virtual_network_name", "enforce_private_link_service_network_policies", "private_link_service_network_policies_enabled")
}

func rule(b blk) obj {
	p := obj{}
	p.set("description", b.n.Str("description"))
	p.set("priority", b.num("priority"))
	p.set("direction", b.s("direction"))
	p.set("access", b.s("access"))
	p.set("protocol", b.s("protocol"))
	for _, k := range [][3]string{
		{"source_port_range", "sourcePortRange", "sourcePortRanges"},
		{"destination_port_range", "destinationPortRange", "destinationPortRanges"},
		{"source_address_prefix", "sourceAddressPrefix", "sourceAddressPrefixes"},
		{"destination_address_prefix", "destinationAddressPrefix", "destinationAddressPrefixes"},
	} {
		p.set(k[1], b.n.Str(k[0]))
		plural := k[0] + "s" // source_port_ranges
		if strings.HasSuffix(k[0], "x") {
			plural = k[0] + "es" // source_address_prefixes
		}
		p.set(k[2], b.n.Strs(plural))
	}
	p.set("sourceApplicationSecurityGroups", idRefs(b.n.Strs("source_application_security_group_ids")))
	p.set("destinationApplicationSecurityGroups", idRefs(b.n.Strs("destination_application_security_group_ids")))
	return p
}

func route(b blk) obj {
	p := obj{}
	p.set("addressPrefix", b.s("address_prefix"))
	p.set("nextHopType", b.s("next_hop_type"))
	p.set("nextHopIpAddress", b.n.Str("next_hop_in_ip_address"))
	return p
}

func bgp(b blk, p obj) {
	if v, ok := b.n.Bool("disable_bgp_route_propagation"); ok {
		p.set("disableBgpRoutePropagation", v)
	}
	if v, ok := b.n.Bool("bgp_route_propagation_enabled"); ok {
		p.set("disableBgpRoutePropagation", !v)
	}
}

func networkRules(nr blk) obj {
	p := obj{}
	p.set("defaultAction", nr.s("default_action"))
	var ips []any
	for _, ip := range nr.strs("ip_rules") {
		ips = append(ips, map[string]any{"value": ip})
	}
	p.set("ipRules", ips)
	var vnets []any
	for _, id := range nr.refs("virtual_network_subnet_ids") {
		vnets = append(vnets, map[string]any{"id": id})
	}
	p.set("virtualNetworkRules", vnets)
	p.set("bypass", strings.Join(nr.strs("bypass"), ", "))
	nr.n.Use("private_link_access", "storage_account_id")
	return p
}

// patch applies a Terraform resource that changes another one.
func (c *conv) patch(r *tfres) {
	b := c.top(r)
	target := func(key string) (map[string]any, string) {
		id := b.ref(key)
		if id == "" {
			return nil, ""
		}
		if p := c.byKey[arm.Key(id)]; p != nil {
			return p, id
		}
		for k, p := range c.byKey { // a relative ID on one side
			if arm.RelKey(k) == arm.RelKey(id) {
				return p, id
			}
		}
		b.problem("reference", key, fmt.Sprintf("%s is not in the input", id))
		return nil, ""
	}
	switch r.typ {
	case "azurerm_subnet_network_security_group_association", "azurerm_subnet_route_table_association", "azurerm_subnet_nat_gateway_association":
		prop, key := map[string][2]string{
			"azurerm_subnet_network_security_group_association": {"networkSecurityGroup", "network_security_group_id"},
			"azurerm_subnet_route_table_association":            {"routeTable", "route_table_id"},
			"azurerm_subnet_nat_gateway_association":            {"natGateway", "nat_gateway_id"},
		}[r.typ][0], map[string]string{
			"azurerm_subnet_network_security_group_association": "network_security_group_id",
			"azurerm_subnet_route_table_association":            "route_table_id",
			"azurerm_subnet_nat_gateway_association":            "nat_gateway_id",
		}[r.typ]
		if s, _ := target("subnet_id"); s != nil {
			if id := b.ref(key); id != "" {
				s[prop] = map[string]any{"id": id}
			}
		}
	case "azurerm_network_interface_security_group_association":
		if n, _ := target("network_interface_id"); n != nil {
			if id := b.ref("network_security_group_id"); id != "" {
				n["networkSecurityGroup"] = map[string]any{"id": id}
			}
		}
	case "azurerm_network_interface_application_security_group_association":
		if n, _ := target("network_interface_id"); n != nil {
			if id := b.ref("application_security_group_id"); id != "" {
				ipcs, _ := n["ipConfigurations"].([]any)
				for _, ipc := range ipcs {
					p := ipc.(map[string]any)["properties"].(map[string]any)
					prev, _ := p["applicationSecurityGroups"].([]any)
					p["applicationSecurityGroups"] = append(prev, map[string]any{"id": id})
				}
			}
		}
	case "azurerm_nat_gateway_public_ip_association":
		if n, _ := target("nat_gateway_id"); n != nil {
			if id := b.ref("public_ip_address_id"); id != "" {
				prev, _ := n["publicIpAddresses"].([]any)
				n["publicIpAddresses"] = append(prev, map[string]any{"id": id})
			}
		}
	case "azurerm_storage_account_network_rules":
		if s, _ := target("storage_account_id"); s != nil {
			s["networkAcls"] = map[string]any(networkRules(b))
		}
	case "azurerm_firewall_policy_rule_collection_group":
		pid := b.ref("firewall_policy_id")
		if pid == "" {
			return
		}
		p := obj{}
		p.set("priority", b.num("priority"))
		var rcs []any
		for _, kind := range []string{"network_rule_collection", "application_rule_collection", "nat_rule_collection"} {
			for _, rc := range b.blocks(kind) {
				rcs = append(rcs, policyCollection(kind, rc))
			}
		}
		p.set("ruleCollections", rcs)
		c.emit(r, pid+"/ruleCollectionGroups/"+b.s("name"), arm.RuleCollectionGroup, p)
		b.n.Use("firewall_policy_id")
	case "azurerm_firewall_network_rule_collection", "azurerm_firewall_application_rule_collection", "azurerm_firewall_nat_rule_collection":
		fwID := c.byName(arm.Firewall, b.s("resource_group_name"), b.s("azure_firewall_name"))
		fw := c.byKey[arm.Key(fwID)]
		if fw == nil {
			b.problem("reference", "azure_firewall_name", "firewall "+b.n.Str("azure_firewall_name")+" is not in the input")
			return
		}
		key := map[string]string{"azurerm_firewall_network_rule_collection": "networkRuleCollections", "azurerm_firewall_application_rule_collection": "applicationRuleCollections", "azurerm_firewall_nat_rule_collection": "natRuleCollections"}[r.typ]
		var rules []any
		for _, rb := range b.blocks("rule") {
			rules = append(rules, map[string]any(classicRule(rb)))
		}
		col := map[string]any{"name": b.s("name"), "properties": map[string]any(obj{}.set("priority", b.num("priority")).set("action", obj{}.set("type", b.s("action"))).set("rules", rules))}
		prev, _ := fw[key].([]any)
		fw[key] = append(prev, col)
		b.n.Use("azure_firewall_name")
	default:
		c.morePatch(r, b, target)
	case "azurerm_machine_learning_compute_cluster", "azurerm_machine_learning_compute_instance":
		ws := b.ref("machine_learning_workspace_id")
		if ws == "" {
			return
		}
		inner := obj{}
		inner.set("subnet", idRef(b.ref("subnet_resource_id")))
		inner.set("enableNodePublicIp", b.boolean("node_public_ip_enabled"))
		ctype := "ComputeInstance"
		if r.typ == "azurerm_machine_learning_compute_cluster" {
			ctype = "AmlCompute"
			if sc := b.first("scale_settings"); sc != nil {
				inner.set("scaleSettings", obj{}.set("maxNodeCount", sc.num("max_node_count")))
				sc.n.Use("min_node_count", "scale_down_nodes_after_idle_duration")
			}
		}
		c.emit(r, ws+"/computes/"+b.s("name"), arm.Compute, obj{"computeType": ctype}.set("properties", inner))
		b.n.Use("vm_size", "vm_priority", "identity", "description", "local_auth_enabled", "ssh", "ssh_public_access_enabled", "authorization_type", "assign_to_user", "machine_learning_workspace_id")
	}
}

func (c *conv) byName(typ, rg, name string) string {
	for _, res := range c.out {
		if arm.TypeIs(res.Type, typ) && strings.EqualFold(res.Name, name) {
			if p, _ := arm.ParseID(res.ID); rg == "" || strings.EqualFold(p.ResourceGroup, rg) {
				return res.ID
			}
		}
	}
	return ""
}

func classicRule(rb blk) obj {
	p := obj{"name": rb.n.Str("name")}
	p.set("description", rb.n.Str("description"))
	p.set("sourceAddresses", rb.n.Strs("source_addresses"))
	p.set("sourceIpGroups", rb.n.Strs("source_ip_groups"))
	p.set("destinationAddresses", rb.n.Strs("destination_addresses"))
	p.set("destinationIpGroups", rb.n.Strs("destination_ip_groups"))
	p.set("destinationFqdns", rb.n.Strs("destination_fqdns"))
	p.set("destinationPorts", rb.n.Strs("destination_ports"))
	p.set("protocols", rb.n.Strs("protocols"))
	p.set("targetFqdns", rb.n.Strs("target_fqdns"))
	p.set("fqdnTags", rb.n.Strs("fqdn_tags"))
	p.set("translatedAddress", rb.n.Str("translated_address"))
	p.set("translatedPort", rb.n.Str("translated_port"))
	var protos []any
	for _, pb := range rb.blocks("protocol") {
		protos = append(protos, map[string]any{"protocolType": pb.n.Str("type"), "port": pb.n.Str("port")})
	}
	if len(protos) > 0 {
		p["protocols"] = protos
	}
	return p
}

func policyCollection(kind string, rc blk) map[string]any {
	typ := "FirewallPolicyFilterRuleCollection"
	ruleType := map[string]string{"network_rule_collection": "NetworkRule", "application_rule_collection": "ApplicationRule", "nat_rule_collection": "NatRule"}[kind]
	if kind == "nat_rule_collection" {
		typ = "FirewallPolicyNatRuleCollection"
	}
	var rules []any
	for _, rb := range rc.blocks("rule") {
		p := classicRule(rb)
		p["ruleType"] = ruleType
		if v, ok := p["protocols"]; ok && ruleType == "NetworkRule" {
			delete(p, "protocols")
			p["ipProtocols"] = v
		}
		for _, k := range [][2]string{{"destination_address", "destinationAddresses"}, {"translated_fqdn", "translatedFqdn"}} {
			if v := rb.n.Str(k[0]); v != "" {
				p[k[1]] = []any{v}
			}
		}
		rules = append(rules, map[string]any(p))
	}
	out := obj{"ruleCollectionType": typ, "name": rc.n.Str("name")}
	out.set("priority", rc.num("priority"))
	out.set("action", obj{}.set("type", rc.n.Str("action")))
	out.set("rules", rules)
	return out
}

func subOf(id string) string {
	p, _ := arm.ParseID(id)
	return p.Subscription
}
