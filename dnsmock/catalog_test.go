package dnsmock

import (
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

const guid = "fb000000-0000-4000-8000-000000000001"

func TestNotebookPrefix(t *testing.T) {
	cases := []struct {
		name, region, want string
	}{
		{"mlw", "eastus", "ml-mlw-eastus-" + guid},
		// 63 - len("ml-") - len("-eastus") - len("-"+guid) = 16 characters of name.
		{"a-very-long-workspace-name-for-research", "eastus", "ml-a-very-long-work-eastus-" + guid},
		{"Upper_Case.Name", "westus", "ml-upper-case-name-westus-" + guid},
		// The longest region leaves 6 characters.
		{"workspace", "southafricanorth", "ml-worksp-southafricanorth-" + guid},
	}
	for _, c := range cases {
		got := notebookPrefix(c.name, c.region, guid)
		if got != c.want {
			t.Errorf("notebookPrefix(%q, %q) = %q, want %q", c.name, c.region, got, c.want)
		}
		if len(got) > 63 {
			t.Errorf("notebookPrefix(%q, %q) has %d characters, more than 63", c.name, c.region, len(got))
		}
	}
}

func TestCatalog(t *testing.T) {
	ws := &topology.Service{Name: "mlw", Type: topology.TypeWorkspace, Region: "eastus", WorkspaceID: guid}
	cases := []struct {
		svc  *topology.Service
		cis  []string
		want []string // "fqdn -> privatelink (zone, group, forward zone)"
	}{
		{ws, []string{"ci1"}, []string{
			guid + ".workspace.eastus.api.azureml.ms -> " + guid + ".workspace.eastus.privatelink.api.azureml.ms (privatelink.api.azureml.ms, amlworkspace, api.azureml.ms)",
			guid + ".workspace.eastus.cert.api.azureml.ms -> " + guid + ".workspace.eastus.cert.privatelink.api.azureml.ms (privatelink.api.azureml.ms, amlworkspace, api.azureml.ms)",
			"ml-mlw-eastus-" + guid + ".eastus.notebooks.azure.net -> ml-mlw-eastus-" + guid + ".eastus.privatelink.notebooks.azure.net (privatelink.notebooks.azure.net, amlworkspace, notebooks.azure.net)",
			"*.eastus.inference.ml.azure.com -> *." + guid + ".inference.eastus.privatelink.api.azureml.ms (privatelink.api.azureml.ms, amlworkspace, inference.ml.azure.com)",
			"ci1.eastus.instances.azureml.ms -> " + guid + ".workspace.eastus.privatelink.api.azureml.ms (privatelink.api.azureml.ms, amlworkspace, instances.azureml.ms)",
			"ci1.eastus.instances.ml.azure.ms -> " + guid + ".workspace.eastus.privatelink.api.azureml.ms (privatelink.api.azureml.ms, amlworkspace, instances.ml.azure.ms)",
			"ci1-22.eastus.instances.azureml.ms -> " + guid + ".workspace.eastus.privatelink.api.azureml.ms (privatelink.api.azureml.ms, amlworkspace, instances.azureml.ms)",
			"ci1-22.eastus.instances.ml.azure.ms -> " + guid + ".workspace.eastus.privatelink.api.azureml.ms (privatelink.api.azureml.ms, amlworkspace, instances.ml.azure.ms)",
			"ci1.eastus.instances.azureml.net -> " + guid + ".workspace.eastus.privatelink.api.azureml.ms (privatelink.api.azureml.ms, amlworkspace, instances.azureml.net)",
		}},
		{&topology.Service{Name: "st1", Type: topology.TypeStorage, Region: "westus"}, nil, []string{
			"st1.blob.core.windows.net -> st1.privatelink.blob.core.windows.net (privatelink.blob.core.windows.net, blob, blob.core.windows.net)",
			"st1.file.core.windows.net -> st1.privatelink.file.core.windows.net (privatelink.file.core.windows.net, file, file.core.windows.net)",
			"st1.queue.core.windows.net -> st1.privatelink.queue.core.windows.net (privatelink.queue.core.windows.net, queue, queue.core.windows.net)",
			"st1.table.core.windows.net -> st1.privatelink.table.core.windows.net (privatelink.table.core.windows.net, table, table.core.windows.net)",
			"st1.dfs.core.windows.net -> st1.privatelink.dfs.core.windows.net (privatelink.dfs.core.windows.net, dfs, dfs.core.windows.net)",
		}},
		{&topology.Service{Name: "kv1", Type: topology.TypeKeyVault, Region: "westus"}, nil, []string{
			"kv1.vault.azure.net -> kv1.privatelink.vaultcore.azure.net (privatelink.vaultcore.azure.net, vault, vault.azure.net)",
		}},
		{&topology.Service{Name: "cr1", Type: topology.TypeRegistry, Region: "northeurope"}, nil, []string{
			"cr1.azurecr.io -> cr1.privatelink.azurecr.io (privatelink.azurecr.io, registry, azurecr.io)",
			"cr1.northeurope.data.azurecr.io -> cr1.northeurope.data.privatelink.azurecr.io (privatelink.azurecr.io, registry, northeurope.data.azurecr.io)",
		}},
		{&topology.Service{Name: "ai1", Type: topology.TypeInsights, Region: "westus"}, nil, nil},
	}
	for _, c := range cases {
		var got []string
		for _, n := range Catalog(c.svc, c.cis) {
			got = append(got, n.FQDN+" -> "+n.PrivateLink+" ("+n.Zone+", "+n.Group+", "+n.ForwardZone+")")
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("Catalog(%s):\n%s\nwant:\n%s", c.svc.Name, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
}
