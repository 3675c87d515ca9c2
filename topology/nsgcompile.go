package topology

import (
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/vnetsim/vnetsim/internal/parallel"
	"github.com/vnetsim/vnetsim/spec"
)

// NSGs are compiled on every core: an estate can hold a million rules. The
// NSGs are cut into contiguous blocks; each block is compiled by its own
// shallow copy of the compiler, with its own error list and its own scratch
// record of the tags it uses (merged afterwards, in order), so the result
// and the errors, in their order, are those of compiling one NSG after the
// other.
//
// Within a block, what rules repeat (one side's addresses, port lists, rule
// names, which a generated or imported estate repeats in every NSG) is
// compiled once and shared: compiled values are read-only. A value is shared
// only when compiling it found no problem, so every mistake is still
// reported at each place it is written.

// nsgBlock is one block of NSGs and what compiling it gave.
type nsgBlock struct {
	from, to int
	cc       compiler // the block's copy of the compiler
	nsgs     []*NSG   // by index - from; nil where an NSG is skipped
	sides    map[string]AddrMatch
	ports    map[string]PortSet
	names    map[string]string
	errsAt   [][]*Error // the errors of each NSG, by index - from
	scratchT *Topology
	notes    hostBitNotes    // the block's recorder of host bits
	noted    [][]hostBitNote // the host bits of each NSG, by index - from
	whole    []bool          // whether compile parsed every prefix of the NSG
}

func (c *compiler) compileNSGs() {
	nsgs := c.sc.NetworkSecurityGroups
	hb := &hostBitNotes{nsgDone: make([]bool, len(nsgs)), nsgs: make([][]hostBitNote, len(nsgs))}
	if noteHostBits {
		c.hostBits = hb // also notes routes (compileRouteTables)
	}
	// Which NSGs are compiled: named, and the first of their name.
	skip := make([]*Error, len(nsgs))
	first := map[string]bool{}
	for i := range nsgs {
		switch {
		case nsgs[i].Name == "":
			skip[i] = c.nsgErr(fmt.Sprintf("networkSecurityGroups[%d]", i), "missing name")
		case first[nsgs[i].Name]:
			skip[i] = c.nsgErr(fmt.Sprintf("networkSecurityGroups[%d].name", i), fmt.Sprintf("duplicate network security group %q", nsgs[i].Name))
		default:
			first[nsgs[i].Name] = true
		}
	}
	nb := min(len(nsgs), 4*runtime.GOMAXPROCS(0))
	blocks := make([]*nsgBlock, nb)
	for b := range blocks {
		from, to := b*len(nsgs)/nb, (b+1)*len(nsgs)/nb
		blk := &nsgBlock{from: from, to: to, cc: *c, nsgs: make([]*NSG, to-from), errsAt: make([][]*Error, to-from),
			sides: map[string]AddrMatch{}, ports: map[string]PortSet{}, names: map[string]string{}}
		blk.scratchT = &Topology{asgs: c.t.asgs, Tags: c.t.Tags, tagSets: map[string]*PrefixSet{}, tagRefs: map[string]tagRef{}}
		blk.cc.t = blk.scratchT
		blk.cc.errs = nil
		blk.notes.sides = true
		blk.cc.hostBits = &blk.notes
		blk.noted = make([][]hostBitNote, to-from)
		blk.whole = make([]bool, to-from)
		blocks[b] = blk
	}
	parallel.ForEach(nb, func(b int) {
		blk := blocks[b]
		for i := blk.from; i < blk.to; i++ {
			if skip[i] != nil {
				continue
			}
			n := len(blk.cc.errs)
			blk.nsgs[i-blk.from] = blk.compileNSG(i, &nsgs[i])
			blk.errsAt[i-blk.from] = blk.cc.errs[n:len(blk.cc.errs):len(blk.cc.errs)]
		}
	})
	for _, blk := range blocks {
		for k, v := range blk.scratchT.tagSets {
			if _, ok := c.t.tagSets[k]; !ok {
				c.t.tagSets[k] = v
			}
		}
		for k, v := range blk.scratchT.tagRefs {
			if _, ok := c.t.tagRefs[k]; !ok {
				c.t.tagRefs[k] = v
			}
		}
		for i := blk.from; i < blk.to; i++ {
			if skip[i] != nil {
				c.errs = append(c.errs, skip[i])
				continue
			}
			c.errs = append(c.errs, blk.errsAt[i-blk.from]...)
			hb.nsgDone[i] = blk.whole[i-blk.from]
			hb.nsgs[i] = blk.noted[i-blk.from]
			nsg := blk.nsgs[i-blk.from]
			c.t.nsgs[nsg.Name] = nsg
			c.t.NSGs = append(c.t.NSGs, nsg)
		}
	}
}

