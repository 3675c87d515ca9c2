package sim

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// mlScenario is a workspace VNet with private endpoints for the workspace,
// storage (blob, file), key vault and registry, zones linked to the
// workspace VNet and the compute VNet, a client VM, and a compute VNet
// peered to it with a cluster (public IP), a compute instance and an
// attached VM. Each replacement pair edits the text.
func mlScenario(edits ...string) string {
	s := `
vnets:
  - name: ws-vnet
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, addressPrefix: 10.0.1.0/24}
      - {name: snet-clients, addressPrefix: 10.0.2.0/24, networkSecurityGroup: nsg-clients}
      - {name: snet-nva, addressPrefix: 10.0.3.0/24}
      - {name: snet-ci, addressPrefix: 10.0.4.0/24}
  - name: compute-vnet
    addressSpace: [10.1.0.0/16]
    subnets:
      - {name: snet-training, addressPrefix: 10.1.0.0/24, networkSecurityGroup: nsg-training, routeTable: rt}
peerings:
  - {name: ws-to-compute, from: ws-vnet, to: compute-vnet, allowForwardedTraffic: true}
  - {name: compute-to-ws, from: compute-vnet, to: ws-vnet, allowForwardedTraffic: true}
networkSecurityGroups:
  - name: nsg-training
    securityRules:
      - {name: AllowAzureML, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: AzureMachineLearning, sourcePortRange: "*", destinationAddressPrefix: VirtualNetwork, destinationPortRange: "44224"}
      - {name: AllowBatch, priority: 110, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: BatchNodeManagement, sourcePortRange: "*", destinationAddressPrefix: VirtualNetwork, destinationPortRange: "29876-29877"}
      - {name: AllowSsh, priority: 120, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: AzureMachineLearning, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22"}
  - name: nsg-clients
routeTables:
  - name: rt
    routes:
      - {name: placeholder, addressPrefix: 192.0.2.0/24, nextHopType: None}
vms:
  - {name: jumpbox, subnet: ws-vnet/snet-clients}
  - {name: nva, subnet: ws-vnet/snet-nva, privateIpAddress: 10.0.3.4, enableIpForwarding: true}
  - {name: hdi-head, subnet: compute-vnet/snet-training, publicIpAddress: {sku: Standard}}
services:
  - {name: mlw, type: Microsoft.MachineLearningServices/workspaces, workspaceId: fb000000-0000-4000-8000-000000000001, publicNetworkAccess: Disabled}
  - {name: stmlw, type: Microsoft.Storage/storageAccounts, publicNetworkAccess: Disabled}
  - {name: kvmlw, type: Microsoft.KeyVault/vaults, publicNetworkAccess: Disabled}
  - {name: crmlw, type: Microsoft.ContainerRegistry/registries, publicNetworkAccess: Disabled}
privateEndpoints:
  - {name: pe-mlw, subnet: ws-vnet/snet-pe, service: mlw, groupId: amlworkspace, privateDnsZoneGroup: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}
  - {name: pe-blob, subnet: ws-vnet/snet-pe, service: stmlw, groupId: blob, privateDnsZoneGroup: [privatelink.blob.core.windows.net]}
  - {name: pe-file, subnet: ws-vnet/snet-pe, service: stmlw, groupId: file, privateDnsZoneGroup: [privatelink.file.core.windows.net]}
  - {name: pe-kv, subnet: ws-vnet/snet-pe, service: kvmlw, groupId: vault, privateDnsZoneGroup: [privatelink.vaultcore.azure.net]}
  - {name: pe-cr, subnet: ws-vnet/snet-pe, service: crmlw, groupId: registry, privateDnsZoneGroup: [privatelink.azurecr.io]}
privateDnsZones:
  - name: privatelink.api.azureml.ms
    virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]
  - name: privatelink.notebooks.azure.net
    virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]
  - name: privatelink.blob.core.windows.net
    virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]
  - name: privatelink.file.core.windows.net
    virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]
  - name: privatelink.vaultcore.azure.net
    virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]
  - name: privatelink.azurecr.io
    virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]
machineLearning:
  workspace: mlw
  storageAccount: stmlw
  keyVault: kvmlw
  containerRegistry: crmlw
  computes:
    - {name: cluster, type: AmlCompute, subnet: compute-vnet/snet-training, enableNodePublicIp: true, maxNodes: 4}
    - {name: ci1, type: ComputeInstance, subnet: ws-vnet/snet-ci, enableNodePublicIp: false}
    - {name: ci-far, type: ComputeInstance, subnet: compute-vnet/snet-training, enableNodePublicIp: false}
    - {name: hdi, type: HDInsight, vm: hdi-head}
`
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			panic("mlScenario: no " + edits[i])
		}
		s = edit(s, edits[i], edits[i+1])
	}
	return s
}

