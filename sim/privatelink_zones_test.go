package sim

import (
	"testing"

	"github.com/vnetsim/vnetsim/dnsmock"
	"github.com/vnetsim/vnetsim/topology"
)

// The zones vnetsim's DNS catalog writes are the documented zones of their
// group IDs, so that lint and traces agree.
func TestCatalogZonesDocumented(t *testing.T) {
	for _, typ := range []string{topology.TypeWorkspace, topology.TypeStorage, topology.TypeKeyVault, topology.TypeRegistry} {
		svc := &topology.Service{Name: "x1", Type: typ, Region: "eastus", WorkspaceID: "00000000-0000-4000-8000-000000000001"}
		for _, n := range dnsmock.Catalog(svc, []string{"ci1"}) {
			e := documentedFor(typ, n.Group)
			if e == nil {
				t.Errorf("%s group %s: no documented row", typ, n.Group)
				continue
			}
			if documentedZone(n.Zone, e.Zones) == "" {
				t.Errorf("%s group %s: catalog zone %s is not among the documented %v", typ, n.Group, n.Zone, e.Zones)
			}
			if !topology.InZone(n.PrivateLink, n.Zone) {
				t.Errorf("%s: privatelink name %s is not in zone %s", typ, n.PrivateLink, n.Zone)
			}
		}
	}
}

func TestDocumentedZones(t *testing.T) {
	for _, c := range []struct {
		typ, group, zone string
		ok               bool
	}{
		{topology.TypeKeyVault, "vault", "privatelink.vaultcore.azure.net", true},
		{topology.TypeKeyVault, "vault", "privatelink.vault.azure.net", false},
		{topology.TypeKeyVault, "vault", "privatelink.blob.core.windows.net", false},
		{topology.TypeStorage, "dfs", "Privatelink.DFS.core.windows.net.", true},
		{topology.TypeRegistry, "registry", "eastus.data.privatelink.azurecr.io", true},
		{topology.TypeRegistry, "registry", "eastus.privatelink.azurecr.io", false},
		{topology.TypeWorkspace, "amlworkspace", "privatelink.notebooks.azure.net", true},
		// vnetsim's Application Insights stands for its private link scope.
		{topology.TypeInsights, "azuremonitor", "privatelink.blob.core.windows.net", true},
	} {
		e := documentedFor(c.typ, c.group)
		if e == nil {
			t.Errorf("%s/%s: no row", c.typ, c.group)
			continue
		}
		if got := documentedZone(c.zone, e.Zones) != ""; got != c.ok {
			t.Errorf("%s/%s %s documented = %v, want %v", c.typ, c.group, c.zone, got, c.ok)
		}
	}
	for zone, want := range map[string]bool{
		"privatelink.database.windows.net":        true, // a service vnetsim doesn't model
		"privatelink.eastus.azmk8s.io":            true, // a placeholder label
		"abc.privatelink.westus2.azmk8s.io":       true,
		"privatelink.vault.azure.net":             false,
		"privatelink.vaultcore.usgovcloudapi.net": false, // the public cloud only
	} {
		if got := anyDocumented(zone); got != want {
			t.Errorf("anyDocumented(%s) = %v, want %v", zone, got, want)
		}
	}
	for zone, want := range map[string]bool{"privatelink.vault.azure.net": true, "privatelink-global.wvd.microsoft.com": true, "corp.contoso.com": false, "myprivatelink.example.com": false} {
		if got := privateLinkNamed(zone); got != want {
			t.Errorf("privateLinkNamed(%s) = %v, want %v", zone, got, want)
		}
	}
}

// suggestZone: the row whose public zone the name spells, else the
// documented zone sharing the rarest labels, else nothing.
func TestSuggestZone(t *testing.T) {
	for zone, want := range map[string]string{
		"privatelink.vault.azure.net":             "privatelink.vaultcore.azure.net", // environment().suffixes.keyvaultDns
		"privatelink.notebooks.azure.net":         "privatelink.notebooks.azure.net",
		"privatelink.instances.azureml.ms":        "privatelink.api.azureml.ms", // a forwarder of the workspace row
		"privatelink.azureml.ms":                  "privatelink.api.azureml.ms",
		"privatelink.notebooks.azureml.net":       "privatelink.notebooks.azure.net",
		"privatelink.blob.core.azure.net":         "privatelink.blob.core.windows.net",
		"privatelink.file.core.azure.net":         "privatelink.file.core.windows.net",
		"privatelink.azurecr.net":                 "privatelink.azurecr.io",
		"privatelink.westeurope.azurecr.io":       "privatelink.azurecr.io",
		"privatelink.example.net":                 "",
		"privatelink.core.windows.net":            "",
		"privatelink.contoso.azure.com":           "",
		"privatelink.vaultcore.usgovcloudapi.net": "privatelink.vaultcore.azure.net",
	} {
		if got, _ := suggestZone(zone); got != want {
			t.Errorf("suggestZone(%s) = %q, want %q", zone, got, want)
		}
	}
}
