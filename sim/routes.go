package sim

import (
	"fmt"
	"net/netip"

	"github.com/vnetsim/vnetsim/topology"
)

// EffectiveRoute is one line of `vnetsim routes`, shaped like an entry of
// `az network nic show-effective-route-table`.
type EffectiveRoute struct {
	Source           string   `json:"source"`
	State            string   `json:"state"`
	AddressPrefix    []string `json:"addressPrefix"`
	NextHopType      string   `json:"nextHopType"`
	NextHopIPAddress []string `json:"nextHopIpAddress"`
	Name             string   `json:"name,omitempty"`
	RouteTable       string   `json:"routeTable,omitempty"`
	ServiceTag       string   `json:"serviceTag,omitempty"`
	InvalidReason    string   `json:"invalidReason,omitempty"`
}

// EffectiveRoutes lists a subnet's effective routes.
func (t *Network) EffectiveRoutes(subnetID string) ([]EffectiveRoute, error) {
	s := t.Subnet(subnetID)
	if s == nil {
		return nil, fmt.Errorf("subnet %q: no such subnet (give vnet/subnet)", subnetID)
	}
	out := make([]EffectiveRoute, 0, len(s.Routes.Routes))
	for _, r := range s.Routes.Routes {
		er := EffectiveRoute{Source: r.Source, State: r.State, NextHopType: r.NextHopType, AddressPrefix: []string{}, NextHopIPAddress: []string{},
			Name: r.Name, RouteTable: r.Table, ServiceTag: r.Tag, InvalidReason: r.InvalidReason}
		for _, p := range r.Prefixes {
			er.AddressPrefix = append(er.AddressPrefix, p.String())
		}
		if r.NextHopIP.IsValid() {
			er.NextHopIPAddress = append(er.NextHopIPAddress, r.NextHopIP.String())
		}
		out = append(out, er)
	}
	return out, nil
}

// NextHop is the answer of `vnetsim nexthop`, shaped like Network Watcher's
// next hop.
type NextHop struct {
	NextHopType      string `json:"nextHopType"`
	NextHopIPAddress string `json:"nextHopIpAddress"`
	RouteTable       string `json:"routeTable"`
	Route            string `json:"route"`
	AddressPrefix    string `json:"addressPrefix"`
}

// FindNextHop returns the next hop that the source's subnet uses for dst.
func (t *Network) FindNextHop(from, to string) (*NextHop, error) {
	src, err := t.ResolveEndpoint(from)
	if err != nil {
		return nil, err
	}
	if src.Subnet == nil {
		return nil, fmt.Errorf("--to %q: the source must be in a subnet", from)
	}
	a, err := netip.ParseAddr(to)
	if err != nil {
		dst, derr := t.ResolveEndpoint(to)
		if derr != nil {
			return nil, derr
		}
		if !dst.Addr.IsValid() || dst.Kind == EndpointFQDN {
			return nil, fmt.Errorf("--to %q: give an IP address or an endpoint with one", to)
		}
		a = dst.Addr
	}
	a = a.Unmap()
	if a == topology.AzureDNS || a == topology.IMDS {
		// The host's virtual IP and the link-local metadata service are not
		// subject to user-defined routes (reference 1.7).
		return &NextHop{NextHopType: "Platform", RouteTable: "System Route", Route: a.String() + " is not subject to user-defined routes", AddressPrefix: a.String() + "/32"}, nil
	}
	r, p, ok := src.Subnet.Routes.Lookup(a)
	if !ok {
		return &NextHop{NextHopType: topology.HopNone, RouteTable: "System Route"}, nil
	}
	nh := &NextHop{NextHopType: r.NextHopType, RouteTable: "System Route", AddressPrefix: p.String()}
	if r.NextHopIP.IsValid() {
		nh.NextHopIPAddress = r.NextHopIP.String()
	}
	if r.Source == topology.SourceUser {
		nh.RouteTable, nh.Route = r.Table, r.Name
	} else if r.Source == topology.SourceGateway {
		nh.RouteTable = "Gateway Route"
	}
	return nh, nil
}
