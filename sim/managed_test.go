package sim

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// managedScenario is a workspace whose associated resources are private, a
// customer VNet with the workspace's private endpoint and a client, and a
// managed network in the given mode with the given outbound rules.
func managedScenario(mode, rules string) string {
	return `
vnets:
  - name: client-vnet
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, addressPrefix: 10.0.1.0/24}
      - {name: snet-clients, addressPrefix: 10.0.2.0/24}
vms:
  - {name: jumpbox, subnet: client-vnet/snet-clients}
services:
  - {name: mlw, type: Microsoft.MachineLearningServices/workspaces, workspaceId: fb000000-0000-4000-8000-000000000002, publicNetworkAccess: Disabled}
  - {name: stmlw, type: Microsoft.Storage/storageAccounts, publicNetworkAccess: Disabled}
  - {name: kvmlw, type: Microsoft.KeyVault/vaults, publicNetworkAccess: Disabled}
  - {name: crmlw, type: Microsoft.ContainerRegistry/registries, publicNetworkAccess: Disabled}
privateEndpoints:
  - {name: pe-mlw, subnet: client-vnet/snet-pe, service: mlw, groupId: amlworkspace, privateDnsZoneGroup: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}
  - {name: pe-blob, subnet: client-vnet/snet-pe, service: stmlw, groupId: blob, privateDnsZoneGroup: [privatelink.blob.core.windows.net]}
privateDnsZones:
  - {name: privatelink.api.azureml.ms, virtualNetworkLinks: [{vnet: client-vnet}]}
  - {name: privatelink.notebooks.azure.net, virtualNetworkLinks: [{vnet: client-vnet}]}
  - {name: privatelink.blob.core.windows.net, virtualNetworkLinks: [{vnet: client-vnet}]}
machineLearning:
  workspace: mlw
  storageAccount: stmlw
  keyVault: kvmlw
  containerRegistry: crmlw
  managedNetwork:
    isolationMode: ` + mode + `
    status: Provisioned
` + rules + `
  computes:
    - {name: cpu, type: AmlCompute, managed: true}
    - {name: ci, type: ComputeInstance, managed: true}
`
}

func TestManagedNetwork(t *testing.T) {
	pypi := `    outboundRules:
      - {name: pypi, type: fqdn, destination: pypi.org}
      - {name: datafactory, type: service_tag, destination: {service_tag: DataFactory, protocol: TCP, port_ranges: "80, 8080-8089"}}
`
	cases := []struct {
		name, mode, rules, intent, compute string
		verdict                            string
		step, reason, fix, hop             string
	}{
		{name: "internet outbound: a training job on a managed cluster", mode: "AllowInternetOutbound", intent: "training-job", compute: "cpu", verdict: Allowed},
		{name: "internet outbound: packages from the internet", mode: "AllowInternetOutbound", intent: "package-install", compute: "cpu", verdict: Allowed,
			hop: "mode-AllowInternetOutbound"},
		{name: "approved outbound: a training job uses the automatic private endpoints and required rules", mode: "AllowOnlyApprovedOutbound", intent: "training-job", compute: "cpu", verdict: Allowed,
			hop: "made by managed network private endpoint rule required-kvmlw-vault (required)"},
		{name: "approved outbound: batch management", mode: "AllowOnlyApprovedOutbound", intent: "batch-management", compute: "cpu", verdict: Allowed,
			hop: "required-BatchNodeManagement"},
		{name: "approved outbound without FQDN rules: the mode denies pypi", mode: "AllowOnlyApprovedOutbound", intent: "package-install", compute: "cpu", verdict: Denied,
			step: "pypi.org", reason: ReasonNSG, fix: "add a managed network outbound rule of type fqdn with destination pypi.org", hop: "mode-AllowOnlyApprovedOutbound-deny-internet"},
		{name: "approved outbound with an FQDN rule: pypi passes the managed firewall, pythonhosted does not", mode: "AllowOnlyApprovedOutbound", rules: pypi, intent: "package-install", compute: "cpu", verdict: Denied,
			step: "files.pythonhosted.org", reason: ReasonFirewall, fix: "type fqdn with destination files.pythonhosted.org", hop: "application rule pypi in collection fqdn-rules"},
		{name: "approved outbound with a firewall still runs training jobs", mode: "AllowOnlyApprovedOutbound", rules: pypi, intent: "training-job", compute: "cpu", verdict: Allowed},
		{name: "a managed compute instance serves Jupyter to a client in the customer VNet", mode: "AllowOnlyApprovedOutbound", intent: "jupyter-websocket", compute: "ci", verdict: Allowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			topo := load(t, managedScenario(c.mode, c.rules))
			s, err := topo.Simulate(c.intent, c.compute, "")
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			WriteSimulationText(&out, s)
			if s.Verdict != c.verdict {
				t.Fatalf("verdict %s, want %s\n%s", s.Verdict, c.verdict, out.String())
			}
			if c.hop != "" {
				all := ""
				for _, st := range s.Steps {
					if st.Trace != nil {
						all += dump(st.Trace)
					}
				}
				if !strings.Contains(all, c.hop) {
					t.Errorf("no trace names %q\n%s", c.hop, out.String())
				}
			}
			if c.verdict == Denied {
				f := s.FirstFailure()
				if !strings.Contains(f.Name, c.step) || f.Reason != c.reason || !strings.Contains(f.Fix, c.fix) {
					t.Errorf("first failure %q %s fix %q\nwant %q %s %q", f.Name, f.Reason, f.Fix, c.step, c.reason, c.fix)
				}
			}
		})
	}
}