// nsgErr makes an error without recording it (compileNSGs puts it in order).
func (c *compiler) nsgErr(path, msg string) *Error {
	return &Error{File: c.file, Line: c.doc.Line(path), Key: path, Msg: msg}
}

func (blk *nsgBlock) intern(s string) string {
	if v, ok := blk.names[s]; ok {
		return v
	}
	blk.names[s] = s
	return s
}

// side compiles one side of a rule, shared with an identical side compiled
// without problems before.
func (blk *nsgBlock) side(rp func() string, side string, single string, plural []string, asgs []string) AddrMatch {
	key := side + "\x00" + single + "\x00" + strings.Join(plural, "\x01") + "\x00" + strings.Join(asgs, "\x01")
	if m, ok := blk.sides[key]; ok {
		return m
	}
	n, h := len(blk.cc.errs), len(blk.notes.pending)
	m := blk.scratchT.resolvedTag(blk.cc.parseAddrSide(rp(), side, single, plural, asgs))
	if len(blk.cc.errs) == n && len(blk.notes.pending) == h { // host bits are reported at each place too
		m.Text = blk.intern(m.Text)
		m.Tag = blk.intern(m.Tag)
		blk.sides[key] = m
	}
	return m
}

// portSet compiles one side's ports, shared likewise.
func (blk *nsgBlock) portSet(rp func() string, side, single string, plural []string) PortSet {
	key := side + "\x00" + single + "\x00" + strings.Join(plural, "\x01")
	if p, ok := blk.ports[key]; ok {
		return p
	}
	n := len(blk.cc.errs)
	p := blk.cc.parsePorts(rp(), side, single, plural)
	if len(blk.cc.errs) == n {
		p = p[:len(p):len(p)]
		blk.ports[key] = p
	}
	return p
}

