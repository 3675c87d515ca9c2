package topology

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Protocol is an IP protocol as NSG rules name it.
type Protocol string

// Protocols. ProtocolAny (*) matches every protocol.
const (
	ProtocolTCP  Protocol = "Tcp"
	ProtocolUDP  Protocol = "Udp"
	ProtocolICMP Protocol = "Icmp"
	ProtocolESP  Protocol = "Esp"
	ProtocolAH   Protocol = "Ah"
	ProtocolAny  Protocol = "*"
)

// ParseProtocol returns the protocol named by s, ignoring case ("Any" is *).
func ParseProtocol(s string) (Protocol, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "tcp":
		return ProtocolTCP, nil
	case "udp":
		return ProtocolUDP, nil
	case "icmp":
		return ProtocolICMP, nil
	case "esp":
		return ProtocolESP, nil
	case "ah":
		return ProtocolAH, nil
	case "*", "any":
		return ProtocolAny, nil
	}
	return "", fmt.Errorf("ParseProtocol(%q): want Tcp, Udp, Icmp, Esp, Ah or *", s)
}

// HasPorts reports whether the protocol carries ports.
func (p Protocol) HasPorts() bool { return p == ProtocolTCP || p == ProtocolUDP }

// Flow is one packet's 5-tuple.
type Flow struct {
	Src, Dst         netip.Addr
	Protocol         Protocol
	SrcPort, DstPort uint16
}

// String formats the flow as "Tcp 10.0.0.4:49152 -> 10.0.1.5:443".
func (f Flow) String() string {
	if f.Protocol.HasPorts() {
		return fmt.Sprintf("%s %s:%d -> %s:%d", f.Protocol, f.Src, f.SrcPort, f.Dst, f.DstPort)
	}
	return fmt.Sprintf("%s %s -> %s", f.Protocol, f.Src, f.Dst)
}

// Reply returns the flow of the reply packets.
func (f Flow) Reply() Flow {
	return Flow{Src: f.Dst, Dst: f.Src, Protocol: f.Protocol, SrcPort: f.DstPort, DstPort: f.SrcPort}
}

// PortRange is an inclusive range of ports.
type PortRange struct{ Lo, Hi uint16 }

// Contains reports whether p is in the range.
func (r PortRange) Contains(p uint16) bool { return p >= r.Lo && p <= r.Hi }

func (r PortRange) String() string {
	if r.Lo == 0 && r.Hi == 65535 {
		return "*"
	}
	if r.Lo == r.Hi {
		return strconv.Itoa(int(r.Lo))
	}
	return fmt.Sprintf("%d-%d", r.Lo, r.Hi)
}

// ParsePortRanges parses "*", "443", "8000-8010" or a comma list of those.
func ParsePortRanges(s string) ([]PortRange, error) {
	var out []PortRange
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.EqualFold(part, "any") {
			out = append(out, PortRange{0, 65535})
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		l, err1 := strconv.ParseUint(strings.TrimSpace(lo), 10, 16)
		h := l
		var err2 error
		if isRange {
			h, err2 = strconv.ParseUint(strings.TrimSpace(hi), 10, 16)
		}
		if err1 != nil || err2 != nil || h < l {
			return nil, fmt.Errorf("ParsePortRanges(%q): want *, a port 0-65535, a range lo-hi or a comma list", s)
		}
		out = append(out, PortRange{uint16(l), uint16(h)})
	}
	return out, nil
}

// AddrMatch is one side of a rule: any address, a list of prefixes, a
// service tag, or an application security group.
type AddrMatch struct {
	Prefixes *PrefixSet
	Tag      string // canonical tag name when the side is a service tag
	ASG      string // the application security group, when the side names one
	Text     string // as written
	// tagSet and tagKind are Tag resolved at compile (an NSG rule's): the
	// set of a tag of the service tags file, and 1 + the tag's kind, so
	// that a trace does not look the tag up by name; tagKind is 0 when the
	// tag is looked up.
	tagSet  *PrefixSet
	Any     bool
	tagKind uint8
}