const forceTunnel = `      - {name: placeholder, addressPrefix: 192.0.2.0/24, nextHopType: None}`

func TestIntents(t *testing.T) {
	viaNVA := `      - {name: default, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`
	tagRoutes := viaNVA + `
      - {name: aml, addressPrefix: AzureMachineLearning, nextHopType: Internet}
      - {name: batch, addressPrefix: BatchNodeManagement, nextHopType: Internet}`
	denyOut := func(name, proto, dst, port string) string {
		return `      - {name: AllowSsh, priority: 120, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: AzureMachineLearning, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22"}
      - {name: ` + name + `, priority: 200, direction: Outbound, access: Deny, protocol: ` + proto + `, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: ` + dst + `, destinationPortRange: "` + port + `"}`
	}
	const allowSsh = `      - {name: AllowSsh, priority: 120, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: AzureMachineLearning, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22"}`
	cases := []struct {
		name    string
		scen    string
		intent  string
		compute string
		client  string
		verdict string
		step    string // a substring of the first failing step's name
		reason  string
		fix     string // a substring of its fix
		skipped int
	}{
		{name: "training job on a public-IP cluster", scen: mlScenario(), intent: "training-job", compute: "cluster", verdict: Allowed},
		{name: "training job under forced tunneling without tag routes", scen: mlScenario(forceTunnel, viaNVA), intent: "training-job", compute: "cluster",
			verdict: Denied, step: "hands the job to the compute", reason: ReasonAsymmetric, fix: "addressPrefix AzureMachineLearning and nextHopType Internet to route table rt"},
		{name: "training job under forced tunneling with tag routes", scen: mlScenario(forceTunnel, tagRoutes), intent: "training-job", compute: "cluster", verdict: Allowed},
		{name: "training job without the compute VNet's link to the api zone", scen: mlScenario("    virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]\n  - name: privatelink.notebooks", "    virtualNetworkLinks: [{vnet: ws-vnet}]\n  - name: privatelink.notebooks"),
			intent: "training-job", compute: "cluster", verdict: Denied, step: "the compute calls the workspace", reason: ReasonPublicAccess, fix: "link private DNS zone privatelink.api.azureml.ms to VNet compute-vnet"},
		{name: "training job with SMB to storage blocked", scen: mlScenario(allowSsh, denyOut("DenySmb", "Tcp", "VirtualNetwork", "445")),
			intent: "training-job", compute: "cluster", verdict: Denied, step: "file share (SMB)", reason: ReasonNSG, fix: "NSG nsg-training"},
		{name: "training job without a client skips the client's steps", scen: mlScenario("  - {name: jumpbox, subnet: ws-vnet/snet-clients}\n", ""), intent: "training-job", compute: "cluster", verdict: Allowed, skipped: 2},
		{name: "batch management (Simplified: no Batch storage step)", scen: mlScenario(), intent: "batch-management", compute: "cluster", verdict: Allowed, skipped: 1},
		{name: "Classic batch management reaches Batch's storage", scen: mlScenario("enableNodePublicIp: true, maxNodes: 4}", "enableNodePublicIp: true, maxNodes: 4, nodeCommunication: Classic}", allowSsh, denyOut("DenyStorage", "Tcp", "Storage", "443")),
			intent: "batch-management", compute: "cluster", verdict: Denied, step: "Azure Batch's storage", reason: ReasonNSG},
		{name: "batch management with UDP 5831 denied", scen: mlScenario(allowSsh, denyOut("DenyTundra", "Udp", "AzureMachineLearning", "5831")),
			intent: "batch-management", compute: "cluster", verdict: Denied, step: "UDP 5831", reason: ReasonNSG, fix: "priority number below the rule DenyTundra", skipped: 1},
		{name: "Classic batch management needs 29876-29877 inbound", scen: mlScenario("enableNodePublicIp: true, maxNodes: 4}", "enableNodePublicIp: true, maxNodes: 4, nodeCommunication: Classic}",
			`      - {name: AllowBatch, priority: 110, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: BatchNodeManagement, sourcePortRange: "*", destinationAddressPrefix: VirtualNetwork, destinationPortRange: "29876-29877"}`, ""),
			intent: "batch-management", compute: "cluster", verdict: Denied, step: "Classic mode (TCP 29876)", reason: ReasonNSG},
		{name: "no public IP: no inbound step", scen: mlScenario("enableNodePublicIp: true, maxNodes: 4}", "enableNodePublicIp: false, maxNodes: 4}"), intent: "batch-management", compute: "cluster", verdict: Allowed, skipped: 2},
		{name: "Jupyter on a compute instance in the workspace VNet", scen: mlScenario(), intent: "jupyter-websocket", compute: "ci1", verdict: Allowed},
		{name: "a compute instance outside the workspace VNet", scen: mlScenario(), intent: "jupyter-websocket", compute: "ci-far", verdict: Denied, step: "in the workspace's VNet and region", reason: ReasonPlacement},
		{name: "a client whose VNet has no link resolves compute instance names publicly", scen: mlScenario("    virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]\n  - name: privatelink.notebooks", "    virtualNetworkLinks: [{vnet: compute-vnet}]\n  - name: privatelink.notebooks"),
			intent: "jupyter-websocket", compute: "ci1", verdict: Denied, step: "Jupyter WebSocket to ci1.eastus.instances.azureml.ms", reason: ReasonPublicAccess},
		{name: "studio from the VNet", scen: mlScenario(), intent: "studio-from-vnet", verdict: Allowed},
		{name: "studio from the VNet with Front Door denied", scen: mlScenario("  - name: nsg-clients\n", `  - name: nsg-clients
    securityRules:
      - {name: DenyFrontDoor, priority: 100, direction: Outbound, access: Deny, protocol: Tcp, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: AzureFrontDoor.Frontend, destinationPortRange: "443"}
`), intent: "studio-from-vnet", verdict: Denied, step: "AzureFrontDoor.Frontend", reason: ReasonNSG},
		{name: "image build with the registry behind the VNet and no build compute", scen: mlScenario(), intent: "image-build", compute: "cluster", verdict: Denied, step: "can build images", reason: ReasonImageBuild, fix: "imageBuildCompute"},
		{name: "image build with a registry whose network rule set denies by default, no build compute", scen: mlScenario("{name: crmlw, type: Microsoft.ContainerRegistry/registries, publicNetworkAccess: Disabled}", "{name: crmlw, type: Microsoft.ContainerRegistry/registries, networkAcls: {defaultAction: Deny}}"), intent: "image-build", compute: "cluster", verdict: Denied, step: "can build images", reason: ReasonImageBuild, fix: "imageBuildCompute"},
		{name: "image build with a registry open to all networks, no build compute", scen: mlScenario("{name: crmlw, type: Microsoft.ContainerRegistry/registries, publicNetworkAccess: Disabled}", "{name: crmlw, type: Microsoft.ContainerRegistry/registries, networkAcls: {defaultAction: Allow}}"), intent: "image-build", compute: "cluster", verdict: Allowed},
		{name: "image build on the image build compute", scen: mlScenario("  containerRegistry: crmlw\n", "  containerRegistry: crmlw\n  imageBuildCompute: cluster\n"), intent: "image-build", verdict: Allowed},
		{name: "SSH to an attached HDInsight cluster", scen: mlScenario(), intent: "ssh-attach", compute: "hdi", verdict: Allowed},
		{name: "SSH open to one address only", scen: mlScenario(`sourceAddressPrefix: AzureMachineLearning, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22"`, `sourceAddressPrefix: 203.0.113.7, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22"`),
			intent: "ssh-attach", compute: "hdi", verdict: Denied, step: "over SSH", reason: ReasonNSG, fix: "DenyAllInBound"},
		{name: "package install through the cluster's public IP", scen: mlScenario(), intent: "package-install", compute: "cluster", verdict: Allowed},
		{name: "package install from a private subnet", scen: mlScenario("routeTable: rt}", "routeTable: rt, defaultOutboundAccess: false}", "enableNodePublicIp: true, maxNodes: 4}", "enableNodePublicIp: false, maxNodes: 4}"), intent: "package-install", compute: "cluster", verdict: Denied, step: "pypi.org", reason: ReasonNoOutbound, fix: "NAT gateway"},
		{name: "VS Code to a compute instance", scen: mlScenario(), intent: "vscode", compute: "ci1", verdict: Allowed},
		{name: "RStudio", scen: mlScenario(), intent: "rstudio", compute: "ci1", verdict: Allowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			topo := load(t, c.scen)
			s, err := topo.Simulate(c.intent, c.compute, c.client)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			WriteSimulationText(&out, s)
			if s.Verdict != c.verdict {
				t.Fatalf("verdict %s, want %s\n%s", s.Verdict, c.verdict, out.String())
			}
			skipped := 0
			for _, st := range s.Steps {
				if st.Verdict == Skipped {
					skipped++
				}
			}
			if skipped != c.skipped {
				t.Errorf("%d steps skipped, want %d\n%s", skipped, c.skipped, out.String())
			}
			if c.verdict == Allowed {
				return
			}
			f := s.FirstFailure()
			if f == nil || !strings.Contains(f.Name, c.step) || f.Reason != c.reason || !strings.Contains(f.Fix, c.fix) || f.Cite == "" {
				t.Errorf("first failure = %+v\nwant step %q reason %s fix %q\n%s", f, c.step, c.reason, c.fix, out.String())
			}
		})
	}
}

