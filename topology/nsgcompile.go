package topology

import (
	"fmt"
	"runtime"
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
}

func (c *compiler) compileNSGs() {
	nsgs := c.sc.NetworkSecurityGroups
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
	n := len(blk.cc.errs)
	m := blk.scratchT.resolvedTag(blk.cc.parseAddrSide(rp(), side, single, plural, asgs))
	if len(blk.cc.errs) == n {
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
	return nsg
}
