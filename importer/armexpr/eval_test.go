package armexpr

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExpressions(t *testing.T) {
	tpl := map[string]any{
		"parameters": map[string]any{
			"prefix": map[string]any{"type": "string", "defaultValue": "ml"},
			"Count":  map[string]any{"type": "int", "defaultValue": json.Number("3")},
			"space":  map[string]any{"type": "string", "defaultValue": "10.1.0.0/16"},
		},
		"variables": map[string]any{
			"vnetName": "[format('vnet-{0}', parameters('prefix'))]",
			"nested":   map[string]any{"a": []any{"x", "y"}},
			"copy":     []any{map[string]any{"name": "subnets", "count": "[parameters('count')]", "input": "[cidrSubnet(parameters('space'), 24, copyIndex('subnets'))]"}},
		},
	}
	s := (&Template{byID: map[string]map[string]any{}, outputs: map[string]map[string]any{}}).newScope(tpl, map[string]any{}, Location, "$")
	for _, c := range []struct{ in, want string }{
		{"[parameters('PREFIX')]", "ml"}, // names are case-insensitive
		{"[variables('VNETNAME')]", "vnet-ml"},
		{"[concat(variables('vnetName'), '-', string(add(1, 2)))]", "vnet-ml-3"},
		{"[format('{0}-{1:D3}', 'a', 7)]", "a-007"},
		{"[variables('subnets')[2]]", "10.1.2.0/24"},
		{"[length(variables('subnets'))]", "3"},
		{"[variables('nested').a[1]]", "y"},
		{"[if(equals(parameters('prefix'), 'ml'), 'yes', 'no')]", "yes"},
		{"[if(not(empty('')), 'a', 'b')]", "b"},
		{"[toLower(replace('A-B', '-', '_'))]", "a_b"},
		{"[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 's')]", "/subscriptions/" + Subscription + "/resourceGroups/" + ResourceGroup + "/providers/Microsoft.Network/virtualNetworks/v/subnets/s"},
		{"[resourceId('other-rg', 'Microsoft.Network/virtualNetworks', 'v')]", "/subscriptions/" + Subscription + "/resourceGroups/other-rg/providers/Microsoft.Network/virtualNetworks/v"},
		{"[resourceGroup().location]", Location},
		{"[environment().suffixes.storage]", "core.windows.net"},
		{"[parseCidr('10.0.1.0/24').firstUsable]", "10.0.1.1"},
		{"[parseCidr('10.0.1.0/24').broadcast]", "10.0.1.255"},
		{"[cidrSubnet('10.0.0.0/16', 26, 5)]", "10.0.1.64/26"},
		{"[cidrHost('10.0.0.0/24', 3)]", "10.0.0.4"},
		{"[split('a,b', ',')[1]]", "b"},
		{"[substring('abcdef', 1, 3)]", "bcd"},
		{"[union(createArray(1, 2), createArray(2, 3))]", "[1,2,3]"},
		{"[json('{\"a\": 1}').a]", "1"},
		{"[[literal]", "[literal]"},
		{"[length(uniqueString('a', 'b'))]", "13"},
	} {
		got, err := s.evalString(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if g := toString(got); g != c.want {
			t.Errorf("%s = %q, want %q", c.in, g, c.want)
		}
	}
	for _, bad := range []string{"[parameters('nope')]", "[listKeys('x', '2020')]", "[reference('vm1').outputs]", "[copyIndex()]", "[newGuid()]", "[concat('a']"} {
		if _, err := s.evalString(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// Copy loops at resource and property level, a condition, and a nested
// inner-scope deployment whose output another resource references.
func TestExpand(t *testing.T) {
	var tpl map[string]any
	src := `{
	  "parameters": {"n": {"type": "int", "defaultValue": 2}, "withNsg": {"type": "bool", "defaultValue": false}},
	  "resources": [
	    {"type": "Microsoft.Network/virtualNetworks", "name": "[concat('vnet', copyIndex(1))]", "copy": {"name": "v", "count": "[parameters('n')]"},
	     "properties": {"addressSpace": {"addressPrefixes": ["[format('10.{0}.0.0/16', copyIndex())]"]},
	       "copy": [{"name": "subnets", "count": 2, "input": {"name": "[concat('s', copyIndex('subnets'))]", "properties": {"addressPrefix": "[format('10.{0}.{1}.0/24', copyIndex(), copyIndex('subnets'))]"}}}]}},
	    {"condition": "[parameters('withNsg')]", "type": "Microsoft.Network/networkSecurityGroups", "name": "nsg"},
	    {"type": "Microsoft.Resources/deployments", "name": "inner", "properties": {"expressionEvaluationOptions": {"scope": "inner"},
	      "parameters": {"p": {"value": "rt"}}, "template": {"parameters": {"p": {"type": "string"}},
	        "resources": [{"type": "Microsoft.Network/routeTables", "name": "[parameters('p')]"}],
	        "outputs": {"id": {"type": "string", "value": "[resourceId('Microsoft.Network/routeTables', parameters('p'))]"}}}}},
	    {"type": "Microsoft.Network/networkSecurityGroups", "name": "nsg2", "properties": {"note": "[reference('inner').outputs.id.value]"}}
	  ]}`
	if err := json.Unmarshal([]byte(src), &tpl); err != nil {
		t.Fatal(err)
	}
	rs, probs := Expand("t.json", tpl, map[string]any{"n": map[string]any{"value": 3.0}})
	if len(probs) > 0 {
		t.Fatalf("problems: %+v", probs)
	}
	var names []string
	for _, r := range rs {
		names = append(names, r.Object["name"].(string))
	}
	if got := strings.Join(names, ","); got != "rt,vnet1,vnet2,vnet3,nsg2" {
		t.Errorf("resources %s", got)
	}
	v3 := rs[3].Object["properties"].(map[string]any)
	subnets := v3["subnets"].([]any)
	if p := subnets[1].(map[string]any)["properties"].(map[string]any)["addressPrefix"]; p != "10.2.1.0/24" {
		t.Errorf("vnet3 subnet s1 = %v", p)
	}
	if n := rs[4].Object["properties"].(map[string]any)["note"]; !strings.HasSuffix(n.(string), "/routeTables/rt") {
		t.Errorf("nested output = %v", n)
	}
}
