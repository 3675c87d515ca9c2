package sim

import (
	"strings"
	"testing"
)

// TestRouteToTheApplianceItself: a packet whose destination is the
// VirtualAppliance next hop's own address is delivered to it, whatever its
// IP forwarding, and a reply routed back through the appliance that sent
// the request is delivered to it, not dropped as asymmetric (found by the
// kernel cross-check, internal/crosscheck, seeds 13 and 15).
func TestRouteToTheApplianceItself(t *testing.T) {
	// rt-app on spoke1/snet-app sends the hub, the appliance's own range,
	// to the appliance.
	toNVA := `      - {name: hub-via-nva, addressPrefix: 10.0.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`
	noForwarding := strings.Replace(hubSpoke(hubPeerings, toNVA, ""), "enableIpForwarding: true", "enableIpForwarding: false", 1)
	runFlowCases(t, []flowCase{
		{
			name:     "to the appliance itself, IP forwarding off",
			scenario: noForwarding,
			from:     "app1", to: "nva", port: 22, verdict: Allowed,
			hops:   []string{"route match spoke1/snet-app 10.0.0.0/16 -> VirtualAppliance 10.0.3.4", "destination deliver nva"},
			noHops: []string{"appliance forward"},
		},
		{
			name:     "from the appliance: the reply comes back to it through the user route",
			scenario: hubSpoke(hubPeerings, toNVA, ""),
			from:     "nva", to: "app1", port: 22, verdict: Allowed,
			hops: []string{"destination deliver app1", "reply:route match spoke1/snet-app 10.0.0.0/16 -> VirtualAppliance 10.0.3.4", "reply:destination deliver nva"},
		},
		{
			name:     "through the appliance to another hub address still needs IP forwarding",
			scenario: noForwarding + "  - {name: hub-vm, subnet: hub/snet-pe, privateIpAddress: 10.0.1.10}\n",
			from:     "app1", to: "hub-vm", port: 22, verdict: Denied, reason: ReasonIPForwarding,
		},
	})
}
