package topology

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/spec"
)

// This file enforces Azure's own placement, naming and limit rules that the
// compile steps don't: each one Azure Resource Manager would refuse, so a
// scenario that breaks one can't be deployed and its verdicts would mean
// nothing. Every message names the Azure rule. docs/validation.md lists
// them with their sources and the choices made where Azure is unclear.

// validateAzure runs every check of this file; compile calls it once the
// objects are compiled, so that checks can look names up.
func (c *compiler) validateAzure() {
	c.validateRegions()
	c.validateNames()
	c.validateSubnetPlacement()
	c.validatePrefixes()
	c.validatePeeringNames()
	c.validateGatewaySKUs()
	c.validateFirewallNames()
	c.validateRouteTableTags()
	c.validateRecords()
	c.validatePublicIPs()
	c.validateServices()
	c.validateExpectationEndpoints()
	c.validateManagedDestinations()
}

// validateManagedDestinations: the values of a managed network rule's
// destination are text (port_ranges: "443, 8080-8089"), as in Azure's
// outbound rule schema. A list there used to read as empty, so all ports.
func (c *compiler) validateManagedDestinations() {
	ml := c.sc.MachineLearning
	if ml == nil || ml.ManagedNetwork == nil {
		return
	}
	for i, r := range ml.ManagedNetwork.OutboundRules {
		d := r.Destination
		if d.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(d.Content); j += 2 {
			k, v := d.Content[j], d.Content[j+1]
			if v.Kind == yaml.AliasNode && v.Alias != nil {
				v = v.Alias
			}
			path := fmt.Sprintf("machineLearning.managedNetwork.outboundRules[%d].destination.%s", i, k.Value)
			switch v.Kind {
			case yaml.SequenceNode:
				c.errAt(path, "a list where text is expected: write %s as one string, e.g. \"443\" or \"80, 443\" (Azure's outbound rule schema)", k.Value)
			case yaml.MappingNode:
				c.errAt(path, "a mapping where text is expected (Azure's outbound rule schema)")
			case yaml.ScalarNode:
				if k.Value == "spark_enabled" && v.ShortTag() != "!!bool" {
					c.errAt(path, "%q: want true or false", v.Value)
				}
			}
		}
	}
}

// validateRegions: a region is one of Azure's, which the service tags name
// as AzureCloud.<region>.
func (c *compiler) validateRegions() {
	if !c.tagsHaveRegions() {
		return // a service tags file without regional AzureCloud tags can't tell
	}
	check := func(path, region string) {
		if region == "" {
			return
		}
		if _, ok := c.tags.Lookup("AzureCloud." + region); !ok {
			c.errAt(path, "unknown Azure region %q (no AzureCloud.%s service tag in %s service tags)", region, strings.ToLower(region), c.tags.Source)
		}
	}
	check("region", c.sc.Region)
	for i, v := range c.sc.VNets {
		check(fmt.Sprintf("vnets[%d].region", i), v.Region)
	}
	for i, s := range c.sc.Services {
		check(fmt.Sprintf("services[%d].region", i), s.Region)
	}
	if ml := c.sc.MachineLearning; ml != nil {
		for i, cp := range ml.Computes {
			check(fmt.Sprintf("machineLearning.computes[%d].region", i), cp.Region)
		}
	}
}

func (c *compiler) tagsHaveRegions() bool {
	if c.tags == nil {
		return false
	}
	return c.tags.hasRegions()
}

// Special subnets: Azure reserves these names for one service each.
const (
	gatewaySubnet  = "GatewaySubnet"
	firewallSubnet = "AzureFirewallSubnet"
	bastionSubnet  = "AzureBastionSubnet"
	fwMgmtSubnet   = "AzureFirewallManagementSubnet"
	routeSrvSubnet = "RouteServerSubnet"
)

// reservedSubnet returns the service a reserved subnet name belongs to.
func reservedSubnet(name string) (string, bool) {
	switch strings.ToLower(name) {
	case "gatewaysubnet":
		return "virtual network gateways", true
	case "azurefirewallsubnet":
		return "Azure Firewall", true
	case "azurebastionsubnet":
		return "Azure Bastion", true
	case "azurefirewallmanagementsubnet":
		return "Azure Firewall's management NIC", true
	case "routeserversubnet":
		return "Azure Route Server", true
	}
	return "", false
}

