package crosscheck

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

const renderScenario = `apiVersion: vnetsim/v1
region: eastus
vnets:
  - name: hub
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: snet-nva, addressPrefix: 10.0.3.0/24}
      - {name: snet-app, addressPrefix: 10.0.1.0/24, networkSecurityGroup: nsg-subnet, routeTable: rt}
  - name: spoke
    addressSpace: [10.1.0.0/16]
    subnets:
      - {name: snet, addressPrefix: 10.1.0.0/24}
peerings:
  - {name: hub-to-spoke, from: hub, to: spoke}
  - {name: spoke-to-hub, from: spoke, to: hub, allowForwardedTraffic: false}
networkSecurityGroups:
  - name: nsg-subnet
    securityRules:
      - {name: web, priority: 100, direction: Inbound, access: Allow, protocol: "*", sourceAddressPrefix: Internet, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "443"}
  - name: nsg-nic
    securityRules:
      - {name: no-ssh, priority: 100, direction: Outbound, access: Deny, protocol: Tcp, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: VirtualNetwork, destinationPortRange: "22"}
routeTables:
  - name: rt
    routes:
      - {name: spoke-via-nva, addressPrefix: 10.1.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}
      - {name: nowhere, addressPrefix: 10.1.9.0/24, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.99}
      - {name: drop, addressPrefix: 10.0.9.0/24, nextHopType: None}
vms:
  - {name: nva, subnet: hub/snet-nva, privateIpAddress: 10.0.3.4, enableIpForwarding: true}
  - {name: app, subnet: hub/snet-app, privateIpAddress: 10.0.1.4, networkSecurityGroup: nsg-nic}
  - {name: spoke-vm, subnet: spoke/snet, privateIpAddress: 10.1.0.4}
`

// TestRender checks the pieces of the emulation that carry Azure's rules,
// without running them (that needs root; see TestCrosscheck).
func TestRender(t *testing.T) {
	topo, err := topology.Parse("render.yaml", []byte(renderScenario), topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := Render(topo, "t", []netip.Addr{topology.InternetHost})
	app := topo.NIC("app")
	router := e.RouterOf(app.VNet())
	batch := strings.Join(e.Batch[router], "\n")
	nft := e.NFT[e.NSOf(app)]
	cases := []struct {
		name, text, want string
	}{
		{"a user route to an appliance in the VNet goes to its veth", batch, "route add 10.1.0.0/16 via 10.0.3.4 dev n0 onlink table 1001"},
		{"a next hop no NIC holds is unreachable", batch, "route add unreachable 10.1.9.0/24 table 1001"},
		{"next hop None drops", batch, "route add blackhole 10.0.9.0/24 table 1001"},
		{"VnetLocal throws to the VNet's NICs", batch, "route add throw 10.0.0.0/16 table 1001"},
		{"the reserved None routes stay where no user 0/0 removes them", batch, "route add blackhole 172.16.0.0/12 table 1001"},
		{"Internet leaves over the NIC's own link", batch, "route add 0.0.0.0/0 via"},
		{"what the NIC sends is routed by its subnet's table", batch, "rule add pref 1001 iif n1 lookup 1001"},
		{"outbound: the NIC's NSG, then the subnet's", nft, "\t\tct state established accept\n\t\tjump nsg0_out\n\t\tjump nsg1_out\n"},
		{"inbound: the subnet's NSG, then the NIC's", nft, "\t\tct state established accept\n\t\tjump nsg2_in\n\t\tjump nsg3_in\n"},
		{"the first outbound chain is the NIC's NSG", nft, "chain nsg0_out {\n\t\tmeta l4proto tcp th dport { 22 } ip daddr @"},
		{"the first inbound chain is the subnet's NSG", nft, "chain nsg2_in {\n\t\tmeta l4proto { tcp, udp } th dport { 443 }"},
		{"any protocol with a port: TCP and UDP match the port", nft, "meta l4proto { tcp, udp } th dport { 443 } ip saddr != @"},
		{"any protocol with a port: other protocols match without it", nft, "meta l4proto != { tcp, udp } ip saddr != @"},
		{"a forwarder checks state and half-open flows", nft, "ct original packets > 1 ct status & seen-reply == 0 drop"},
	}
	for _, c := range cases {
		if !strings.Contains(c.text, c.want) {
			t.Errorf("%s: no %q in\n%s", c.name, c.want, c.text)
		}
	}
	// Traffic the hub forwards into the spoke, where the spoke's half does
	// not allow forwarded traffic, is dropped on the peering veth unless
	// the sender is its source or it comes from the hub.
	hubNFT := e.NFT[router]
	if !strings.Contains(hubNFT, `iifname "n0" oifname { "p1" } ip saddr != 10.0.3.4 ip saddr != @s0 drop`) {
		t.Errorf("no forwarded-traffic drop for the appliance in\n%s", hubNFT)
	}
}
