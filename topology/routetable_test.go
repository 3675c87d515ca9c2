package topology

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

// TestRouteTableMatchesTrie checks that the interval table a RouteSet reads
// gives the trie's answer: random route sets of IPv4 and IPv6 prefixes,
// system, gateway and user routes, looked up at random addresses and at
// every boundary and its neighbours.
func TestRouteTableMatchesTrie(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 3))
	sources := []struct{ src, hop string }{
		{SourceDefault, HopVnetLocal}, {SourceDefault, HopPeering}, {SourceDefault, HopGlobalPeering},
		{SourceDefault, HopInternet}, {SourceDefault, HopNone}, {SourceGateway, HopGateway}, {SourceUser, HopAppliance},
	}
	randAddr := func(v6 bool) netip.Addr {
		if v6 {
			var b [16]byte
			for i := range b {
				b[i] = byte(rng.IntN(256))
			}
			if rng.IntN(2) == 0 {
				b[0], b[1] = 0xfd, 0x00 // cluster in one /16
			}
			return netip.AddrFrom16(b)
		}
		var b [4]byte
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		if rng.IntN(2) == 0 {
			b[0] = 10 // cluster in 10.0.0.0/8
		}
		return netip.AddrFrom4(b)
	}
	for set := 0; set < 300; set++ {
		var ps []netip.Prefix
		var vs []*Route
		n := rng.IntN(40)
		for i := 0; i < n; i++ {
			v6 := set%3 == 0 && rng.IntN(2) == 0
			bits := rng.IntN(33)
			if v6 {
				bits = rng.IntN(129)
			}
			p := netip.PrefixFrom(randAddr(v6), bits).Masked()
			s := sources[rng.IntN(len(sources))]
			ps = append(ps, p)
			vs = append(vs, &Route{Source: s.src, NextHopType: s.hop, Prefixes: []netip.Prefix{p}})
		}
		if set%5 == 0 {
			ps = append(ps, defaultRoute)
			vs = append(vs, &Route{Source: SourceDefault, NextHopType: HopInternet, Prefixes: []netip.Prefix{defaultRoute}})
		}
		rs := &RouteSet{active: NewPrefixMap(ps, vs)}
		var addrs []netip.Addr
		for _, b := range rs.active.Boundaries() {
			addrs = append(addrs, b, b.Prev(), b.Next())
		}
		for i := 0; i < 200; i++ {
			addrs = append(addrs, randAddr(rng.IntN(3) == 0))
		}
		addrs = append(addrs, netip.Addr{}, netip.MustParseAddr("::ffff:10.1.2.3"), netip.MustParseAddr("255.255.255.255"))
		for _, a := range addrs {
			r1, p1, ok1 := rs.Lookup(a)
			r2, p2, ok2 := rs.LookupTrie(a)
			if r1 != r2 || p1 != p2 || ok1 != ok2 {
				t.Fatalf("set %d, %s: table %v %s %v, trie %v %s %v (prefixes %v)", set, a, r1, p1, ok1, r2, p2, ok2, ps)
			}
		}
	}
}

// TestRouteLookupAllocates nothing.
func TestRouteLookupAllocates(t *testing.T) {
	p := netip.MustParsePrefix("10.0.0.0/16")
	rs := &RouteSet{active: NewPrefixMap([]netip.Prefix{p, defaultRoute}, []*Route{{Source: SourceDefault, NextHopType: HopVnetLocal}, {Source: SourceDefault, NextHopType: HopInternet}})}
	a := netip.MustParseAddr("10.0.3.4")
	if n := testing.AllocsPerRun(100, func() { rs.Lookup(a) }); n != 0 {
		t.Errorf("Lookup allocates %v times", n)
	}
}

// BenchmarkRouteLookup compares a lookup in the table of the trie's answers
// with one in the trie, on a route set of 200 prefixes.
func BenchmarkRouteLookup(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ps []netip.Prefix
	var vs []*Route
	for i := 0; i < 200; i++ {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, 0}), 16+rng.IntN(9)).Masked()
		ps = append(ps, p)
		vs = append(vs, &Route{Source: SourceDefault, NextHopType: HopPeering, Prefixes: []netip.Prefix{p}})
	}
	ps = append(ps, defaultRoute)
	vs = append(vs, &Route{Source: SourceDefault, NextHopType: HopInternet, Prefixes: []netip.Prefix{defaultRoute}})
	rs := &RouteSet{active: NewPrefixMap(ps, vs)}
	addrs := make([]netip.Addr, 256)
	for i := range addrs {
		addrs[i] = netip.AddrFrom4([4]byte{10, byte(i), byte(rng.IntN(256)), 4})
	}
	b.Run("table", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			rs.Lookup(addrs[i%len(addrs)])
		}
	})
	b.Run("trie", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			rs.LookupTrie(addrs[i%len(addrs)])
		}
	})
}