// compileNSG compiles NSG i; the key paths of its rules are built only for
// a message (or a first, uncached compile of a rule's side).
func (blk *nsgBlock) compileNSG(i int, ns *spec.NSG) *NSG {
	c := &blk.cc
	path := func() string { return "networkSecurityGroups[" + strconv.Itoa(i) + "]" }
	nsg := &NSG{Name: ns.Name}
	whole := true // every prefix of the rules is parsed below
	var noted []hostBitNote
	seenName := make(map[string]bool, len(ns.SecurityRules))
	type dirPrio struct {
		inbound bool
		prio    int
	}
	seenPrio := make(map[dirPrio]int, len(ns.SecurityRules))
	rules := make([]SecurityRule, len(ns.SecurityRules)) // one allocation for the NSG's rules
	nin := 0
	for j := range ns.SecurityRules {
		if strings.EqualFold(ns.SecurityRules[j].Direction, "Inbound") {
			nin++
		}
	}
	nsg.Inbound = make([]*SecurityRule, 0, nin+3)
	nsg.Outbound = make([]*SecurityRule, 0, len(ns.SecurityRules)-nin+3)
	for j := range ns.SecurityRules {
		r := &ns.SecurityRules[j]
		rp := func() string { return path() + ".securityRules[" + strconv.Itoa(j) + "]" }
		if r.Name == "" {
			c.errAt(rp(), "missing name")
		} else if seenName[r.Name] {
			c.errAt(rp()+".name", "duplicate rule name %q in %s", r.Name, ns.Name)
		}
		seenName[r.Name] = true
		sr := &rules[j]
		*sr = SecurityRule{Name: blk.intern(r.Name), NSG: ns.Name, Priority: r.Priority}
		switch {
		case strings.EqualFold(r.Direction, "Inbound"):
			sr.Direction = DirInbound
		case strings.EqualFold(r.Direction, "Outbound"):
			sr.Direction = DirOutbound
		default:
			c.errAt(rp()+".direction", "%q: want Inbound or Outbound", r.Direction)
		}
		switch {
		case strings.EqualFold(r.Access, "Allow"):
			sr.Allow = true
		case strings.EqualFold(r.Access, "Deny"):
		default:
			c.errAt(rp()+".access", "%q: want Allow or Deny", r.Access)
		}
		if r.Priority < 100 || r.Priority > 4096 {
			c.errAt(rp()+".priority", "%d is outside 100-4096", r.Priority)
		} else if sr.Direction != DirNone {
			k := dirPrio{sr.Direction == DirInbound, r.Priority}
			if prev, dup := seenPrio[k]; dup {
				c.errAt(rp()+".priority", "priority %d is already used by %s rule %q in %s", r.Priority, sr.Direction, ns.SecurityRules[prev].Name, ns.Name)
			}
			seenPrio[k] = j
		}
		proto, err := ParseProtocol(r.Protocol)
		if err != nil {
			c.errAt(rp()+".protocol", "%q: want Tcp, Udp, Icmp, Esp, Ah or *", r.Protocol)
		}
		sr.Protocol = proto
		sr.Src = blk.side(rp, "source", r.SourceAddressPrefix, r.SourceAddressPrefixes, r.SourceApplicationSecurityGroups)
		sr.Dst = blk.side(rp, "destination", r.DestinationAddressPrefix, r.DestinationAddressPrefixes, r.DestinationApplicationSecurityGroups)
		for _, n := range blk.notes.pending {
			n.rule = j
			noted = append(noted, n)
		}
		blk.notes.pending = blk.notes.pending[:0]
		whole = whole && givenOnce(r.SourceAddressPrefix, r.SourceAddressPrefixes, r.SourceApplicationSecurityGroups) &&
			givenOnce(r.DestinationAddressPrefix, r.DestinationAddressPrefixes, r.DestinationApplicationSecurityGroups)
		sr.SrcPorts = blk.portSet(rp, "source", r.SourcePortRange, r.SourcePortRanges)
		sr.DstPorts = blk.portSet(rp, "destination", r.DestinationPortRange, r.DestinationPortRanges)
		if sr.Direction == DirInbound {
			nsg.Inbound = append(nsg.Inbound, sr)
		} else if sr.Direction == DirOutbound {
			nsg.Outbound = append(nsg.Outbound, sr)
		}
	}
	sortRules(nsg.Inbound)
	sortRules(nsg.Outbound)
	in, out := defaultRules(ns.Name)
	nsg.Inbound = append(nsg.Inbound, in...)
	nsg.Outbound = append(nsg.Outbound, out...)
	nsg.buildIndex()
	// validatePrefixes reports a rule's host bits in the order of its keys.
	slices.SortStableFunc(noted, func(a, b hostBitNote) int {
		if a.rule != b.rule {
			return a.rule - b.rule
		}
		if a.order != b.order {
			return a.order - b.order
		}
		return a.k - b.k
	})
	blk.noted[i-blk.from], blk.whole[i-blk.from] = noted, whole
	return nsg
}

// givenOnce reports whether a rule side gives at most one of its keys, so
// that compile parses every prefix it writes.
func givenOnce(single string, plural, asgs []string) bool {
	n := 0
	for _, b := range []bool{single != "", len(plural) > 0, len(asgs) > 0} {
		if b {
			n++
		}
	}
	return n <= 1
}

