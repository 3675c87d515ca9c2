package sim

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// lintBase is a workspace that meets every requirement Lint checks: a
// private workspace in ws-vnet with its storage, key vault and registry
// endpoints there, a compute instance in ws-vnet, a cluster in a peered
// VNet in another region, every privatelink zone linked to both VNets, the
// cluster building images for the registry behind the VNet, and one
// subscription. Each lint case breaks it with a few replacements.
const lintBase = `
vnets:
  - name: ws-vnet
    subscription: sub-a
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, addressPrefix: 10.0.1.0/24}
      - {name: snet-ml, addressPrefix: 10.0.2.0/24}
      - {name: snet-clients, addressPrefix: 10.0.3.0/24}
  - name: compute-vnet
    region: westus
    subscription: sub-a
    addressSpace: [10.1.0.0/16]
    subnets:
      - {name: snet-training, addressPrefix: 10.1.0.0/24}
  - name: other-vnet
    addressSpace: [10.2.0.0/16]
    subnets:
      - {name: snet-pe, addressPrefix: 10.2.1.0/24}
      - {name: snet-work, addressPrefix: 10.2.2.0/24}
peerings:
  - {name: ws-to-compute, from: ws-vnet, to: compute-vnet}
  - {name: compute-to-ws, from: compute-vnet, to: ws-vnet}
vms:
  - {name: client, subnet: ws-vnet/snet-clients}
services:
  - {name: mlw, type: Microsoft.MachineLearningServices/workspaces, subscription: sub-a, publicNetworkAccess: Disabled}
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
  - {name: privatelink.api.azureml.ms, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]}
  - {name: privatelink.notebooks.azure.net, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]}
  - {name: privatelink.blob.core.windows.net, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]}
  - {name: privatelink.file.core.windows.net, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]}
  - {name: privatelink.vaultcore.azure.net, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]}
  - {name: privatelink.azurecr.io, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]}
machineLearning:
  workspace: mlw
  storageAccount: stmlw
  keyVault: kvmlw
  containerRegistry: crmlw
  imageBuildCompute: cpu-cluster
  computes:
    - {name: ci-dev, type: ComputeInstance, subnet: ws-vnet/snet-ml}
    - {name: cpu-cluster, type: AmlCompute, subnet: compute-vnet/snet-training, maxNodes: 4, enableNodePublicIp: false}
`

// Replacements of lintBase shared by several cases.
var (
	// dnsHub puts a custom DNS server in other-vnet, peered with
	// compute-vnet, and makes it compute-vnet's DNS server. It forwards
	// everything to 168.63.129.16, from other-vnet.
	dnsHub = []string{
		"  - {name: compute-to-ws, from: compute-vnet, to: ws-vnet}\n",
		"  - {name: compute-to-ws, from: compute-vnet, to: ws-vnet}\n" +
			"  - {name: compute-to-hub, from: compute-vnet, to: other-vnet}\n" +
			"  - {name: hub-to-compute, from: other-vnet, to: compute-vnet}\n",
		"  - {name: client, subnet: ws-vnet/snet-clients}\n",
		"  - {name: client, subnet: ws-vnet/snet-clients}\n" +
			"  - {name: dns1, subnet: other-vnet/snet-work, privateIpAddress: 10.2.2.4, dnsServer: {defaultForwarder: 168.63.129.16}}\n",
		"    subscription: sub-a\n    addressSpace: [10.1.0.0/16]\n",
		"    subscription: sub-a\n    addressSpace: [10.1.0.0/16]\n    dnsServers: [10.2.2.4]\n",
	}
	// linkOther links every zone to other-vnet too.
	linkOther = []string{"{vnet: compute-vnet}]}", "{vnet: compute-vnet}, {vnet: other-vnet}]}"}
	// peerOther peers ws-vnet and other-vnet in both directions.
	peerOther = []string{
		"  - {name: compute-to-ws, from: compute-vnet, to: ws-vnet}\n",
		"  - {name: compute-to-ws, from: compute-vnet, to: ws-vnet}\n" +
			"  - {name: ws-to-other, from: ws-vnet, to: other-vnet}\n" +
			"  - {name: other-to-ws, from: other-vnet, to: ws-vnet}\n",
	}
	// allowList gives the workspace an IP allow list and a no-public-IP
	// serverless compute in other-vnet, which has no workspace endpoint.
	allowList = []string{
		"  containerRegistry: crmlw\n",
		"  containerRegistry: crmlw\n  ipAllowList: [203.0.113.0/24]\n",
		"enableNodePublicIp: false}\n",
		"enableNodePublicIp: false}\n    - {name: serverless, type: Serverless, subnet: other-vnet/snet-work, maxNodes: 2, enableNodePublicIp: false}\n",
	}
)