// validateSubnetPlacement: VMs, computes and private endpoints can't sit in
// a subnet Azure reserves for a service, and AzureFirewallSubnet is /26 or
// larger.
func (c *compiler) validateSubnetPlacement() {
	for i, v := range c.sc.VNets {
		for j, s := range v.Subnets {
			path := fmt.Sprintf("vnets[%d].subnets[%d]", i, j)
			if strings.EqualFold(s.Name, firewallSubnet) || strings.EqualFold(s.Name, fwMgmtSubnet) {
				if p, err := netip.ParsePrefix(s.AddressPrefix); err == nil && p.Addr().Is4() && p.Bits() > 26 {
					c.errAt(path+".addressPrefix", "%s is /%d; Azure requires %s to be /26 or larger", s.AddressPrefix, p.Bits(), s.Name)
				}
			}
		}
	}
	place := func(path, ref, what string) {
		_, sub, ok := strings.Cut(ref, "/")
		if !ok {
			return
		}
		if svc, reserved := reservedSubnet(sub); reserved {
			c.errAt(path, "%s can't be placed in %s: Azure reserves that subnet for %s", what, sub, svc)
		}
	}
	for i, vm := range c.sc.VMs {
		place(fmt.Sprintf("vms[%d].subnet", i), vm.Subnet, "a VM")
	}
	for i, pe := range c.sc.PrivateEndpoints {
		place(fmt.Sprintf("privateEndpoints[%d].subnet", i), pe.Subnet, "a private endpoint")
	}
	if ml := c.sc.MachineLearning; ml != nil {
		for i, cp := range ml.Computes {
			place(fmt.Sprintf("machineLearning.computes[%d].subnet", i), cp.Subnet, "a compute")
		}
	}
	for i, lb := range c.sc.LoadBalancers {
		for j, fe := range lb.FrontendIPConfigurations {
			place(fmt.Sprintf("loadBalancers[%d].frontendIpConfigurations[%d].subnet", i, j), fe.Subnet, "a load balancer frontend")
		}
	}
	for i, r := range c.sc.DNSResolvers {
		for j, e := range r.InboundEndpoints {
			place(fmt.Sprintf("dnsResolvers[%d].inboundEndpoints[%d].subnet", i, j), e.Subnet, "a DNS resolver endpoint")
		}
		for j, e := range r.OutboundEndpoints {
			place(fmt.Sprintf("dnsResolvers[%d].outboundEndpoints[%d].subnet", i, j), e.Subnet, "a DNS resolver endpoint")
		}
	}
	for i, fw := range c.sc.Firewalls {
		if _, sub, ok := strings.Cut(fw.Subnet, "/"); ok && !strings.EqualFold(sub, firewallSubnet) {
			c.errAt(fmt.Sprintf("firewalls[%d].subnet", i), "Azure Firewall is deployed in a subnet named AzureFirewallSubnet, not %s", sub)
		}
	}
}

