package importer_test

import (
	"fmt"
	"strings"

	"github.com/vnetsim/vnetsim/importer"
	"github.com/vnetsim/vnetsim/spec"
)

// exporter writes a scenario as the ARM resources Azure would return for it
// (a test helper: the round trip and the Resource Graph timing use it). What
// ARM does not hold (appliance rules, DNS server roles, hosts, on-premises
// prefixes, a service's public address, compute attachment details) goes to
// a patch the suite keeps, as a user's suite would.
type exporter struct {
	sc    *spec.Scenario
	sub   string
	rg    string
	out   []map[string]any
	patch spec.Scenario
	graph bool // Resource Graph rows: lower-case type, resourceGroup, subscriptionId
}

func newExporter(sc *spec.Scenario) *exporter {
	return &exporter{sc: sc, sub: "11111111-2222-3333-4444-555555555555", rg: "rg-export"}
}

func (x *exporter) id(typ string, names ...string) string {
	ns, rest, _ := strings.Cut(typ, "/")
	types := strings.Split(rest, "/")
	s := "/subscriptions/" + x.sub + "/resourceGroups/" + x.rg + "/providers/" + ns
	for i, t := range types {
		s += "/" + t + "/" + names[i]
	}
	return s
}

func ref(id string) map[string]any { return map[string]any{"id": id} }

func refs(ids []string) []any {
	out := []any{}
	for _, id := range ids {
		out = append(out, ref(id))
	}
	return out
}

func strs(in []string) []any {
	out := make([]any, len(in))
	for i, s := range in {
		out[i] = s
	}
	return out
}

func (x *exporter) add(typ, name, region string, props map[string]any, extra ...any) string {
	names := strings.Split(name, "/")
	id := x.id(typ, names...)
	r := map[string]any{"id": id, "name": names[len(names)-1], "type": typ, "properties": props}
	if region == "" {
		region = x.sc.Region
	}
	r["location"] = region
	for i := 0; i+1 < len(extra); i += 2 {
		r[extra[i].(string)] = extra[i+1]
	}
	if x.graph {
		r["type"] = strings.ToLower(typ)
		r["resourceGroup"] = x.rg
		r["subscriptionId"] = x.sub
	}
	x.out = append(x.out, r)
	return id
}

func (x *exporter) subnetID(ref string) string {
	v, s, _ := strings.Cut(ref, "/")
	return x.id("Microsoft.Network/virtualNetworks/subnets", v, s)
}

func (x *exporter) serviceID(name string) string {
	for _, s := range x.sc.Services {
		if s.Name == name {
			return x.id(s.Type, name)
		}
	}
	return ""
}

func (x *exporter) pip(owner string, addr, sku string) string {
	props := map[string]any{"publicIPAllocationMethod": "Static"}
	if addr != "" {
		props["ipAddress"] = addr
	}
	if sku == "" {
		sku = "Standard"
	}
	return x.add("Microsoft.Network/publicIPAddresses", "pip-"+owner, "", props, "sku", map[string]any{"name": sku})
}

