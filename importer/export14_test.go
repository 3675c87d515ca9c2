package importer_test

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vnetsim/vnetsim/spec"
)

// This file writes issue 14's resources as Azure returns them: load
// balancers (with the NIC side of pool membership and Azure's
// backendIPConfigurations back-references), DNS Private Resolver endpoints
// and forwarding rulesets, Virtual Network Manager groups, static members,
// security admin configurations, collections and rules, service endpoint
// policies, Bastion hosts and Azure Monitor Private Link Scopes with their
// scoped resources.

const (
	typeLinkScope = "Microsoft.Insights/privateLinkScopes"
)

// resource returns the exported resource with ID id.
func (x *exporter) resource(id string) map[string]any {
	for _, r := range x.out {
		if strings.EqualFold(r["id"].(string), id) {
			return r
		}
	}
	return nil
}

func (x *exporter) vmNICConfig(vm string) string {
	return x.id("Microsoft.Network/networkInterfaces", vm) + "/ipConfigurations/ipconfig1"
}

// subnetPolicies is the serviceEndpointPolicies reference list of a subnet.
func (x *exporter) subnetPolicies(names []string) []any {
	var ids []string
	for _, n := range names {
		ids = append(ids, x.id("Microsoft.Network/serviceEndpointPolicies", n))
	}
	return refs(ids)
}

// linkScope writes an Azure Monitor Private Link Scope and its scoped
// resources; publicNetworkAccess Disabled is the PrivateOnly access mode.
func (x *exporter) linkScope(s spec.Service) {
	mode := "Open"
	if strings.EqualFold(s.PublicNetworkAccess, "Disabled") {
		mode = "PrivateOnly"
	}
	x.add(typeLinkScope, s.Name, "global", map[string]any{"accessModeSettings": map[string]any{"ingestionAccessMode": mode, "queryAccessMode": mode, "exclusions": []any{}}})
	for _, r := range s.ScopedResources {
		x.add(typeLinkScope+"/scopedResources", s.Name+"/"+r+"-link", "", map[string]any{"linkedResourceId": x.serviceID(r)})
	}
}