// validatePrefixes: Azure rejects a prefix with host bits set in routes and
// NSG rules as it does in address spaces (vnetsim used to mask them, so
// "10.0.0.1/24" silently duplicated "10.0.0.0/24"), and a VNet needs an IPv4
// address space.
func (c *compiler) validatePrefixes() {
	// The key path is built only for a prefix with host bits: an estate
	// has a million rule prefixes and nearly all are right.
	hostBits := func(s string, path func() string) {
		if !strings.Contains(s, "/") {
			return
		}
		p, err := netip.ParsePrefix(s)
		if err == nil && p != p.Masked() {
			c.errAt(path(), "%q has host bits set; Azure wants the network address %s", s, p.Masked())
		}
	}
	for i, rt := range c.sc.RouteTables {
		for j, r := range rt.Routes {
			hostBits(r.AddressPrefix, func() string { return fmt.Sprintf("routeTables[%d].routes[%d].addressPrefix", i, j) })
		}
	}
	for i, n := range c.sc.NetworkSecurityGroups {
		for j, r := range n.SecurityRules {
			rp := func() string { return fmt.Sprintf("networkSecurityGroups[%d].securityRules[%d]", i, j) }
			hostBits(r.SourceAddressPrefix, func() string { return rp() + ".sourceAddressPrefix" })
			hostBits(r.DestinationAddressPrefix, func() string { return rp() + ".destinationAddressPrefix" })
			for k, s := range r.SourceAddressPrefixes {
				hostBits(s, func() string { return fmt.Sprintf("%s.sourceAddressPrefixes[%d]", rp(), k) })
			}
			for k, s := range r.DestinationAddressPrefixes {
				hostBits(s, func() string { return fmt.Sprintf("%s.destinationAddressPrefixes[%d]", rp(), k) })
			}
		}
	}
	for i, v := range c.sc.VNets {
		has4, has6 := false, false
		for _, s := range v.AddressSpace {
			if p, err := netip.ParsePrefix(s); err == nil {
				has4 = has4 || p.Addr().Is4()
				has6 = has6 || p.Addr().Is6()
			}
		}
		if has6 && !has4 {
			c.errAt(fmt.Sprintf("vnets[%d].addressSpace", i), "an IPv6-only VNet: Azure requires an IPv4 address space too (dual stack)")
		}
	}
}

// validatePeeringNames: peering names are unique within their VNet (they
// are child resources of it).
func (c *compiler) validatePeeringNames() {
	seen := map[string]bool{}
	for i, p := range c.sc.Peerings {
		if p.Name == "" {
			continue
		}
		k := strings.ToLower(p.From) + "\x00" + strings.ToLower(p.Name)
		if seen[k] {
			c.errAt(fmt.Sprintf("peerings[%d].name", i), "VNet %s already has a peering named %q; Azure peering names are unique per VNet", p.From, p.Name)
		}
		seen[k] = true
	}
}

var gatewaySKUs = map[string][]string{
	"vpn":          {"Basic", "VpnGw1", "VpnGw2", "VpnGw3", "VpnGw4", "VpnGw5", "VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ"},
	"expressroute": {"Standard", "HighPerformance", "UltraPerformance", "ErGw1AZ", "ErGw2AZ", "ErGw3AZ", "ErGwScale"},
}

// validateGatewaySKUs: a gateway's sku is one of its type's, and a Basic VPN
// gateway offers no gateway transit ("Gateway transit doesn't support the
// Basic SKU", learn.microsoft.com/azure/vpn-gateway/vpn-gateway-different-region).
func (c *compiler) validateGatewaySKUs() {
	basic := map[string]bool{} // VNets whose gateway is Basic
	for i, g := range c.sc.VirtualNetworkGateways {
		path := fmt.Sprintf("virtualNetworkGateways[%d].sku", i)
		if g.SKU == "" {
			continue
		}
		skus, ok := gatewaySKUs[strings.ToLower(g.GatewayType)]
		if !ok {
			continue // the gateway type's own error
		}
		found := ""
		for _, s := range skus {
			if strings.EqualFold(s, g.SKU) {
				found = s
			}
		}
		if found == "" {
			c.errAt(path, "%q is not a %s gateway SKU; want one of %s", g.SKU, g.GatewayType, strings.Join(skus, ", "))
			continue
		}
		if found == "Basic" {
			basic[g.VNet] = true
		}
	}
	for i, p := range c.sc.Peerings {
		path := fmt.Sprintf("peerings[%d]", i)
		if p.AllowGatewayTransit && basic[p.From] {
			c.errAt(path+".allowGatewayTransit", "the gateway of %s is Basic SKU, and Azure's gateway transit doesn't support the Basic SKU", p.From)
		}
		if p.UseRemoteGateways && basic[p.To] {
			c.errAt(path+".useRemoteGateways", "the gateway of %s is Basic SKU, and Azure's gateway transit doesn't support the Basic SKU", p.To)
		}
	}
}