// resolvedTag returns m with its tag resolved as t.tagRef resolves it.
func (t *Topology) resolvedTag(m AddrMatch) AddrMatch {
	if m.Tag == "" || m.Any || m.ASG != "" || m.Prefixes != nil {
		return m
	}
	r := t.tagRef(m.Tag)
	m.tagKind = uint8(r.kind) + 1
	m.tagSet = r.set
	return m
}

// Direction is the direction of a security rule.
type Direction uint8

// Directions. A rule whose direction is misspelt has none (and the
// scenario does not compile).
const (
	DirNone Direction = iota
	DirInbound
	DirOutbound
)

// String returns Inbound or Outbound, as rules write it ("" for none).
func (d Direction) String() string {
	switch d {
	case DirInbound:
		return "Inbound"
	case DirOutbound:
		return "Outbound"
	}
	return ""
}

// SecurityRule is a compiled NSG rule. It is compact (256 bytes, packed
// without padding): an estate can hold a million of them, and
// TestCompiledRuleSize holds a compiled rule, with what it allocates, to
// 300 bytes.
type SecurityRule struct {
	Name      string
	NSG       string
	Protocol  Protocol
	Priority  int
	Src, Dst  AddrMatch
	SrcPorts  PortSet
	DstPorts  PortSet
	Allow     bool
	Default   bool
	Direction Direction
}

// Access returns Allow or Deny.
func (r *SecurityRule) Access() string {
	if r.Allow {
		return "Allow"
	}
	return "Deny"
}

// NSG is a compiled network security group: the custom rules followed by the
// default rules, each direction in priority order.
type NSG struct {
	Name     string
	Inbound  []*SecurityRule
	Outbound []*SecurityRule

	inIdx, outIdx *ruleIndex // built by compile; see Evaluate
}

// Rules returns the rules of one direction in evaluation order.
func (n *NSG) Rules(inbound bool) []*SecurityRule {
	if inbound {
		return n.Inbound
	}
	return n.Outbound
}

func defaultRules(nsg string) (in, out []*SecurityRule) {
	any := AddrMatch{Any: true, Text: "*"}
	tag := func(name string, k tagKind) AddrMatch { return AddrMatch{Tag: name, Text: name, tagKind: uint8(k) + 1} }
	mk := func(name string, prio int, dir Direction, allow bool, src, dst AddrMatch) *SecurityRule {
		return &SecurityRule{Name: name, NSG: nsg, Priority: prio, Direction: dir, Allow: allow, Protocol: ProtocolAny,
			Src: src, Dst: dst, SrcPorts: AllPorts, DstPorts: AllPorts, Default: true}
	}
	vnet := tag("VirtualNetwork", tagVirtualNetwork)
	in = []*SecurityRule{
		mk("AllowVNetInBound", 65000, DirInbound, true, vnet, vnet),
		mk("AllowAzureLoadBalancerInBound", 65001, DirInbound, true, tag("AzureLoadBalancer", tagAzureLoadBalancer), any),
		mk("DenyAllInBound", 65500, DirInbound, false, any, any),
	}
	out = []*SecurityRule{
		mk("AllowVnetOutBound", 65000, DirOutbound, true, vnet, vnet),
		mk("AllowInternetOutBound", 65001, DirOutbound, true, any, tag("Internet", tagInternet)),
		mk("DenyAllOutBound", 65500, DirOutbound, false, any, any),
	}
	return in, out
}

func sortRules(rs []*SecurityRule) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Priority < rs[j].Priority })
}

// MatchAddr reports whether address a, on NIC nic (nil when the address is not
// a NIC in the scenario), matches one side of a rule evaluated in VNet v.
func (t *Topology) MatchAddr(m *AddrMatch, a netip.Addr, nic *NIC, v *VNet) bool {
	switch {
	case m.Any:
		return true
	case m.ASG != "":
		return nic != nil && nic.ASGs[m.ASG]
	case m.Tag != "":
		if m.tagKind != 0 {
			return t.inTag(tagRef{kind: tagKind(m.tagKind - 1), set: m.tagSet}, a, v)
		}
		return t.InTag(m.Tag, a, v)
	default:
		return m.Prefixes.Contains(a)
	}
}

