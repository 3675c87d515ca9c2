package sim

import (
	"fmt"
	"strings"
	"testing"
)

// hubSpoke builds hub (10.0.0.0/16) with an appliance at 10.0.3.4 and a
// gateway subnet, spoke1 (10.1.0.0/16) and spoke2 (10.2.0.0/16) peered to the
// hub, and a non-peered island (10.9.0.0/16). extra is appended verbatim and
// rt is the route table attached to spoke1/snet-app.
func hubSpoke(peerings, routes, extra string) string {
	return fmt.Sprintf(`
vnets:
  - name: hub
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: snet-nva, addressPrefix: 10.0.3.0/24}
      - {name: snet-pe, addressPrefix: 10.0.1.0/24}
      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}
  - name: spoke1
    addressSpace: [10.1.0.0/16]
    subnets:
      - {name: snet-app, addressPrefix: 10.1.0.0/24, routeTable: rt-app}
      - {name: snet-other, addressPrefix: 10.1.1.0/24}
  - name: spoke2
    region: westeurope
    addressSpace: [10.2.0.0/16]
    subnets:
      - {name: snet-app, addressPrefix: 10.2.0.0/24}
  - name: island
    addressSpace: [10.9.0.0/16]
    subnets:
      - {name: snet, addressPrefix: 10.9.0.0/24}
peerings:
%s
routeTables:
  - name: rt-app
    routes:
%s
vms:
  - {name: nva, subnet: hub/snet-nva, privateIpAddress: 10.0.3.4, enableIpForwarding: true}
  - {name: app1, subnet: spoke1/snet-app, privateIpAddress: 10.1.0.4}
  - {name: other1, subnet: spoke1/snet-other, privateIpAddress: 10.1.1.4}
  - {name: app2, subnet: spoke2/snet-app, privateIpAddress: 10.2.0.4}
  - {name: island-vm, subnet: island/snet, privateIpAddress: 10.9.0.4}
%s`, peerings, routes, extra)
}

const hubPeerings = `  - {name: hub-to-spoke1, from: hub, to: spoke1, allowForwardedTraffic: true}
  - {name: spoke1-to-hub, from: spoke1, to: hub, allowForwardedTraffic: true}
  - {name: hub-to-spoke2, from: hub, to: spoke2, allowForwardedTraffic: true}
  - {name: spoke2-to-hub, from: spoke2, to: hub, allowForwardedTraffic: true}`

const noRoutes = `      - {name: placeholder, addressPrefix: 192.0.2.0/24, nextHopType: None}`

// routeLine formats an effective route for comparison.
func routeLine(r EffectiveRoute) string {
	p := strings.Join(r.AddressPrefix, ",")
	if r.ServiceTag != "" {
		p = r.ServiceTag
	}
	return fmt.Sprintf("%s %s %s %s %s", r.Source, r.State, p, r.NextHopType, strings.Join(r.NextHopIPAddress, ","))
}