// validateFirewallNames: within a firewall, rule collection groups have
// unique names and priorities; collection names are unique within their
// firewall (classic) or group (policy); rule names within their collection.
func (c *compiler) validateFirewallNames() {
	for i, fw := range c.sc.Firewalls {
		fp := fmt.Sprintf("firewalls[%d]", i)
		c.uniqueCollections(fp, fw.NetworkRuleCollections, fw.ApplicationRuleCollection, fw.NATRuleCollections)
		names := map[string]bool{}
		prios := map[int]string{}
		for j, g := range fw.RuleCollectionGroups {
			gp := fmt.Sprintf("%s.ruleCollectionGroups[%d]", fp, j)
			if g.Name != "" {
				if names[strings.ToLower(g.Name)] {
					c.errAt(gp+".name", "duplicate rule collection group %q in firewall %s; Azure Firewall Policy group names are unique", g.Name, fw.Name)
				}
				names[strings.ToLower(g.Name)] = true
			}
			if g.Priority != 0 {
				if prev, ok := prios[g.Priority]; ok {
					c.errAt(gp+".priority", "priority %d is already rule collection group %s's; Azure Firewall Policy group priorities are unique", g.Priority, prev)
				}
				prios[g.Priority] = g.Name
			}
			c.uniqueCollections(gp, g.NetworkRuleCollections, g.ApplicationRuleCollection, g.NATRuleCollections)
		}
	}
}

func (c *compiler) uniqueCollections(path string, network, app, nat []spec.FirewallCollection) {
	names := map[string]bool{}
	for _, list := range []struct {
		key  string
		cols []spec.FirewallCollection
	}{{"networkRuleCollections", network}, {"applicationRuleCollections", app}, {"natRuleCollections", nat}} {
		for j, col := range list.cols {
			cp := fmt.Sprintf("%s.%s[%d]", path, list.key, j)
			if col.Name != "" {
				if names[strings.ToLower(col.Name)] {
					c.errAt(cp+".name", "duplicate rule collection name %q; Azure Firewall rule collection names are unique", col.Name)
				}
				names[strings.ToLower(col.Name)] = true
			}
			rules := map[string]bool{}
			for k, r := range col.Rules {
				if r.Name == "" {
					continue
				}
				if rules[strings.ToLower(r.Name)] {
					c.errAt(fmt.Sprintf("%s.rules[%d].name", cp, k), "duplicate rule name %q in collection %s; Azure Firewall rule names are unique in a collection", r.Name, col.Name)
				}
				rules[strings.ToLower(r.Name)] = true
			}
		}
	}
}

// maxTagRoutes is Azure's limit on routes with a service tag as their
// address prefix in one route table (UDR, "Service tags for user-defined routes").
const maxTagRoutes = 25

func (c *compiler) validateRouteTableTags() {
	for i, rt := range c.sc.RouteTables {
		n := 0
		for j, r := range rt.Routes {
			if r.AddressPrefix == "" || looksLikeAddress(r.AddressPrefix) || strings.Contains(r.AddressPrefix, "/") {
				continue
			}
			n++
			if n == maxTagRoutes+1 {
				c.errAt(fmt.Sprintf("routeTables[%d].routes[%d].addressPrefix", i, j), "route table %s has more than %d routes with a service tag prefix, Azure's limit per route table", rt.Name, maxTagRoutes)
			}
		}
	}
}

