package spec

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/go-json-experiment/json"
)

// TestDecodeRulesAsUnmarshal holds decodeRules to json.Unmarshal (the
// reflection decoder with the same strictness): on every input where
// decodeRules succeeds, json.Unmarshal succeeds with the same value, nil
// and empty lists told apart; where json.Unmarshal fails, decodeRules
// fails too. decodeRules may refuse what json.Unmarshal accepts (the file
// then goes the YAML way), and the test says how often.
func TestDecodeRulesAsUnmarshal(t *testing.T) {
	cases := []string{
		`[]`, `null`, `[{}]`, `[null]`, `{}`, `"x"`, `[{"name": null}]`,
		`[{"name":"a","priority":100,"direction":"Inbound","access":"Allow","protocol":"Tcp","sourceAddressPrefix":"*","sourcePortRange":"*","destinationAddressPrefix":"VirtualNetwork","destinationPortRange":"443"}]`,
		`[{"name":"a","sourceAddressPrefixes":[],"destinationPortRanges":null,"sourceApplicationSecurityGroups":["x","y"],"destinationApplicationSecurityGroups":["x"]}]`,
		`[{"name":"a","sourcePortRanges":["1-2","3"],"destinationAddressPrefixes":["10.0.0.0/8","VirtualNetwork"],"description":"d \u00e9 \"q\" \\ \n"}]`,
		`[{"name":"a\u0041","protocol":"T\tcp"}]`,
		`[{"name":"a","name":"b"}]`,  // duplicate
		`[{"Name":"a"}]`,             // another case
		`[{"nam\u0065":"a"}]`,        // escaped name
		`[{"name":"a","unknown":1}]`, // unknown
		`[{"priority":1.0}]`, `[{"priority":1e2}]`, `[{"priority":-0}]`, `[{"priority":-7}]`,
		`[{"priority":99999999999999999999}]`, `[{"priority":"100"}]`, `[{"priority":true}]`, `[{"priority":null}]`,
		`[{"name":1}]`, `[{"name":true}]`, `[{"name":["a"]}]`, `[{"name":{}}]`,
		`[{"sourceAddressPrefixes":"a"}]`, `[{"sourceAddressPrefixes":[1]}]`, `[{"sourceAddressPrefixes":[null]}]`,
		`[{"sourceAddressPrefixes":["a",null]}]`, `[{"sourceAddressPrefixes":[["a"]]}]`,
		`[{"name":"a"},]`, `[{"name":"a"} {"name":"b"}]`, `[{"name":"a",}]`, `[{"name" "a"}]`, `[{"name":"a"}`,
		`[{"name":"\xff"}]`, `[{"name":"a\u0000"}]`, `[{"name":"\ud800"}]`,
		`[{"name":"a"},{"name":"b","priority":4096},{}]`,
		` [ { "name" : "a" , "access" : "Deny" } ] `,
	}
	// Generated rules: every field in turn, shared words and unique ones.
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < 300; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"name":"r-%d","priority":%d,"direction":%q,"access":%q,"protocol":"Tcp","sourceAddressPrefix":"10.%d.0.0/16","sourcePortRange":"*","destinationAddressPrefixes":["VirtualNetwork","10.0.%d.0/24"],"destinationPortRanges":["443","%d"]}`,
			i, 100+i, []string{"Inbound", "Outbound"}[i%2], []string{"Allow", "Deny"}[i%3%2], i%256, i%256, 1000+i)
	}
	b.WriteString("]")
	cases = append(cases, b.String())

	refused := 0
	for _, c := range cases {
		var got, want []SecurityRule
		gerr := json.Unmarshal([]byte(c), &got, jsonOpts)
		werr := json.Unmarshal([]byte(c), &want, jsonPlainOpts)
		switch {
		case gerr == nil && werr != nil:
			t.Errorf("%.80s: decodeRules accepts what json.Unmarshal refuses (%v)", c, werr)
		case gerr == nil && !reflect.DeepEqual(got, want):
			t.Errorf("%.80s: decodeRules gives\n%#v\njson.Unmarshal\n%#v", c, got, want)
		case gerr != nil && werr == nil:
			refused++
			t.Logf("%.80s: refused, the YAML way decodes it (%v)", c, gerr)
		}
	}
	t.Logf("%d of %d inputs refused that json.Unmarshal accepts", refused, len(cases))
	// In an NSG, as the fast path meets it.
	nsg := []byte(`{"name":"n","securityRules":` + b.String() + `}`)
	var got, want NSG
	if err := json.Unmarshal(nsg, &got, jsonOpts); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(nsg, &want, jsonPlainOpts); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || len(got.SecurityRules) != 300 || cap(got.SecurityRules) != 300 {
		t.Errorf("an NSG decodes to %d rules (cap %d), want the same as json.Unmarshal's %d", len(got.SecurityRules), cap(got.SecurityRules), len(want.SecurityRules))
	}
	// Shared words are one string.
	if a, b := got.SecurityRules[0].SourcePortRange, got.SecurityRules[1].SourcePortRange; a != "*" || unsafe.StringData(a) != unsafe.StringData(b) {
		t.Error("a repeated word is not shared")
	}
}
