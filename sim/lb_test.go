package sim

import (
	"os"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// TestLoadBalancer covers Azure Load Balancer: rules and HA ports, health
// probes from AzureLoadBalancer deciding the backend, an internal frontend
// as a route's next hop and as a destination, public frontends, and
// outbound rules in their place in outbound precedence (reference 5.2).
func TestLoadBalancer(t *testing.T) {
	data, err := os.ReadFile("../scenarios/load-balanced-nva.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := strings.SplitN(string(data), "\nexpectations:", 2)[0]
	base = strings.Replace(strings.Replace(base, "apiVersion: vnetsim/v1\n", "", 1), "region: eastus\n", "", 1)
	edit := func(pairs ...string) string {
		s := base
		for i := 0; i+1 < len(pairs); i += 2 {
			if !strings.Contains(s, pairs[i]) {
				t.Fatalf("no %q", pairs[i])
			}
			s = strings.Replace(s, pairs[i], pairs[i+1], 1)
		}
		return s
	}
	nva1DeniesProbes := edit("  - {name: nva1, subnet: hub-vnet/snet-nva, privateIpAddress: 10.0.1.4, enableIpForwarding: true}",
		"  - {name: nva1, subnet: hub-vnet/snet-nva, privateIpAddress: 10.0.1.4, enableIpForwarding: true, networkSecurityGroup: nsg-nva1}",
		"  - name: nsg-inference\n", `  - name: nsg-nva1
    securityRules:
      - {name: DenyProbes, priority: 100, direction: Inbound, access: Deny, protocol: "*", sourceAddressPrefix: AzureLoadBalancer, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*"}
  - name: nsg-inference
`)
	runFlowCases(t, []flowCase{
		{name: "HA ports to the first healthy appliance", scenario: base, from: "cpu-cluster", to: "internet", port: 8080,
			verdict: Allowed, hops: []string{"loadBalancer forward ilb-nva rule ha-ports (HA ports)", "appliance forward nva1", "egress snat hub-vnet/snet-nva load balancer plb-egress outbound rule nva-out"}},
		{name: "a failing probe moves the flow to the other appliance", scenario: nva1DeniesProbes, from: "cpu-cluster", to: "internet", port: 443,
			verdict: Allowed, hops: []string{"backend nva2 10.0.1.5", "appliance forward nva2"}, noHops: []string{"appliance forward nva1"}},
		{name: "no healthy backend names the probe", scenario: edit("destinationPortRange: \"22\"}", "destinationPortRange: \"2222\"}"), from: "cpu-cluster", to: "internet", port: 443,
			verdict: Denied, reason: ReasonNoHealthyBackend, blockedBy: "lbProbe/ssh/ilb-nva"},
		{name: "an internal frontend as a destination", scenario: base, from: "scoring", to: "ilb-nva/fe", port: 22,
			verdict: Allowed, hops: []string{"loadBalancer forward ilb-nva", "destination deliver nva1"}},
		{name: "a public frontend by address: rule 443 -> 8443", scenario: base, from: "internet", to: "20.70.0.20", port: 443,
			verdict: Allowed, hops: []string{"loadBalancer forward plb-inference rule https (443 -> 8443)", "nsg allow nsg-inference", "destination deliver scoring vm scoring at 10.1.1.4:8443"}},
		{name: "no rule for the port", scenario: base, from: "internet", to: "plb-inference/web", port: 8443,
			verdict: Denied, reason: ReasonUnreachable, blockedBy: "loadBalancer/plb-inference/web/plb-inference"},
		{name: "an outbound rule serves a private subnet", scenario: edit("{name: snet-nva, addressPrefix: 10.0.1.0/24,", "{name: snet-nva, addressPrefix: 10.0.1.0/24, defaultOutboundAccess: false,"),
			from: "nva2", to: "internet", port: 443, verdict: Allowed, hops: []string{"egress snat hub-vnet/snet-nva load balancer plb-egress outbound rule nva-out"}},
		{name: "an instance public IP comes before the outbound rule", scenario: edit("privateIpAddress: 10.0.1.5, enableIpForwarding: true}", "privateIpAddress: 10.0.1.5, enableIpForwarding: true, publicIpAddress: {sku: Standard, ipAddress: 20.70.0.99}}"),
			from: "nva2", to: "internet", port: 443, verdict: Allowed, hops: []string{"egress snat hub-vnet/snet-nva instance public IP 20.70.0.99"}},
	})
	// The matrix agrees with traces through load balancers.
	topo := load(t, base)
	m, err := topo.Matrix("internet,scoring,cpu-cluster", "plb-inference/web,ilb-nva/fe,internet", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range m.Rows {
		for _, port := range []uint16{22, 80, 443, 8443, 9000} {
			res, err := topo.Trace(Request{From: row.From, To: row.To, Protocol: topology.ProtocolTCP, Port: port})
			if err != nil {
				t.Fatal(err)
			}
			if row.access.TCP.Contains(port) != (res.Verdict == Allowed) {
				t.Errorf("%s -> %s Tcp/%d: matrix %q, trace %s", row.From, row.To, port, row.Summary, res.Verdict)
			}
		}
	}
	for _, c := range []struct{ from, to, want string }{
		{"protocol: All, frontendPort: 0, backendPort: 0, probe: ssh}", "protocol: Tcp, frontendPort: 0, backendPort: 0, probe: ssh}", "loadBalancingRules[0].frontendPort"},
		{"backendAddressPool: scorers, protocol: Tcp, frontendPort: 443", "backendAddressPool: nope, protocol: Tcp, frontendPort: 443", "unknown backend pool \"nope\""},
		{"members: [scoring]", "members: [ghost]", "members[0]: unknown VM \"ghost\""},
		{"- {name: egress, publicIpAddress: 20.70.0.10}", "- {name: egress, subnet: hub-vnet/snet-nva}", "outbound rules need a public load balancer"},
	} {
		_, err := topology.Parse("lb.yaml", []byte("apiVersion: vnetsim/v1\nregion: eastus\n"+strings.Replace(base, c.from, c.to, 1)), topology.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
}