// validateRecords: private DNS zone and record names are DNS names within
// Azure's limits; a record set is one name and type, a CNAME is alone on its
// name and never at the apex; record values have the record type's family;
// TTLs are 1 to 2147483647 seconds.
func (c *compiler) validateRecords() {
	for i, z := range c.sc.PrivateDNSZones {
		zp := fmt.Sprintf("privateDnsZones[%d]", i)
		zone := strings.ToLower(strings.TrimSuffix(z.Name, "."))
		if zone != "" {
			if msg := dnsNameProblem(zone, false); msg != "" {
				c.errAt(zp+".name", "%q is not a valid private DNS zone name: %s", z.Name, msg)
			} else if strings.Count(zone, ".") < 1 {
				c.errAt(zp+".name", "%q: Azure private DNS zone names have at least two labels", z.Name)
			}
		}
		types := map[string]map[string]int{} // name → type → record index
		for j, r := range z.Records {
			rp := fmt.Sprintf("%s.records[%d]", zp, j)
			label := strings.ToLower(r.Name)
			if label == "" {
				label = "@"
			}
			typ := strings.ToUpper(r.Type)
			switch {
			case strings.HasSuffix(label, "."):
				c.errAt(rp+".name", "%q: a record name is relative to its zone %s (an absolute name is outside the zone)", r.Name, zone)
				continue
			case label != "@":
				wild := strings.TrimPrefix(label, "*.")
				if label == "*" {
					wild = ""
				}
				if wild != "" {
					if msg := dnsNameProblem(wild, false); msg != "" {
						c.errAt(rp+".name", "%q is not a valid record name: %s", r.Name, msg)
						continue
					}
				}
				if zone != "" && (label == zone || strings.HasSuffix(label, "."+zone)) {
					c.errAt(rp+".name", "%q repeats the zone name; a record name is relative to its zone %s", r.Name, zone)
					continue
				}
				if len(label)+1+len(zone) > 253 {
					c.errAt(rp+".name", "%s.%s is longer than 253 characters, the DNS limit", label, zone)
				}
			}
			if typ == "CNAME" && label == "@" {
				c.errAt(rp+".name", "a CNAME record can't be at the zone apex (@): DNS forbids other data beside a CNAME, and the apex holds SOA")
			}
			if types[label] == nil {
				types[label] = map[string]int{}
			}
			if _, dup := types[label][typ]; dup && typ != "" {
				c.errAt(rp+".name", "record set %s %s is given twice; Azure has one record set per name and type (put every value in one)", label, typ)
			}
			for other := range types[label] {
				if other != typ && (other == "CNAME" || typ == "CNAME") {
					c.errAt(rp+".type", "%s already has a %s record; a CNAME can't share its name with other records (RFC 1034)", label, other)
					break
				}
			}
			types[label][typ] = j
			if r.TTL < 0 || r.TTL > 2147483647 {
				c.errAt(rp+".ttl", "%d is out of range: an Azure DNS TTL is 1 to 2147483647 seconds", r.TTL)
			}
			for k, v := range r.Values {
				a, err := netip.ParseAddr(v)
				if err != nil {
					continue // reported by the zone
				}
				switch {
				case typ == "A" && !a.Unmap().Is4():
					c.errAt(fmt.Sprintf("%s.values[%d]", rp, k), "%s is an IPv6 address; an A record holds IPv4 (use AAAA)", v)
				case typ == "AAAA" && a.Is4():
					c.errAt(fmt.Sprintf("%s.values[%d]", rp, k), "%s is an IPv4 address; an AAAA record holds IPv6 (use A)", v)
				}
			}
		}
	}
}

