package topology

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/spec"
)

// Managed network isolation modes (seed 003).
const (
	ModeDisabled         = "Disabled"
	ModeInternetOutbound = "AllowInternetOutbound"
	ModeApprovedOutbound = "AllowOnlyApprovedOutbound"
)

// cite003 is where the managed network is documented.
const cite003 = "seed 003, Workspace Managed Virtual Network Isolation"

// ManagedNetwork is a workspace's managed virtual network, synthesized at
// load time as an ordinary VNet with a subnet for computes, one for private
// endpoints and, with FQDN rules, an Azure Firewall.
type ManagedNetwork struct {
	Workspace   *Service
	Mode        string
	Provisioned bool
	FirewallSKU string
	VNet        *VNet
	Firewall    *Firewall
	// Rules are every outbound rule, the required ones of the mode and the
	// automatic private endpoints included, in order.
	Rules []*OutboundRule
	// Endpoints maps the managed network's private endpoints to the rules
	// that made them.
	Endpoints map[*PrivateEndpoint]*OutboundRule
}

// OutboundRule is a managed network outbound rule.
type OutboundRule struct {
	Name     string
	Type     string // private_endpoint | service_tag | fqdn
	Category string // required | recommended | user-defined
	// private_endpoint
	Service      *Service
	Subresource  string
	SparkEnabled bool
	// service_tag
	Tag      string
	Protocol Protocol
	Ports    []PortRange
	// fqdn
	FQDN string

	serviceName string
}

// Describe names the rule as a trace shows it.
func (r *OutboundRule) Describe() string {
	return fmt.Sprintf("managed network %s rule %s (%s)", strings.ReplaceAll(r.Type, "_", " "), r.Name, r.Category)
}

var isolationModes = map[string]string{
	"disabled": ModeDisabled, "allowinternetoutbound": ModeInternetOutbound, "allow_internet_outbound": ModeInternetOutbound,
	"allowonlyapprovedoutbound": ModeApprovedOutbound, "allow_only_approved_outbound": ModeApprovedOutbound,
}

// requiredTags are the service tags a managed network always allows
// outbound (reference 5.5); VirtualNetwork is the VNet's own default rule.
var requiredTags = []struct {
	tag      string
	regional bool
	proto    Protocol
	ports    string
}{
	{"AzureActiveDirectory", false, ProtocolTCP, "80,443"},
	{"AzureMachineLearning", false, ProtocolTCP, "443,8787,18881"},
	{"AzureMachineLearning", false, ProtocolUDP, "5831"},
	{"BatchNodeManagement", true, ProtocolTCP, "443"},
	{"AzureResourceManager", false, ProtocolTCP, "443"},
	{"AzureFrontDoor.FirstParty", false, ProtocolTCP, "443"},
	{"MicrosoftContainerRegistry", false, ProtocolTCP, "443"},
	{"AzureMonitor", false, ProtocolTCP, "443"},
}

// managedSpaces are the address spaces a managed VNet may take; the first
// that overlaps no VNet of the scenario is used.
var managedSpaces = []string{"10.250.0.0/16", "172.31.0.0/16", "100.80.0.0/16", "10.251.0.0/16"}

// synthesizeManaged validates machineLearning.managedNetwork and adds the
// managed VNet, its NSG, route table, firewall and private endpoints to the
// scenario before it is compiled, so that traces, DNS and intents work on
// managed computes unchanged. It returns what compile finishes afterwards.
func (c *compiler) synthesizeManaged() *managedPlan {
	if c.sc.MachineLearning == nil {
		return nil
	}
	// The synthesized resources are added to a copy: the Document is the
	// caller's and may be compiled again (variants, diff, a second run).
	sc := *c.sc
	ml := *sc.MachineLearning
	ml.Computes = slices.Clone(ml.Computes)
	sc.MachineLearning = &ml
	sc.RouteTables = slices.Clip(sc.RouteTables)
	sc.Firewalls = slices.Clip(sc.Firewalls)
	sc.NetworkSecurityGroups = slices.Clip(sc.NetworkSecurityGroups)
	sc.VNets = slices.Clip(sc.VNets)
	sc.PrivateEndpoints = slices.Clip(sc.PrivateEndpoints)
	c.sc = &sc
	return c.synthesize(&ml)
}