// Host bits. Azure rejects a route or NSG rule prefix with host bits set
// (validatePrefixes). Compile parses every such prefix already, so it notes
// the few with host bits, and validatePrefixes reports those of the route
// tables and NSGs compile parsed whole without parsing their prefixes a
// second time; it parses again only the ones compile skipped (a route table
// or NSG without a name or of a name already used, a rule side that gives
// more than one of its keys).

// noteHostBits is false only in the test that holds the notes to parsing
// every prefix again.
var noteHostBits = true

// hostBitNote is a prefix written with host bits set.
type hostBitNote struct {
	key    string       // the key path validatePrefixes reports
	s      string       // as written
	masked netip.Prefix // the network address Azure wants
	rule   int          // the rule's index in its NSG
	order  int          // 0-3: source, destination address prefix, then prefixes
	k      int          // the index in a list of prefixes
}

// hostBitNotes is what compile noted, by route table and NSG index.
type hostBitNotes struct {
	routeDone []bool
	routes    [][]hostBitNote
	nsgDone   []bool
	nsgs      [][]hostBitNote

	sides   bool          // a block's recorder: note rule sides in pending
	pending []hostBitNote // the notes of the rule being compiled
}

// parsePrefixHost parses s as parsePrefixOrAddr does and reports whether s
// is a prefix with host bits set, with the network address Azure wants.
func parsePrefixHost(s string) (p netip.Prefix, ok bool, masked netip.Prefix, hostBits bool) {
	if !strings.Contains(s, "/") {
		p, ok = parsePrefixOrAddr(s)
		return p, ok, netip.Prefix{}, false
	}
	q, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, false, netip.Prefix{}, false
	}
	return unmapPrefix(q), true, q.Masked(), q != q.Masked()
}

// routeParsed records that compile parses every route of route table i.
func (h *hostBitNotes) routeParsed(i int) {
	if h == nil {
		return
	}
	for len(h.routeDone) <= i {
		h.routeDone = append(h.routeDone, false)
		h.routes = append(h.routes, nil)
	}
	h.routeDone[i] = true
}

// parseRoutePrefix parses the prefix of a route of route table i (key path
// rp), noting host bits.
func (c *compiler) parseRoutePrefix(i int, rp, s string) (netip.Prefix, bool) {
	p, ok, masked, host := parsePrefixHost(s)
	if host && c.hostBits != nil && i < len(c.hostBits.routes) {
		c.hostBits.routes[i] = append(c.hostBits.routes[i], hostBitNote{key: rp + ".addressPrefix", s: s, masked: masked})
	}
	return p, ok
}

// parsePrefixNoting parses item it of a rule side (raw as written, keyOf
// its key path, j its index) as parsePrefixOrAddr does, noting host bits
// when the compiler records a block of NSGs. validatePrefixes reads the
// item as written: one with spaces around it is not a prefix to it.
func (c *compiler) parsePrefixNoting(it, raw string, keyOf func(int) string, j int, side string, plural bool) (netip.Prefix, bool) {
	p, ok, masked, host := parsePrefixHost(it)
	if host && it == raw && c.hostBits != nil && c.hostBits.sides {
		n := hostBitNote{key: keyOf(j), s: raw, masked: masked}
		if side == "destination" {
			n.order = 1
		}
		if plural {
			n.order += 2
			n.k = j
		}
		c.hostBits.pending = append(c.hostBits.pending, n)
	}
	return p, ok
}

// routeNotes returns what compile noted for route table i, and whether it
// parsed the table's every route.
func (h *hostBitNotes) routeNotes(i int) ([]hostBitNote, bool) {
	if h == nil || i >= len(h.routeDone) || !h.routeDone[i] {
		return nil, false
	}
	return h.routes[i], true
}

// nsgNotes returns what compile noted for NSG i, and whether it parsed
// every prefix of the NSG's rules.
func (h *hostBitNotes) nsgNotes(i int) ([]hostBitNote, bool) {
	if h == nil || i >= len(h.nsgDone) || !h.nsgDone[i] {
		return nil, false
	}
	return h.nsgs[i], true
}