// dnsNameProblem returns why s is not a DNS host name (RFC 1035/1123
// labels: letters, digits, hyphens and, as Azure allows in private zones,
// underscores; 1-63 characters, no leading or trailing hyphen; 253 at most),
// or "".
func dnsNameProblem(s string, allowWildcard bool) string {
	if allowWildcard {
		s = strings.TrimPrefix(s, "*.")
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return "empty"
	}
	if len(s) > 253 {
		return "longer than 253 characters"
	}
	labels := strings.Split(s, ".")
	for _, l := range labels {
		switch {
		case l == "":
			return "an empty label"
		case len(l) > 63:
			return fmt.Sprintf("label %q is longer than 63 characters", l)
		case l[0] == '-' || l[len(l)-1] == '-':
			return fmt.Sprintf("label %q starts or ends with a hyphen", l)
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return fmt.Sprintf("label %q holds %q (letters, digits, hyphens and underscores only)", l, r)
			}
		}
	}
	if allDigits(labels[len(labels)-1]) {
		return "the last label is all digits (a mistyped IP address?)"
	}
	return ""
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// validatePublicIPs: a public IP address belongs to one resource.
func (c *compiler) validatePublicIPs() {
	owner := map[netip.Addr]string{}
	claim := func(path, text, who string) {
		a, err := netip.ParseAddr(text)
		if err != nil {
			return
		}
		a = a.Unmap()
		if prev, ok := owner[a]; ok {
			c.errAt(path, "public IP %s is already %s's; an Azure public IP address is attached to one resource", a, prev)
			return
		}
		owner[a] = who
	}
	for i, vm := range c.sc.VMs {
		if vm.PublicIPAddress != nil && vm.PublicIPAddress.IPAddress != "" {
			claim(fmt.Sprintf("vms[%d].publicIpAddress.ipAddress", i), vm.PublicIPAddress.IPAddress, "VM "+vm.Name)
		}
	}
	for i, fw := range c.sc.Firewalls {
		if fw.PublicIPAddress != "" {
			claim(fmt.Sprintf("firewalls[%d].publicIpAddress", i), fw.PublicIPAddress, "firewall "+fw.Name)
		}
	}
	for i, n := range c.sc.NATGateways {
		for j, s := range n.PublicIPAddresses {
			claim(fmt.Sprintf("natGateways[%d].publicIpAddresses[%d]", i, j), s, "NAT gateway "+n.Name)
		}
	}
	for i, s := range c.sc.Services {
		if s.PublicIPAddress != "" {
			claim(fmt.Sprintf("services[%d].publicIpAddress", i), s.PublicIPAddress, "service "+s.Name)
		}
	}
	for i, b := range c.sc.BastionHosts {
		if b.PublicIPAddress != "" {
			claim(fmt.Sprintf("bastionHosts[%d].publicIpAddress", i), b.PublicIPAddress, "Bastion "+b.Name)
		}
	}
	for i, lb := range c.sc.LoadBalancers {
		for j, fe := range lb.FrontendIPConfigurations {
			if fe.PublicIPAddress != "" {
				claim(fmt.Sprintf("loadBalancers[%d].frontendIpConfigurations[%d].publicIpAddress", i, j), fe.PublicIPAddress, "load balancer "+lb.Name)
			}
		}
	}
}

var (
	reGUID = sync.OnceValue(func() *regexp.Regexp { // compiled on first use, not at start-up
		return regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	})
	bypassOptions = []string{"None", "AzureServices", "Logging", "Metrics"}
)

// validateServices: a workspace ID is a GUID; networkAcls.bypass is a
// comma list of Azure's bypass options; privateLinkServiceNetworkPolicies
// is Enabled or Disabled.
func (c *compiler) validateServices() {
	for i, s := range c.sc.Services {
		path := fmt.Sprintf("services[%d]", i)
		if s.WorkspaceID != "" && !reGUID().MatchString(s.WorkspaceID) {
			c.errAt(path+".workspaceId", "%q is not a GUID; an Azure ML workspace ID looks like 0a1b2c3d-0000-4000-8000-00aa11bb22cc", s.WorkspaceID)
		}
		if s.NetworkACLs != nil && s.NetworkACLs.Bypass != "" {
			parts := strings.Split(s.NetworkACLs.Bypass, ",")
			for _, p := range parts {
				p = strings.TrimSpace(p)
				ok := false
				for _, o := range bypassOptions {
					ok = ok || strings.EqualFold(o, p)
				}
				if !ok {
					c.errAt(path+".networkAcls.bypass", "%q: want None or a comma list of AzureServices, Logging, Metrics (Azure's networkAcls.bypass)", s.NetworkACLs.Bypass)
					break
				}
				if strings.EqualFold(p, "None") && len(parts) > 1 {
					c.errAt(path+".networkAcls.bypass", "%q: None can't be combined with other bypass options", s.NetworkACLs.Bypass)
					break
				}
			}
		}
	}
	for i, v := range c.sc.VNets {
		for j, s := range v.Subnets {
			switch strings.ToLower(s.PrivateLinkServiceNetworkPolicies) {
			case "", "enabled", "disabled":
			default:
				c.errAt(fmt.Sprintf("vnets[%d].subnets[%d].privateLinkServiceNetworkPolicies", i, j), "%q: want Enabled or Disabled", s.PrivateLinkServiceNetworkPolicies)
			}
		}
	}
}