func (c *compiler) synthesize(ml *spec.MachineLearning) *managedPlan {
	if ml == nil {
		return nil
	}
	managedComputes := 0
	for _, cs := range ml.Computes {
		if cs.Managed {
			managedComputes++
		}
	}
	mn := ml.ManagedNetwork
	if mn == nil {
		if managedComputes > 0 {
			c.errAt("machineLearning.computes", "managed computes need machineLearning.managedNetwork (%s)", cite003)
		}
		return nil
	}
	const path = "machineLearning.managedNetwork"
	mode, ok := isolationModes[strings.ToLower(mn.IsolationMode)]
	if !ok {
		c.errAt(path+".isolationMode", "%q: want Disabled, AllowInternetOutbound or AllowOnlyApprovedOutbound", mn.IsolationMode)
		return nil
	}
	plan := &managedPlan{net: &ManagedNetwork{Mode: mode, FirewallSKU: mn.FirewallSKU, Endpoints: map[*PrivateEndpoint]*OutboundRule{}}}
	switch strings.ToLower(mn.Status) {
	case "", "notprovisioned", "not_provisioned", "inactive":
	case "provisioned", "active":
		plan.net.Provisioned = true
	default:
		c.errAt(path+".status", "%q: want Provisioned or NotProvisioned", mn.Status)
	}
	switch strings.ToLower(mn.FirewallSKU) {
	case "", "standard", "basic":
	default:
		c.errAt(path+".firewall_sku", "%q: want Standard or Basic", mn.FirewallSKU)
	}
	ws := c.findService(ml.Workspace)
	if ws == nil || !strings.EqualFold(ws.Type, TypeWorkspace) {
		return nil // compileML reports the workspace
	}
	region := strings.ToLower(ws.Region)
	if region == "" {
		region = strings.ToLower(c.sc.Region)
	}
	if mode == ModeDisabled {
		if managedComputes > 0 {
			c.errAt(path+".isolationMode", "isolation mode Disabled has no managed network, so no compute can be managed: true (%s)", cite003)
		}
		if len(mn.OutboundRules) > 0 {
			c.errAt(path+".outboundRules", "isolation mode Disabled takes no outbound rules (%s)", cite003)
		}
		return plan
	}

	// The outbound rules as written.
	var fqdnRules, tagRules, peRules []*OutboundRule
	names := map[string]bool{}
	for i := range mn.OutboundRules {
		rs := &mn.OutboundRules[i]
		rp := fmt.Sprintf("%s.outboundRules[%d]", path, i)
		r := c.outboundRule(rs, rp, mode)
		if r == nil {
			continue
		}
		if names[r.Name] {
			c.errAt(rp+".name", "duplicate outbound rule %q", r.Name)
			continue
		}
		names[r.Name] = true
		switch r.Type {
		case "fqdn":
			fqdnRules = append(fqdnRules, r)
		case "service_tag":
			tagRules = append(tagRules, r)
		case "private_endpoint":
			peRules = append(peRules, r)
		}
	}

	// The managed VNet.
	vnetName := ws.Name + "-managed-vnet"
	var space netip.Prefix
	for _, cand := range managedSpaces {
		p := netip.MustParsePrefix(cand)
		free := true
		for _, v := range c.sc.VNets {
			for _, s := range v.AddressSpace {
				if q, err := netip.ParsePrefix(s); err == nil && q.Overlaps(p) {
					free = false
				}
			}
		}
		if free {
			space = p
			break
		}
	}
	if !space.IsValid() {
		c.errAt(path, "no free address space left for the managed VNet (vnetsim uses %s)", strings.Join(managedSpaces, ", "))
		return nil
	}
	base := space.Addr().As4()
	sub := func(third byte, bits int) string {
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{base[0], base[1], third, 0}), bits).String()
	}
	firewall := mode == ModeApprovedOutbound && len(fqdnRules) > 0
	nsgName := ws.Name + "-managed-nsg"
	computeSubnet := spec.Subnet{Name: "computes", AddressPrefix: sub(0, 20), NetworkSecurityGroup: nsgName}
	vn := spec.VNet{Name: vnetName, Region: region, AddressSpace: []string{space.String()}, Subnets: []spec.Subnet{computeSubnet, {Name: "private-endpoints", AddressPrefix: sub(16, 24)}}}
	plan.vnet = vnetName

	// The mode's outbound filter: an NSG that names the rule or default that
	// decides, and with FQDN rules a firewall that every flow goes through.
	nsg := spec.NSG{Name: nsgName}
	prio := 100
	rule := func(name, access, proto, dst, ports string) {
		nsg.SecurityRules = append(nsg.SecurityRules, spec.SecurityRule{Name: name, Priority: prio, Direction: "Outbound", Access: access, Protocol: proto,
			SourceAddressPrefix: "*", SourcePortRange: "*", DestinationAddressPrefix: dst, DestinationPortRange: ports})
		prio += 10
	}
	tagName := func(t string, regional bool) string {
		if regional {
			if st, ok := c.tags.Lookup(t + "." + region); ok {
				return st.Name
			}
		}
		return t
	}
	switch {
	case mode == ModeInternetOutbound:
		rule("mode-AllowInternetOutbound", "Allow", "*", "Internet", "*")
	case firewall:
		// The firewall decides; the NSG lets everything reach it.
		rule("mode-AllowOnlyApprovedOutbound-via-firewall", "Allow", "*", "*", "*")
		fw := spec.Firewall{Name: ws.Name + "-managed-fw", Subnet: vnetName + "/AzureFirewallSubnet"}
		req := spec.FirewallCollection{Name: "required", Priority: 100, Action: "Allow"}
		for _, rt := range requiredTags {
			req.Rules = append(req.Rules, spec.FirewallRule{Name: "required-" + rt.tag + "-" + string(rt.proto), Protocols: []string{string(rt.proto)}, SourceAddresses: []string{"*"},
				DestinationAddresses: []string{tagName(rt.tag, rt.regional)}, DestinationPorts: strings.Split(rt.ports, ",")})
		}
		fw.NetworkRuleCollections = append(fw.NetworkRuleCollections, req)
		if len(tagRules) > 0 {
			user := spec.FirewallCollection{Name: "service-tag-rules", Priority: 200, Action: "Allow"}
			for _, r := range tagRules {
				user.Rules = append(user.Rules, spec.FirewallRule{Name: r.Name, Protocols: []string{fwProto(r.Protocol)}, SourceAddresses: []string{"*"},
					DestinationAddresses: []string{r.Tag}, DestinationPorts: portStrings(r.Ports)})
			}
			fw.NetworkRuleCollections = append(fw.NetworkRuleCollections, user)
		}
		apps := spec.FirewallCollection{Name: "fqdn-rules", Priority: 300, Action: "Allow"}
		for _, r := range fqdnRules {
			apps.Rules = append(apps.Rules, spec.FirewallRule{Name: r.Name, Protocols: []string{"Http:80", "Https:443"}, SourceAddresses: []string{"*"}, TargetFqdns: []string{r.FQDN}})
		}
		fw.ApplicationRuleCollection = append(fw.ApplicationRuleCollection, apps)
		vn.Subnets = append(vn.Subnets, spec.Subnet{Name: "AzureFirewallSubnet", AddressPrefix: sub(17, 26)})
		rtName := ws.Name + "-managed-rt"
		vn.Subnets[0].RouteTable = rtName
		fwIP := netip.AddrFrom4([4]byte{base[0], base[1], 17, 4}).String()
		fw.PrivateIPAddress = fwIP
		c.sc.RouteTables = append(c.sc.RouteTables, spec.RouteTable{Name: rtName, Routes: []spec.Route{{Name: "to-managed-firewall", AddressPrefix: "0.0.0.0/0", NextHopType: "VirtualAppliance", NextHopIPAddress: fwIP}}})
		c.sc.Firewalls = append(c.sc.Firewalls, fw)
		plan.firewall = fw.Name
	default:
		for _, rt := range requiredTags {
			rule("required-"+rt.tag+"-"+string(rt.proto), "Allow", string(rt.proto), tagName(rt.tag, rt.regional), rt.ports)
		}
		for _, r := range tagRules {
			rule(r.Name, "Allow", string(r.Protocol), r.Tag, joinPorts(r.Ports))
		}
		prio = 4000
		rule("mode-AllowOnlyApprovedOutbound-deny-internet", "Deny", "*", "Internet", "*")
	}
	c.sc.NetworkSecurityGroups = append(c.sc.NetworkSecurityGroups, nsg)
	c.sc.VNets = append(c.sc.VNets, vn)

	// Private endpoints: the automatic ones for the workspace and its
	// resources, then the private_endpoint rules.
	auto := []struct{ svc, group string }{{ml.Workspace, "amlworkspace"}, {ml.StorageAccount, "blob"}, {ml.StorageAccount, "file"}, {ml.KeyVault, "vault"}, {ml.ContainerRegistry, "registry"}}
	seen := map[string]bool{}
	addPE := func(r *OutboundRule, svcName string) {
		key := svcName + "/" + r.Subresource
		if seen[key] {
			return
		}
		seen[key] = true
		pe := spec.PrivateEndpoint{Name: "managed-pe-" + svcName + "-" + r.Subresource, Subnet: vnetName + "/private-endpoints", Service: svcName, GroupID: r.Subresource}
		c.sc.PrivateEndpoints = append(c.sc.PrivateEndpoints, pe)
		plan.peRules = append(plan.peRules, peRule{pe.Name, r})
	}
	for _, a := range auto {
		svc := c.findService(a.svc)
		if svc == nil {
			continue
		}
		private := strings.EqualFold(svc.PublicNetworkAccess, "Disabled")
		if mode == ModeInternetOutbound && !private {
			continue
		}
		r := &OutboundRule{Name: "required-" + svc.Name + "-" + a.group, Type: "private_endpoint", Category: "required", Subresource: a.group}
		plan.net.Rules = append(plan.net.Rules, r)
		plan.svcOf = append(plan.svcOf, svcRule{r, svc.Name})
		addPE(r, svc.Name)
	}
	for _, r := range peRules {
		plan.net.Rules = append(plan.net.Rules, r)
		plan.svcOf = append(plan.svcOf, svcRule{r, r.serviceName})
		addPE(r, r.serviceName)
	}
	plan.net.Rules = append(plan.net.Rules, tagRules...)
	plan.net.Rules = append(plan.net.Rules, fqdnRules...)

	// Managed computes live in the managed VNet, with no public IP.
	for i := range ml.Computes {
		cs := &ml.Computes[i]
		if !cs.Managed {
			continue
		}
		cp := fmt.Sprintf("machineLearning.computes[%d]", i)
		switch strings.ToLower(cs.Type) {
		case "virtualmachine", "hdinsight", "kubernetes":
			c.errAt(cp+".managed", "a %s can't be a managed compute: managed networks don't support Kubernetes or attached VMs (%s)", cs.Type, cite003)
			continue
		}
		if cs.Subnet != "" {
			c.errAt(cp+".subnet", "a managed compute lives in the managed VNet; remove subnet")
		}
		if cs.Region != "" && !strings.EqualFold(cs.Region, region) {
			c.errAt(cp+".region", "%s: a managed compute can't be in another region than the workspace (%s) (%s)", cs.Region, region, cite003)
		}
		if cs.EnableNodePublicIP != nil && *cs.EnableNodePublicIP {
			c.errAt(cp+".enableNodePublicIp", "managed computes have no public IP (%s)", cite003)
		}
		f := false
		cs.EnableNodePublicIP = &f
		cs.Subnet = vnetName + "/computes"
		cs.Managed = false
		plan.computes = append(plan.computes, cs.Name)
	}
	return plan
}