// RuleMatches reports whether flow f matches rule r, evaluated for an NSG in
// VNet v. srcNIC and dstNIC are the NICs of the flow's ends, when known.
func (t *Topology) RuleMatches(r *SecurityRule, f Flow, v *VNet, srcNIC, dstNIC *NIC) bool {
	if r.Protocol != ProtocolAny && r.Protocol != f.Protocol {
		return false
	}
	if f.Protocol.HasPorts() && (!r.SrcPorts.Contains(f.SrcPort) || !r.DstPorts.Contains(f.DstPort)) {
		return false
	}
	return t.MatchAddr(&r.Src, f.Src, srcNIC, v) && t.MatchAddr(&r.Dst, f.Dst, dstNIC, v)
}

// InTag reports whether a belongs to the named service tag, as evaluated for a
// rule in VNet v. VirtualNetwork, Internet and AzureLoadBalancer are computed
// from the topology (decisions 2 and 1.5 of the reference); the platform tags
// name the host's services; every other tag comes from the service tags file.
func (t *Topology) InTag(tag string, a netip.Addr, v *VNet) bool {
	return t.inTag(t.tagRef(tag), a, v)
}

// inTag is InTag of a tag already looked up.
func (t *Topology) inTag(r tagRef, a netip.Addr, v *VNet) bool {
	a = a.Unmap()
	switch r.kind {
	case tagVirtualNetwork:
		return v != nil && v.VirtualNetworkTag.Contains(a)
	case tagInternet:
		if IsPrivate(a) || a == AzureDNS {
			return false
		}
		return v == nil || !v.VirtualNetworkTag.Contains(a)
	case tagAzureLoadBalancer, tagPlatformDNS:
		return a == AzureDNS
	case tagPlatformIMDS:
		return a == IMDS
	case tagPlatformLKM:
		return false
	}
	return r.set.Contains(a)
}

// tagKind says how InTag decides whether an address belongs to a tag.
type tagKind uint8

const (
	tagFromFile tagKind = iota // the tag's prefixes in the service tags file
	tagVirtualNetwork
	tagInternet
	tagAzureLoadBalancer
	tagPlatformDNS
	tagPlatformIMDS
	tagPlatformLKM
)

// computedTagKinds maps the lower-case names of computedTags to their kinds.
var computedTagKinds = map[string]tagKind{
	"virtualnetwork":    tagVirtualNetwork,
	"internet":          tagInternet,
	"azureloadbalancer": tagAzureLoadBalancer,
	"azureplatformdns":  tagPlatformDNS,
	"azureplatformimds": tagPlatformIMDS,
	"azureplatformlkm":  tagPlatformLKM,
}

// tagRef is what a tag name means: a computed kind, or a file tag's set.
type tagRef struct {
	kind tagKind
	set  *PrefixSet
}

// tagRef returns what tag means. Every spelling the scenario uses was
// resolved at load time (noteTag), so traces find it without folding case;
// any other spelling is folded here.
func (t *Topology) tagRef(tag string) tagRef {
	if r, ok := t.tagRefs[tag]; ok {
		return r
	}
	key := strings.ToLower(tag)
	if k, ok := computedTagKinds[key]; ok {
		return tagRef{kind: k}
	}
	return tagRef{set: t.tagSets[key]}
}

// noteTag records spelling name of a tag whose set, if any, is already in
// tagSets, so that InTag finds it with one map lookup.
func (t *Topology) noteTag(name string) {
	if _, ok := t.tagRefs[name]; ok {
		return
	}
	t.tagRefs[name] = t.tagRef(name)
}

// computedTags are the tags vnetsim computes rather than reads from the file.
var computedTags = map[string]string{
	"virtualnetwork":    "VirtualNetwork",
	"internet":          "Internet",
	"azureloadbalancer": "AzureLoadBalancer",
	"azureplatformdns":  "AzurePlatformDNS",
	"azureplatformimds": "AzurePlatformIMDS",
	"azureplatformlkm":  "AzurePlatformLKM",
}

// CanonicalTag returns the tag's name as Microsoft writes it and whether it exists.
func (t *Topology) CanonicalTag(name string) (string, bool) {
	if c, ok := computedTags[strings.ToLower(name)]; ok {
		return c, true
	}
	if st, ok := t.Tags.Lookup(name); ok {
		return st.Name, true
	}
	return "", false
}
