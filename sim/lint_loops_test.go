package sim

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// loopScenario has two appliances, each in a subnet whose route table
// sends the internet to the other, and a workload subnet routed to the
// first; two DNS servers forward to each other. Both loops are valid Azure
// configurations.
const loopScenario = `vnets:
  - name: hub
    addressSpace: [10.0.0.0/16]
    dnsServers: [10.0.1.5]
    subnets:
      - {name: snet-a, addressPrefix: 10.0.1.0/24, routeTable: rt-a}
      - {name: snet-b, addressPrefix: 10.0.2.0/24, routeTable: rt-b}
      - {name: snet-work, addressPrefix: 10.0.3.0/24, routeTable: rt-work}
routeTables:
  - name: rt-a
    routes:
      - {name: to-nva2, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.2.4}
  - name: rt-b
    routes:
      - {name: to-nva1, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}
  - name: rt-work
    routes:
      - {name: via-nva1, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}
vms:
  - {name: nva1, subnet: hub/snet-a, privateIpAddress: 10.0.1.4, enableIpForwarding: true}
  - {name: nva2, subnet: hub/snet-b, privateIpAddress: 10.0.2.4, enableIpForwarding: true}
  - {name: dns1, subnet: hub/snet-a, privateIpAddress: 10.0.1.5, dnsServer: {forwarders: [{zone: contoso.com, target: 168.63.129.16}], defaultForwarder: 10.0.2.5}}
  - {name: dns2, subnet: hub/snet-b, privateIpAddress: 10.0.2.5, dnsServer: {defaultForwarder: 10.0.1.5}}
  - {name: vm1, subnet: hub/snet-work, privateIpAddress: 10.0.3.4}
`

// lineOf returns the 1-based line of the first line holding text in the
// scenario as load writes it (two header lines first).
func lineOf(t *testing.T, scenario, text string) int {
	t.Helper()
	for i, l := range strings.Split(scenario, "\n") {
		if strings.Contains(l, text) {
			return i + 3
		}
	}
	t.Fatalf("%q is not in the scenario", text)
	return 0
}

func TestLintLoops(t *testing.T) {
	n := load(t, loopScenario)
	// Azure accepts the configuration: it compiles, and a trace into the
	// loop ends in the loop.
	res, err := n.Trace(Request{From: "vm1", To: "internet", Protocol: topology.ProtocolTCP, Port: 443})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Denied || res.Reason != ReasonLoop {
		t.Fatalf("trace into the loop: %s (%s), want denied (loop)", res.Verdict, res.Reason)
	}

	fs := n.Lint()
	byCode := map[string][]Finding{}
	for _, f := range fs {
		byCode[f.Code] = append(byCode[f.Code], f)
	}
	for code := range byCode {
		if code != LintRoutingLoop && code != LintDNSForwarderLoop {
			t.Errorf("unexpected finding:\n%s", describe(byCode[code]))
		}
	}

	// One routing loop, naming both routes with their lines, and not the
	// workload's route, which only leads into it.
	if got := len(byCode[LintRoutingLoop]); got != 1 {
		t.Fatalf("%d routing-loop findings, want 1:\n%s", got, describe(fs))
	}
	rl := byCode[LintRoutingLoop][0]
	a, b := lineOf(t, loopScenario, "to-nva2"), lineOf(t, loopScenario, "to-nva1")
	for _, want := range []string{
		fmt.Sprintf("route rt-a/to-nva2 (test.yaml:%d) in hub/snet-a sends it to appliance nva2 (10.0.2.4)", a),
		fmt.Sprintf("route rt-b/to-nva1 (test.yaml:%d) in hub/snet-b sends it to appliance nva1 (10.0.1.4)", b),
		"packets to 0.0.0.0 loop",
	} {
		if !strings.Contains(rl.Message, want) {
			t.Errorf("routing loop message lacks %q:\n%s", want, rl.Message)
		}
	}
	if strings.Contains(rl.Message, "via-nva1") {
		t.Errorf("the workload's route is not part of the loop:\n%s", rl.Message)
	}
	if rl.Severity != SeverityError || rl.Line != a || rl.Resource != "rt-a/to-nva2" {
		t.Errorf("routing loop finding: %+v", rl)
	}

	// One forwarder loop, for the names no conditional forwarder covers;
	// contoso.com goes to Azure DNS and does not loop.
	if got := len(byCode[LintDNSForwarderLoop]); got != 1 {
		t.Fatalf("%d dns-forwarder-loop findings, want 1:\n%s", got, describe(fs))
	}
	dl := byCode[LintDNSForwarderLoop][0]
	d1, d2 := lineOf(t, loopScenario, "name: dns1"), lineOf(t, loopScenario, "name: dns2")
	for _, want := range []string{
		fmt.Sprintf("dns1 forwards it to 10.0.2.5 (default forwarder, test.yaml:%d)", d1),
		fmt.Sprintf("dns2 forwards it to 10.0.1.5 (default forwarder, test.yaml:%d)", d2),
		"names no conditional forwarder covers",
	} {
		if !strings.Contains(dl.Message, want) {
			t.Errorf("forwarder loop message lacks %q:\n%s", want, dl.Message)
		}
	}
}

// Breaking either loop removes its finding, and only that one.
func TestLintLoopsCorrected(t *testing.T) {
	cases := []struct {
		name, old, new, gone, stays string
	}{
		{"rt-b sends the internet out", "{name: to-nva1, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}",
			"{name: to-internet, addressPrefix: 0.0.0.0/0, nextHopType: Internet}", LintRoutingLoop, LintDNSForwarderLoop},
		{"a more specific route leaves the loop for part of the space", "{name: to-nva1, addressPrefix: 0.0.0.0/0,",
			"{name: out, addressPrefix: 0.0.0.0/1, nextHopType: Internet}\n      - {name: to-nva1, addressPrefix: 0.0.0.0/0,", "", LintRoutingLoop},
		{"nva2 does not forward", "privateIpAddress: 10.0.2.4, enableIpForwarding: true", "privateIpAddress: 10.0.2.4", LintRoutingLoop, LintDNSForwarderLoop},
		{"dns2 forwards to Azure DNS", "dnsServer: {defaultForwarder: 10.0.1.5}", "dnsServer: {defaultForwarder: 168.63.129.16}", LintDNSForwarderLoop, LintRoutingLoop},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := load(t, edit(loopScenario, c.old, c.new)).Lint()
			has := func(code string) bool {
				for _, f := range fs {
					if f.Code == code {
						return true
					}
				}
				return false
			}
			if c.gone != "" && has(c.gone) {
				t.Errorf("%s is still reported:\n%s", c.gone, describe(fs))
			}
			if !has(c.stays) {
				t.Errorf("%s is no longer reported:\n%s", c.stays, describe(fs))
			}
		})
	}
}
