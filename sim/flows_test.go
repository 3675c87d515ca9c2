package sim

import (
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

const viaNVA = `      - {name: default, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`

const peSt = `services:
  - {name: st, type: Microsoft.Storage/storageAccounts}
privateEndpoints:
  - {name: pe-st, subnet: hub/snet-pe, service: st, groupId: blob, privateIpAddress: 10.0.1.5}
`

const vpnGw = `virtualNetworkGateways:
  - {name: vpngw, vnet: hub, gatewayType: Vpn, onPremisesAddressPrefixes: [192.168.0.0/16, 10.1.5.0/24]}
`

const transitPeerings = `  - {name: hub-to-spoke1, from: hub, to: spoke1, allowGatewayTransit: true}
  - {name: spoke1-to-hub, from: spoke1, to: hub, useRemoteGateways: true}
  - {name: hub-to-spoke2, from: hub, to: spoke2, allowGatewayTransit: true}
  - {name: spoke2-to-hub, from: spoke2, to: hub, useRemoteGateways: true}`

// withRouteTables adds route tables to a scenario built by hubSpoke.
func withRouteTables(s, tables string) string {
	return edit(s, "routeTables:\n", "routeTables:\n"+tables)
}

func withPolicy(s, policy string) string {
	return edit(s, "{name: snet-pe, addressPrefix: 10.0.1.0/24}", "{name: snet-pe, addressPrefix: 10.0.1.0/24, privateEndpointNetworkPolicies: "+policy+"}")
}

func withSubnetKeys(s, keys string) string {
	return edit(s, "{name: snet-app, addressPrefix: 10.1.0.0/24, routeTable: rt-app}", "{name: snet-app, addressPrefix: 10.1.0.0/24, routeTable: rt-app, "+keys+"}")
}

// TestRouting covers route selection (reference 2.3-2.10) as traces show it.
func TestRouting(t *testing.T) {
	cases := []flowCase{
		{
			name:     "longest prefix: a /24 user route beats the /16 peering route",
			scenario: hubSpoke(hubPeerings, `      - {name: pe-subnet-drop, addressPrefix: 10.0.1.0/24, nextHopType: None}`, ""),
			from:     "app1", to: "10.0.1.9", verdict: Denied, reason: ReasonNullRoute,
			blockedBy: "route/pe-subnet-drop/rt-app",
		},
		{
			name:     "longest prefix: outside the /24 the /16 peering route applies",
			scenario: hubSpoke(hubPeerings, `      - {name: pe-subnet-drop, addressPrefix: 10.0.1.0/24, nextHopType: None}`, ""),
			from:     "app1", to: "nva", port: 22, verdict: Allowed,
			hops: []string{"route match spoke1/snet-app 10.0.0.0/16 -> VNetPeering", "peering cross spoke1-to-hub", "destination deliver nva"},
		},
		{
			name:     "equal prefix: the user route beats the system route",
			scenario: hubSpoke(hubPeerings, `      - {name: hub-none, addressPrefix: 10.0.0.0/16, nextHopType: None}`, ""),
			from:     "app1", to: "nva", verdict: Denied, reason: ReasonNullRoute,
			blockedBy: "route/hub-none/rt-app",
		},
		{
			name:     "a subnet without the route table keeps the gateway (BGP) route",
			scenario: hubSpoke(hubPeerings, `      - {name: onprem-none, addressPrefix: 192.168.0.0/16, nextHopType: None}`, vpnGw),
			from:     "nva", to: "192.168.1.1", verdict: Allowed,
			hops: []string{"route match hub/snet-nva 192.168.0.0/16 -> VirtualNetworkGateway", "gateway forward vpngw", "destination deliver on-premises"},
		},
		{
			name:     "equal prefix on a subnet with the table: user None beats BGP",
			scenario: hubSpoke(transitPeerings, `      - {name: onprem-none, addressPrefix: 192.168.0.0/16, nextHopType: None}`, vpnGw),
			from:     "app1", to: "192.168.1.1", verdict: Denied, reason: ReasonNullRoute,
			blockedBy: "route/onprem-none/rt-app",
		},
		{
			name:     "BGP beats the system None route on an equal prefix",
			scenario: hubSpoke(hubPeerings, noRoutes, vpnGw),
			from:     "nva", to: "192.168.7.7", verdict: Allowed,
			hops: []string{"gateway forward vpngw", "destination deliver on-premises"},
		},
		{
			name:     "system VNet routes win over more specific BGP routes",
			scenario: hubSpoke(hubPeerings, noRoutes, vpnGw),
			from:     "nva", to: "app1", port: 22, verdict: Allowed,
			hops: []string{"route match hub/snet-nva 10.1.0.0/16 -> VNetPeering", "destination deliver app1"},
		},
		{
			name:     "next hop None drops",
			scenario: hubSpoke(hubPeerings, `      - {name: blackhole, addressPrefix: 10.2.0.0/16, nextHopType: None}`, ""),
			from:     "app1", to: "app2", verdict: Denied, reason: ReasonNullRoute,
			blockedBy: "route/blackhole/rt-app",
		},
		{
			name:     "private ranges outside every VNet hit the reserved None route",
			scenario: hubSpoke(hubPeerings, noRoutes, ""),
			from:     "island-vm", to: "10.50.0.4", verdict: Denied, reason: ReasonNullRoute,
			blockedBy: "route/10.0.0.0/8 None/System Route (island/snet)",
		},
		{
			name:     "under a user 0.0.0.0/0 the reserved None routes are gone and private ranges follow it",
			scenario: hubSpoke(hubPeerings, viaNVA, ""),
			from:     "app1", to: "172.16.0.9", verdict: Denied, reason: ReasonNullRoute,
			// the NVA's own subnet still has the None routes, so the packet dies there
			hops: []string{"route match spoke1/snet-app 0.0.0.0/0 -> VirtualAppliance 10.0.3.4", "appliance forward nva", "route match hub/snet-nva 172.16.0.0/12 -> None"},
		},
		{
			name:     "a service-tag route sends the tag's addresses to its next hop",
			scenario: hubSpoke(hubPeerings, viaNVA+"\n"+`      - {name: aml, addressPrefix: AzureMachineLearning, nextHopType: None}`, ""),
			from:     "app1", to: "AzureMachineLearning", verdict: Denied, reason: ReasonNullRoute,
			blockedBy: "route/aml/rt-app",
		},
		{
			name:     "on an exact prefix an explicit route beats a tag route",
			scenario: hubSpoke(hubPeerings, `      - {name: aml-tag, addressPrefix: AzureMachineLearning, nextHopType: None}`+"\n"+`      - {name: aml-explicit, addressPrefix: 4.171.27.64/27, nextHopType: Internet}`, ""),
			from:     "app1", to: "4.171.27.65", verdict: Allowed,
			hops: []string{"route match spoke1/snet-app 4.171.27.64/27 -> Internet (user route rt-app/aml-explicit)"},
		},
		{
			name:     "among tags a regional tag beats the top-level tag",
			scenario: hubSpoke(hubPeerings, `      - {name: storage-all, addressPrefix: Storage, nextHopType: None}`+"\n"+`      - {name: storage-eastus, addressPrefix: Storage.EastUS, nextHopType: Internet}`, ""),
			from:     "app1", to: "Storage.EastUS", verdict: Allowed,
			hops: []string{"-> Internet (user route rt-app/storage-eastus)"},
		},
		{
			name:     "a private endpoint /32 beats a user 0.0.0.0/0 to an appliance",
			scenario: hubSpoke(hubPeerings, viaNVA, peSt),
			from:     "app1", to: "pe-st", verdict: Allowed,
			hops:   []string{"route match spoke1/snet-app 10.0.1.5/32 -> InterfaceEndpoint 10.0.1.5", "destination deliver pe-st"},
			noHops: []string{"appliance"},
		},
		{
			// The request goes spoke → appliance → endpoint, but the endpoint's
			// subnet replies over the peering straight to the spoke, so the
			// (stateful) appliance never sees the reply. Azure's guidance is to
			// SNAT at the appliance (PEFW); vnetsim reports the asymmetry.
			name:     "decision 7: an invalidated /32 sends endpoint traffic through the appliance, and the reply bypasses it",
			scenario: withPolicy(hubSpoke(hubPeerings, `      - {name: hub-via-nva, addressPrefix: 10.0.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`, peSt), "RouteTableEnabled"),
			from:     "app1", to: "pe-st", verdict: Denied, reason: ReasonAsymmetric,
			blockedBy: "appliance/nva/hub/snet-nva",
			hops:      []string{"route match spoke1/snet-app 10.0.0.0/16 -> VirtualAppliance 10.0.3.4", "appliance forward nva", "route match hub/snet-nva 10.0.1.5/32 -> InterfaceEndpoint", "destination deliver pe-st", "reply:route match hub/snet-pe 10.1.0.0/16 -> VNetPeering"},
		},
		{
			name:     "service endpoint routes can't be overridden by user routes (decision 8)",
			scenario: withSubnetKeys(hubSpoke(hubPeerings, viaNVA+"\n"+`      - {name: storage-none, addressPrefix: Storage.EastUS, nextHopType: None}`, ""), "serviceEndpoints: [Microsoft.Storage]"),
			from:     "app1", to: "Storage.EastUS", verdict: Allowed,
			hops:   []string{"-> VirtualNetworkServiceEndpoint (system route", "destination deliver Storage.EastUS"},
			noHops: []string{"storage-none"},
		},
	}
	runFlowCases(t, cases)
}

// TestPeeringAndAppliances covers reference section 4, decision 10, and the
// appliance rules of 2.3.
func TestPeeringAndAppliances(t *testing.T) {
	toHubNVA := `      - {name: spoke2-via-nva, addressPrefix: 10.2.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`
	spoke2Back := `  - name: rt-spoke2
    routes:
      - {name: spoke1-via-nva, addressPrefix: 10.1.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}
`
	withSpoke2RT := func(s string) string {
		s = edit(s, "{name: snet-app, addressPrefix: 10.2.0.0/24}", "{name: snet-app, addressPrefix: 10.2.0.0/24, routeTable: rt-spoke2}")
		return withRouteTables(s, spoke2Back)
	}
	noForward := edit(hubPeerings, "{name: spoke2-to-hub, from: spoke2, to: hub, allowForwardedTraffic: true}", "{name: spoke2-to-hub, from: spoke2, to: hub}")
	cases := []flowCase{
		{
			name:     "peering is not transitive: spoke to spoke without an appliance",
			scenario: hubSpoke(hubPeerings, noRoutes, ""),
			from:     "app1", to: "app2", verdict: Denied, reason: ReasonNullRoute,
			blockedBy: "route/10.0.0.0/8 None/System Route (spoke1/snet-app)",
		},
		{
			name:     "spoke to spoke through the hub appliance with allowForwardedTraffic",
			scenario: withSpoke2RT(hubSpoke(hubPeerings, toHubNVA, "")),
			from:     "app1", to: "app2", port: 22, verdict: Allowed,
			hops: []string{"route match spoke1/snet-app 10.2.0.0/16 -> VirtualAppliance 10.0.3.4", "peering cross spoke1-to-hub", "appliance forward nva", "route match hub/snet-nva 10.2.0.0/16 -> VNetGlobalPeering", "peering cross hub-to-spoke2", "destination deliver app2",
				"reply:route match spoke2/snet-app 10.1.0.0/16 -> VirtualAppliance", "reply:appliance forward nva", "reply:destination deliver app1"},
		},
		{
			name:     "decision 10: without allowForwardedTraffic on the receiving spoke's peering the forwarded packet is dropped",
			scenario: withSpoke2RT(hubSpoke(noForward, toHubNVA, "")),
			from:     "app1", to: "app2", port: 22, verdict: Denied, reason: ReasonForwardedTraffic,
			blockedBy: "peering/spoke2-to-hub/spoke2",
		},
		{
			name:     "traffic that originates in the hub needs no allowForwardedTraffic",
			scenario: hubSpoke(noForward, noRoutes, ""),
			from:     "nva", to: "app2", port: 22, verdict: Allowed,
		},
		{
			name:     "the reply must come back through the appliance: asymmetric without the return route",
			scenario: hubSpoke(hubPeerings, toHubNVA, ""),
			from:     "app1", to: "app2", port: 22, verdict: Denied, reason: ReasonNullRoute,
			hops: []string{"destination deliver app2", "reply:route match spoke2/snet-app 10.0.0.0/8 -> None"},
		},
		{
			name:     "allowVirtualNetworkAccess false stops traffic",
			scenario: hubSpoke(edit(hubPeerings, "{name: hub-to-spoke2, from: hub, to: spoke2, allowForwardedTraffic: true}", "{name: hub-to-spoke2, from: hub, to: spoke2, allowVirtualNetworkAccess: false}"), noRoutes, ""),
			from:     "nva", to: "app2", verdict: Denied, reason: ReasonPeeringAccess,
			blockedBy: "peering/hub-to-spoke2/hub",
		},
		{
			name:     "allowVirtualNetworkAccess false on the other half stops traffic too",
			scenario: hubSpoke(edit(hubPeerings, "{name: hub-to-spoke2, from: hub, to: spoke2, allowForwardedTraffic: true}", "{name: hub-to-spoke2, from: hub, to: spoke2, allowVirtualNetworkAccess: false}"), noRoutes, ""),
			from:     "app2", to: "nva", verdict: Denied, reason: ReasonPeeringAccess,
			blockedBy: "peering/hub-to-spoke2/hub",
		},
		{
			name:     "a VirtualAppliance next hop without IP forwarding drops",
			scenario: edit(hubSpoke(hubPeerings, viaNVA, ""), "privateIpAddress: 10.0.3.4, enableIpForwarding: true", "privateIpAddress: 10.0.3.4"),
			from:     "app1", to: "internet", verdict: Denied, reason: ReasonIPForwarding,
			blockedBy: "nic/nva/hub/snet-nva",
		},
		{
			name:     "a VirtualAppliance next hop that no NIC holds",
			scenario: hubSpoke(hubPeerings, `      - {name: default, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.99}`, ""),
			from:     "app1", to: "internet", verdict: Denied, reason: ReasonNextHopUnreachable,
		},
		{
			name: "the appliance NIC's NSGs apply to forwarded traffic",
			scenario: edit(hubSpoke(hubPeerings, viaNVA, `networkSecurityGroups:
  - name: nsg-nva
    securityRules:
      - {name: AllowFromVNet, priority: 100, direction: Inbound, access: Allow, protocol: "*", sourceAddressPrefix: VirtualNetwork, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*"}
      - {name: DenyWebOut, priority: 100, direction: Outbound, access: Deny, protocol: Tcp, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: Internet, destinationPortRange: "443"}
`), "privateIpAddress: 10.0.3.4, enableIpForwarding: true", "privateIpAddress: 10.0.3.4, enableIpForwarding: true, networkSecurityGroup: nsg-nva"),
			from: "app1", to: "internet", verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/DenyWebOut/nsg-nva",
			hops:      []string{"nsg allow nsg-nva NIC nva Inbound: rule AllowFromVNet", "appliance forward nva", "nsg deny nsg-nva NIC nva Outbound"},
		},
		{
			name: "the appliance NIC's inbound NSG sees the packet's real destination",
			scenario: edit(hubSpoke(hubPeerings, viaNVA, `networkSecurityGroups:
  - name: nsg-nva
`), "privateIpAddress: 10.0.3.4, enableIpForwarding: true", "privateIpAddress: 10.0.3.4, enableIpForwarding: true, networkSecurityGroup: nsg-nva"),
			from: "app1", to: "internet", verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/DenyAllInBound/nsg-nva",
		},
		{
			name: "a routing loop between two appliances is reported",
			scenario: withRouteTables(edit(strings.Replace(hubSpoke(hubPeerings, viaNVA, `  - {name: nva2, subnet: hub/snet-pe, privateIpAddress: 10.0.1.4, enableIpForwarding: true}
`), "  - {name: snet-pe, addressPrefix: 10.0.1.0/24}", "  - {name: snet-pe, addressPrefix: 10.0.1.0/24, routeTable: rt-pe}", 1),
				"      - {name: snet-nva, addressPrefix: 10.0.3.0/24}", "      - {name: snet-nva, addressPrefix: 10.0.3.0/24, routeTable: rt-nva}"), `  - name: rt-nva
    routes: [{name: to-nva2, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}]
  - name: rt-pe
    routes: [{name: to-nva, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}]
`),
			from: "app1", to: "internet", verdict: Denied, reason: ReasonLoop,
			hops: []string{"appliance forward nva", "appliance forward nva2", "appliance drop nva"},
		},
	}
	runFlowCases(t, cases)
}

// TestGatewaysAndOnPremises covers gateways, transit and propagation
// (reference 2.6, 2.8, 4; decision 6).
func TestGatewaysAndOnPremises(t *testing.T) {
	transit := transitPeerings
	gw := `virtualNetworkGateways:
  - {name: vpngw, vnet: hub, gatewayType: Vpn, onPremisesAddressPrefixes: [192.168.0.0/16]}
`
	cases := []flowCase{
		{
			name:     "a spoke reaches on-premises through the hub gateway (transit)",
			scenario: hubSpoke(transit, noRoutes, gw),
			from:     "other1", to: "192.168.1.10", verdict: Allowed,
			hops: []string{"route match spoke1/snet-other 192.168.0.0/16 -> VirtualNetworkGateway 10.0.255.4 (gateway route via vpngw)", "gateway forward vpngw", "destination deliver on-premises"},
		},
		{
			name:     "decision 6: transit works across regions (global peering)",
			scenario: hubSpoke(transit, noRoutes, gw),
			from:     "app2", to: "192.168.1.10", verdict: Allowed,
		},
		{
			name:     "without transit the spoke sends on-premises addresses to the None route",
			scenario: hubSpoke(hubPeerings, noRoutes, gw),
			from:     "app2", to: "192.168.1.10", verdict: Denied, reason: ReasonNullRoute,
		},
		{
			name:     "disableBgpRoutePropagation: the spoke subnet loses the on-premises route",
			scenario: edit(hubSpoke(transit, noRoutes, gw), "  - name: rt-app\n", "  - name: rt-app\n    disableBgpRoutePropagation: true\n"),
			from:     "app1", to: "192.168.1.10", verdict: Denied, reason: ReasonNullRoute,
		},
		{
			name:     "disableBgpRoutePropagation with a user route to the gateway restores it",
			scenario: edit(hubSpoke(transit, `      - {name: onprem, addressPrefix: 192.168.0.0/16, nextHopType: VirtualNetworkGateway}`, gw), "  - name: rt-app\n", "  - name: rt-app\n    disableBgpRoutePropagation: true\n"),
			from:     "app1", to: "192.168.1.10", verdict: Allowed,
			hops: []string{"route match spoke1/snet-app 192.168.0.0/16 -> VirtualNetworkGateway (user route rt-app/onprem)", "gateway forward vpngw"},
		},
		{
			name:     "on-premises reaches a spoke that uses the hub gateway",
			scenario: hubSpoke(transit, noRoutes, gw),
			from:     "192.168.1.10", to: "other1", port: 22, verdict: Allowed,
			hops: []string{"source send on-premises", "gateway forward vpngw", "peering cross hub-to-spoke1", "destination deliver other1", "reply:route match spoke1/snet-other 192.168.0.0/16 -> VirtualNetworkGateway"},
		},
		{
			name:     "on-premises does not learn a VNet that doesn't use the gateway",
			scenario: hubSpoke(transit, noRoutes, gw),
			from:     "192.168.1.10", to: "island-vm", port: 22, verdict: Denied, reason: ReasonNoRoute,
			blockedBy: "gateway/vpngw/hub",
		},
	}
	runFlowCases(t, cases)
}

// TestVirtualNetworkTag covers decision 2: what the VirtualNetwork tag holds.
func TestVirtualNetworkTag(t *testing.T) {
	topo := load(t, hubSpoke(hubPeerings+"\n  - {name: island-to-hub, from: island, to: hub}", `      - {name: default, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}
      - {name: partner, addressPrefix: 203.0.113.0/24, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`, vpnGw))
	cases := []struct {
		vnet, addr string
		want       bool
	}{
		{"spoke1", "10.1.200.1", true},    // own address space
		{"spoke1", "10.0.3.4", true},      // peered hub
		{"spoke1", "10.2.0.4", false},     // spoke2 is not peered with spoke1
		{"spoke1", "168.63.129.16", true}, // the host's virtual IP
		{"spoke1", "203.0.113.9", true},   // a user route prefix
		{"spoke1", "8.8.8.8", false},      // never 0.0.0.0/0
		{"hub", "192.168.3.3", true},      // on-premises behind the hub gateway
		{"spoke1", "192.168.3.3", false},  // no transit for spoke1
		{"hub", "10.9.0.4", false},        // island's peering is one-sided (Initiated)
	}
	for _, c := range cases {
		a := mustAddr(t, c.addr)
		if got := topo.InTag("VirtualNetwork", a, topo.VNet(c.vnet)); got != c.want {
			t.Errorf("VirtualNetwork in %s contains %s = %v, want %v", c.vnet, c.addr, got, c.want)
		}
	}
	// Internet is what is public and outside VirtualNetwork.
	if !topo.InTag("Internet", mustAddr(t, "8.8.8.8"), topo.VNet("spoke1")) {
		t.Error("Internet should contain 8.8.8.8")
	}
	if topo.InTag("Internet", mustAddr(t, "203.0.113.9"), topo.VNet("spoke1")) {
		t.Error("Internet should not contain a VirtualNetwork prefix")
	}
	if topo.InTag("Internet", mustAddr(t, "10.50.0.1"), topo.VNet("spoke1")) {
		t.Error("Internet should not contain private addresses")
	}
}

// TestEgress covers the outbound methods of reference 5.1-5.2 and the
// private-subnet rules.
func TestEgress(t *testing.T) {
	nat := `natGateways:
  - {name: natgw, publicIpAddresses: [20.1.2.3]}
`
	private := "defaultOutboundAccess: false"
	cases := []flowCase{
		{
			name:     "default outbound access",
			scenario: hubSpoke(hubPeerings, noRoutes, ""),
			from:     "app1", to: "internet", verdict: Allowed,
			hops: []string{"egress snat spoke1/snet-app default outbound access"},
		},
		{
			name:     "NAT gateway beats an instance public IP",
			scenario: withSubnetKeys(edit(hubSpoke(hubPeerings, noRoutes, nat), "privateIpAddress: 10.1.0.4}", "privateIpAddress: 10.1.0.4, publicIpAddress: {sku: Standard}}"), "natGateway: natgw"),
			from:     "app1", to: "internet", verdict: Allowed,
			hops: []string{"egress snat spoke1/snet-app NAT gateway natgw"},
		},
		{
			name:     "instance public IP beats default outbound access",
			scenario: edit(hubSpoke(hubPeerings, noRoutes, ""), "privateIpAddress: 10.1.0.4}", "privateIpAddress: 10.1.0.4, publicIpAddress: {sku: Standard, ipAddress: 20.9.9.9}}"),
			from:     "app1", to: "internet", verdict: Allowed,
			hops: []string{"egress snat spoke1/snet-app instance public IP 20.9.9.9"},
		},
		{
			name:     "a private subnet has no default outbound access",
			scenario: withSubnetKeys(hubSpoke(hubPeerings, noRoutes, ""), private),
			from:     "app1", to: "internet", verdict: Denied, reason: ReasonNoOutbound,
			blockedBy: "subnet/defaultOutboundAccess/spoke1/snet-app",
		},
		{
			name:     "a private subnet breaks a user route with next hop Internet",
			scenario: withSubnetKeys(hubSpoke(hubPeerings, `      - {name: aml, addressPrefix: AzureMachineLearning, nextHopType: Internet}`, ""), private),
			from:     "app1", to: "AzureMachineLearning", verdict: Denied, reason: ReasonNoOutbound,
		},
		{
			name:     "a private subnet with a NAT gateway goes out",
			scenario: withSubnetKeys(hubSpoke(hubPeerings, noRoutes, nat), private+", natGateway: natgw"),
			from:     "app1", to: "internet", verdict: Allowed,
			hops: []string{"egress snat spoke1/snet-app NAT gateway natgw"},
		},
		{
			name:     "a private subnet still reaches a service over its service endpoint",
			scenario: withSubnetKeys(hubSpoke(hubPeerings, noRoutes, ""), private+", serviceEndpoints: [Microsoft.KeyVault]"),
			from:     "app1", to: "AzureKeyVault.EastUS", verdict: Allowed,
			hops: []string{"route match spoke1/snet-app 20.42.64.44/30 -> VirtualNetworkServiceEndpoint"},
		},
		{
			name:     "without the service endpoint the private subnet can't reach it",
			scenario: withSubnetKeys(hubSpoke(hubPeerings, noRoutes, ""), private),
			from:     "app1", to: "AzureKeyVault.EastUS", verdict: Denied, reason: ReasonNoOutbound,
		},
		{
			name:     "a private subnet reaches same-region storage without an outbound method",
			scenario: withSubnetKeys(hubSpoke(hubPeerings, noRoutes, ""), private),
			from:     "app1", to: "Storage.EastUS", verdict: Allowed,
			hops: []string{"egress snat spoke1/snet-app Azure backbone"},
		},
		{
			name:     "NAT gateway does not carry ICMP",
			scenario: withSubnetKeys(hubSpoke(hubPeerings, noRoutes, nat), "natGateway: natgw"),
			from:     "app1", to: "internet", proto: topology.ProtocolICMP, verdict: Denied, reason: ReasonNoOutbound,
		},
	}
	runFlowCases(t, cases)
}

// TestPrivateEndpointNSG covers PE network policies for NSGs (reference 2.9).
func TestPrivateEndpointNSG(t *testing.T) {
	deny := `networkSecurityGroups:
  - name: nsg-pe
    securityRules:
      - {name: DenyAllIn, priority: 100, direction: Inbound, access: Deny, protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*"}
`
	attach := func(s, policy string) string {
		k := "networkSecurityGroup: nsg-pe"
		if policy != "" {
			k += ", privateEndpointNetworkPolicies: " + policy
		}
		return edit(s, "{name: snet-pe, addressPrefix: 10.0.1.0/24}", "{name: snet-pe, addressPrefix: 10.0.1.0/24, "+k+"}")
	}
	cases := []flowCase{
		{
			name:     "NSGs are bypassed for a private endpoint by default",
			scenario: attach(hubSpoke(hubPeerings, noRoutes, peSt+deny), ""),
			from:     "app1", to: "pe-st", verdict: Allowed,
			hops: []string{"nsg bypass hub/snet-pe private endpoint pe-st: network policies are Disabled"},
		},
		{
			name:     "NetworkSecurityGroupEnabled applies the subnet NSG to the endpoint",
			scenario: attach(hubSpoke(hubPeerings, noRoutes, peSt+deny), "NetworkSecurityGroupEnabled"),
			from:     "app1", to: "pe-st", verdict: Denied, reason: ReasonNSG,
			blockedBy: "nsgRule/DenyAllIn/nsg-pe",
		},
		{
			name:     "Enabled applies it too",
			scenario: attach(hubSpoke(hubPeerings, noRoutes, peSt+deny), "Enabled"),
			from:     "app1", to: "pe-st", verdict: Denied, reason: ReasonNSG,
		},
		{
			name:     "RouteTableEnabled alone does not",
			scenario: attach(hubSpoke(hubPeerings, noRoutes, peSt+deny), "RouteTableEnabled"),
			from:     "app1", to: "pe-st", verdict: Allowed,
		},
		{
			name:     "a private endpoint is reachable from a globally peered VNet",
			scenario: hubSpoke(hubPeerings, noRoutes, peSt),
			from:     "app2", to: "pe-st", verdict: Allowed,
			hops: []string{"route match spoke2/snet-app 10.0.1.5/32 -> InterfaceEndpoint", "peering cross spoke2-to-hub"},
		},
		{
			name:     "but not from a VNet that is not peered",
			scenario: hubSpoke(hubPeerings, noRoutes, peSt),
			from:     "island-vm", to: "pe-st", verdict: Denied, reason: ReasonNullRoute,
		},
	}
	runFlowCases(t, cases)
}

// TestManagementReturnPath covers decision 9 (and seed 004, "Using compute
// cluster or compute instance with a public IP"): inbound management traffic
// reaches a compute through its public load balancer, and its reply must
// leave the same way.
func TestManagementReturnPath(t *testing.T) {
	scen := func(routes string) string {
		return `
vnets:
  - name: hub
    addressSpace: [10.0.0.0/16]
    subnets: [{name: snet-nva, addressPrefix: 10.0.3.0/24}]
  - name: ml
    addressSpace: [10.1.0.0/16]
    subnets: [{name: snet-training, addressPrefix: 10.1.0.0/24, networkSecurityGroup: nsg-training, routeTable: rt}]
peerings:
  - {name: hub-to-ml, from: hub, to: ml, allowForwardedTraffic: true}
  - {name: ml-to-hub, from: ml, to: hub, allowForwardedTraffic: true}
networkSecurityGroups:
  - name: nsg-training
    securityRules:
      - {name: AllowAzureML, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: AzureMachineLearning, sourcePortRange: "*", destinationAddressPrefix: VirtualNetwork, destinationPortRange: "44224"}
      - {name: AllowBatch, priority: 110, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: BatchNodeManagement, sourcePortRange: "*", destinationAddressPrefix: VirtualNetwork, destinationPortRange: "29876-29877"}
routeTables:
  - name: rt
    routes:
      - {name: default, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}
` + routes + `
vms:
  - {name: nva, subnet: hub/snet-nva, privateIpAddress: 10.0.3.4, enableIpForwarding: true}
services:
  - {name: mlw, type: Microsoft.MachineLearningServices/workspaces}
machineLearning:
  workspace: mlw
  computes:
    - {name: cluster, type: AmlCompute, subnet: ml/snet-training, enableNodePublicIp: true, nodeCommunication: Classic}
    - {name: private-cluster, type: AmlCompute, subnet: ml/snet-training, enableNodePublicIp: false}
`
	}
	tagRoutes := `      - {name: aml, addressPrefix: AzureMachineLearning, nextHopType: Internet}
      - {name: batch, addressPrefix: BatchNodeManagement, nextHopType: Internet}`
	cases := []flowCase{
		{
			name:     "forced tunneling without tag routes: the reply goes to the appliance",
			scenario: scen(""),
			from:     "AzureMachineLearning", to: "cluster", port: 44224, verdict: Denied, reason: ReasonAsymmetric,
			blockedBy: "route/default/rt",
			hops:      []string{"publicIp translate cluster public load balancer", "nsg allow nsg-training", "destination deliver cluster", "reply:route match ml/snet-training 0.0.0.0/0 -> VirtualAppliance"},
		},
		{
			name:     "with the AzureMachineLearning Internet route the reply is symmetric",
			scenario: scen(tagRoutes),
			from:     "AzureMachineLearning", to: "cluster", port: 44224, verdict: Allowed,
			hops: []string{"reply:(user route rt/aml)", "reply:reply deliver AzureMachineLearning the reply leaves through the public IP"},
		},
		{
			name:     "Classic Batch management on 29876 needs the BatchNodeManagement route",
			scenario: scen(""),
			from:     "BatchNodeManagement", to: "cluster", port: 29876, verdict: Denied, reason: ReasonAsymmetric,
		},
		{
			name:     "Classic Batch management with the route",
			scenario: scen(tagRoutes),
			from:     "BatchNodeManagement", to: "cluster", port: 29877, verdict: Allowed,
		},
		{
			name:     "a compute without a public IP can't be reached from a service tag",
			scenario: scen(tagRoutes),
			from:     "AzureMachineLearning", to: "private-cluster", port: 44224, verdict: Denied, reason: ReasonUnreachable,
		},
	}
	runFlowCases(t, cases)
}