func TestSimulateErrors(t *testing.T) {
	topo := load(t, mlScenario())
	for _, c := range []struct{ intent, compute, want string }{
		{"nope", "cluster", `unknown intent "nope"`},
		{"training-job", "", "needs a compute"},
		{"training-job", "ghost", `compute "ghost"`},
		{"jupyter-websocket", "cluster", "applies to ComputeInstance computes"},
		{"ssh-attach", "cluster", "VirtualMachine or HDInsight"},
	} {
		if _, err := topo.Simulate(c.intent, c.compute, ""); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("(%s).Simulate(%s) = %v, want %q", c.intent, c.compute, err, c.want)
		}
	}
}

// TestCheckIntentsAndJUnit runs intent expectations and pins the JUnit XML.
func TestCheckIntentsAndJUnit(t *testing.T) {
	topo := load(t, mlScenario(forceTunnel, `      - {name: default, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}`)+`
expectations:
  - {name: jobs run, intent: training-job, compute: cluster, expect: allowed}
  - {name: forced tunneling breaks management, intent: batch-management, compute: cluster, expect: denied, reason: asymmetric-return}
  - {name: the instance serves Jupyter, intent: jupyter-websocket, compute: ci1, client: jumpbox, expect: allowed}
`)
	if errs := topo.ValidateExpectations(); len(errs) > 0 {
		t.Fatal(errs)
	}
	rep := &CheckReport{}
	topo.Check(rep)
	if rep.Passed != 2 || rep.Failed != 1 || rep.Outcomes[0].Passed || rep.Outcomes[0].Reason != ReasonAsymmetric {
		t.Fatalf("report: %+v", rep)
	}
	// Times and timestamps vary; pin them for the golden file.
	rep.Started = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range rep.Outcomes {
		rep.Outcomes[i].Time = time.Duration(i+1) * time.Millisecond
	}
	var x bytes.Buffer
	if err := WriteJUnit(&x, rep); err != nil {
		t.Fatal(err)
	}
	golden(t, "check-intents.junit.xml.golden", x.Bytes())
	validateJUnit(t, x.Bytes())
}