func (x *exporter) export() {
	sc := x.sc
	for _, v := range sc.VNets {
		var subnets []any
		for _, s := range v.Subnets {
			p := map[string]any{"addressPrefix": s.AddressPrefix}
			if s.NetworkSecurityGroup != "" {
				p["networkSecurityGroup"] = ref(x.id("Microsoft.Network/networkSecurityGroups", s.NetworkSecurityGroup))
			}
			if s.RouteTable != "" {
				p["routeTable"] = ref(x.id("Microsoft.Network/routeTables", s.RouteTable))
			}
			if s.NATGateway != "" {
				p["natGateway"] = ref(x.id("Microsoft.Network/natGateways", s.NATGateway))
			}
			var se []any
			for _, e := range s.ServiceEndpoints {
				se = append(se, map[string]any{"service": e})
			}
			if se != nil {
				p["serviceEndpoints"] = se
			}
			var dl []any
			for i, d := range s.Delegations {
				dl = append(dl, map[string]any{"name": fmt.Sprintf("d%d", i), "properties": map[string]any{"serviceName": d}})
			}
			if dl != nil {
				p["delegations"] = dl
			}
			if s.DefaultOutboundAccess != nil {
				p["defaultOutboundAccess"] = *s.DefaultOutboundAccess
			}
			if s.PrivateEndpointNetworkPolicies != "" {
				p["privateEndpointNetworkPolicies"] = s.PrivateEndpointNetworkPolicies
			}
			if s.PrivateLinkServiceNetworkPolicies != "" {
				p["privateLinkServiceNetworkPolicies"] = s.PrivateLinkServiceNetworkPolicies
			}
			if len(s.ServiceEndpointPolicies) > 0 {
				p["serviceEndpointPolicies"] = x.subnetPolicies(s.ServiceEndpointPolicies)
			}
			subnets = append(subnets, map[string]any{"name": s.Name, "id": x.subnetID(v.Name + "/" + s.Name), "properties": p})
		}
		props := map[string]any{"addressSpace": map[string]any{"addressPrefixes": strs(v.AddressSpace)}, "subnets": subnets}
		if len(v.DNSServers) > 0 {
			props["dhcpOptions"] = map[string]any{"dnsServers": strs(v.DNSServers)}
		}
		x.add("Microsoft.Network/virtualNetworks", v.Name, v.Region, props)
	}
	for _, p := range sc.Peerings {
		props := map[string]any{"remoteVirtualNetwork": ref(x.id("Microsoft.Network/virtualNetworks", p.To)), "allowForwardedTraffic": p.AllowForwardedTraffic, "allowGatewayTransit": p.AllowGatewayTransit, "useRemoteGateways": p.UseRemoteGateways}
		if p.AllowVirtualNetworkAccess != nil {
			props["allowVirtualNetworkAccess"] = *p.AllowVirtualNetworkAccess
		}
		x.add("Microsoft.Network/virtualNetworks/virtualNetworkPeerings", p.From+"/"+p.Name, "", props)
	}
	asg := func(names []string) []any {
		var ids []string
		for _, n := range names {
			ids = append(ids, x.id("Microsoft.Network/applicationSecurityGroups", n))
		}
		return refs(ids)
	}
	for _, n := range sc.NetworkSecurityGroups {
		var rules []any
		for _, r := range n.SecurityRules {
			p := map[string]any{"priority": r.Priority, "direction": r.Direction, "access": r.Access, "protocol": r.Protocol,
				"sourceAddressPrefix": r.SourceAddressPrefix, "sourceAddressPrefixes": strs(r.SourceAddressPrefixes), "sourcePortRange": r.SourcePortRange, "sourcePortRanges": strs(r.SourcePortRanges),
				"destinationAddressPrefix": r.DestinationAddressPrefix, "destinationAddressPrefixes": strs(r.DestinationAddressPrefixes), "destinationPortRange": r.DestinationPortRange, "destinationPortRanges": strs(r.DestinationPortRanges),
				"sourceApplicationSecurityGroups": asg(r.SourceApplicationSecurityGroups), "destinationApplicationSecurityGroups": asg(r.DestinationApplicationSecurityGroups)}
			if r.Description != "" {
				p["description"] = r.Description
			}
			rules = append(rules, map[string]any{"name": r.Name, "properties": p})
		}
		x.add("Microsoft.Network/networkSecurityGroups", n.Name, "", map[string]any{"securityRules": rules})
	}
	for _, a := range sc.ApplicationSecurityGroups {
		x.add("Microsoft.Network/applicationSecurityGroups", a, "", map[string]any{})
	}
	for _, rt := range sc.RouteTables {
		var routes []any
		for _, r := range rt.Routes {
			p := map[string]any{"addressPrefix": r.AddressPrefix, "nextHopType": r.NextHopType}
			if r.NextHopIPAddress != "" {
				p["nextHopIpAddress"] = r.NextHopIPAddress
			}
			routes = append(routes, map[string]any{"name": r.Name, "properties": p})
		}
		x.add("Microsoft.Network/routeTables", rt.Name, "", map[string]any{"routes": routes, "disableBgpRoutePropagation": rt.DisableBgpRoutePropagation})
	}
	for _, g := range sc.VirtualNetworkGateways {
		x.add("Microsoft.Network/virtualNetworkGateways", g.Name, "", map[string]any{"gatewayType": g.GatewayType, "sku": map[string]any{"name": g.SKU},
			"ipConfigurations": []any{map[string]any{"name": "ipconfig", "properties": map[string]any{"subnet": ref(x.subnetID(g.VNet + "/GatewaySubnet"))}}}})
		if len(g.OnPremisesAddressPrefixes)+len(g.OnPremisesHosts) > 0 {
			x.patch.VirtualNetworkGateways = append(x.patch.VirtualNetworkGateways, spec.Gateway{Name: g.Name, OnPremisesAddressPrefixes: g.OnPremisesAddressPrefixes, OnPremisesHosts: g.OnPremisesHosts})
		}
	}
	for _, n := range sc.NATGateways {
		var ips []any
		for i, a := range n.PublicIPAddresses {
			ips = append(ips, ref(x.pip(fmt.Sprintf("%s-%d", n.Name, i), a, "Standard")))
		}
		x.add("Microsoft.Network/natGateways", n.Name, "", map[string]any{"publicIpAddresses": ips}, "sku", map[string]any{"name": "Standard"})
	}
	for _, g := range sc.IPGroups {
		x.add("Microsoft.Network/ipGroups", g.Name, "", map[string]any{"ipAddresses": strs(g.IPAddresses)})
	}
	for _, f := range sc.Firewalls {
		x.firewall(f)
	}
	for _, v := range sc.VMs {
		ip := map[string]any{"subnet": ref(x.subnetID(v.Subnet)), "primary": true, "applicationSecurityGroups": asg(v.ApplicationSecurityGroups)}
		if v.PrivateIPAddress != "" {
			ip["privateIPAddress"], ip["privateIPAllocationMethod"] = v.PrivateIPAddress, "Static"
		} else {
			ip["privateIPAllocationMethod"] = "Dynamic"
		}
		if v.PublicIPAddress != nil {
			ip["publicIPAddress"] = ref(x.pip(v.Name, v.PublicIPAddress.IPAddress, v.PublicIPAddress.SKU))
		}
		props := map[string]any{"ipConfigurations": []any{map[string]any{"name": "ipconfig1", "properties": ip}}, "enableIPForwarding": v.EnableIPForwarding}
		if v.NetworkSecurityGroup != "" {
			props["networkSecurityGroup"] = ref(x.id("Microsoft.Network/networkSecurityGroups", v.NetworkSecurityGroup))
		}
		x.add("Microsoft.Network/networkInterfaces", v.Name, "", props)
		if v.Appliance != nil || v.DNSServer != nil || len(v.Hosts) > 0 {
			x.patch.VMs = append(x.patch.VMs, spec.VM{Name: v.Name, Appliance: v.Appliance, DNSServer: v.DNSServer, Hosts: v.Hosts})
		}
	}
	for _, s := range sc.Services {
		if strings.EqualFold(s.Type, typeLinkScope) {
			x.linkScope(s)
			continue
		}
		props := map[string]any{}
		if s.PublicNetworkAccess != "" {
			props["publicNetworkAccess"] = s.PublicNetworkAccess
		}
		if s.WorkspaceID != "" {
			props["workspaceId"] = s.WorkspaceID
		}
		if a := s.NetworkACLs; a != nil {
			var vr, ir []any
			for _, r := range a.VirtualNetworkRules {
				vr = append(vr, map[string]any{"id": x.subnetID(r), "ignoreMissingVnetServiceEndpoint": a.IgnoreMissingVnetServiceEndpoint})
			}
			for _, r := range a.IPRules {
				ir = append(ir, map[string]any{"value": r, "action": "Allow"})
			}
			acl := map[string]any{"defaultAction": a.DefaultAction, "virtualNetworkRules": vr, "ipRules": ir}
			if strings.EqualFold(s.Type, "Microsoft.ContainerRegistry/registries") {
				props["networkRuleSet"] = acl
				if a.Bypass != "" {
					props["networkRuleBypassOptions"] = a.Bypass
				}
			} else {
				acl["bypass"] = a.Bypass
				props["networkAcls"] = acl
			}
		}
		if ml := sc.MachineLearning; ml != nil && ml.Workspace == s.Name {
			for k, v := range map[string]string{"storageAccount": ml.StorageAccount, "keyVault": ml.KeyVault, "containerRegistry": ml.ContainerRegistry, "applicationInsights": ml.ApplicationInsights} {
				if v != "" {
					props[k] = x.serviceID(v)
				}
			}
			if ml.ImageBuildCompute != "" {
				props["imageBuildCompute"] = ml.ImageBuildCompute
			}
			if len(ml.IPAllowList) > 0 {
				props["ipAllowlist"] = strs(ml.IPAllowList)
			}
			if m := ml.ManagedNetwork; m != nil {
				mn := map[string]any{"isolationMode": m.IsolationMode}
				if m.FirewallSKU != "" {
					mn["firewallSku"] = m.FirewallSKU
				}
				if m.Status != "" {
					mn["status"] = map[string]any{"status": m.Status}
				}
				rules := map[string]any{}
				for _, r := range m.OutboundRules {
					var d any
					_ = r.Destination.Decode(&d)
					rules[r.Name] = map[string]any{"type": r.Type, "category": r.Category, "destination": d}
				}
				if len(rules) > 0 {
					mn["outboundRules"] = rules
				}
				props["managedNetwork"] = mn
			}
		}
		x.add(s.Type, s.Name, s.Region, props)
		if s.PublicIPAddress != "" || s.Subscription != "" {
			x.patch.Services = append(x.patch.Services, spec.Service{Name: s.Name, PublicIPAddress: s.PublicIPAddress, Subscription: s.Subscription})
		}
	}
	for _, pe := range sc.PrivateEndpoints {
		props := map[string]any{"subnet": ref(x.subnetID(pe.Subnet)),
			"privateLinkServiceConnections": []any{map[string]any{"name": "c", "properties": map[string]any{"privateLinkServiceId": x.serviceID(pe.Service), "groupIds": []any{pe.GroupID}}}}}
		if pe.PrivateIPAddress != "" {
			props["customDnsConfigs"] = []any{map[string]any{"fqdn": "x", "ipAddresses": []any{pe.PrivateIPAddress}}}
		}
		id := x.add("Microsoft.Network/privateEndpoints", pe.Name, "", props)
		if len(pe.PrivateDNSZoneGroup) > 0 {
			var cfgs []any
			for _, z := range pe.PrivateDNSZoneGroup {
				cfgs = append(cfgs, map[string]any{"name": z, "properties": map[string]any{"privateDnsZoneId": x.id("Microsoft.Network/privateDnsZones", z)}})
			}
			_ = id
			x.add("Microsoft.Network/privateEndpoints/privateDnsZoneGroups", pe.Name+"/default", "", map[string]any{"privateDnsZoneConfigs": cfgs})
		}
	}
	for _, z := range sc.PrivateDNSZones {
		x.add("Microsoft.Network/privateDnsZones", z.Name, "global", map[string]any{})
		for i, l := range z.VirtualNetworkLinks {
			p := map[string]any{"virtualNetwork": ref(x.id("Microsoft.Network/virtualNetworks", l.VNet)), "registrationEnabled": l.RegistrationEnabled}
			if l.ResolutionPolicy != "" {
				p["resolutionPolicy"] = l.ResolutionPolicy
			}
			x.add("Microsoft.Network/privateDnsZones/virtualNetworkLinks", fmt.Sprintf("%s/link%d", z.Name, i), "global", p)
		}
		for _, r := range z.Records {
			p := map[string]any{"ttl": r.TTL}
			switch strings.ToUpper(r.Type) {
			case "A":
				var a []any
				for _, v := range r.Values {
					a = append(a, map[string]any{"ipv4Address": v})
				}
				p["aRecords"] = a
			case "AAAA":
				var a []any
				for _, v := range r.Values {
					a = append(a, map[string]any{"ipv6Address": v})
				}
				p["aaaaRecords"] = a
			case "CNAME":
				p["cnameRecord"] = map[string]any{"cname": r.Values[0]}
			}
			x.add("Microsoft.Network/privateDnsZones/"+strings.ToUpper(r.Type), z.Name+"/"+r.Name, "global", p)
		}
	}
	x.export14()
	if ml := sc.MachineLearning; ml != nil {
		ws := ml.Workspace
		var pc []spec.Compute
		for _, c := range ml.Computes {
			inner := map[string]any{}
			if c.Subnet != "" {
				inner["subnet"] = ref(x.subnetID(c.Subnet))
			}
			if c.EnableNodePublicIP != nil {
				inner["enableNodePublicIp"] = *c.EnableNodePublicIP
			}
			if c.MaxNodes > 0 {
				inner["scaleSettings"] = map[string]any{"maxNodeCount": c.MaxNodes}
			}
			x.add("Microsoft.MachineLearningServices/workspaces/computes", ws+"/"+c.Name, c.Region, map[string]any{"computeType": c.Type, "properties": inner})
			if c.NodeCommunication != "" || c.Managed || c.VM != "" || c.Type == "Serverless" {
				pc = append(pc, spec.Compute{Name: c.Name, Type: c.Type, NodeCommunication: c.NodeCommunication, Managed: c.Managed, VM: c.VM})
			}
		}
		if len(pc) > 0 {
			x.patch.MachineLearning = &spec.MachineLearning{Computes: pc}
		}
	}
}

