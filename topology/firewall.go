package topology

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/vnetsim/vnetsim/spec"
	"go4.org/netipx"
)

// Firewall is a compiled Azure Firewall: its NIC in AzureFirewallSubnet and
// its rule collections in processing order per type (reference 5.3).
type Firewall struct {
	Name       string
	Path       string // firewalls[i], for messages
	NIC        *NIC
	PublicIP   netip.Addr
	DNSProxy   bool
	DNSServers []netip.Addr
	// Policy is true when the rules come from Firewall Policy rule collection
	// groups rather than classic rule collections.
	Policy bool
	// PrivateRanges are the destinations network rules do not SNAT to
	// (IANA private ranges unless set; 255.255.255.255/32 means always SNAT).
	PrivateRanges *PrefixSet
	// ForcedTunnel is set when the firewall has a management IP
	// configuration: internet-bound traffic then leaves through
	// AzureFirewallSubnet's routes and is SNATed to the firewall's private
	// address (Azure Firewall SNAT private IP ranges; forced tunneling).
	ForcedTunnel bool
	// ManagementSubnet is AzureFirewallManagementSubnet in forced tunneling mode.
	ManagementSubnet *Subnet
	ManagementIP     netip.Addr
	DNAT             []*FirewallCollection
	Network          []*FirewallCollection
	Application      []*FirewallCollection
}

// FirewallCollection is a rule collection of one type.
type FirewallCollection struct {
	Name          string
	Group         string // the rule collection group, for a policy
	GroupPriority int
	Priority      int
	Allow         bool
	Rules         []*FirewallRule
	label         string // Label, built once at load time
}

// Label names the collection as a trace shows it.
func (c *FirewallCollection) Label() string {
	if c.label != "" {
		return c.label
	}
	return c.makeLabel()
}

func (c *FirewallCollection) makeLabel() string {
	if c.Group != "" {
		return fmt.Sprintf("%s/%s (group priority %d, collection priority %d)", c.Group, c.Name, c.GroupPriority, c.Priority)
	}
	return fmt.Sprintf("%s (priority %d)", c.Name, c.Priority)
}

// Action returns Allow or Deny.
func (c *FirewallCollection) Action() string {
	if c.Allow {
		return "Allow"
	}
	return "Deny"
}

// FirewallRule is a compiled DNAT, network or application rule.
type FirewallRule struct {
	Name string
	// Network and DNAT rules.
	Protocols []Protocol // ProtocolAny for Any
	// Application rules: protocol and port pairs, e.g. Https 443.
	AppProtocols   []AppProtocol
	Src            []AddrMatch
	Dst            []AddrMatch
	DstFQDNs       []string // network rules, with DNS proxy
	Ports          PortSet
	TargetFQDNs    []string // application rules, wildcards allowed
	FQDNTags       []string
	Translated     netip.Addr
	TranslatedPort uint16
}

// AppProtocol is an application rule protocol: Http, Https or Mssql and a port.
type AppProtocol struct {
	Name string // Http | Https | Mssql
	Port uint16
}

// FQDNTagHosts is what vnetsim knows of Azure Firewall FQDN tags: each expands
// to the documented host patterns. Any other tag is an error.
var FQDNTagHosts = map[string][]string{
	"AzureKubernetesService":           {"*.hcp.*.azmk8s.io", "mcr.microsoft.com", "*.data.mcr.microsoft.com", "management.azure.com", "login.microsoftonline.com", "packages.microsoft.com", "acs-mirror.azureedge.net"},
	"WindowsUpdate":                    {"*.update.microsoft.com", "*.windowsupdate.com", "*.windowsupdate.microsoft.com", "download.windowsupdate.com", "*.download.windowsupdate.com", "*.delivery.mp.microsoft.com"},
	"WindowsDiagnostics":               {"*.vortex-win.data.microsoft.com", "*.settings-win.data.microsoft.com", "v10.events.data.microsoft.com"},
	"MicrosoftActiveProtectionService": {"*.wdcp.microsoft.com", "*.wdcpalt.microsoft.com", "*.wd.microsoft.com"},
	"AzureBackup":                      {"*.backup.windowsazure.com", "*.blob.core.windows.net", "*.queue.core.windows.net"},
	"HDInsight":                        {"*.azurehdinsight.net", "*.blob.core.windows.net", "login.microsoftonline.com", "login.windows.net"},
}

