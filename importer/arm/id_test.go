package arm

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// parseIDSplit is ParseID as it was, splitting the ID: the reference.
func parseIDSplit(id string) (ID, bool) {
	var out ID
	segs := strings.Split(strings.Trim(id, "/"), "/")
	i := 0
	for i+1 < len(segs) {
		switch strings.ToLower(segs[i]) {
		case "subscriptions":
			out.Subscription = segs[i+1]
			i += 2
			continue
		case "resourcegroups":
			out.ResourceGroup = segs[i+1]
			i += 2
			continue
		case "providers":
			out.Namespace = segs[i+1]
			i += 2
			for i+1 < len(segs) {
				if strings.EqualFold(segs[i], "providers") {
					out.Namespace = segs[i+1]
					out.Types, out.Names = nil, nil
					i += 2
					continue
				}
				out.Types = append(out.Types, segs[i])
				out.Names = append(out.Names, segs[i+1])
				i += 2
			}
			return out, len(out.Types) > 0 && i == len(segs)
		}
		return out, false
	}
	return out, false
}

func sameID(a, b ID) bool {
	return a.Subscription == b.Subscription && a.ResourceGroup == b.ResourceGroup && a.Namespace == b.Namespace &&
		len(a.Types) == len(b.Types) && (len(a.Types) == 0 || reflect.DeepEqual(a.Types, b.Types)) &&
		len(a.Names) == len(b.Names) && (len(a.Names) == 0 || reflect.DeepEqual(a.Names, b.Names))
}

func TestParseIDLikeSplitting(t *testing.T) {
	ids := []string{"", "/", "//", "a", "/a/", "subscriptions", "subscriptions/s", "/subscriptions/s/resourceGroups/g",
		"/subscriptions/s/resourceGroups/g/providers", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
		"/SUBSCRIPTIONS/s/RESOURCEGROUPS/g/PROVIDERS/microsoft.network/virtualnetworks/v",
		"resourceGroups/g/providers/Microsoft.Storage/storageAccounts/st", "providers/Microsoft.Network/privateDnsZones/z",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/providers/Microsoft.Insights/diagnosticSettings/d",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/providers/Microsoft.Insights",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/providers",
		"/subscriptions/s//resourceGroups/g", "/subscriptions//resourceGroups/g/providers/a/b/c", "x/y/providers/a/b/c",
		"/subscriptions/s/resourceGroups/g/providers/A/b//c", "[resourceId('Microsoft.Network/virtualNetworks', 'v')]",
		"/subscriptions/s/resourcegroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/a/extra",
		"/ſubscriptions/s/resourceGroups/g/providers/N/t/n", "/subscriptions/s/resourceGroups/g/providerſ/N/t/n", "/subscriptions/s/resourceGroups/g/providers/N/t/n/PROVİDERS/M/u/m",
		"/subscriptions/s/resourceGroups/g/providers/N/t/n/providerſ/M/u/m", "/subscrİptions/s/provİders/N/t/n"}
	// and every resource ID of the corpus
	re := regexp.MustCompile(`"(/subscriptions/[^"]*|/?resourceGroups/[^"]*)"`)
	_ = filepath.WalkDir(filepath.Join("..", "testdata", "corpus"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			data, _ := os.ReadFile(p)
			for _, m := range re.FindAllStringSubmatch(string(data), -1) {
				ids = append(ids, m[1])
			}
		}
		return nil
	})
	if len(ids) < 100 {
		t.Fatalf("only %d IDs", len(ids))
	}
	for _, id := range ids {
		got, gok := ParseID(id)
		want, wok := parseIDSplit(id)
		if gok != wok || !sameID(got, want) {
			t.Errorf("ParseID(%q) = %+v, %v; splitting gives %+v, %v", id, got, gok, want, wok)
		}
	}
}
