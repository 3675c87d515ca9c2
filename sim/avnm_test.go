package sim

import (
	"os"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// TestSecurityAdminRules covers AVNM security admin rules (reference 1.4):
// evaluated before NSGs; Deny ends evaluation, AlwaysAllow delivers without
// the NSGs, Allow hands the packet to the NSGs; private endpoints are not
// subject to them.
func TestSecurityAdminRules(t *testing.T) {
	data, err := os.ReadFile("../scenarios/avnm-security-admin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := strings.SplitN(string(data), "\nexpectations:", 2)[0]
	base = strings.Replace(base, "apiVersion: vnetsim/v1\n", "", 1)
	base = strings.Replace(base, "region: eastus\n", "", 1)
	withPE := base + `privateEndpoints:
  - {name: pe-mlw, subnet: ml-vnet/snet-training, service: mlw, groupId: amlworkspace, privateIpAddress: 10.1.0.50}
`
	runFlowCases(t, []flowCase{
		{name: "Deny before an NSG allow", scenario: base, from: "internet", to: "dsvm", port: 22,
			verdict: Denied, reason: ReasonAdminRule, blockedBy: "adminRule/DenyHighRiskInbound/avnm-org/org-baseline", noHops: []string{"nsg "}},
		{name: "AlwaysAllow skips an NSG deny", scenario: base, from: "AzureMachineLearning.EastUS", to: "cpu-cluster", port: 44224,
			verdict: Allowed, hops: []string{"adminRule alwaysallow avnm-org security admin rule AlwaysAllowAzureML", "destination deliver cpu-cluster"}, noHops: []string{"DenyAzureMLInbound"}},
		{name: "Allow hands over to the NSGs", scenario: base, from: "internet", to: "dsvm", port: 443,
			verdict: Denied, reason: ReasonNSG, hops: []string{"adminRule allow avnm-org", "nsg deny nsg-training"}},
		{name: "no matching admin rule: the NSGs decide", scenario: base, from: "internet", to: "dsvm", port: 8080,
			verdict: Denied, reason: ReasonNSG, noHops: []string{"adminRule"}},
		{name: "private endpoints are not subject to admin rules", scenario: strings.Replace(withPE, `destinationPortRange: "443"}`, `destinationPortRange: "443"}
          - {name: DenyVNet443, priority: 150, direction: Inbound, access: Deny, protocol: Tcp, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "443"}`, 1),
			from: "dsvm", to: "pe-mlw", port: 443, verdict: Allowed, noHops: []string{"adminRule"}},
	})
	for _, c := range []struct{ from, to, want string }{
		{"access: AlwaysAllow", "access: Permit", "rules[0].access: \"Permit\": want Allow, AlwaysAllow or Deny"},
		{"priority: 10,", "priority: 0,", "rules[0].priority: 0 is outside 1-4096"},
		{"appliesToGroups: [ng-ml]", "appliesToGroups: [ng-none]", "appliesToGroups[0]: unknown network group"},
		{"priority: 200,", "priority: 100,", "priority 100 is already used"},
	} {
		_, err := topology.Parse("a.yaml", []byte("apiVersion: vnetsim/v1\nregion: eastus\n"+strings.Replace(base, c.from, c.to, 1)), topology.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
}