func canonicalFQDNTag(s string) (string, bool) {
	for k := range FQDNTagHosts {
		if strings.EqualFold(k, s) {
			return k, true
		}
	}
	return "", false
}

// MatchFQDN reports whether name matches pattern: an exact name, "*" for any
// name, or a left-most "*" followed by text for any name ending in that
// text: "*.contoso.com" matches names under contoso.com but not the apex,
// "*contoso.com" matches contoso.com and every name ending in it (Azure
// Firewall FAQ, wildcards in target FQDNs). A "*" inside a label (as in the
// FQDN tag pattern *.hcp.*.azmk8s.io) matches one label.
func MatchFQDN(pattern, name string) bool {
	pattern = strings.ToLower(strings.TrimSuffix(pattern, "."))
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if pattern == "*" {
		return name != ""
	}
	if rest, ok := strings.CutPrefix(pattern, "*"); ok && rest != "" && !strings.Contains(rest, "*") {
		return strings.HasSuffix(name, rest)
	}
	pl, nl := strings.Split(pattern, "."), strings.Split(name, ".")
	if len(pl) != len(nl) {
		return false
	}
	for i := range pl {
		if pl[i] != "*" && pl[i] != nl[i] {
			return false
		}
	}
	return true
}

func (c *compiler) compileIPGroups() map[string][]netip.Prefix {
	groups := map[string][]netip.Prefix{}
	for i, g := range c.sc.IPGroups {
		path := fmt.Sprintf("ipGroups[%d]", i)
		if g.Name == "" {
			c.errAt(path, "missing name")
			continue
		}
		if _, dup := groups[g.Name]; dup {
			c.errAt(path+".name", "duplicate IP group %q", g.Name)
			continue
		}
		var ps []netip.Prefix
		for j, a := range g.IPAddresses {
			p, ok := parseFirewallAddress(a)
			if !ok {
				c.errAt(fmt.Sprintf("%s.ipAddresses[%d]", path, j), "%q is not a valid IP address, CIDR or range", a)
				continue
			}
			ps = append(ps, p...)
		}
		groups[g.Name] = ps
	}
	return groups
}

// parseFirewallAddress reads an IP, a CIDR or a range a.b.c.d-e.f.g.h.
func parseFirewallAddress(s string) ([]netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if lo, hi, ok := strings.Cut(s, "-"); ok {
		a, err1 := netip.ParseAddr(strings.TrimSpace(lo))
		b, err2 := netip.ParseAddr(strings.TrimSpace(hi))
		if err1 != nil || err2 != nil || b.Less(a) || a.Is4() != b.Is4() {
			return nil, false
		}
		return netipx.IPRangeFrom(a.Unmap(), b.Unmap()).Prefixes(), true
	}
	p, ok := parsePrefixOrAddr(s)
	if !ok {
		return nil, false
	}
	return []netip.Prefix{p}, true
}

var fwNetProtocols = map[string]Protocol{"tcp": ProtocolTCP, "udp": ProtocolUDP, "icmp": ProtocolICMP, "any": ProtocolAny, "*": ProtocolAny}

