package topology

import (
	"net"
	"net/netip"
	"slices"

	"github.com/gaissmai/bart"
	"github.com/yl2chen/cidranger"
)

// PrefixMap maps CIDR prefixes to values and answers which prefixes contain an
// address. It is the only place vnetsim uses a CIDR trie (cidranger), so the
// trie can be swapped without touching callers.
//
// A PrefixMap is built once with NewPrefixMap and only read afterwards; reads
// are safe for concurrent use.
type PrefixMap[V any] struct {
	r cidranger.Ranger
	n int
	// prefixes are the distinct prefixes, in insertion order.
	prefixes []netip.Prefix
}

// prefixEntry is what the trie stores: one prefix and every value inserted for it.
type prefixEntry[V any] struct {
	ipnet  net.IPNet
	prefix netip.Prefix
	values []V
}

func (e *prefixEntry[V]) Network() net.IPNet { return e.ipnet }

// PrefixMatch is one prefix that contains a looked-up address, with the values
// stored for it.
type PrefixMatch[V any] struct {
	Prefix netip.Prefix
	Values []V
}

// NewPrefixMap builds a PrefixMap from pairs of prefix and value. Values given
// for the same prefix are kept together in the order given.
func NewPrefixMap[V any](prefixes []netip.Prefix, values []V) *PrefixMap[V] {
	m := &PrefixMap[V]{r: cidranger.NewPCTrieRanger()}
	byPrefix := make(map[netip.Prefix]*prefixEntry[V], len(prefixes))
	var order []netip.Prefix
	for i, p := range prefixes {
		p = unmapPrefix(p)
		e := byPrefix[p]
		if e == nil {
			e = &prefixEntry[V]{prefix: p, ipnet: net.IPNet{IP: net.IP(p.Addr().AsSlice()), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}}
			byPrefix[p] = e
			order = append(order, p)
		}
		e.values = append(e.values, values[i])
	}
	for _, p := range order {
		// Insert only fails on a malformed network, which a netip.Prefix cannot be.
		_ = m.r.Insert(byPrefix[p])
	}
	m.n = len(order)
	m.prefixes = order
	return m
}

// Boundaries returns, sorted, every address at which the answer of
// Containing can change: the first address of each prefix and the one
// after its last, with the first address of each family the map holds.
// Between two boundaries every address lies in the same prefixes, so a
// table of Containing's answers at the boundaries answers every address.
func (m *PrefixMap[V]) Boundaries() []netip.Addr {
	if m == nil || m.n == 0 {
		return nil
	}
	out := make([]netip.Addr, 0, 2*len(m.prefixes)+2)
	var v4, v6 bool
	for _, p := range m.prefixes {
		a := p.Addr()
		v4, v6 = v4 || a.Is4(), v6 || !a.Is4()
		out = append(out, a)
		if next := lastAddr(p).Next(); next.IsValid() {
			out = append(out, next)
		}
	}
	if v4 {
		out = append(out, netip.IPv4Unspecified())
	}
	if v6 {
		out = append(out, netip.IPv6Unspecified())
	}
	slices.SortFunc(out, func(a, b netip.Addr) int { return a.Compare(b) })
	return slices.Compact(out)
}

// lastAddr returns the last address of the masked prefix p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// unmapPrefix turns an IPv4-mapped IPv6 prefix (::ffff:10.0.0.0/104) into its
// IPv4 form (10.0.0.0/8) and masks it.
func unmapPrefix(p netip.Prefix) netip.Prefix {
	if !p.Addr().Is4In6() {
		return p.Masked()
	}
	bits := p.Bits() - 96
	if bits < 0 {
		bits = 0
	}
	return netip.PrefixFrom(p.Addr().Unmap(), bits).Masked()
}

// Len reports how many distinct prefixes the map holds.
func (m *PrefixMap[V]) Len() int {
	if m == nil {
		return 0
	}
	return m.n
}

