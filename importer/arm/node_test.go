package arm

import (
	"strings"
	"testing"
)

// find matches keys as strings.EqualFold does, whatever shortcuts it takes.
func TestFindIgnoresCaseLikeEqualFold(t *testing.T) {
	keys := []string{"id", "Name", "PROPERTIES", "addressPrefix", "\u212Aey", "ſku", "résumé", "x"}
	m := map[string]any{}
	for _, k := range keys {
		m[k] = true
	}
	n := NewNode("$", m)
	for _, k := range []string{"id", "ID", "name", "Name", "properties", "AddressPrefix", "addressprefixes", "key", "KEY", "sku", "SKU", "RÉSUMÉ", "résumé", "X", "y", "", "nam", "namee", "k\u212Aey"} {
		want := ""
		for _, key := range keys {
			if strings.EqualFold(key, k) {
				want = key
			}
		}
		got, ok := n.find(k)
		if got != want || ok != (want != "") {
			t.Errorf("find(%q) = %q, %v; want %q", k, got, ok, want)
		}
	}
	m["Late"] = 1 // a key added after the first look-up
	if got, _ := n.find("late"); got != "Late" {
		t.Errorf("find(late) = %q after the key was added", got)
	}
}