func (c *compiler) compileFirewalls() {
	groups := c.compileIPGroups()
	for i := range c.sc.Firewalls {
		fs := &c.sc.Firewalls[i]
		path := fmt.Sprintf("firewalls[%d]", i)
		if !c.claim(path+".name", fs.Name, "firewall") {
			continue
		}
		fw := &Firewall{Name: fs.Name, Path: path, DNSProxy: fs.DNSProxy}
		s := c.subnetRef(path+".subnet", fs.Subnet)
		if s != nil && s.Name != "AzureFirewallSubnet" {
			c.errAt(path+".subnet", "an Azure Firewall lives in a subnet named AzureFirewallSubnet, not %s", s.Name)
			s = nil
		}
		if s != nil && s.NSG != nil {
			c.errAt(path+".subnet", "AzureFirewallSubnet can't have a network security group (%s)", s.NSG.Name)
		}
		if fs.ThreatIntelMode != "" && !strings.EqualFold(fs.ThreatIntelMode, "Off") {
			c.unsupported(path+".threatIntelMode", "threat intelligence filtering", "issue 4")
		}
		if fs.PublicIPAddress != "" {
			a, err := netip.ParseAddr(fs.PublicIPAddress)
			if err != nil || IsPrivate(a) {
				c.errAt(path+".publicIpAddress", "%q is not a public IP address", fs.PublicIPAddress)
			} else {
				fw.PublicIP = a.Unmap()
			}
		} else if s != nil {
			fw.PublicIP = c.publicIPFor(s.VNet.Region)
		}
		for j, d := range fs.DNSServers {
			a, err := netip.ParseAddr(d)
			if err != nil {
				c.errAt(fmt.Sprintf("%s.dnsServers[%d]", path, j), "%q is not a valid IP address", d)
				continue
			}
			fw.DNSServers = append(fw.DNSServers, a.Unmap())
		}
		ranges := []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"}
		if len(fs.PrivateRanges) > 0 {
			ranges = fs.PrivateRanges
		}
		var pr []netip.Prefix
		for j, r := range ranges {
			p, err := netip.ParsePrefix(r)
			if err != nil {
				c.errAt(fmt.Sprintf("%s.privateRanges[%d]", path, j), "%q is not a valid CIDR", r)
				continue
			}
			pr = append(pr, p.Masked())
		}
		fw.PrivateRanges = NewPrefixSet(pr)
		classic := len(fs.NetworkRuleCollections)+len(fs.ApplicationRuleCollection)+len(fs.NATRuleCollections) > 0
		if classic && len(fs.RuleCollectionGroups) > 0 {
			c.errAt(path+".ruleCollectionGroups", "a firewall uses either classic rule collections or a policy's rule collection groups, not both")
		}
		add := func(kind string, list []spec.FirewallCollection, gpath, group string, gprio int) {
			for j := range list {
				cs := &list[j]
				cp := fmt.Sprintf("%s.%sRuleCollections[%d]", gpath, kind, j)
				col := c.compileFwCollection(cs, cp, kind, groups, fs.DNSProxy)
				if col == nil {
					continue
				}
				col.Group, col.GroupPriority = group, gprio
				switch kind {
				case "nat":
					fw.DNAT = append(fw.DNAT, col)
				case "network":
					fw.Network = append(fw.Network, col)
				case "application":
					fw.Application = append(fw.Application, col)
				}
			}
		}
		add("network", fs.NetworkRuleCollections, path, "", 0)
		add("application", fs.ApplicationRuleCollection, path, "", 0)
		add("nat", fs.NATRuleCollections, path, "", 0)
		for j := range fs.RuleCollectionGroups {
			g := &fs.RuleCollectionGroups[j]
			gp := fmt.Sprintf("%s.ruleCollectionGroups[%d]", path, j)
			fw.Policy = true
			if g.Name == "" {
				c.errAt(gp, "missing name")
			}
			if g.Priority < 100 || g.Priority > 65000 {
				c.errAt(gp+".priority", "%d is outside 100-65000", g.Priority)
			}
			add("network", g.NetworkRuleCollections, gp, g.Name, g.Priority)
			add("application", g.ApplicationRuleCollection, gp, g.Name, g.Priority)
			add("nat", g.NATRuleCollections, gp, g.Name, g.Priority)
		}
		for _, list := range [][]*FirewallCollection{fw.DNAT, fw.Network, fw.Application} {
			sort.SliceStable(list, func(a, b int) bool {
				if list[a].GroupPriority != list[b].GroupPriority {
					return list[a].GroupPriority < list[b].GroupPriority
				}
				return list[a].Priority < list[b].Priority
			})
			for _, col := range list {
				col.label = col.makeLabel()
			}
		}
		c.compileForcedTunnel(fw, fs, s, path)
		if s == nil {
			continue
		}
		static, ok := c.staticIP(s, fs.PrivateIPAddress, path+".privateIpAddress")
		if !ok {
			continue
		}
		n := &NIC{Name: fs.Name, Kind: KindFirewall, Subnet: s, ASGs: map[string]bool{}, IPForwarding: true, Firewall: fw, PublicIP: fw.PublicIP, PublicIPSKU: "Standard"}
		n.IP = c.allocate(s, static, path+".privateIpAddress", fs.Name)
		fw.NIC = n
		c.addNIC(n)
		c.t.Firewalls = append(c.t.Firewalls, fw)
	}
}