// TestEffectiveRoutes covers reference section 2 and decisions 3 and 7 as
// `vnetsim routes` lists them.
func TestEffectiveRoutes(t *testing.T) {
	gw := `virtualNetworkGateways:
  - {name: vpngw, vnet: hub, gatewayType: Vpn, onPremisesAddressPrefixes: [192.168.0.0/16, 172.20.0.0/16]}
`
	pe := `services:
  - {name: st, type: Microsoft.Storage/storageAccounts}
privateEndpoints:
  - {name: pe-st, subnet: hub/snet-pe, service: st, groupId: blob, privateIpAddress: 10.0.1.5}
`
	transit := `  - {name: hub-to-spoke1, from: hub, to: spoke1, allowGatewayTransit: true}
  - {name: spoke1-to-hub, from: spoke1, to: hub, useRemoteGateways: true}`
	cases := []struct {
		name    string
		subnet  string
		scen    string
		want    []string
		notWant []string
	}{
		{
			name: "system routes of a plain subnet", subnet: "island/snet",
			scen: hubSpoke(hubPeerings, noRoutes, ""),
			want: []string{
				"Default Active 10.9.0.0/16 VnetLocal ",
				"Default Active 0.0.0.0/0 Internet ",
				"Default Active 10.0.0.0/8 None ",
				"Default Active 172.16.0.0/12 None ",
				"Default Active 192.168.0.0/16 None ",
				"Default Active 100.64.0.0/10 None ",
			},
			notWant: []string{"VNetPeering"},
		},
		{
			name: "a user 0.0.0.0/0 makes the default Invalid and removes the four None routes", subnet: "spoke1/snet-app",
			scen: hubSpoke(hubPeerings, `      - {name: default, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`, ""),
			want: []string{
				"Default Invalid 0.0.0.0/0 Internet ",
				"User Active 0.0.0.0/0 VirtualAppliance 10.0.3.4",
			},
			notWant: []string{"10.0.0.0/8 None", "172.16.0.0/12 None", "192.168.0.0/16 None", "100.64.0.0/10 None"},
		},
		{
			name: "the None routes stay on a sibling subnet without the route table", subnet: "spoke1/snet-other",
			scen: hubSpoke(hubPeerings, `      - {name: default, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`, ""),
			want: []string{"Default Active 10.0.0.0/8 None ", "Default Active 0.0.0.0/0 Internet "},
		},
		{
			name: "a user route equal to the VNet range makes it Invalid", subnet: "spoke1/snet-app",
			scen: hubSpoke(hubPeerings, `      - {name: vnet-via-nva, addressPrefix: 10.1.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`, ""),
			want: []string{"Default Invalid 10.1.0.0/16 VnetLocal ", "User Active 10.1.0.0/16 VirtualAppliance 10.0.3.4", "Default Active 10.0.0.0/8 None "},
		},
		{
			name: "peering routes: VNetPeering in region, VNetGlobalPeering across regions", subnet: "hub/snet-nva",
			scen: hubSpoke(hubPeerings, noRoutes, ""),
			want: []string{"Default Active 10.1.0.0/16 VNetPeering ", "Default Active 10.2.0.0/16 VNetGlobalPeering "},
		},
		{
			name: "peering is not transitive: a spoke has no route to the other spoke", subnet: "spoke1/snet-other",
			scen:    hubSpoke(hubPeerings, noRoutes, ""),
			want:    []string{"Default Active 10.0.0.0/16 VNetPeering "},
			notWant: []string{"10.2.0.0/16"},
		},
		{
			name: "a one-sided peering is Initiated and adds no route", subnet: "island/snet",
			scen:    hubSpoke(hubPeerings+"\n  - {name: island-to-hub, from: island, to: hub}", noRoutes, ""),
			notWant: []string{"10.0.0.0/16"},
		},
		{
			name: "gateway routes in the gateway's VNet", subnet: "hub/snet-nva",
			scen: hubSpoke(hubPeerings, noRoutes, gw),
			want: []string{"VirtualNetworkGateway Active 192.168.0.0/16 VirtualNetworkGateway 10.0.255.4", "VirtualNetworkGateway Active 172.20.0.0/16 VirtualNetworkGateway 10.0.255.4"},
		},
		{
			name: "gateway transit propagates the routes to a spoke that uses remote gateways", subnet: "spoke1/snet-other",
			scen: hubSpoke(transit, noRoutes, gw),
			want: []string{"VirtualNetworkGateway Active 192.168.0.0/16 VirtualNetworkGateway 10.0.255.4"},
		},
		{
			name: "no gateway routes without useRemoteGateways", subnet: "spoke2/snet-app",
			scen:    hubSpoke(hubPeerings, noRoutes, gw),
			notWant: []string{"VirtualNetworkGateway Active"},
		},
		{
			name: "disableBgpRoutePropagation drops gateway routes", subnet: "spoke1/snet-app",
			scen:    edit(hubSpoke(transit, noRoutes, gw), "  - name: rt-app\n", "  - name: rt-app\n    disableBgpRoutePropagation: true\n"),
			notWant: []string{"VirtualNetworkGateway Active"},
		},
		{
			name: "private endpoint /32 in its own VNet", subnet: "hub/snet-nva",
			scen: hubSpoke(hubPeerings, noRoutes, pe),
			want: []string{"Default Active 10.0.1.5/32 InterfaceEndpoint 10.0.1.5"},
		},
		{
			name: "private endpoint /32 in a peered VNet", subnet: "spoke2/snet-app",
			scen: hubSpoke(hubPeerings, noRoutes, pe),
			want: []string{"Default Active 10.0.1.5/32 InterfaceEndpoint 10.0.1.5"},
		},
		{
			name: "no private endpoint /32 in a VNet that is not peered", subnet: "island/snet",
			scen:    hubSpoke(hubPeerings, noRoutes, pe),
			notWant: []string{"10.0.1.5/32"},
		},
		{
			name: "decision 7: RouteTableEnabled and a user route as long as the VNet range invalidate the /32", subnet: "spoke1/snet-app",
			scen: edit(hubSpoke(hubPeerings, `      - {name: hub-via-nva, addressPrefix: 10.0.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`, pe),
				"{name: snet-pe, addressPrefix: 10.0.1.0/24}", "{name: snet-pe, addressPrefix: 10.0.1.0/24, privateEndpointNetworkPolicies: RouteTableEnabled}"),
			want: []string{"Default Invalid 10.0.1.5/32 InterfaceEndpoint 10.0.1.5", "User Active 10.0.0.0/16 VirtualAppliance 10.0.3.4"},
		},
		{
			name: "decision 7: with policies Disabled the /32 stays", subnet: "spoke1/snet-app",
			scen: hubSpoke(hubPeerings, `      - {name: hub-via-nva, addressPrefix: 10.0.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`, pe),
			want: []string{"Default Active 10.0.1.5/32 InterfaceEndpoint 10.0.1.5"},
		},
		{
			name: "decision 7: 0.0.0.0/0 never invalidates the /32", subnet: "spoke1/snet-app",
			scen: edit(hubSpoke(hubPeerings, `      - {name: default, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`, pe),
				"{name: snet-pe, addressPrefix: 10.0.1.0/24}", "{name: snet-pe, addressPrefix: 10.0.1.0/24, privateEndpointNetworkPolicies: Enabled}"),
			want: []string{"Default Active 10.0.1.5/32 InterfaceEndpoint 10.0.1.5"},
		},
		{
			name: "decision 7: a route shorter than the VNet range (/8) does not invalidate", subnet: "spoke1/snet-app",
			scen: edit(hubSpoke(hubPeerings, `      - {name: ten-via-nva, addressPrefix: 10.0.0.0/8, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`, pe),
				"{name: snet-pe, addressPrefix: 10.0.1.0/24}", "{name: snet-pe, addressPrefix: 10.0.1.0/24, privateEndpointNetworkPolicies: RouteTableEnabled}"),
			want: []string{"Default Active 10.0.1.5/32 InterfaceEndpoint 10.0.1.5"},
		},
		{
			name: "service endpoint route only on the subnet that enables it", subnet: "spoke1/snet-app",
			scen: edit(hubSpoke(hubPeerings, noRoutes, ""), "{name: snet-app, addressPrefix: 10.1.0.0/24, routeTable: rt-app}", "{name: snet-app, addressPrefix: 10.1.0.0/24, routeTable: rt-app, serviceEndpoints: [Microsoft.Storage]}"),
			want: []string{"Default Active Storage.EastUS VirtualNetworkServiceEndpoint "},
		},
		{
			name: "no service endpoint route on the sibling subnet", subnet: "spoke1/snet-other",
			scen:    edit(hubSpoke(hubPeerings, noRoutes, ""), "{name: snet-app, addressPrefix: 10.1.0.0/24, routeTable: rt-app}", "{name: snet-app, addressPrefix: 10.1.0.0/24, routeTable: rt-app, serviceEndpoints: [Microsoft.Storage]}"),
			notWant: []string{"VirtualNetworkServiceEndpoint"},
		},
		{
			name: "a route whose prefix is a service tag", subnet: "spoke1/snet-app",
			scen: hubSpoke(hubPeerings, `      - {name: aml, addressPrefix: AzureMachineLearning, nextHopType: Internet}`, ""),
			want: []string{"User Active AzureMachineLearning Internet "},
		},
		{
			name: "an address space equal to a reserved range turns its None route into VnetLocal", subnet: "big/snet",
			scen: `
vnets:
  - name: big
    addressSpace: [172.16.0.0/12]
    subnets: [{name: snet, addressPrefix: 172.16.0.0/24}]
`,
			want:    []string{"Default Active 172.16.0.0/12 VnetLocal ", "Default Active 10.0.0.0/8 None "},
			notWant: []string{"172.16.0.0/12 None"},
		},
		{
			name: "an address space that contains a reserved range removes its None route", subnet: "huge/snet",
			scen: `
vnets:
  - name: huge
    addressSpace: [100.0.0.0/8]
    subnets: [{name: snet, addressPrefix: 100.64.0.0/24}]
`,
			want:    []string{"Default Active 100.0.0.0/8 VnetLocal "},
			notWant: []string{"100.64.0.0/10 None"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			topo := load(t, c.scen)
			routes, err := topo.EffectiveRoutes(c.subnet)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, r := range routes.Value {
				lines = append(lines, routeLine(r))
			}
			all := strings.Join(lines, "\n")
			for _, w := range c.want {
				found := false
				for _, l := range lines {
					if l == w || strings.HasPrefix(l, w) && strings.HasSuffix(w, " ") {
						found = true
					}
				}
				if !found {
					t.Errorf("missing route %q in\n%s", w, all)
				}
			}
			for _, nw := range c.notWant {
				if strings.Contains(all, nw) {
					t.Errorf("unexpected route %q in\n%s", nw, all)
				}
			}
		})
	}
}
