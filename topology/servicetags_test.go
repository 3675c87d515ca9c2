package topology

import (
	"strings"
	"testing"
)

// TestBuiltinServiceTagsLookup holds the embedded file's look-up (names as
// written first, the lower-cased map built only on a miss) to the plain one
// it replaced: every name lower-cased into one map. Every tag is looked up
// as written, lower-cased, upper-cased and with its case swapped, and some
// names that are no tag's.
func TestBuiltinServiceTagsLookup(t *testing.T) {
	st, err := parseBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	plain := map[string]*ServiceTag{}
	for i := range st.tags {
		k := strings.ToLower(st.tags[i].Name)
		if _, dup := plain[k]; dup {
			t.Fatalf("two builtin tags are named %q but for case: a name as written would not find what the folded map finds", k)
		}
		plain[k] = &st.tags[i]
	}
	if len(plain) < 2000 {
		t.Fatalf("%d distinct names", len(plain))
	}
	swap := func(s string) string {
		return strings.Map(func(r rune) rune {
			if l := strings.ToLower(string(r)); l != string(r) {
				return []rune(l)[0]
			}
			return []rune(strings.ToUpper(string(r)))[0]
		}, s)
	}
	var names []string
	for i := range st.tags {
		n := st.tags[i].Name
		names = append(names, n, strings.ToLower(n), strings.ToUpper(n), swap(n))
	}
	names = append(names, "", "NoSuchTag", "AzureCloud.", "azurecloud.nowhere", "Storage.EastUS2 ", "10.0.0.0/8", "Storage\u017f", "AzureCloud.\u212aoreacentral", "\u00e9")
	if !st.hasPrefixFold("AzureCloud.") || !st.hasPrefixFold("azurecloud.") || st.hasPrefixFold("NoSuchTag.") || !st.hasRegions() {
		t.Error("hasPrefixFold")
	}
	for i := range st.tags {
		st.Lookup(st.tags[i].Name)
	}
	for _, n := range []string{"", "*", "10.0.0.0/8", "192.168.1.4", "2001:db8::/32", "0.0.0.0/0"} {
		if _, ok := st.Lookup(n); ok {
			t.Errorf("Lookup(%q) found a tag", n)
		}
	}
	if st.fold != nil {
		t.Error("the lower-cased map was built for names as written, or for addresses")
	}
	for _, n := range names {
		got, ok := st.Lookup(n)
		want, wok := plain[strings.ToLower(n)]
		if ok != wok || got != want {
			t.Errorf("Lookup(%q) = %v, %v; want %v, %v", n, got, ok, want, wok)
		}
	}
	if len(st.byName()) != len(plain) || st.Len() != len(plain) {
		t.Errorf("byName() has %d names, want %d", len(st.byName()), len(plain))
	}
}

// TestParseServiceTagsLookup: a file read from disk is looked up by
// lower-cased name, the last of two names equal but for case winning, as
// before.
func TestParseServiceTagsLookup(t *testing.T) {
	const file = `{"changeNumber": 1, "cloud": "Public", "values": [
	  {"name": "AzureCloud.eastus", "id": "a", "properties": {"region": "eastus", "addressPrefixes": ["10.0.0.0/8"]}},
	  {"name": "Foo", "id": "b", "properties": {"addressPrefixes": ["10.1.0.0/16"]}},
	  {"name": "FOO", "id": "c", "properties": {"addressPrefixes": ["10.2.0.0/16"]}}]}`
	st, err := ParseServiceTags("test", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{{"foo", "FOO", true}, {"Foo", "FOO", true}, {"azurecloud.EASTUS", "AzureCloud.eastus", true}, {"bar", "", false}} {
		got, ok := st.Lookup(tc.name)
		if ok != tc.ok || ok && got.Name != tc.want {
			t.Errorf("Lookup(%q) = %v, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	if st.Len() != 2 || !st.hasRegions() || st.hasPrefixFold("Bar") {
		t.Errorf("Len() = %d, hasRegions = %v", st.Len(), st.hasRegions())
	}
}
