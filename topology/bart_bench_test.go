package topology

import (
	"net/netip"
	"testing"

	"github.com/gaissmai/bart"
)

// The design card asks for cidranger, and vnetsim keeps it behind
// PrefixMap. These benchmarks compare it with github.com/gaissmai/bart on
// the same prefixes (the AzureCloud tag, about 10,000 IPv4 and IPv6
// prefixes) and the same lookups, in one run, so the ratio can be read
// despite a noisy machine: go test -run '^$' -bench 'Trie' ./topology

func benchPrefixes(b *testing.B) ([]netip.Prefix, []netip.Addr) {
	st, err := BuiltinServiceTags()
	if err != nil {
		b.Fatal(err)
	}
	tag, _ := st.Lookup("AzureCloud")
	ps := tag.Prefixes()
	var addrs []netip.Addr
	for i, p := range ps {
		if p.Addr().Is4() && i%7 == 0 {
			addrs = append(addrs, p.Addr().Next())
		}
	}
	for i := 0; i < 256; i++ {
		addrs = append(addrs, netip.AddrFrom4([4]byte{198, 51, byte(i), 10})) // misses
	}
	return ps, addrs
}

func BenchmarkTrieCidrangerLookup(b *testing.B) {
	ps, addrs := benchPrefixes(b)
	m := NewPrefixMap(ps, make([]int, len(ps)))
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Longest(addrs[i%len(addrs)])
		i++
	}
}

func BenchmarkTrieBartLookup(b *testing.B) {
	ps, addrs := benchPrefixes(b)
	var t bart.Table[int]
	for i, p := range ps {
		t.Insert(p, i)
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		t.Lookup(addrs[i%len(addrs)])
		i++
	}
}

func BenchmarkTrieCidrangerBuild(b *testing.B) {
	ps, _ := benchPrefixes(b)
	vals := make([]int, len(ps))
	for b.Loop() {
		NewPrefixMap(ps, vals)
	}
}

func BenchmarkTrieBartBuild(b *testing.B) {
	ps, _ := benchPrefixes(b)
	for b.Loop() {
		var t bart.Table[int]
		for i, p := range ps {
			t.Insert(p, i)
		}
	}
}