func (x *exporter) firewall(f spec.Firewall) {
	ip := map[string]any{"subnet": ref(x.subnetID(f.Subnet)), "privateIPAddress": f.PrivateIPAddress}
	if f.PublicIPAddress != "" {
		ip["publicIPAddress"] = ref(x.pip(f.Name, f.PublicIPAddress, "Standard"))
	}
	props := map[string]any{"ipConfigurations": []any{map[string]any{"name": "ipconfig", "properties": ip}}}
	if f.ThreatIntelMode != "" {
		props["threatIntelMode"] = f.ThreatIntelMode
	}
	ap := map[string]any{}
	if f.DNSProxy {
		ap["Network.DNS.EnableProxy"] = "true"
	}
	if len(f.DNSServers) > 0 {
		ap["Network.DNS.Servers"] = strings.Join(f.DNSServers, ",")
	}
	if len(f.PrivateRanges) > 0 {
		ap["Network.SNAT.PrivateRanges"] = strings.Join(f.PrivateRanges, ",")
	}
	if len(ap) > 0 {
		props["additionalProperties"] = ap
	}
	ipg := func(names []string) []any {
		var out []any
		for _, n := range names {
			out = append(out, x.id("Microsoft.Network/ipGroups", n))
		}
		return out
	}
	rule := func(r spec.FirewallRule, kind string) map[string]any {
		m := map[string]any{"name": r.Name, "sourceAddresses": strs(r.SourceAddresses), "sourceIpGroups": ipg(r.SourceIPGroups),
			"destinationAddresses": strs(r.DestinationAddresses), "destinationIpGroups": ipg(r.DestinationIPGroups), "destinationFqdns": strs(r.DestinationFqdns),
			"destinationPorts": strs(r.DestinationPorts), "targetFqdns": strs(r.TargetFqdns), "fqdnTags": strs(r.FqdnTags)}
		if r.TranslatedAddress != "" {
			m["translatedAddress"], m["translatedPort"] = r.TranslatedAddress, r.TranslatedPort
		}
		if kind == "application" {
			var ps []any
			for _, p := range r.Protocols {
				t, port, _ := strings.Cut(p, ":")
				ps = append(ps, map[string]any{"protocolType": t, "port": port})
			}
			m["protocols"] = ps
		} else {
			m["protocols"] = strs(r.Protocols)
		}
		return m
	}
	cols := func(cs []spec.FirewallCollection, kind string) []any {
		var out []any
		for _, c := range cs {
			var rules []any
			for _, r := range c.Rules {
				rules = append(rules, rule(r, kind))
			}
			out = append(out, map[string]any{"name": c.Name, "properties": map[string]any{"priority": c.Priority, "action": map[string]any{"type": c.Action}, "rules": rules}})
		}
		return out
	}
	props["networkRuleCollections"] = cols(f.NetworkRuleCollections, "network")
	props["applicationRuleCollections"] = cols(f.ApplicationRuleCollection, "application")
	props["natRuleCollections"] = cols(f.NATRuleCollections, "nat")
	if len(f.RuleCollectionGroups) > 0 {
		pol := x.add("Microsoft.Network/firewallPolicies", f.Name+"-policy", "", map[string]any{})
		props["firewallPolicy"] = ref(pol)
		for _, g := range f.RuleCollectionGroups {
			var rcs []any
			add := func(cs []spec.FirewallCollection, kind, ruleType string) {
				for _, c := range cs {
					var rules []any
					for _, r := range c.Rules {
						m := rule(r, kind)
						m["ruleType"] = ruleType
						if kind != "application" {
							m["ipProtocols"] = m["protocols"]
							delete(m, "protocols")
						}
						rules = append(rules, m)
					}
					t := "FirewallPolicyFilterRuleCollection"
					if kind == "nat" {
						t = "FirewallPolicyNatRuleCollection"
					}
					rcs = append(rcs, map[string]any{"ruleCollectionType": t, "name": c.Name, "priority": c.Priority, "action": map[string]any{"type": c.Action}, "rules": rules})
				}
			}
			add(g.NetworkRuleCollections, "network", "NetworkRule")
			add(g.ApplicationRuleCollection, "application", "ApplicationRule")
			add(g.NATRuleCollections, "nat", "NatRule")
			x.add("Microsoft.Network/firewallPolicies/ruleCollectionGroups", f.Name+"-policy/"+g.Name, "", map[string]any{"priority": g.Priority, "ruleCollections": rcs})
		}
	}
	x.add("Microsoft.Network/azureFirewalls", f.Name, "", props)
}

// patchYAML is the part of the scenario ARM does not hold, as YAML.
func (x *exporter) patchYAML() []byte {
	b, _ := importer.Marshal(&importer.Output{Scenario: &x.patch}, "")
	return b
}