// TestManagedNetworkModel covers the synthesis itself: automatic private
// endpoints by mode, the firewall only with FQDN rules, and no public IP.
func TestManagedNetworkModel(t *testing.T) {
	internet := load(t, edit(managedScenario("AllowInternetOutbound", ""), "{name: kvmlw, type: Microsoft.KeyVault/vaults, publicNetworkAccess: Disabled}", "{name: kvmlw, type: Microsoft.KeyVault/vaults}"))
	m := internet.ML.Managed
	if m == nil || m.VNet == nil || m.Firewall != nil {
		t.Fatalf("internet outbound: %+v", m)
	}
	got := map[string]bool{}
	for pe := range m.Endpoints {
		got[pe.Service.Name+"/"+pe.GroupID] = true
	}
	// Only resources with public access disabled get automatic endpoints.
	for _, want := range []string{"mlw/amlworkspace", "stmlw/blob", "stmlw/file", "crmlw/registry"} {
		if !got[want] {
			t.Errorf("internet outbound lacks the automatic endpoint %s (%v)", want, got)
		}
	}
	if got["kvmlw/vault"] {
		t.Error("a public key vault got an automatic endpoint in AllowInternetOutbound")
	}
	cp := internet.Compute("cpu")
	if !cp.Managed || cp.PublicIP || cp.NIC.VNet() != m.VNet {
		t.Errorf("managed compute: %+v", cp)
	}
	approved := load(t, edit(managedScenario("AllowOnlyApprovedOutbound", "    outboundRules:\n      - {name: pypi, type: fqdn, destination: pypi.org}\n"), "{name: kvmlw, type: Microsoft.KeyVault/vaults, publicNetworkAccess: Disabled}", "{name: kvmlw, type: Microsoft.KeyVault/vaults}"))
	if approved.ML.Managed.Firewall == nil {
		t.Error("an FQDN rule deploys a managed firewall")
	}
	n := 0
	for pe := range approved.ML.Managed.Endpoints {
		if pe.Service.Name == "kvmlw" {
			n++
		}
	}
	if n != 1 {
		t.Error("approved outbound always creates the key vault's endpoint")
	}
}

func TestManagedNetworkValidation(t *testing.T) {
	cases := []struct{ mode, rules, computes, want string }{
		{"AllowInternetOutbound", "    outboundRules:\n      - {name: df, type: service_tag, destination: {service_tag: DataFactory, protocol: TCP, port_ranges: \"443\"}}\n", "", "service_tag rules are only for isolation mode AllowOnlyApprovedOutbound"},
		{"AllowInternetOutbound", "    outboundRules:\n      - {name: pypi, type: fqdn, destination: pypi.org}\n", "", "fqdn rules are only for isolation mode AllowOnlyApprovedOutbound"},
		{"AllowOnlyApprovedOutbound", "    outboundRules:\n      - {name: st, type: fqdn, destination: stmlw.blob.core.windows.net}\n", "", "use a private_endpoint rule, not an FQDN rule"},
		{"AllowOnlyApprovedOutbound", "    outboundRules:\n      - {name: pe, type: private_endpoint, destination: {service: stmlw, subresource_target: vault}}\n", "", `"vault" is not a sub-resource`},
		{"AllowOnlyApprovedOutbound", "    outboundRules:\n      - {name: pe, type: private_endpoint, destination: {service_resource_id: /subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/nope, subresource_target: blob}}\n", "", `unknown service "nope"`},
		{"AllowOnlyApprovedOutbound", "", "    - {name: far, type: AmlCompute, managed: true, region: westus}\n", "can't be in another region than the workspace"},
		{"AllowOnlyApprovedOutbound", "", "    - {name: vmc, type: VirtualMachine, vm: jumpbox, managed: true}\n", "managed networks don't support Kubernetes or attached VMs"},
		{"Disabled", "", "", "isolation mode Disabled has no managed network"},
		{"Sometimes", "", "", `"Sometimes": want Disabled`},
	}
	for _, c := range cases {
		src := "apiVersion: vnetsim/v1\nregion: eastus\n" + managedScenario(c.mode, c.rules) + c.computes
		_, err := topology.Parse("m.yaml", []byte(src), topology.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: got %v, want %q", c.mode, c.rules, err, c.want)
		}
	}
}

