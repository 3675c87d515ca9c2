package sim

import (
	"testing"
)

// TestApplianceRules covers an appliance's own allow/deny rules (issue 4).
func TestApplianceRules(t *testing.T) {
	withRules := func(rules string) string {
		return edit(hubSpoke(hubPeerings, viaNVA, ""), "privateIpAddress: 10.0.3.4, enableIpForwarding: true}",
			"privateIpAddress: 10.0.3.4, enableIpForwarding: true, appliance: "+rules+"}")
	}
	cases := []flowCase{
		{
			name:     "a deny rule on the appliance",
			scenario: withRules(`{rules: [{name: no-smtp, action: Deny, protocols: [TCP], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["25"]}]}`),
			from:     "app1", to: "internet", port: 25, verdict: Denied, reason: ReasonAppliance,
			blockedBy: "applianceRule/no-smtp/nva",
		},
		{
			name:     "other ports pass the default Allow",
			scenario: withRules(`{rules: [{name: no-smtp, action: Deny, protocols: [TCP], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["25"]}]}`),
			from:     "app1", to: "internet", port: 443, verdict: Allowed,
		},
		{
			name:     "default Deny with an allow rule for a service tag",
			scenario: withRules(`{defaultAction: Deny, rules: [{name: aml, action: Allow, protocols: [TCP], sourceAddresses: ["10.1.0.0/16"], destinationAddresses: [AzureMachineLearning], destinationPorts: ["443"]}]}`),
			from:     "app1", to: "AzureMachineLearning", port: 443, verdict: Allowed,
			hops: []string{"appliance allow nva appliance rule aml: Allow", "appliance forward nva"},
		},
		{
			name:     "default Deny stops the rest",
			scenario: withRules(`{defaultAction: Deny, rules: [{name: aml, action: Allow, protocols: [TCP], sourceAddresses: ["10.1.0.0/16"], destinationAddresses: [AzureMachineLearning], destinationPorts: ["443"]}]}`),
			from:     "app1", to: "internet", port: 443, verdict: Denied, reason: ReasonAppliance,
			blockedBy: "applianceRule/default deny/nva",
		},
	}
	runFlowCases(t, cases)
}

// TestGatewayPaths covers on-premises hosts as endpoints, spoke to spoke
// through a hub VPN gateway, ExpressRoute limits and forced tunneling over
// BGP (reference 2.3, 2.5, 4).
func TestGatewayPaths(t *testing.T) {
	gw := func(typ, prefixes string) string {
		return `virtualNetworkGateways:
  - name: gw
    vnet: hub
    gatewayType: ` + typ + `
    onPremisesAddressPrefixes: [` + prefixes + `]
    onPremisesHosts: [{name: onprem-dns, ipAddress: 192.168.1.10}]
`
	}
	spokeToSpoke := `      - {name: spoke2-via-gw, addressPrefix: 10.2.0.0/16, nextHopType: VirtualNetworkGateway}`
	spoke2Back := `  - name: rt-spoke2
    routes: [{name: spoke1-via-gw, addressPrefix: 10.1.0.0/16, nextHopType: VirtualNetworkGateway}]
`
	withSpoke2 := func(s string) string {
		s = edit(s, "{name: snet-app, addressPrefix: 10.2.0.0/24}", "{name: snet-app, addressPrefix: 10.2.0.0/24, routeTable: rt-spoke2}")
		return withRouteTables(s, spoke2Back)
	}
	cases := []flowCase{
		{
			name:     "a named on-premises host is an endpoint",
			scenario: hubSpoke(transitPeerings, noRoutes, gw("Vpn", "192.168.0.0/16")),
			from:     "app1", to: "onprem-dns", proto: "Udp", port: 53, verdict: Allowed,
			hops: []string{"gateway forward gw", "destination deliver on-premises 192.168.1.10 via gw", "reply:reply receive gw", "reply:peering cross hub-to-spoke1", "reply:destination deliver app1"},
		},
		{
			name:     "spoke to spoke through the hub VPN gateway with user routes",
			scenario: withSpoke2(hubSpoke(transitPeerings, spokeToSpoke, gw("Vpn", "192.168.0.0/16"))),
			from:     "app1", to: "app2", port: 22, verdict: Allowed,
			hops: []string{"route match spoke1/snet-app 10.2.0.0/16 -> VirtualNetworkGateway", "gateway forward gw", "route match hub/GatewaySubnet 10.2.0.0/16 -> VNetGlobalPeering", "destination deliver app2", "reply:gateway forward gw", "reply:destination deliver app1"},
		},
		{
			name:     "an ExpressRoute gateway can't be a user route's next hop",
			scenario: withSpoke2(hubSpoke(transitPeerings, spokeToSpoke, gw("ExpressRoute", "192.168.0.0/16"))),
			from:     "app1", to: "app2", port: 22, verdict: Denied, reason: ReasonNextHopUnreachable,
		},
		{
			name:     "forced tunneling: a 0.0.0.0/0 learned over BGP beats the system Internet route",
			scenario: hubSpoke(transitPeerings, noRoutes, gw("ExpressRoute", "0.0.0.0/0, 192.168.0.0/16")),
			from:     "other1", to: "internet", verdict: Allowed,
			hops: []string{"route match spoke1/snet-other 0.0.0.0/0 -> VirtualNetworkGateway", "gateway forward gw", "destination deliver on-premises"},
		},
	}
	runFlowCases(t, cases)
	// A BGP default route never enters the VirtualNetwork tag (decision 2).
	topo := load(t, hubSpoke(transitPeerings, noRoutes, gw("ExpressRoute", "0.0.0.0/0, 192.168.0.0/16")))
	if topo.InTag("VirtualNetwork", mustAddr(t, "8.8.8.8"), topo.VNet("spoke1")) {
		t.Error("VirtualNetwork holds 0.0.0.0/0 learned over BGP")
	}
	if !topo.InTag("VirtualNetwork", mustAddr(t, "192.168.4.4"), topo.VNet("spoke1")) {
		t.Error("VirtualNetwork lacks the on-premises prefix learned through transit")
	}
}

// TestResolveAddrNear: VNets that are not peered may reuse addresses; seen
// from a source, the address means the one in its own VNet or a peer.
func TestResolveAddrNear(t *testing.T) {
	topo := load(t, `
vnets:
  - {name: a, addressSpace: [10.0.0.0/16], subnets: [{name: s, addressPrefix: 10.0.0.0/24}]}
  - {name: b, addressSpace: [10.0.0.0/16], subnets: [{name: s, addressPrefix: 10.0.0.0/24}]}
vms:
  - {name: vm-a, subnet: a/s, privateIpAddress: 10.0.0.4}
  - {name: vm-b, subnet: b/s, privateIpAddress: 10.0.0.4}
`)
	a := mustAddr(t, "10.0.0.4")
	if _, err := resolveAddr(topo, &Endpoint{Text: "10.0.0.4"}, a); err == nil {
		t.Error("without a vantage point the address is ambiguous")
	}
	e, err := resolveAddrNear(topo, &Endpoint{Text: "10.0.0.4"}, a, topo.VNet("b"))
	if err != nil || e.NIC == nil || e.NIC.Name != "vm-b" {
		t.Errorf("from b: %v %v, want vm-b", e, err)
	}
}
