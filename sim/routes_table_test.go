package sim

import (
	"net/netip"
	"testing"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/topology"
)

// TestRouteTableCatalog checks that every subnet of every catalog scenario
// and variant finds the same route through the table of the trie's answers
// as through the trie, for the addresses of every route, NIC, VNet and
// service, and their neighbours.
func TestRouteTableCatalog(t *testing.T) {
	for _, name := range scenarios.Names() {
		topos, err := scenarios.LoadAll(scenarios.Prefix+name, topology.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, topo := range topos {
			var addrs []netip.Addr
			add := func(a netip.Addr) {
				if a.IsValid() {
					addrs = append(addrs, a, a.Prev(), a.Next())
				}
			}
			for _, v := range topo.VNets {
				for _, p := range v.AddressSpace {
					add(p.Addr())
				}
				for _, s := range v.Subnets {
					if s.Routes == nil {
						continue
					}
					for _, r := range s.Routes.Routes {
						for _, p := range r.Prefixes {
							add(p.Addr())
						}
						add(r.NextHopIP)
					}
				}
			}
			for _, n := range topo.NICs {
				add(n.IP)
				add(n.PublicIP)
			}
			for _, s := range topo.Services {
				add(s.PublicIP)
			}
			add(netip.MustParseAddr("198.51.100.10"))
			add(netip.MustParseAddr("fd00::5"))
			for _, v := range topo.VNets {
				for _, s := range v.Subnets {
					if s.Routes == nil {
						continue
					}
					for _, a := range addrs {
						r1, p1, ok1 := s.Routes.Lookup(a)
						r2, p2, ok2 := s.Routes.LookupTrie(a)
						if r1 != r2 || p1 != p2 || ok1 != ok2 {
							t.Fatalf("%s %s, %s: table %v %s, trie %v %s", name, s.ID(), a, r1, p1, r2, p2)
						}
					}
				}
			}
		}
	}
}
