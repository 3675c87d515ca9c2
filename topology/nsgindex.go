package topology

import (
	"math/bits"
	"slices"
)

// An NSG's rules are indexed at load time, per direction, so that a trace
// visits only the rules whose protocol and destination port match the flow
// instead of scanning every rule (an estate's NSGs hold up to a hundred
// rules or more). The index cuts the destination ports into the intervals
// between the rules' port boundaries; each interval holds the bit set of the
// rules whose destination ports cover it, and each protocol the bit set of
// the rules that name it or *. A flow's candidates are the AND of the two,
// visited lowest bit first, which is priority order; only they are matched
// on their source ports and addresses. Adjacent intervals with the same set
// are merged, so an NSG of n rules costs at most about (2 + 8*ceil(n/64))
// bytes per distinct port boundary: about 16 bytes a rule on an estate of
// 100 rules per NSG.
type ruleIndex struct {
	n      int      // rules indexed (the direction's rules when built)
	words  int      // 64-bit words per bit set
	bounds []uint16 // interval i+1 starts at bounds[i]; interval 0 at port 0
	ports  []uint64 // the bit set of each interval, words apiece
	protos []uint64 // the bit set of each indexed protocol, words apiece
}

// indexedProtocols are the protocols a flow is looked up with through the
// index; a flow of any other protocol (* or a misspelling) scans.
var indexedProtocols = [...]Protocol{ProtocolTCP, ProtocolUDP, ProtocolICMP, ProtocolESP, ProtocolAH}

func protoSlot(p Protocol) int {
	switch p {
	case ProtocolTCP:
		return 0
	case ProtocolUDP:
		return 1
	case ProtocolICMP:
		return 2
	case ProtocolESP:
		return 3
	case ProtocolAH:
		return 4
	}
	return -1
}

// buildIndex indexes both directions of the NSG. It is called once the
// NSG's rules are final (compile), before any trace reads the NSG.
func (n *NSG) buildIndex() {
	n.inIdx = newRuleIndex(n.Inbound)
	n.outIdx = newRuleIndex(n.Outbound)
}

func newRuleIndex(rules []*SecurityRule) *ruleIndex {
	words := (len(rules) + 63) / 64
	x := &ruleIndex{n: len(rules), words: words, protos: make([]uint64, len(indexedProtocols)*words)}
	var cuts []uint16
	for i, r := range rules {
		for s, p := range indexedProtocols {
			if r.Protocol == ProtocolAny || r.Protocol == p {
				x.protos[s*words+i/64] |= 1 << (i % 64)
			}
		}
		for _, pr := range r.DstPorts {
			if pr.Lo > 0 {
				cuts = append(cuts, pr.Lo)
			}
			if pr.Hi < 65535 {
				cuts = append(cuts, pr.Hi+1)
			}
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	// The set of each elementary interval, then adjacent equal sets merged.
	sets := make([]uint64, (len(cuts)+1)*words)
	for i, r := range rules {
		for _, pr := range r.DstPorts {
			if pr.Lo > pr.Hi {
				continue
			}
			for iv := intervalOf(cuts, pr.Lo); iv <= len(cuts) && (iv == 0 || cuts[iv-1] <= pr.Hi); iv++ {
				sets[iv*words+i/64] |= 1 << (i % 64)
			}
		}
	}
	x.ports = sets[:words:words]
	for iv := 1; iv <= len(cuts); iv++ {
		set := sets[iv*words : (iv+1)*words]
		if slices.Equal(set, x.ports[len(x.ports)-words:]) {
			continue
		}
		x.bounds = append(x.bounds, cuts[iv-1])
		x.ports = append(x.ports, set...)
	}
	x.ports = slices.Clip(x.ports)
	x.bounds = slices.Clip(x.bounds)
	return x
}

// intervalOf returns the interval of port p: the number of bounds <= p.
func intervalOf(bounds []uint16, p uint16) int {
	i, found := slices.BinarySearch(bounds, p)
	if found {
		i++
	}
	return i
}

// Evaluate returns the first rule, in priority order, of the NSG's rules of
// one direction that matches flow f evaluated in VNet v (srcNIC and dstNIC
// are the NICs of the flow's ends, when known): the rule RuleMatches finds
// first, found through the NSG's index. An NSG built by hand (not compiled)
// is scanned. It returns nil when no rule matches (a compiled NSG's default
// rules match everything).
func (n *NSG) Evaluate(t *Topology, inbound bool, f Flow, v *VNet, srcNIC, dstNIC *NIC) *SecurityRule {
	rules, x := n.Outbound, n.outIdx
	if inbound {
		rules, x = n.Inbound, n.inIdx
	}
	slot := protoSlot(f.Protocol)
	if x == nil || x.n != len(rules) || slot < 0 {
		return t.scanRules(rules, f, v, srcNIC, dstNIC)
	}
	w := x.words
	protos := x.protos[slot*w : (slot+1)*w]
	hasPorts := f.Protocol.HasPorts()
	var ports []uint64
	if hasPorts {
		iv := intervalOf(x.bounds, f.DstPort)
		ports = x.ports[iv*w : (iv+1)*w]
	}
	for k, m := range protos {
		if hasPorts {
			m &= ports[k]
		}
		for m != 0 {
			r := rules[k*64+bits.TrailingZeros64(m)]
			m &= m - 1
			if hasPorts && !r.SrcPorts.Contains(f.SrcPort) {
				continue
			}
			if t.MatchAddr(&r.Src, f.Src, srcNIC, v) && t.MatchAddr(&r.Dst, f.Dst, dstNIC, v) {
				return r
			}
		}
	}
	return nil
}

// scanRules is the plain evaluation: the first of rules that matches f.
func (t *Topology) scanRules(rules []*SecurityRule, f Flow, v *VNet, srcNIC, dstNIC *NIC) *SecurityRule {
	for _, r := range rules {
		if t.RuleMatches(r, f, v, srcNIC, dstNIC) {
			return r
		}
	}
	return nil
}

// ScanNSG is the plain evaluation Evaluate replaces, every rule tried in
// order; tests hold the index to it.
func (t *Topology) ScanNSG(n *NSG, inbound bool, f Flow, v *VNet, srcNIC, dstNIC *NIC) *SecurityRule {
	return t.scanRules(n.Rules(inbound), f, v, srcNIC, dstNIC)
}
