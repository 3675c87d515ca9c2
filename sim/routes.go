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

// EffectiveRouteList is the answer of `vnetsim routes`, shaped like the
// REST answer of a NIC's effective route table ({"value": [...]}), with
// vnetsim's version and subnet alongside.
type EffectiveRouteList struct {
	Version int              `json:"version"`
	Subnet  string           `json:"subnet"`
	Value   []EffectiveRoute `json:"value"`
}

// EffectiveRoutes lists a subnet's effective routes.
func (t *Network) EffectiveRoutes(subnetID string) (*EffectiveRouteList, error) {
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
	return &EffectiveRouteList{Version: JSONVersion, Subnet: s.ID(), Value: out}, nil
}

// NextHop is the answer of `vnetsim nexthop`, shaped like Network Watcher's
// next hop (nextHopType in its vocabulary, nextHopIpAddress, routeTableId:
// a route table's resource ID or "System Route"), with vnetsim's fields
// alongside: the effective route's own next hop type, the route table and
// route names and the matching prefix.
type NextHop struct {
	Version          int    `json:"version"`
	NextHopType      string `json:"nextHopType"`
	NextHopIPAddress string `json:"nextHopIpAddress"`
	RouteTableID     string `json:"routeTableId"`
	RouteNextHopType string `json:"routeNextHopType"`
	RouteTable       string `json:"routeTable"`
	Route            string `json:"route"`
	AddressPrefix    string `json:"addressPrefix"`
}

// Network Watcher's next hop types, and the one vnetsim adds for the host's
// virtual IP, which Network Watcher's list does not name.
const (
	NextHopInternet         = "Internet"
	NextHopVirtualAppliance = "VirtualAppliance"
	NextHopGateway          = "VirtualNetworkGateway"
	NextHopVirtualNetwork   = "VirtualNetwork"
	NextHopPeering          = "VirtualNetworkPeering"
	NextHopServiceEndpoint  = "VirtualNetworkServiceEndpoint"
	NextHopNone             = "None"
	NextHopPlatform         = "Platform"
)

// SystemRoute is the routeTableId of a route that no route table holds.
const SystemRoute = "System Route"

// watcherHopType maps an effective route's next hop type to Network
// Watcher's vocabulary.
func watcherHopType(routeType string) string {
	switch routeType {
	case topology.HopVnetLocal, topology.HopInterface:
		return NextHopVirtualNetwork
	case topology.HopPeering, topology.HopGlobalPeering:
		return NextHopPeering
	}
	return routeType // Internet, VirtualAppliance, VirtualNetworkGateway, VirtualNetworkServiceEndpoint, None
}

// routeTableID is a route table's Azure resource ID. Scenarios have no
// resource groups: the group is always "vnetsim", and the subscription is
// the VNet's when the scenario gives one, else the zero GUID.
func routeTableID(subscription, table string) string {
	if subscription == "" {
		subscription = "00000000-0000-0000-0000-000000000000"
	}
	return "/subscriptions/" + subscription + "/resourceGroups/vnetsim/providers/Microsoft.Network/routeTables/" + table
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
		return &NextHop{Version: JSONVersion, NextHopType: NextHopPlatform, RouteNextHopType: NextHopPlatform, RouteTableID: SystemRoute, RouteTable: SystemRoute,
			Route: a.String() + " is not subject to user-defined routes", AddressPrefix: a.String() + "/32"}, nil
	}
	r, p, ok := src.Subnet.Routes.Lookup(a)
	if !ok {
		return &NextHop{Version: JSONVersion, NextHopType: NextHopNone, RouteNextHopType: topology.HopNone, RouteTableID: SystemRoute, RouteTable: SystemRoute}, nil
	}
	nh := &NextHop{Version: JSONVersion, NextHopType: watcherHopType(r.NextHopType), RouteNextHopType: r.NextHopType,
		RouteTableID: SystemRoute, RouteTable: SystemRoute, AddressPrefix: p.String()}
	if r.NextHopIP.IsValid() {
		nh.NextHopIPAddress = r.NextHopIP.String()
	}
	if r.Source == topology.SourceUser {
		nh.RouteTable, nh.Route = r.Table, r.Name
		nh.RouteTableID = routeTableID(src.Subnet.VNet.Subscription, r.Table)
	} else if r.Source == topology.SourceGateway {
		nh.RouteTable = "Gateway Route"
	}
	return nh, nil
}