func join(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// patch applies old/new replacement pairs to lintBase; each old text must
// be there, so that a case can't silently test the base scenario.
func patch(t *testing.T, repl []string) string {
	t.Helper()
	if len(repl)%2 != 0 {
		t.Fatalf("replacements come in old/new pairs: %q", repl)
	}
	s := lintBase
	for i := 0; i < len(repl); i += 2 {
		if !strings.Contains(s, repl[i]) {
			t.Fatalf("replacement %d: %q is not in the scenario", i/2, repl[i])
		}
		s = strings.ReplaceAll(s, repl[i], repl[i+1])
	}
	return s
}

func lintOf(t *testing.T, repl []string) []Finding {
	t.Helper()
	return (load(t, patch(t, repl))).Lint()
}

func describe(fs []Finding) string {
	var b bytes.Buffer
	WriteLintText(&b, &LintReport{Findings: fs})
	return b.String()
}

func TestLintBaseIsClean(t *testing.T) {
	if fs := lintOf(t, nil); len(fs) > 0 {
		t.Fatalf("the base scenario has findings:\n%s", describe(fs))
	}
}

func TestLint(t *testing.T) {
	cases := []struct {
		name string
		// bad breaks lintBase; it must give a finding of code on resource.
		bad      []string
		code     string
		resource string
		severity string // default error
		// message must appear in the finding's message, fix in its fix.
		message, fix string
		// good corrects bad; it must give no finding of code at all.
		good []string
		// also are the other codes bad may give (a mistake with more than
		// one documented consequence), goodAlso those good may give; any
		// other finding fails the case.
		also, goodAlso []string
	}{
		{
			name:     "compute instance in the cluster's VNet and region",
			bad:      []string{"{name: ci-dev, type: ComputeInstance, subnet: ws-vnet/snet-ml}", "{name: ci-dev, type: ComputeInstance, subnet: compute-vnet/snet-training}"},
			code:     LintCIOutsideWorkspaceVNet,
			resource: "ci-dev",
			message:  "compute instance ci-dev is in VNet compute-vnet (westus), but workspace mlw has its private endpoints in VNet ws-vnet and is in region eastus; only a compute cluster",
			good:     []string{"{name: ci-dev, type: ComputeInstance, subnet: ws-vnet/snet-ml}", "{name: ci-dev, type: AmlCompute, subnet: compute-vnet/snet-training}"},
		},
		{
			name:     "compute instance in the workspace's VNet, workspace in another region",
			bad:      []string{"{name: mlw, type: Microsoft.MachineLearningServices/workspaces,", "{name: mlw, region: westus, type: Microsoft.MachineLearningServices/workspaces,"},
			code:     LintCIOutsideWorkspaceRegion,
			resource: "ci-dev",
			message:  "is in region eastus (VNet ws-vnet), but workspace mlw is in region westus",
			good:     nil,
		},
		{
			name:     "compute subnet delegated",
			bad:      []string{"{name: snet-training, addressPrefix: 10.1.0.0/24}", "{name: snet-training, addressPrefix: 10.1.0.0/24, delegations: [Microsoft.Web/serverFarms]}"},
			code:     LintSubnetDelegated,
			resource: "compute-vnet/snet-training",
			message:  "delegated to Microsoft.Web/serverFarms",
		},
		{
			name:     "/29 for a four-node cluster: 5 reserved + 4 nodes = 9 > 8",
			bad:      []string{"10.1.0.0/24", "10.1.0.0/29"},
			code:     LintSubnetTooSmall,
			resource: "compute-vnet/snet-training",
			message:  "has 8 addresses but needs 9: 5 reserved by Azure, cpu-cluster 4 nodes, and 0 other NICs",
			good:     []string{"10.1.0.0/24", "10.1.0.0/29", "maxNodes: 4", "maxNodes: 3"},
		},
		{
			name: "/29 for a cluster without maxNodes (1 node), a two-node cluster and a VM: 5 + 1 + 2 + 1 = 9 > 8",
			bad: []string{"10.1.0.0/24", "10.1.0.0/29", "maxNodes: 4, enableNodePublicIp: false}\n", "enableNodePublicIp: false}\n    - {name: gpu-cluster, type: AmlCompute, subnet: compute-vnet/snet-training, maxNodes: 2}\n",
				"  - {name: client, subnet: ws-vnet/snet-clients}\n",
				"  - {name: client, subnet: ws-vnet/snet-clients}\n  - {name: vm1, subnet: compute-vnet/snet-training}\n"},
			code:     LintSubnetTooSmall,
			resource: "compute-vnet/snet-training",
			message:  "has 8 addresses but needs 9: 5 reserved by Azure, cpu-cluster 1 node, gpu-cluster 2 nodes, and 1 other NIC (cpu-cluster has no maxNodes, counted as 1 node)",
			// Without the VM the nodes fit exactly.
			good: []string{"10.1.0.0/24", "10.1.0.0/29", "maxNodes: 4, enableNodePublicIp: false}\n", "enableNodePublicIp: false}\n    - {name: gpu-cluster, type: AmlCompute, subnet: compute-vnet/snet-training, maxNodes: 2}\n"},
		},
		{
			name: "default storage endpoints in another VNet than the workspace's",
			bad: []string{"{name: pe-blob, subnet: ws-vnet/snet-pe", "{name: pe-blob, subnet: other-vnet/snet-pe",
				"{name: pe-file, subnet: ws-vnet/snet-pe", "{name: pe-file, subnet: other-vnet/snet-pe"},
			code:     LintStorageOutsideVNet,
			resource: "stmlw",
			message:  "has private endpoints in VNet other-vnet, but workspace mlw is in VNet ws-vnet",
			// Peering is not enough for the default storage, but one
			// endpoint in the workspace's VNet is.
			good: join([]string{"{name: pe-blob, subnet: ws-vnet/snet-pe", "{name: pe-blob, subnet: other-vnet/snet-pe"}, peerOther),
			// other-vnet isn't peered with the computes' VNets: 445 can't reach it.
			also: []string{LintStorage445Blocked},
		},
		{
			name:     "default storage in a peered VNet is still a finding",
			bad:      join([]string{"{name: pe-blob, subnet: ws-vnet/snet-pe", "{name: pe-blob, subnet: other-vnet/snet-pe", "{name: pe-file, subnet: ws-vnet/snet-pe", "{name: pe-file, subnet: other-vnet/snet-pe"}, peerOther),
			code:     LintStorageOutsideVNet,
			resource: "stmlw",
			good:     peerOther,
			also:     []string{LintStorage445Blocked},
		},
		{
			name:     "key vault in an unpeered VNet",
			bad:      []string{"{name: pe-kv, subnet: ws-vnet/snet-pe", "{name: pe-kv, subnet: other-vnet/snet-pe"},
			code:     LintResourceVNetNotPeered,
			resource: "kvmlw",
			message:  "key vault kvmlw has private endpoints in VNet other-vnet, which is neither the workspace's VNet (ws-vnet) nor peered with it",
			good:     join([]string{"{name: pe-kv, subnet: ws-vnet/snet-pe", "{name: pe-kv, subnet: other-vnet/snet-pe"}, peerOther),
		},
		{
			name: "registry in a VNet with only one half of a peering (Initiated)",
			bad: []string{"{name: pe-cr, subnet: ws-vnet/snet-pe", "{name: pe-cr, subnet: other-vnet/snet-pe",
				"  - {name: compute-to-ws, from: compute-vnet, to: ws-vnet}\n", "  - {name: compute-to-ws, from: compute-vnet, to: ws-vnet}\n  - {name: ws-to-other, from: ws-vnet, to: other-vnet}\n"},
			code:     LintResourceVNetNotPeered,
			resource: "crmlw",
			message:  "container registry crmlw",
			good:     join([]string{"{name: pe-cr, subnet: ws-vnet/snet-pe", "{name: pe-cr, subnet: other-vnet/snet-pe"}, peerOther),
		},
		{
			name:     "api zone not linked to the cluster's VNet",
			bad:      []string{"{name: privatelink.api.azureml.ms, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]}", "{name: privatelink.api.azureml.ms, virtualNetworkLinks: [{vnet: ws-vnet}]}"},
			code:     LintZoneNotLinked,
			resource: "privatelink.api.azureml.ms",
			message:  "is not linked to VNet compute-vnet, so its names resolve to public addresses for compute cpu-cluster in compute-vnet",
		},
		{
			name:     "notebooks zone not linked to the workspace's VNet, where the compute instance and a client are",
			bad:      []string{"{name: privatelink.notebooks.azure.net, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]}", "{name: privatelink.notebooks.azure.net, virtualNetworkLinks: [{vnet: compute-vnet}]}"},
			code:     LintZoneNotLinked,
			resource: "privatelink.notebooks.azure.net",
			message:  "for compute ci-dev in ws-vnet, VM client in ws-vnet",
		},
		{
			name: "client in a peered VNet without links: a warning",
			bad: join(peerOther, []string{"  - {name: client, subnet: ws-vnet/snet-clients}\n",
				"  - {name: client, subnet: ws-vnet/snet-clients}\n  - {name: client2, subnet: other-vnet/snet-work}\n"}),
			code:     LintZoneNotLinked,
			resource: "privatelink.blob.core.windows.net",
			severity: SeverityWarning,
			message:  "is not linked to VNet other-vnet, so its names resolve to public addresses for VM client2 in other-vnet",
			good: join(peerOther, linkOther, []string{"  - {name: client, subnet: ws-vnet/snet-clients}\n",
				"  - {name: client, subnet: ws-vnet/snet-clients}\n  - {name: client2, subnet: other-vnet/snet-work}\n"}),
		},
		{
			// The compute VNet is linked, but its DNS server asks
			// 168.63.129.16 from other-vnet, which is not.
			name:     "cluster VNet with a custom DNS server: the zone must be linked to the server's VNet",
			bad:      dnsHub,
			code:     LintZoneNotLinked,
			resource: "privatelink.api.azureml.ms",
			message:  "is not linked to VNet other-vnet, from which DNS server dns1 (10.2.2.4) in other-vnet asks 168.63.129.16, so its names resolve to public addresses for compute cpu-cluster in compute-vnet",
			good:     join(dnsHub, linkOther),
			// The storage names resolve publicly too, so SMB to them is denied.
			also: []string{LintStorage445Blocked},
		},
		{
			name:     "custom DNS server that resolves the workspace's zone publicly",
			bad:      join(dnsHub, []string{"dnsServer: {defaultForwarder: 168.63.129.16}", "dnsServer: {forwarders: [{zone: corp.contoso.com, target: 192.168.1.10}]}"}),
			code:     LintCustomDNSNotForwarded,
			resource: "privatelink.api.azureml.ms",
			message:  "they ask DNS server dns1 (10.2.2.4) in other-vnet, which resolves",
			fix:      "on DNS server dns1, forward api.azureml.ms to 168.63.129.16 and link privatelink.api.azureml.ms to other-vnet",
			good:     join(dnsHub, linkOther, []string{"dnsServer: {defaultForwarder: 168.63.129.16}", "dnsServer: {forwarders: [{zone: corp.contoso.com, target: 192.168.1.10}, {zone: azureml.ms, target: 168.63.129.16}, {zone: notebooks.azure.net, target: 168.63.129.16}, {zone: core.windows.net, target: 168.63.129.16}, {zone: vault.azure.net, target: 168.63.129.16}, {zone: azurecr.io, target: 168.63.129.16}]}"}),
			also:     []string{LintStorage445Blocked},
		},
		{
			name: "second workspace on the shared zones, its VNet never linked",
			bad: []string{"  - {name: kvmlw,", "  - {name: mlw2, type: Microsoft.MachineLearningServices/workspaces}\n  - {name: kvmlw,",
				"  - {name: pe-blob,", "  - {name: pe-mlw2, subnet: other-vnet/snet-pe, service: mlw2, groupId: amlworkspace, privateDnsZoneGroup: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}\n  - {name: pe-blob,"},
			code:     LintSharedZoneNotLinked,
			resource: "privatelink.api.azureml.ms",
			message:  "holds the records of workspaces mlw and mlw2, but VNet other-vnet, which holds mlw2's private endpoint or computes, is not linked to it",
			good: join([]string{"  - {name: kvmlw,", "  - {name: mlw2, type: Microsoft.MachineLearningServices/workspaces}\n  - {name: kvmlw,",
				"  - {name: pe-blob,", "  - {name: pe-mlw2, subnet: other-vnet/snet-pe, service: mlw2, groupId: amlworkspace, privateDnsZoneGroup: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}\n  - {name: pe-blob,"}, linkOther),
		},
		{
			name: "port 445 denied from the cluster subnet",
			bad: []string{"{name: snet-training, addressPrefix: 10.1.0.0/24}", "{name: snet-training, addressPrefix: 10.1.0.0/24, networkSecurityGroup: nsg-training}",
				"vms:\n", "networkSecurityGroups:\n  - name: nsg-training\n    securityRules:\n      - {name: DenySmb, priority: 100, direction: Outbound, access: Deny, protocol: Tcp, sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: VirtualNetwork, destinationPortRange: '445'}\nvms:\n"},
			code:     LintStorage445Blocked,
			resource: "cpu-cluster",
			message:  "TCP 445 from cpu-cluster (compute-vnet/snet-training) to stmlw.file.core.windows.net is denied (nsg-denied) by nsgRule DenySmb in nsg-training",
			good: []string{"{name: snet-training, addressPrefix: 10.1.0.0/24}", "{name: snet-training, addressPrefix: 10.1.0.0/24, networkSecurityGroup: nsg-training}",
				"vms:\n", "networkSecurityGroups:\n  - name: nsg-training\n    securityRules:\n      - {name: DenySmb, priority: 100, direction: Outbound, access: Deny, protocol: Tcp, sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: VirtualNetwork, destinationPortRange: '139'}\nvms:\n"},
		},
		{
			name:     "no-public-IP serverless compute, workspace IP allow list, no workspace endpoint in reach",
			bad:      allowList,
			code:     LintServerlessAllowListNoPE,
			resource: "serverless",
			message:  "no private endpoint of mlw is in VNet other-vnet or a VNet peered with it",
			good:     join(allowList, peerOther, linkOther),
			// other-vnet is linked to no zone and can't reach the storage.
			also: []string{LintZoneNotLinked, LintStorage445Blocked},
		},
		{
			name:     "the same serverless compute with a public IP is not this finding",
			bad:      allowList,
			code:     LintServerlessAllowListNoPE,
			resource: "serverless",
			good:     join(allowList, linkOther, []string{"maxNodes: 2, enableNodePublicIp: false}", "maxNodes: 2, enableNodePublicIp: true}"}),
			also:     []string{LintZoneNotLinked, LintStorage445Blocked},
			// other-vnet isn't peered with the storage's VNet.
			goodAlso: []string{LintStorage445Blocked},
		},
		{
			// format('privatelink{0}', environment().suffixes.keyvaultDns)
			name:     "key vault endpoint and zone named from the vault's public suffix",
			bad:      []string{"privatelink.vaultcore.azure.net", "privatelink.vault.azure.net"},
			code:     LintEndpointZoneNotDocumented,
			resource: "pe-kv",
			message:  "has privatelink.vault.azure.net in its zone group, but the documented zone of Azure Key Vault is privatelink.vaultcore.azure.net: kvmlw.vault.azure.net is a CNAME to kvmlw.privatelink.vaultcore.azure.net, which no zone of the group holds; from ci-dev (ws-vnet), kvmlw.vault.azure.net resolves to the public address of kvmlw, whose publicNetworkAccess is Disabled; the steps of training-job that reach these names fail",
			fix:      "replace privatelink.vault.azure.net with privatelink.vaultcore.azure.net in the zone group of pe-kv",
			good:     nil,
		},
		{
			name:     "blob endpoint and zone with the wrong suffix",
			bad:      []string{"privatelink.blob.core.windows.net", "privatelink.blob.core.azure.net"},
			code:     LintEndpointZoneNotDocumented,
			resource: "pe-blob",
			message:  "the documented zone of Storage account (blob) is privatelink.blob.core.windows.net: stmlw.blob.core.windows.net is a CNAME to stmlw.privatelink.blob.core.windows.net, which no zone of the group holds; from ci-dev (ws-vnet), stmlw.blob.core.windows.net resolves to the public address of stmlw, whose publicNetworkAccess is Disabled; the steps of image-build, studio-from-vnet, training-job that reach these names fail",
		},
		{
			name:     "registry endpoint and zone misspelt",
			bad:      []string{"privatelink.azurecr.io", "privatelink.azurecr.net"},
			code:     LintEndpointZoneNotDocumented,
			resource: "pe-cr",
			message:  "the documented zone of Azure Container Registry is privatelink.azurecr.io: crmlw.azurecr.io is a CNAME to crmlw.privatelink.azurecr.io, which no zone of the group holds; from ci-dev (ws-vnet), crmlw.azurecr.io, crmlw.eastus.data.azurecr.io resolve to the public address of crmlw, whose publicNetworkAccess is Disabled; the steps of image-build, training-job that reach these names fail",
		},
		{
			name:     "workspace endpoint and zone without the api label",
			bad:      []string{"privatelink.api.azureml.ms", "privatelink.azureml.ms"},
			code:     LintEndpointZoneNotDocumented,
			resource: "pe-mlw",
			message:  "the documented zone of Azure Machine Learning workspace is privatelink.api.azureml.ms",
		},
		{
			name:     "a zone group with a zone of another service",
			bad:      []string{"groupId: vault, privateDnsZoneGroup: [privatelink.vaultcore.azure.net]", "groupId: vault, privateDnsZoneGroup: [privatelink.blob.core.windows.net]"},
			code:     LintEndpointZoneNotDocumented,
			resource: "pe-kv",
			message:  "has privatelink.blob.core.windows.net in its zone group, but the documented zone of Azure Key Vault is privatelink.vaultcore.azure.net",
			// The vault's zone is then written by no endpoint, and none
			// of its links are needed.
		},
		{
			// A manual record in a zone no name reaches.
			name: "file endpoint without zone group, its record in a zone with the wrong suffix",
			bad: []string{"groupId: file, privateDnsZoneGroup: [privatelink.file.core.windows.net]", "groupId: file",
				"{name: privatelink.file.core.windows.net, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]}",
				"{name: privatelink.file.core.azure.net, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}], records: [{name: stmlw, type: A, values: [10.0.1.6]}]}"},
			code:     LintZoneNotDocumented,
			resource: "privatelink.file.core.azure.net",
			message:  "private DNS zone privatelink.file.core.azure.net is not a documented zone; Storage account (file)'s is privatelink.file.core.windows.net, and no service's public name is a CNAME into privatelink.file.core.azure.net; from ci-dev (ws-vnet), stmlw.file.core.windows.net resolves to the public address of stmlw, whose publicNetworkAccess is Disabled; the steps of training-job that reach these names fail",
			fix:      "rename privatelink.file.core.azure.net to privatelink.file.core.windows.net (keep its virtual network links and records), or give private endpoint pe-file a zone group with privatelink.file.core.windows.net",
			// SMB to the storage follows the public name.
			also: []string{LintStorage445Blocked},
			good: []string{"groupId: file, privateDnsZoneGroup: [privatelink.file.core.windows.net]", "groupId: file",
				"{name: privatelink.file.core.windows.net, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]}",
				"{name: privatelink.file.core.windows.net, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}], records: [{name: stmlw, type: A, values: [10.0.1.6]}]}"},
		},
		{
			name:     "an unused privatelink zone with the vault's public suffix",
			bad:      []string{"privateDnsZones:\n", "privateDnsZones:\n  - {name: privatelink.vault.azure.net}\n"},
			code:     LintZoneNotDocumented,
			resource: "privatelink.vault.azure.net",
			severity: SeverityWarning,
			message:  "Azure Key Vault's is privatelink.vaultcore.azure.net",
			fix:      "rename privatelink.vault.azure.net to privatelink.vaultcore.azure.net",
		},
		{
			name:     "registry behind the VNet, no image build compute",
			bad:      []string{"  imageBuildCompute: cpu-cluster\n", ""},
			code:     LintRegistryNoImageBuild,
			resource: "crmlw",
			message:  "container registry crmlw of workspace mlw is behind the VNet (publicNetworkAccess Disabled) and the workspace has no image build compute",
			fix:      "set machineLearning.imageBuildCompute: cpu-cluster",
		},
		{
			name: "registry whose network rule set denies by default, no image build compute",
			bad: []string{"  imageBuildCompute: cpu-cluster\n", "",
				"{name: crmlw, type: Microsoft.ContainerRegistry/registries, publicNetworkAccess: Disabled}", "{name: crmlw, type: Microsoft.ContainerRegistry/registries, networkAcls: {defaultAction: Deny}}"},
			code:     LintRegistryNoImageBuild,
			resource: "crmlw",
			message:  "is behind the VNet (its network rule set denies by default (networkAcls.defaultAction Deny))",
			good: []string{"  imageBuildCompute: cpu-cluster\n", "",
				"{name: crmlw, type: Microsoft.ContainerRegistry/registries, publicNetworkAccess: Disabled}", "{name: crmlw, type: Microsoft.ContainerRegistry/registries, networkAcls: {defaultAction: Allow}}"},
		},
		{
			// Manual approval: the endpoint is created without a zone group.
			name:     "workspace endpoint without a zone group or records",
			bad:      []string{"groupId: amlworkspace, privateDnsZoneGroup: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}", "groupId: amlworkspace}"},
			code:     LintWorkspacePENoDNS,
			resource: "pe-mlw",
			message:  "private endpoint pe-mlw of workspace mlw has no private DNS zone group, and no private DNS zone or DNS server has a record for 00000000-0000-4000-8000-000000000001.workspace.eastus.api.azureml.ms, 00000000-0000-4000-8000-000000000001.workspace.eastus.cert.api.azureml.ms, ml-mlw-eastus-00000000-0000-4000-8000-000000000001.eastus.notebooks.azure.net, so clients and computes don't resolve the workspace to the endpoint: from ci-dev (ws-vnet), 00000000-0000-4000-8000-000000000001.workspace.eastus.api.azureml.ms does not resolve (dns-nxdomain: private DNS zone privatelink.api.azureml.ms is linked to ws-vnet but has no record for 00000000-0000-4000-8000-000000000001.workspace.eastus.privatelink.api.azureml.ms (add privatelink.api.azureml.ms to the privateDnsZoneGroup of pe-mlw, or add the record), so Azure DNS answers NXDOMAIN); the steps of jupyter-websocket, studio-from-vnet, training-job that reach these names fail",
			fix:      "give pe-mlw a private DNS zone group with privatelink.api.azureml.ms and privatelink.notebooks.azure.net",
			// Records written by hand into the linked zones.
			good: []string{"groupId: amlworkspace, privateDnsZoneGroup: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}", "groupId: amlworkspace}",
				"{name: privatelink.api.azureml.ms, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]}",
				"{name: privatelink.api.azureml.ms, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}], records: [{name: 00000000-0000-4000-8000-000000000001.workspace.eastus, type: A, values: [10.0.1.4]}, {name: 00000000-0000-4000-8000-000000000001.workspace.eastus.cert, type: A, values: [10.0.1.4]}]}",
				"{name: privatelink.notebooks.azure.net, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}]}",
				"{name: privatelink.notebooks.azure.net, virtualNetworkLinks: [{vnet: ws-vnet}, {vnet: compute-vnet}], records: [{name: ml-mlw-eastus-00000000-0000-4000-8000-000000000001.eastus, type: A, values: [10.0.1.4]}]}"},
		},
		{
			name:     "workspace endpoint whose zone group lacks the notebooks zone",
			bad:      []string{"groupId: amlworkspace, privateDnsZoneGroup: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}", "groupId: amlworkspace, privateDnsZoneGroup: [privatelink.api.azureml.ms]}"},
			code:     LintWorkspacePENoDNS,
			resource: "pe-mlw",
			message:  "has a zone group (privatelink.api.azureml.ms) without privatelink.notebooks.azure.net, and no private DNS zone or DNS server has a record for ml-mlw-eastus-00000000-0000-4000-8000-000000000001.eastus.notebooks.azure.net, so clients and computes don't resolve the workspace to the endpoint: from ci-dev (ws-vnet), ml-mlw-eastus-00000000-0000-4000-8000-000000000001.eastus.notebooks.azure.net does not resolve (dns-nxdomain: private DNS zone privatelink.notebooks.azure.net is linked to ws-vnet but has no record for ml-mlw-eastus-00000000-0000-4000-8000-000000000001.eastus.privatelink.notebooks.azure.net",
			fix:      "give pe-mlw a private DNS zone group with privatelink.notebooks.azure.net",
		},
		{
			name:     "compute VNet in another subscription",
			bad:      []string{"    subscription: sub-a\n    addressSpace: [10.1.0.0/16]\n", "    subscription: sub-b\n    addressSpace: [10.1.0.0/16]\n"},
			code:     LintComputeOtherSubscription,
			resource: "cpu-cluster",
			message:  "compute cpu-cluster is in VNet compute-vnet of subscription sub-b, but workspace mlw is in subscription sub-a",
			// Not judged when the workspace's subscription is not given.
			good: []string{"    subscription: sub-a\n    addressSpace: [10.1.0.0/16]\n", "    subscription: sub-b\n    addressSpace: [10.1.0.0/16]\n", ", subscription: sub-a, publicNetworkAccess", ", publicNetworkAccess"},
		},
		{
			name:     "compute VNet in another subscription, then without one",
			bad:      []string{"    subscription: sub-a\n    addressSpace: [10.1.0.0/16]\n", "    subscription: sub-b\n    addressSpace: [10.1.0.0/16]\n"},
			code:     LintComputeOtherSubscription,
			resource: "cpu-cluster",
			// Not judged when the VNet's subscription is not given.
			good: []string{"    subscription: sub-a\n    addressSpace: [10.1.0.0/16]\n", "    addressSpace: [10.1.0.0/16]\n"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := lintOf(t, c.bad)
			var got *Finding
			for i := range fs {
				if fs[i].Code == c.code && fs[i].Resource == c.resource {
					got = &fs[i]
					break
				}
			}
			if got == nil {
				t.Fatalf("no %s finding on %s:\n%s", c.code, c.resource, describe(fs))
			}
			sev := c.severity
			if sev == "" {
				sev = SeverityError
			}
			if got.Severity != sev {
				t.Errorf("severity = %s, want %s", got.Severity, sev)
			}
			if !strings.Contains(got.Message, c.message) {
				t.Errorf("message %q does not contain %q", got.Message, c.message)
			}
			if !strings.Contains(got.Fix, c.fix) {
				t.Errorf("fix %q does not contain %q", got.Fix, c.fix)
			}
			if got.File != "test.yaml" || got.Line <= 0 || !(strings.HasPrefix(got.Seed, "seed 00") || got.Seed == docPrivateEndpointDNS) || got.Fix == "" {
				t.Errorf("finding lacks its place, seed or fix: %+v", *got)
			}
			for _, f := range fs {
				if f.Code != c.code && !containsString(c.also, f.Code) {
					t.Errorf("unexpected finding:\n%s", describe([]Finding{f}))
				}
			}
			for _, f := range lintOf(t, c.good) {
				if f.Code == c.code {
					t.Errorf("the corrected scenario still has %s:\n%s", c.code, describe([]Finding{f}))
				} else if !containsString(c.goodAlso, f.Code) {
					t.Errorf("unexpected finding in the corrected scenario:\n%s", describe([]Finding{f}))
				}
			}
		})
	}
}

// Findings point at the line of what to change.
func TestLintLines(t *testing.T) {
	src := patch(t, []string{"{name: snet-training, addressPrefix: 10.1.0.0/24}", "name: snet-training\n        addressPrefix: 10.1.0.0/29\n        delegations: [Microsoft.Web/serverFarms]",
		"{name: ci-dev, type: ComputeInstance, subnet: ws-vnet/snet-ml}", "{name: ci-dev, type: ComputeInstance, subnet: compute-vnet/snet-training}"})
	fs := (load(t, src)).Lint()
	lines := strings.Split("apiVersion\nregion\n"+src, "\n")
	want := map[string]string{
		LintSubnetDelegated:        "delegations: [Microsoft.Web/serverFarms]",
		LintSubnetTooSmall:         "addressPrefix: 10.1.0.0/29",
		LintCIOutsideWorkspaceVNet: "{name: ci-dev, type: ComputeInstance",
	}
	for code, text := range want {
		found := false
		for _, f := range fs {
			if f.Code != code {
				continue
			}
			found = true
			if f.Line < 1 || f.Line > len(lines) || !strings.Contains(lines[f.Line-1], text) {
				t.Errorf("%s points at line %d, want the line with %q", code, f.Line, text)
			}
		}
		if !found {
			t.Errorf("no %s finding:\n%s", code, describe(fs))
		}
	}
}

func TestLintReportText(t *testing.T) {
	rep := &LintReport{Version: JSONVersion, Findings: []Finding{
		{Code: "c1", Severity: SeverityError, Resource: "r", File: "f.yaml", Line: 3, Message: "m1", Seed: "seed 000, Limitations", Fix: "do x"},
		{Code: "c2", Severity: SeverityWarning, Resource: "r", File: "f.yaml", Line: 9, Message: "m2", Seed: "seed 001, Custom DNS", Fix: "do y"},
	}}
	var b bytes.Buffer
	if err := WriteLintText(&b, rep); err != nil {
		t.Fatal(err)
	}
	want := "f.yaml:3: error: c1: m1 (seed 000, Limitations)\n    fix: do x\n" +
		"f.yaml:9: warning: c2: m2 (seed 001, Custom DNS)\n    fix: do y\n" +
		"1 error, 1 warning\n"
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Version  int
		Findings []map[string]any
	}
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"code", "severity", "resource", "file", "line", "message", "seed", "fix"} {
		if _, ok := back.Findings[0][k]; !ok {
			t.Errorf("JSON finding lacks %q: %s", k, b.String())
		}
	}
}