// Containing returns every prefix that contains a, shortest first.
func (m *PrefixMap[V]) Containing(a netip.Addr) []PrefixMatch[V] {
	if m == nil || m.n == 0 || !a.IsValid() {
		return nil
	}
	a = a.Unmap()
	es, err := m.r.ContainingNetworks(net.IP(a.AsSlice()))
	if err != nil || len(es) == 0 {
		return nil
	}
	// cidranger walks from the root, so the matches come shortest first.
	out := make([]PrefixMatch[V], len(es))
	for i, e := range es {
		pe := e.(*prefixEntry[V])
		out[i] = PrefixMatch[V]{Prefix: pe.prefix, Values: pe.values}
	}
	return out
}

// Longest returns the longest prefix that contains a.
func (m *PrefixMap[V]) Longest(a netip.Addr) (PrefixMatch[V], bool) {
	if m == nil || m.n == 0 || !a.IsValid() {
		return PrefixMatch[V]{}, false
	}
	es, err := m.r.ContainingNetworks(net.IP(a.Unmap().AsSlice()))
	if err != nil || len(es) == 0 {
		return PrefixMatch[V]{}, false
	}
	pe := es[len(es)-1].(*prefixEntry[V])
	return PrefixMatch[V]{Prefix: pe.prefix, Values: pe.values}, true
}

// Contains reports whether any prefix in the map contains a.
func (m *PrefixMap[V]) Contains(a netip.Addr) bool {
	if m == nil || m.n == 0 || !a.IsValid() {
		return false
	}
	ok, err := m.r.Contains(net.IP(a.Unmap().AsSlice()))
	return err == nil && ok
}

// PrefixSet is a set of addresses given as prefixes: service tags, NSG and
// firewall address lists. It is not a route table (route tables are
// PrefixMaps, the cidranger trie the design names); a large set is a
// gaissmai/bart table, which builds 40 times faster than cidranger for a
// service tag of thousands of prefixes (BenchmarkTrie*Build; building tag
// sets was half of the start-up of `vnetsim check`) and looks up without
// allocating.
type PrefixSet struct {
	t        *bart.Table[netip.Prefix] // nil for small sets, which are scanned
	prefixes []netip.Prefix
}

// smallSet is the size up to which a PrefixSet scans its prefixes instead of
// building a trie: most NSG rules name one to a few prefixes, and a scan of
// a handful is faster and far smaller than a trie.
const smallSet = 8

// NewPrefixSet builds a PrefixSet.
func NewPrefixSet(prefixes []netip.Prefix) *PrefixSet {
	ps := make([]netip.Prefix, len(prefixes))
	for i, p := range prefixes {
		ps[i] = unmapPrefix(p)
	}
	s := &PrefixSet{prefixes: ps}
	if len(ps) > smallSet {
		s.t = new(bart.Table[netip.Prefix])
		for _, p := range ps {
			s.t.Insert(p, p)
		}
	}
	return s
}

// Contains reports whether a lies in one of the set's prefixes.
func (s *PrefixSet) Contains(a netip.Addr) bool {
	if s == nil {
		return false
	}
	if s.t != nil {
		return a.IsValid() && s.t.Contains(a.Unmap())
	}
	a = a.Unmap()
	for _, p := range s.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Longest returns the longest prefix of the set that contains a.
func (s *PrefixSet) Longest(a netip.Addr) (netip.Prefix, bool) {
	if s == nil {
		return netip.Prefix{}, false
	}
	if s.t != nil {
		if !a.IsValid() {
			return netip.Prefix{}, false
		}
		return s.t.Lookup(a.Unmap())
	}
	a = a.Unmap()
	var best netip.Prefix
	for _, p := range s.prefixes {
		if p.Contains(a) && (!best.IsValid() || p.Bits() > best.Bits()) {
			best = p
		}
	}
	return best, best.IsValid()
}

// Prefixes returns the prefixes the set was built from.
func (s *PrefixSet) Prefixes() []netip.Prefix {
	if s == nil {
		return nil
	}
	return s.prefixes
}
