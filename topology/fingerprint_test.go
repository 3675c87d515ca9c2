package topology_test

import (
	"net/netip"
	"testing"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/topology"
)

// TestAddressRefs: on every catalog scenario and variant, the walk finds
// every prefix of every route, NSG rule and VNet, and every reference to a
// subnet or NIC that is not its attachment (service firewalls, internal
// load balancer frontends, backend pools).
func TestAddressRefs(t *testing.T) {
	for _, name := range scenarios.Names() {
		topos, err := scenarios.LoadAll(scenarios.Prefix+name, topology.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, topo := range topos {
			refs := topo.AddressRefs()
			has := func(what string, p netip.Prefix) {
				t.Helper()
				if _, ok := refs.Prefixes[p.Masked()]; !ok {
					t.Errorf("%s: %s %s not found", name, what, p)
				}
			}
			inNSG := map[*topology.NSG]map[netip.Prefix]bool{}
			for n, ps := range refs.NSGPrefixes {
				inNSG[n] = map[netip.Prefix]bool{}
				for _, p := range ps {
					inNSG[n][p] = true
				}
			}
			for _, n := range topo.NSGs {
				for _, r := range append(append([]*topology.SecurityRule{}, n.Inbound...), n.Outbound...) {
					for _, side := range []topology.AddrMatch{r.Src, r.Dst} {
						if side.Prefixes == nil {
							continue
						}
						for _, p := range side.Prefixes.Prefixes() {
							if !inNSG[n][p.Masked()] {
								t.Errorf("%s: NSG %s rule %s prefix %s not found", name, n.Name, r.Name, p)
							}
						}
					}
				}
			}
			for _, v := range topo.VNets {
				for _, p := range v.AddressSpace {
					has("address space", p)
				}
				for _, s := range v.Subnets {
					if s.Routes == nil {
						continue
					}
					for _, r := range s.Routes.Routes {
						for _, p := range r.Prefixes {
							has("route", p)
						}
					}
				}
			}
			for _, svc := range topo.Services {
				if svc.ACLs == nil {
					continue
				}
				for _, s := range svc.ACLs.Subnets {
					if !refs.SubnetRefs[s] {
						t.Errorf("%s: service %s allows subnet %s: not a reference", name, svc.Name, s.ID())
					}
				}
				for _, p := range svc.ACLs.IPRules {
					has("service IP rule", p)
				}
			}
			for _, lb := range topo.LoadBalancers {
				for _, pool := range lb.Pools {
					for _, n := range pool.Members {
						if !refs.NICRefs[n] {
							t.Errorf("%s: backend %s of %s: not a reference", name, n.Name, pool.Name)
						}
					}
				}
			}
		}
	}
}