func (c *compiler) compileFwCollection(cs *spec.FirewallCollection, path, kind string, groups map[string][]netip.Prefix, dnsProxy bool) *FirewallCollection {
	col := &FirewallCollection{Name: cs.Name, Priority: cs.Priority}
	if cs.Name == "" {
		c.errAt(path, "missing name")
	}
	if cs.Priority < 100 || cs.Priority > 65000 {
		c.errAt(path+".priority", "%d is outside 100-65000", cs.Priority)
	}
	switch strings.ToLower(cs.Action) {
	case "allow":
		col.Allow = true
	case "deny":
	case "dnat":
		if kind != "nat" {
			c.errAt(path+".action", "Dnat is the action of a NAT rule collection only")
		}
		col.Allow = true
	case "":
		if kind != "nat" {
			c.errAt(path+".action", "missing: want Allow or Deny")
		}
		col.Allow = true
	default:
		c.errAt(path+".action", "%q: want Allow or Deny", cs.Action)
	}
	for k := range cs.Rules {
		rs := &cs.Rules[k]
		rp := fmt.Sprintf("%s.rules[%d]", path, k)
		r := &FirewallRule{Name: rs.Name}
		if rs.Name == "" {
			c.errAt(rp, "missing name")
		}
		r.Src = c.fwAddresses(rp, "source", rs.SourceAddresses, rs.SourceIPGroups, groups, false)
		switch kind {
		case "application":
			for j, p := range rs.Protocols {
				name, port, _ := strings.Cut(p, ":")
				ap := AppProtocol{}
				switch strings.ToLower(name) {
				case "http":
					ap = AppProtocol{"Http", 80}
				case "https":
					ap = AppProtocol{"Https", 443}
				case "mssql":
					ap = AppProtocol{"Mssql", 1433}
				default:
					c.errAt(fmt.Sprintf("%s.protocols[%d]", rp, j), "%q: application rules take Http, Https or Mssql with an optional :port", p)
					continue
				}
				if port != "" {
					rsP, err := ParsePortRanges(port)
					if err != nil || len(rsP) != 1 || rsP[0].Lo != rsP[0].Hi {
						c.errAt(fmt.Sprintf("%s.protocols[%d]", rp, j), "%q: the port after the colon is one number", p)
						continue
					}
					ap.Port = rsP[0].Lo
				}
				r.AppProtocols = append(r.AppProtocols, ap)
			}
			if len(r.AppProtocols) == 0 && len(rs.FqdnTags) == 0 {
				c.errAt(rp+".protocols", "missing: an application rule needs protocols such as [\"Https:443\"]")
			}
			r.TargetFQDNs = rs.TargetFqdns
			for j, f := range rs.TargetFqdns {
				if i := strings.LastIndex(f, "*"); i > 0 || f == "" {
					c.errAt(fmt.Sprintf("%s.targetFqdns[%d]", rp, j), "%q: Azure Firewall accepts a wildcard only as the left-most character (*.contoso.com or *contoso.com)", f)
				}
			}
			for j, tg := range rs.FqdnTags {
				name, ok := canonicalFQDNTag(tg)
				if !ok {
					c.errAt(fmt.Sprintf("%s.fqdnTags[%d]", rp, j), "unknown FQDN tag %q; vnetsim knows %s", tg, strings.Join(slices.Sorted(maps.Keys(FQDNTagHosts)), ", "))
					continue
				}
				r.FQDNTags = append(r.FQDNTags, name)
			}
			if len(r.TargetFQDNs) == 0 && len(rs.FqdnTags) == 0 {
				c.errAt(rp+".targetFqdns", "missing: an application rule needs targetFqdns or fqdnTags")
			}
			if len(rs.DestinationAddresses)+len(rs.DestinationPorts)+len(rs.DestinationFqdns) > 0 {
				c.errAt(rp, "an application rule matches targetFqdns, not destination addresses or ports")
			}
		default:
			for j, p := range rs.Protocols {
				pr, ok := fwNetProtocols[strings.ToLower(p)]
				if !ok {
					c.errAt(fmt.Sprintf("%s.protocols[%d]", rp, j), "%q: want TCP, UDP, ICMP or Any", p)
					continue
				}
				r.Protocols = append(r.Protocols, pr)
			}
			if len(rs.Protocols) == 0 {
				c.errAt(rp+".protocols", "missing: want a list of TCP, UDP, ICMP or Any")
			}
			r.Dst = c.fwAddresses(rp, "destination", rs.DestinationAddresses, rs.DestinationIPGroups, groups, kind == "network")
			r.DstFQDNs = rs.DestinationFqdns
			if len(rs.DestinationFqdns) > 0 {
				if kind == "nat" {
					c.errAt(rp+".destinationFqdns", "DNAT rules match the firewall's public address, not FQDNs")
				} else if !dnsProxy {
					c.errAt(rp+".destinationFqdns", "network rules can match FQDNs only when the firewall's dnsProxy is true")
				}
				for j, f := range rs.DestinationFqdns {
					if strings.Contains(f, "*") {
						c.errAt(fmt.Sprintf("%s.destinationFqdns[%d]", rp, j), "%q: network rule FQDNs can't hold wildcards", f)
					}
				}
			}
			if len(r.Dst) == 0 && len(r.DstFQDNs) == 0 {
				c.errAt(rp+".destinationAddresses", "missing: give destinationAddresses, destinationIpGroups or destinationFqdns")
			}
			if len(rs.DestinationPorts) == 0 && !onlyICMP(r.Protocols) {
				c.errAt(rp+".destinationPorts", "missing: give destinationPorts (\"*\" for any)")
			}
			for j, ps := range rs.DestinationPorts {
				prs, err := ParsePortRanges(ps)
				if err != nil {
					c.errAt(fmt.Sprintf("%s.destinationPorts[%d]", rp, j), "%q: want *, a port or a range lo-hi", ps)
					continue
				}
				for _, pr := range prs {
					r.Ports = r.Ports.Add(pr)
				}
			}
			if len(rs.TargetFqdns)+len(rs.FqdnTags) > 0 {
				c.errAt(rp, "targetFqdns and fqdnTags belong in application rules")
			}
			if kind == "nat" {
				a, err := netip.ParseAddr(rs.TranslatedAddress)
				if err != nil {
					c.errAt(rp+".translatedAddress", "%q is not a valid IP address", rs.TranslatedAddress)
				}
				r.Translated = a.Unmap()
				tp, err := ParsePortRanges(rs.TranslatedPort)
				if err != nil || len(tp) != 1 || tp[0].Lo != tp[0].Hi {
					c.errAt(rp+".translatedPort", "%q is not a port", rs.TranslatedPort)
				} else {
					r.TranslatedPort = tp[0].Lo
				}
			} else if rs.TranslatedAddress != "" || rs.TranslatedPort != "" {
				c.errAt(rp, "translatedAddress and translatedPort belong in NAT rules")
			}
		}
		col.Rules = append(col.Rules, r)
	}
	return col
}

