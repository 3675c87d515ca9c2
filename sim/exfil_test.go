package sim

import (
	"os"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// TestEndpointPoliciesBastionAMPLS covers service endpoint policies (the
// listed accounts and the Azure Machine Learning alias), Azure Bastion (TCP
// 443 only, its subnet's required NSG rules named on a denial) and the
// names an Azure Monitor Private Link Scope's private endpoint serves.
func TestEndpointPoliciesBastionAMPLS(t *testing.T) {
	data, err := os.ReadFile("../scenarios/exfiltration-protection.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := strings.SplitN(string(data), "\nexpectations:", 2)[0]
	base = strings.Replace(strings.Replace(base, "apiVersion: vnetsim/v1\n", "", 1), "region: eastus\n", "", 1)
	noPolicy := strings.Replace(base, "        serviceEndpointPolicies: [sep-ml]\n", "", 1)
	noOutHttp := strings.Replace(base, "      - {name: AllowSshRdpOutbound, priority: 100,", "      - {name: DenySsh, priority: 100, direction: Outbound, access: Deny, protocol: \"*\", sourceAddressPrefix: \"*\", sourcePortRange: \"*\", destinationAddressPrefix: VirtualNetwork, destinationPortRange: \"22\"}\n      - {name: AllowSshRdpOutbound, priority: 101,", 1)
	runFlowCases(t, []flowCase{
		{name: "a listed account", scenario: base, from: "cpu-cluster", to: "stmlw", verdict: Allowed,
			hops: []string{"endpointPolicy allow sep-ml service endpoint policy sep-ml on ml-vnet/snet-training lists storage account stmlw", "service allow stmlw virtual network rule"}},
		{name: "an unlisted account", scenario: base, from: "cpu-cluster", to: "stexfil", verdict: Denied, reason: ReasonEndpointPolicy,
			blockedBy: "serviceEndpointPolicy/sep-ml/ml-vnet/snet-training"},
		{name: "without a policy every account is reachable", scenario: noPolicy, from: "cpu-cluster", to: "stexfil", verdict: Allowed},
		{name: "the alias admits Microsoft-managed storage", scenario: base, from: "cpu-cluster", to: "Storage.EastUS", verdict: Allowed,
			hops: []string{"endpointPolicy allow sep-ml service endpoint policy sep-ml on ml-vnet/snet-training: service alias /services/Azure/MachineLearning"}},
		{name: "policies don't filter other services", scenario: base, from: "cpu-cluster", to: "AzureMonitor.EastUS", verdict: Allowed, noHops: []string{"endpointPolicy"}},
		{name: "AMPLS serves Azure Monitor's shared names", scenario: base, from: "jumpbox", to: "api.monitor.azure.com", verdict: Allowed,
			hops: []string{"zone privatelink.monitor.azure.com", "destination deliver pe-ampls private endpoint pe-ampls (ampls azuremonitor)"}},
		{name: "Bastion reaches a VM in its VNet", scenario: base, from: "bastion-ml", to: "jumpbox", port: 22, verdict: Allowed,
			hops: []string{"nsg allow nsg-bastion", "nsg allow nsg-jump"}},
		{name: "Bastion listens on 443 only", scenario: base, from: "internet", to: "bastion-ml", port: 3389, verdict: Denied, reason: ReasonUnreachable, blockedBy: "bastion/bastion-ml/ml-vnet/AzureBastionSubnet"},
	})
	topo := load(t, noOutHttp)
	res, err := topo.Trace(Request{From: "bastion-ml", To: "jumpbox", Protocol: topology.ProtocolTCP, Port: 22})
	if err != nil {
		t.Fatal(err)
	}
	if res.Reason != ReasonNSG || !strings.Contains(res.Message, "Azure Bastion requires the NSG rule AllowSshRdpOutbound") {
		t.Errorf("a denial on AzureBastionSubnet names the required rule: %s", res.Message)
	}
	for _, c := range []struct{ from, to, want string }{
		{"        serviceEndpoints: [Microsoft.Storage]\n", "", "serviceEndpointPolicies: a service endpoint policy needs the subnet's Microsoft.Storage service endpoint"},
		{"serviceResources: [/services/Azure/MachineLearning]", "serviceResources: [/services/Azure/Nope]", "want a service alias"},
		{"serviceResources: [stmlw]", "serviceResources: [appi]", "\"appi\" is not a storage account of the scenario"},
		{"subnet: ml-vnet/AzureBastionSubnet", "subnet: ml-vnet/snet-jump", "Azure Bastion lives in a subnet named AzureBastionSubnet"},
		{"  - {name: stexfil, type: Microsoft.Storage/storageAccounts}", "  - {name: stexfil, type: Microsoft.Storage/storageAccounts, scopedResources: [appi]}", "only an Azure Monitor Private Link Scope"},
		{"scopedResources: [appi]", "scopedResources: [stmlw]", "not an Application Insights component"},
	} {
		_, err := topology.Parse("x.yaml", []byte("apiVersion: vnetsim/v1\nregion: eastus\n"+strings.Replace(base, c.from, c.to, 1)), topology.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
}