func TestKubernetesAndDatabricksIntents(t *testing.T) {
	// An AKS cluster and a Databricks cluster in the workspace VNet, which
	// holds every private endpoint.
	scen := mlScenario("    - {name: hdi, type: HDInsight, vm: hdi-head}\n", `    - {name: hdi, type: HDInsight, vm: hdi-head}
    - {name: aks, type: Kubernetes, subnet: ws-vnet/snet-ci}
    - {name: dbx, type: Databricks, subnet: ws-vnet/snet-ci}
    - {name: aks-far, type: Kubernetes, subnet: compute-vnet/snet-training}
`)
	topo := load(t, scen)
	for _, c := range []struct {
		intent, compute, verdict, step string
	}{
		{"aks-inference", "aks", Allowed, ""},
		{"aks-inference", "aks-far", Denied, "private or service endpoints in the cluster's VNet"},
		{"databricks", "dbx", Allowed, ""},
	} {
		s, err := topo.Simulate(c.intent, c.compute, "")
		if err != nil {
			t.Fatal(err)
		}
		if s.Verdict != c.verdict {
			var b bytes.Buffer
			WriteSimulationText(&b, s)
			t.Fatalf("%s on %s: %s, want %s\n%s", c.intent, c.compute, s.Verdict, c.verdict, b.String())
		}
		if c.step != "" && !strings.Contains(s.FirstFailure().Name, c.step) {
			t.Errorf("%s on %s fails at %q", c.intent, c.compute, s.FirstFailure().Name)
		}
	}
	far := load(t, edit(scen, "{name: dbx, type: Databricks, subnet: ws-vnet/snet-ci}", "{name: dbx, type: Databricks, subnet: compute-vnet/snet-training}"))
	s, _ := far.Simulate("databricks", "dbx", "")
	if s.Verdict != Denied || !strings.Contains(s.FirstFailure().Message, "not in compute-vnet") {
		t.Errorf("Databricks outside the storage's VNet: %+v", s.FirstFailure())
	}
}