// managedPlan carries what synthesizeManaged added, for compile to resolve.
type managedPlan struct {
	net      *ManagedNetwork
	vnet     string
	firewall string
	peRules  []peRule
	svcOf    []svcRule
	computes []string
}

type peRule struct {
	pe   string
	rule *OutboundRule
}

type svcRule struct {
	rule *OutboundRule
	svc  string
}

// finishManaged resolves the synthesized resources once compiled.
func (c *compiler) finishManaged(plan *managedPlan) {
	if plan == nil {
		return
	}
	t := c.t
	m := plan.net
	m.Workspace = t.services[c.sc.MachineLearning.Workspace]
	m.VNet = t.vnets[plan.vnet]
	for _, fw := range t.Firewalls {
		if fw.Name == plan.firewall {
			m.Firewall = fw
		}
	}
	for _, sr := range plan.svcOf {
		sr.rule.Service = t.services[sr.svc]
	}
	for _, pr := range plan.peRules {
		if n := t.nics[pr.pe]; n != nil && n.PrivateEndpoint != nil {
			m.Endpoints[n.PrivateEndpoint] = pr.rule
		}
	}
	for _, name := range plan.computes {
		if cp := t.computes[name]; cp != nil {
			cp.Managed = true
		}
	}
	if t.ML != nil {
		t.ML.Managed = m
	}
}