func onlyICMP(ps []Protocol) bool {
	for _, p := range ps {
		if p != ProtocolICMP {
			return false
		}
	}
	return len(ps) > 0
}

// fwAddresses compiles a firewall rule's addresses: "*", IPs, CIDRs, ranges,
// IP groups and, on the destination of network rules, service tags.
func (c *compiler) fwAddresses(rp, side string, addrs, ipGroups []string, groups map[string][]netip.Prefix, tags bool) []AddrMatch {
	var out []AddrMatch
	var prefixes []netip.Prefix
	for j, a := range addrs {
		key := fmt.Sprintf("%s.%sAddresses[%d]", rp, side, j)
		if a == "*" {
			out = append(out, AddrMatch{Any: true, Text: "*"})
			continue
		}
		if ps, ok := parseFirewallAddress(a); ok {
			prefixes = append(prefixes, ps...)
			continue
		}
		if looksLikeAddress(a) || !tags {
			c.errAt(key, "%q is not a valid IP address, CIDR or range", a)
			continue
		}
		name, ok := c.t.CanonicalTag(a)
		if !ok {
			c.errAt(key, "unknown service tag %q", a)
			continue
		}
		c.useTag(name)
		out = append(out, AddrMatch{Tag: name, Text: name})
	}
	for j, g := range ipGroups {
		ps, ok := groups[g]
		if !ok {
			c.errAt(fmt.Sprintf("%s.%sIpGroups[%d]", rp, side, j), "unknown IP group %q", g)
			continue
		}
		out = append(out, AddrMatch{Prefixes: NewPrefixSet(ps), Text: "ipGroup " + g})
	}
	if len(prefixes) > 0 {
		out = append(out, AddrMatch{Prefixes: NewPrefixSet(prefixes), Text: strings.Join(addrs, ",")})
	}
	return out
}

