package crosscheck

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// renderRoutes installs the effective routes of NIC n's subnet as the
// routing table of what n sends into its VNet's router. Routes vnetsim lists as Invalid are left out. Where an
// active route's prefix equals another's (a service tag route's prefixes
// against system and gateway routes), the better source wins: a user route
// with a written prefix, then a user route on a tag (regional before
// top-level, AzureCloud last), then a gateway route, then a system route. A
// gateway route inside a VnetLocal or peering prefix is left out: the
// system route for the VNet and its peers wins over more specific BGP
// routes.
func (e *Emulation) renderRoutes(n *topology.NIC) {
	s := n.Subnet
	table := tableSub + e.nicIdx[n]
	r := e.routerNS[s.VNet]
	best := map[netip.Prefix]*topology.Route{}
	for _, rt := range s.Routes.Routes {
		if rt.State != "Active" {
			continue
		}
		for _, p := range rt.Prefixes {
			if !p.Addr().Is4() {
				continue
			}
			if b, ok := best[p]; !ok || routeRank(rt) < routeRank(b) {
				best[p] = rt
			}
		}
	}
	var ps []netip.Prefix
	for p, rt := range best {
		if rt.Source == topology.SourceGateway && underSystem(best, p) {
			continue
		}
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].String() < ps[j].String() })
	for _, p := range ps {
		e.Batch[r] = append(e.Batch[r], fmt.Sprintf("route add %s table %d", e.nextHop(n, p, best[p]), table))
	}
}

func routeRank(r *topology.Route) int {
	switch {
	case r.Source == topology.SourceUser && r.Tag == "":
		return 0
	case r.Source == topology.SourceUser:
		base, region, regional := strings.Cut(r.Tag, ".")
		cloud := strings.EqualFold(base, "AzureCloud")
		switch {
		case !cloud && regional && region != "":
			return 1
		case !cloud:
			return 2
		case regional:
			return 3
		}
		return 4
	case r.Source == topology.SourceGateway:
		return 10
	}
	return 20
}

// underSystem reports whether a VnetLocal or peering system route holds p
// with a shorter prefix.
func underSystem(best map[netip.Prefix]*topology.Route, p netip.Prefix) bool {
	for q, rt := range best {
		if q.Bits() < p.Bits() && q.Contains(p.Addr()) && rt.Source == topology.SourceDefault &&
			(rt.NextHopType == topology.HopVnetLocal || rt.NextHopType == topology.HopPeering || rt.NextHopType == topology.HopGlobalPeering) {
			return true
		}
	}
	return false
}

// nextHop renders route rt for prefix p in VNet v's router as the tail of
// `ip route add`.
func (e *Emulation) nextHop(n *topology.NIC, p netip.Prefix, rt *topology.Route) string {
	v := n.VNet()
	switch rt.NextHopType {
	case topology.HopVnetLocal:
		return "throw " + p.String() // to table 100, the VNet's own NICs
	case topology.HopPeering, topology.HopGlobalPeering:
		w := rt.Peering.To
		return fmt.Sprintf("%s via %s dev p%d", p, e.peerNext[[2]int{e.vnetIdx(v), e.vnetIdx(w)}], e.vnetIdx(w))
	case topology.HopInternet:
		return fmt.Sprintf("%s via %s dev i%d", p, e.inetPeer[n], e.nicIdx[n])
	case topology.HopGateway:
		if rt.Gateway != nil {
			return p.String() + " " + e.viaNIC(v, rt.Gateway.NIC, true)
		}
	case topology.HopAppliance:
		if nva := findNIC(v, rt.NextHopIP); nva != nil {
			return p.String() + " " + e.viaNIC(v, nva, false)
		}
		return "unreachable " + p.String() // no NIC holds the next hop
	case topology.HopNone:
		return "blackhole " + p.String()
	}
	e.Unsupported = append(e.Unsupported, fmt.Sprintf("%s: next hop %s", rt.Describe(), rt.NextHopType))
	return "blackhole " + p.String()
}

// viaNIC routes to NIC n: over its veth when it is in v, else over a hop
// link to its VNet's router.
func (e *Emulation) viaNIC(v *topology.VNet, n *topology.NIC, gateway bool) string {
	if n.VNet() == v {
		return fmt.Sprintf("via %s dev n%d onlink", n.IP, e.nicIdx[n])
	}
	name, far := e.hopLink(v, n)
	if !gateway {
		e.applianceHops[v] = append(e.applianceHops[v], hopTo{name, n.VNet()})
	}
	return fmt.Sprintf("via %s dev %s", far, name)
}

// hopTo is a hop link to an appliance in VNet to.
type hopTo struct {
	veth string
	to   *topology.VNet
}

// findNIC returns the NIC holding address a in v or a connected peer of v.
func findNIC(v *topology.VNet, a netip.Addr) *topology.NIC {
	if n := v.NICAt(a); n != nil {
		return n
	}
	for _, p := range v.Peerings {
		if p.Connected() {
			if n := p.To.NICAt(a); n != nil {
				return n
			}
		}
	}
	return nil
}