func (c *compiler) findService(name string) *spec.Service {
	for i := range c.sc.Services {
		if c.sc.Services[i].Name == name {
			return &c.sc.Services[i]
		}
	}
	return nil
}

// outboundRule validates one outbound rule as written (seed 003).
func (c *compiler) outboundRule(rs *spec.OutboundRule, rp, mode string) *OutboundRule {
	r := &OutboundRule{Name: rs.Name, Type: strings.ToLower(rs.Type), Category: "user-defined"}
	if rs.Name == "" {
		c.errAt(rp, "missing name")
		return nil
	}
	switch strings.ToLower(rs.Category) {
	case "", "user_defined", "user-defined", "userdefined":
	case "required", "recommended":
		r.Category = strings.ToLower(rs.Category)
	default:
		c.errAt(rp+".category", "%q: want required, recommended or user_defined", rs.Category)
	}
	d := &rs.Destination
	field := func(key string) (string, bool) {
		if d.Kind != yaml.MappingNode {
			return "", false
		}
		for i := 0; i+1 < len(d.Content); i += 2 {
			if d.Content[i].Value == key {
				return d.Content[i+1].Value, true
			}
		}
		return "", false
	}
	allowed := func(keys ...string) {
		if d.Kind != yaml.MappingNode {
			c.errAt(rp+".destination", "a %s rule's destination is a mapping of %s", r.Type, strings.Join(keys, ", "))
			return
		}
		for i := 0; i+1 < len(d.Content); i += 2 {
			if !slices.Contains(keys, d.Content[i].Value) {
				c.errAt(rp+".destination."+d.Content[i].Value, "unknown key %q in a %s destination (want %s)", d.Content[i].Value, r.Type, strings.Join(keys, ", "))
			}
		}
	}
	switch r.Type {
	case "private_endpoint":
		allowed("service_resource_id", "service", "subresource_target", "spark_enabled")
		id, _ := field("service_resource_id")
		name, _ := field("service")
		if name == "" && id != "" {
			name = id[strings.LastIndex(id, "/")+1:]
		}
		svc := c.findService(name)
		switch {
		case name == "":
			c.errAt(rp+".destination", "missing: give service_resource_id or service")
			return nil
		case svc == nil:
			c.errAt(rp+".destination", "unknown service %q", name)
			return nil
		}
		r.serviceName = svc.Name
		r.Subresource, _ = field("subresource_target")
		r.Subresource = strings.ToLower(r.Subresource)
		groups := serviceGroups[canonicalType(svc.Type)]
		if !slices.Contains(groups, r.Subresource) {
			c.errAt(rp+".destination.subresource_target", "%q is not a sub-resource of %s; want one of %s", r.Subresource, svc.Type, strings.Join(groups, ", "))
			return nil
		}
		if v, ok := field("spark_enabled"); ok {
			r.SparkEnabled = strings.EqualFold(v, "true")
		}
	case "service_tag":
		allowed("service_tag", "protocol", "port_ranges")
		if mode != ModeApprovedOutbound {
			c.errAt(rp+".type", "service_tag rules are only for isolation mode AllowOnlyApprovedOutbound (%s)", cite003)
		}
		tag, _ := field("service_tag")
		name, ok := c.tags.Lookup(tag)
		if !ok {
			c.errAt(rp+".destination.service_tag", "unknown service tag %q", tag)
			return nil
		}
		r.Tag = name.Name
		c.useTag(name.Name)
		proto, _ := field("protocol")
		p, err := ParseProtocol(proto)
		if err != nil {
			c.errAt(rp+".destination.protocol", "%q: want TCP, UDP, ICMP or *", proto)
			return nil
		}
		r.Protocol = p
		ports, _ := field("port_ranges")
		if ports == "" {
			ports = "*"
		}
		pr, err := ParsePortRanges(ports)
		if err != nil {
			c.errAt(rp+".destination.port_ranges", "%q: want *, ports and ranges like \"80, 8080-8089\"", ports)
			return nil
		}
		r.Ports = pr
	case "fqdn":
		if mode != ModeApprovedOutbound {
			c.errAt(rp+".type", "fqdn rules are only for isolation mode AllowOnlyApprovedOutbound (%s)", cite003)
		}
		if d.Kind != yaml.ScalarNode || d.Value == "" {
			c.errAt(rp+".destination", "an fqdn rule's destination is a host name such as pypi.org")
			return nil
		}
		r.FQDN = strings.ToLower(d.Value)
		if err := CheckDNSName(strings.TrimPrefix(r.FQDN, "*.")); err != nil {
			c.errAt(rp+".destination", "%q is not a host name", d.Value)
			return nil
		}
		for _, st := range []string{".blob.core.windows.net", ".file.core.windows.net", ".queue.core.windows.net", ".table.core.windows.net", ".dfs.core.windows.net"} {
			if strings.HasSuffix(r.FQDN, st) || r.FQDN == strings.TrimPrefix(st, ".") {
				c.errAt(rp+".destination", "%s is a storage account: in AllowOnlyApprovedOutbound use a private_endpoint rule, not an FQDN rule (%s)", r.FQDN, cite003)
			}
		}
	case "":
		c.errAt(rp+".type", "missing: want private_endpoint, service_tag or fqdn")
		return nil
	default:
		c.errAt(rp+".type", "%q: want private_endpoint, service_tag or fqdn", rs.Type)
		return nil
	}
	return r
}

func canonicalType(t string) string {
	for k := range serviceGroups {
		if strings.EqualFold(k, t) {
			return k
		}
	}
	return t
}

func fwProto(p Protocol) string {
	switch p {
	case ProtocolTCP:
		return "TCP"
	case ProtocolUDP:
		return "UDP"
	case ProtocolICMP:
		return "ICMP"
	}
	return "Any"
}

func portStrings(rs []PortRange) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.String())
	}
	return out
}

func joinPorts(rs []PortRange) string { return strings.Join(portStrings(rs), ",") }