func (x *exporter) export14() {
	sc := x.sc
	for _, lb := range sc.LoadBalancers {
		x.loadBalancer(lb)
	}
	for _, b := range sc.BastionHosts {
		ip := map[string]any{"subnet": ref(x.subnetID(b.Subnet))}
		if b.PublicIPAddress != "" {
			ip["publicIPAddress"] = ref(x.pip(b.Name, b.PublicIPAddress, "Standard"))
		}
		x.add("Microsoft.Network/bastionHosts", b.Name, "", map[string]any{"ipConfigurations": []any{map[string]any{"name": "IpConf", "properties": ip}}, "scaleUnits": 2}, "sku", map[string]any{"name": "Standard"})
	}
	for _, r := range sc.DNSResolvers {
		x.add("Microsoft.Network/dnsResolvers", r.Name, "", map[string]any{"virtualNetwork": ref(x.id("Microsoft.Network/virtualNetworks", r.VNet)), "dnsResolverState": "Connected"})
		for _, e := range r.InboundEndpoints {
			ip := map[string]any{"subnet": ref(x.subnetID(e.Subnet)), "privateIpAllocationMethod": "Dynamic"}
			if e.PrivateIPAddress != "" {
				ip["privateIpAddress"], ip["privateIpAllocationMethod"] = e.PrivateIPAddress, "Static"
			}
			x.add("Microsoft.Network/dnsResolvers/inboundEndpoints", r.Name+"/"+e.Name, "", map[string]any{"ipConfigurations": []any{ip}})
		}
		for _, e := range r.OutboundEndpoints {
			x.add("Microsoft.Network/dnsResolvers/outboundEndpoints", r.Name+"/"+e.Name, "", map[string]any{"subnet": ref(x.subnetID(e.Subnet))})
		}
	}
	for _, rs := range sc.DNSForwardingRulesets {
		var eps []string
		for _, o := range rs.OutboundEndpoints {
			res, ep, _ := strings.Cut(o, "/")
			eps = append(eps, x.id("Microsoft.Network/dnsResolvers/outboundEndpoints", res, ep))
		}
		x.add("Microsoft.Network/dnsForwardingRulesets", rs.Name, "", map[string]any{"dnsResolverOutboundEndpoints": refs(eps)})
		for _, r := range rs.Rules {
			var targets []any
			for _, t := range r.TargetDNSServers {
				ip, port, ok := strings.Cut(t, ":")
				p := 53
				if ok {
					p, _ = strconv.Atoi(port)
				}
				targets = append(targets, map[string]any{"ipAddress": ip, "port": p})
			}
			state := r.State
			if state == "" {
				state = "Enabled"
			}
			x.add("Microsoft.Network/dnsForwardingRulesets/forwardingRules", rs.Name+"/"+r.Name, "", map[string]any{"domainName": r.DomainName, "targetDnsServers": targets, "forwardingRuleState": state, "metadata": map[string]any{}})
		}
		for i, l := range rs.VirtualNetworkLinks {
			x.add("Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks", fmt.Sprintf("%s/link%d", rs.Name, i), "", map[string]any{"virtualNetwork": ref(x.id("Microsoft.Network/virtualNetworks", l))})
		}
	}
	for _, nm := range sc.NetworkManagers {
		x.add("Microsoft.Network/networkManagers", nm.Name, "", map[string]any{"networkManagerScopes": map[string]any{"subscriptions": []any{"/subscriptions/" + x.sub}}, "networkManagerScopeAccesses": []any{"SecurityAdmin"}})
		for _, g := range nm.NetworkGroups {
			x.add("Microsoft.Network/networkManagers/networkGroups", nm.Name+"/"+g.Name, "", map[string]any{"memberType": "VirtualNetwork"})
			for _, m := range g.Members {
				x.add("Microsoft.Network/networkManagers/networkGroups/staticMembers", nm.Name+"/"+g.Name+"/sm-"+m, "", map[string]any{"resourceId": x.id("Microsoft.Network/virtualNetworks", m), "region": x.sc.Region})
			}
		}
		cfg := nm.Name + "/admin-config"
		x.add("Microsoft.Network/networkManagers/securityAdminConfigurations", cfg, "", map[string]any{"applyOnNetworkIntentPolicyBasedServices": []any{"None"}})
		for _, col := range nm.SecurityAdminRuleCollections {
			var groups []any
			for _, g := range col.AppliesToGroups {
				groups = append(groups, map[string]any{"networkGroupId": x.id("Microsoft.Network/networkManagers/networkGroups", nm.Name, g)})
			}
			x.add("Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections", cfg+"/"+col.Name, "", map[string]any{"appliesToGroups": groups})
			for _, r := range col.Rules {
				x.add("Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules", cfg+"/"+col.Name+"/"+r.Name, "", adminRuleProps(r), "kind", "Custom")
			}
		}
	}
	for _, p := range sc.ServiceEndpointPolicies {
		var defs []any
		for _, d := range p.Definitions {
			var res []any
			for _, r := range d.ServiceResources {
				if strings.EqualFold(d.Service, "Microsoft.Storage") {
					res = append(res, x.serviceID(r))
				} else {
					res = append(res, r)
				}
			}
			defs = append(defs, map[string]any{"name": d.Name, "id": x.id("Microsoft.Network/serviceEndpointPolicies/serviceEndpointPolicyDefinitions", p.Name, d.Name),
				"type": "Microsoft.Network/serviceEndpointPolicies/serviceEndpointPolicyDefinitions", "properties": map[string]any{"service": d.Service, "serviceResources": res}})
		}
		x.add("Microsoft.Network/serviceEndpointPolicies", p.Name, "", map[string]any{"serviceEndpointPolicyDefinitions": defs})
	}
}

// adminRuleProps writes an admin rule's NSG-rule keys as AVNM's sources,
// destinations and port range lists.
func adminRuleProps(r spec.SecurityRule) map[string]any {
	items := func(single string, many []string) []any {
		if single != "" {
			many = []string{single}
		}
		var out []any
		for _, a := range many {
			t := "IPPrefix"
			if a != "*" && !strings.ContainsAny(a, ".:") {
				t = "ServiceTag"
			}
			out = append(out, map[string]any{"addressPrefix": a, "addressPrefixType": t})
		}
		return out
	}
	ports := func(single string, many []string) []any {
		if single != "" {
			many = []string{single}
		}
		return strs(many)
	}
	proto := r.Protocol
	if proto == "*" {
		proto = "Any"
	}
	p := map[string]any{"priority": r.Priority, "direction": r.Direction, "access": r.Access, "protocol": proto,
		"sources": items(r.SourceAddressPrefix, r.SourceAddressPrefixes), "destinations": items(r.DestinationAddressPrefix, r.DestinationAddressPrefixes),
		"sourcePortRanges": ports(r.SourcePortRange, r.SourcePortRanges), "destinationPortRanges": ports(r.DestinationPortRange, r.DestinationPortRanges)}
	if r.Description != "" {
		p["description"] = r.Description
	}
	return p
}