// A VNet that holds the second workspace's endpoint and a client is
// reported once, as the shared-zone limitation, not also as a missing link.
func TestLintSharedZoneReportedOnce(t *testing.T) {
	fs := lintOf(t, join(peerOther, []string{"  - {name: kvmlw,", "  - {name: mlw2, type: Microsoft.MachineLearningServices/workspaces}\n  - {name: kvmlw,",
		"  - {name: pe-blob,", "  - {name: pe-mlw2, subnet: other-vnet/snet-pe, service: mlw2, groupId: amlworkspace, privateDnsZoneGroup: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}\n  - {name: pe-blob,",
		"  - {name: client, subnet: ws-vnet/snet-clients}\n", "  - {name: client, subnet: ws-vnet/snet-clients}\n  - {name: client2, subnet: other-vnet/snet-work}\n"}))
	n := 0
	for _, f := range fs {
		if f.Resource == zoneAPI && strings.Contains(f.Message, "other-vnet") {
			n++
			if f.Code != LintSharedZoneNotLinked {
				t.Errorf("%s on %s, want only %s", f.Code, f.Resource, LintSharedZoneNotLinked)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d findings on %s for other-vnet, want 1:\n%s", n, zoneAPI, describe(fs))
	}
	// The client still needs the zones of the endpoints it reaches over
	// the peering, as a warning.
	found := false
	for _, f := range fs {
		found = found || (f.Code == LintZoneNotLinked && f.Resource == "privatelink.blob.core.windows.net" && f.Severity == SeverityWarning)
	}
	if !found {
		t.Errorf("no warning for privatelink.blob.core.windows.net:\n%s", describe(fs))
	}
}

// The managed VNet is Microsoft's: its computes, automatic private
// endpoints and DNS are not judged, and it is not the workspace's VNet.
func TestLintManagedNetwork(t *testing.T) {
	const managed = `
vnets:
  - name: client-vnet
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, addressPrefix: 10.0.1.0/24}
      - {name: snet-clients, addressPrefix: 10.0.2.0/24}
vms:
  - {name: jumpbox, subnet: client-vnet/snet-clients}
services:
  - {name: mlw, type: Microsoft.MachineLearningServices/workspaces, publicNetworkAccess: Disabled}
  - {name: stmlw, type: Microsoft.Storage/storageAccounts, publicNetworkAccess: Disabled}
privateEndpoints:
  - {name: pe-mlw, subnet: client-vnet/snet-pe, service: mlw, groupId: amlworkspace, privateDnsZoneGroup: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}
privateDnsZones:
  - {name: privatelink.api.azureml.ms, virtualNetworkLinks: [{vnet: client-vnet}]}
  - {name: privatelink.notebooks.azure.net, virtualNetworkLinks: [{vnet: client-vnet}]}
machineLearning:
  workspace: mlw
  storageAccount: stmlw
  ipAllowList: [203.0.113.0/24]
  managedNetwork:
    isolationMode: AllowOnlyApprovedOutbound
    status: Provisioned
  computes:
    - {name: cpu, type: AmlCompute, managed: true, maxNodes: 100}
    - {name: ci, type: ComputeInstance, managed: true}
    - {name: sl, type: Serverless, managed: true}
`
	if fs := (load(t, managed)).Lint(); len(fs) > 0 {
		t.Fatalf("findings on the managed network:\n%s", describe(fs))
	}
	// A compute instance in a customer VNet is judged against the
	// workspace's customer endpoints only.
	custom := edit(managed, "      - {name: snet-clients, addressPrefix: 10.0.2.0/24}\n",
		"      - {name: snet-clients, addressPrefix: 10.0.2.0/24}\n  - name: dev-vnet\n    addressSpace: [10.5.0.0/16]\n    subnets:\n      - {name: snet-dev, addressPrefix: 10.5.0.0/24}\n")
	custom = edit(custom, "    - {name: ci, type: ComputeInstance, managed: true}\n", "    - {name: ci, type: ComputeInstance, managed: true}\n    - {name: ci-dev, type: ComputeInstance, subnet: dev-vnet/snet-dev}\n")
	fs := (load(t, custom)).Lint()
	found := false
	for _, f := range fs {
		if f.Code == LintCIOutsideWorkspaceVNet {
			found = true
			if f.Resource != "ci-dev" || !strings.Contains(f.Message, "private endpoints in VNet client-vnet;") {
				t.Errorf("finding %+v, want ci-dev against client-vnet only", f)
			}
		}
	}
	if !found {
		t.Errorf("no %s finding:\n%s", LintCIOutsideWorkspaceVNet, describe(fs))
	}
}

func TestLintNoPublicIPWithoutWorkspacePE(t *testing.T) {
	has := func(fs []Finding) bool {
		for _, f := range fs {
			if f.Code == LintNoPublicIPNoWorkspacePE && f.Resource == "ci-far" {
				return true
			}
		}
		return false
	}
	// ci-far has no public IP, in compute-vnet, which is peered with the
	// workspace endpoint's VNet: fine.
	if has((load(t, mlScenario())).Lint()) {
		t.Error("a peered VNet reaches the workspace endpoint")
	}
	unpeered := mlScenario("  - {name: ws-to-compute, from: ws-vnet, to: compute-vnet, allowForwardedTraffic: true}\n  - {name: compute-to-ws, from: compute-vnet, to: ws-vnet, allowForwardedTraffic: true}\n", "  []\n")
	if !has((load(t, edit(unpeered, "peerings:\n  []\n", ""))).Lint()) {
		t.Error("no finding for a no-public-IP compute whose VNet can't reach the workspace endpoint")
	}
}