// TestManagedLint covers the seed 003 constraints that lint reports.
func TestManagedLint(t *testing.T) {
	spark := "    outboundRules:\n      - {name: spark-blob, type: private_endpoint, destination: {service: stmlw, subresource_target: blob, spark_enabled: true}}\n"
	cases := []struct {
		name, src string
		want      []string
	}{
		{"provisioned, private workspace: nothing", managedScenario("AllowOnlyApprovedOutbound", ""), nil},
		{"spark without provisioning", edit(managedScenario("AllowOnlyApprovedOutbound", spark), "status: Provisioned", "status: NotProvisioned"),
			[]string{LintManagedSparkProvisioning, LintManagedSparkConda}},
		{"public workspace before provisioning", edit(strings.Replace(managedScenario("AllowInternetOutbound", ""), "status: Provisioned", "status: NotProvisioned", 1),
			"workspaceId: fb000000-0000-4000-8000-000000000002, publicNetworkAccess: Disabled", "workspaceId: fb000000-0000-4000-8000-000000000002"), []string{LintManagedPublicAccess}},
		{"not provisioned and no compute", edit(strings.Replace(strings.Replace(managedScenario("AllowInternetOutbound", ""), "status: Provisioned", "status: NotProvisioned", 1),
			"    - {name: cpu, type: AmlCompute, managed: true}\n    - {name: ci, type: ComputeInstance, managed: true}\n", "", 1), "  computes:\n", ""), []string{LintManagedNotProvisioned}},
		// Isolation mode Disabled has no managed network to provision, so
		// neither its provisioning nor the public access before it matter.
		{"isolation mode Disabled, not provisioned, public workspace, no compute", edit(strings.Replace(strings.Replace(strings.Replace(managedScenario("Disabled", ""), "status: Provisioned", "status: NotProvisioned", 1),
			"    - {name: cpu, type: AmlCompute, managed: true}\n    - {name: ci, type: ComputeInstance, managed: true}\n", "", 1), "  computes:\n", "", 1),
			"workspaceId: fb000000-0000-4000-8000-000000000002, publicNetworkAccess: Disabled", "workspaceId: fb000000-0000-4000-8000-000000000002"), nil},
		{"private endpoint and service endpoint for one storage", edit(strings.Replace(managedScenario("AllowOnlyApprovedOutbound", ""),
			"{name: snet-clients, addressPrefix: 10.0.2.0/24}", "{name: snet-clients, addressPrefix: 10.0.2.0/24, serviceEndpoints: [Microsoft.Storage]}", 1),
			"{name: stmlw, type: Microsoft.Storage/storageAccounts, publicNetworkAccess: Disabled}", "{name: stmlw, type: Microsoft.Storage/storageAccounts, publicNetworkAccess: Disabled, networkAcls: {defaultAction: Deny, virtualNetworkRules: [client-vnet/snet-clients]}}"),
			[]string{LintManagedPEAndSE}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, f := range (load(t, c.src)).Lint() {
				if strings.HasPrefix(f.Code, "managed-") {
					got = append(got, f.Code)
					if f.Seed != seedManaged || f.Fix == "" {
						t.Errorf("finding %s lacks its seed or fix", f.Code)
					}
				}
			}
			sort.Strings(got)
			sort.Strings(c.want)
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("managed findings %v, want %v", got, c.want)
			}
		})
	}
}