// ApplianceRules are the filtering rules of a network virtual appliance: each
// rule is a one-rule collection carrying its own action.
type ApplianceRules struct {
	DefaultAllow bool
	Rules        []*FirewallCollection
}

func (c *compiler) compileAppliance(path string, as *spec.Appliance, ipForwarding bool) *ApplianceRules {
	if !ipForwarding {
		c.errAt(path, "appliance rules need enableIpForwarding: true")
	}
	ar := &ApplianceRules{DefaultAllow: true}
	switch strings.ToLower(as.DefaultAction) {
	case "", "allow":
	case "deny":
		ar.DefaultAllow = false
	default:
		c.errAt(path+".defaultAction", "%q: want Allow or Deny", as.DefaultAction)
	}
	for i, r := range as.Rules {
		cs := &spec.FirewallCollection{Name: r.Name, Priority: 100, Action: r.Action, Rules: []spec.FirewallRule{{
			Name: r.Name, Protocols: r.Protocols, SourceAddresses: r.SourceAddresses,
			DestinationAddresses: r.DestinationAddresses, DestinationPorts: r.DestinationPorts}}}
		rp := fmt.Sprintf("%s.rules[%d]", path, i)
		before := len(c.errs)
		col := c.compileFwCollection(cs, rp, "network", nil, false)
		// The rule is its own collection: name its keys as written.
		for _, e := range c.errs[before:] {
			e.Key = strings.Replace(e.Key, rp+".rules[0]", rp, 1)
			e.Line = c.doc.Line(e.Key)
		}
		if col != nil {
			ar.Rules = append(ar.Rules, col)
		}
	}
	return ar
}