// loadBalancer writes a load balancer with inline frontends, pools, probes
// and rules; members are written on the NIC side
// (loadBalancerBackendAddressPools) and as Azure's read-only
// backendIPConfigurations.
func (x *exporter) loadBalancer(lb spec.LoadBalancer) {
	lbID := x.id("Microsoft.Network/loadBalancers", lb.Name)
	sub := func(kind, name string) map[string]any { return ref(lbID + "/" + kind + "/" + name) }
	var fes, pools, probes, rules, outs []any
	for _, f := range lb.FrontendIPConfigurations {
		p := map[string]any{}
		if f.PublicIPAddress != "" {
			pipID := x.pip(lb.Name+"-"+f.Name, f.PublicIPAddress, "Standard")
			p["publicIPAddress"] = ref(pipID)
			// Azure's back-reference on the public IP
			x.resource(pipID)["properties"].(map[string]any)["ipConfiguration"] = sub("frontendIPConfigurations", f.Name)
		} else {
			p["subnet"] = ref(x.subnetID(f.Subnet))
			p["privateIPAllocationMethod"] = "Dynamic"
			if f.PrivateIPAddress != "" {
				p["privateIPAddress"], p["privateIPAllocationMethod"] = f.PrivateIPAddress, "Static"
			}
		}
		fes = append(fes, map[string]any{"name": f.Name, "id": lbID + "/frontendIPConfigurations/" + f.Name, "properties": p})
	}
	for _, bp := range lb.BackendAddressPools {
		poolID := lbID + "/backendAddressPools/" + bp.Name
		var back []string
		for _, m := range bp.Members {
			back = append(back, x.vmNICConfig(m))
			nic := x.resource(x.id("Microsoft.Network/networkInterfaces", m))
			ipc := nic["properties"].(map[string]any)["ipConfigurations"].([]any)[0].(map[string]any)["properties"].(map[string]any)
			prev, _ := ipc["loadBalancerBackendAddressPools"].([]any)
			ipc["loadBalancerBackendAddressPools"] = append(prev, ref(poolID))
		}
		pools = append(pools, map[string]any{"name": bp.Name, "id": poolID, "properties": map[string]any{"backendIPConfigurations": refs(back)}})
	}
	for _, pr := range lb.Probes {
		p := map[string]any{"protocol": pr.Protocol, "port": pr.Port, "intervalInSeconds": 5, "numberOfProbes": 1, "probeThreshold": 1}
		if !strings.EqualFold(pr.Protocol, "Tcp") {
			p["requestPath"] = "/"
		}
		probes = append(probes, map[string]any{"name": pr.Name, "properties": p})
	}
	for _, r := range lb.LoadBalancingRules {
		p := map[string]any{"frontendIPConfiguration": sub("frontendIPConfigurations", r.FrontendIPConfiguration), "backendAddressPool": sub("backendAddressPools", r.BackendAddressPool),
			"backendAddressPools": []any{sub("backendAddressPools", r.BackendAddressPool)}, "protocol": r.Protocol, "frontendPort": r.FrontendPort, "backendPort": r.BackendPort,
			"enableFloatingIP": false, "idleTimeoutInMinutes": 4, "loadDistribution": "Default", "disableOutboundSnat": true}
		if r.Probe != "" {
			p["probe"] = sub("probes", r.Probe)
		}
		rules = append(rules, map[string]any{"name": r.Name, "properties": p})
	}
	for _, o := range lb.OutboundRules {
		var fs []any
		for _, f := range o.FrontendIPConfigurations {
			fs = append(fs, sub("frontendIPConfigurations", f))
		}
		outs = append(outs, map[string]any{"name": o.Name, "properties": map[string]any{"frontendIPConfigurations": fs, "backendAddressPool": sub("backendAddressPools", o.BackendAddressPool),
			"protocol": o.Protocol, "allocatedOutboundPorts": 0, "idleTimeoutInMinutes": 4, "enableTcpReset": true}})
	}
	x.add("Microsoft.Network/loadBalancers", lb.Name, "", map[string]any{"frontendIPConfigurations": fes, "backendAddressPools": pools, "probes": probes,
		"loadBalancingRules": rules, "outboundRules": outs, "inboundNatRules": []any{}}, "sku", map[string]any{"name": "Standard", "tier": "Regional"})
}
