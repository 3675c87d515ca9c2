package spec

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func laughs(levels int) string {
	s := "apiVersion: vnetsim/v1\nregion: eastus\na0: &a0 [x,x,x,x,x,x,x,x,x,x]\n"
	for i := 1; i < levels; i++ {
		s += fmt.Sprintf("a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 10), ","))
	}
	return s
}

// TestAliasGuard: alias cycles, alias floods and expansion bombs are one
// located error each, in scenarios and patches; ordinary anchors still work.
func TestAliasGuard(t *testing.T) {
	manyAliases := "apiVersion: vnetsim/v1\nregion: eastus\nvnets: [&v {name: v}]\nexpectations:\n" + strings.Repeat("  - {name: *v}\n", maxAliases+1)
	for _, tc := range []struct{ name, data, want string }{
		{"cycle in 14 bytes", "x: &d {a: *d}\n", "f.yaml:1: x.a: alias *d is inside its own anchor &d (line 1): a YAML alias cycle"},
		{"cycle through a list", "apiVersion: vnetsim/v1\nvnets: &v [{name: a, subnets: *v}]\n", "f.yaml:2: vnets[0].subnets: alias *v is inside its own anchor &v (line 2): a YAML alias cycle"},
		{"billion laughs", laughs(10), "f.yaml:8: a5: YAML aliases expand the file by more than 200000 nodes"},
		{"too many aliases", manyAliases, fmt.Sprintf("f.yaml:%d: expectations[%d].name: more than %d YAML aliases", maxAliases+5, maxAliases, maxAliases)},
	} {
		_, err := Parse("f.yaml", []byte(tc.data))
		var el ErrorList
		if !errors.As(err, &el) || len(el) != 1 || !strings.HasPrefix(el[0].Error(), tc.want) {
			t.Errorf("%s: got %v, want one error %q", tc.name, err, tc.want)
		}
	}
	// Anchors and aliases within the limits decode as written.
	ok := "apiVersion: vnetsim/v1\nregion: eastus\nnetworkSecurityGroups:\n  - name: a\n    securityRules: &rules\n      - {name: r, priority: 100, direction: Inbound, access: Allow, protocol: Tcp}\n  - name: b\n    securityRules: *rules\n"
	d, err := Parse("ok.yaml", []byte(ok))
	if err != nil {
		t.Fatalf("anchors within the limits: %v", err)
	}
	if got := d.Scenario.NetworkSecurityGroups[1].SecurityRules; len(got) != 1 || got[0].Priority != 100 {
		t.Errorf("alias decoded to %+v", got)
	}
	if l := d.Line("networkSecurityGroups[1].securityRules[0].priority"); l != 8 {
		t.Errorf("a path below an alias is located at the alias: line %d, want 8", l)
	}
	// Patches get the same guard.
	for _, tc := range []struct{ name, patch, want string }{
		{"cycle", "vms: &v [{name: a, hosts: *v}]\n", "p.yaml:1: vms[0].hosts: alias *v is inside its own anchor"},
		{"laughs", strings.TrimPrefix(laughs(8), "apiVersion: vnetsim/v1\nregion: eastus\n"), "p.yaml:6: a5: YAML aliases expand"},
	} {
		_, err := d.Patched("p.yaml", []byte(tc.patch))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("patch %s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestDeleteMustBeTrue: $delete takes only true, and only in a list item.
func TestDeleteMustBeTrue(t *testing.T) {
	d, err := Parse("s.yaml", []byte("apiVersion: vnetsim/v1\nregion: eastus\nvms: [{name: a}, {name: b}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ patch, want string }{
		{"vms: [{name: a, $delete: yes}]\n", `p.yaml:1: vms[0].$delete: $delete takes true, not "yes"`},
		{"vms: [{name: a, $delete: \"True\"}]\n", `p.yaml:1: vms[0].$delete: $delete takes true, not "True"`},
		{"vms: [{name: a, $delete: false}]\n", `p.yaml:1: vms[0].$delete: $delete takes true, not "false"`},
		{"region: eastus\n$delete: true\n", `p.yaml:2: $delete: $delete removes an item of a list`},
		{"vms: [{name: c, $delete: true}]\n", `p.yaml:1: vms[0]: $delete: no item with name "c" to delete`},
	} {
		_, err := d.Patched("p.yaml", []byte(tc.patch))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.patch, err, tc.want)
		}
	}
	p, err := d.Patched("p.yaml", []byte("vms: [{name: a, $delete: true}]\n"))
	if err != nil || len(p.Scenario.VMs) != 1 || p.Scenario.VMs[0].Name != "b" {
		t.Errorf("$delete: true: %v %+v", err, p)
	}
}

// TestExactNumbers: a float where a whole number is expected is an error
// naming the key, never truncated.
func TestExactNumbers(t *testing.T) {
	head := "apiVersion: vnetsim/v1\nregion: eastus\n"
	for _, tc := range []struct{ body, want string }{
		{"networkSecurityGroups: [{name: n, securityRules: [{name: r, priority: 100.9}]}]\n", "f.yaml:3: networkSecurityGroups[0].securityRules[0].priority: 100.9 is not a whole number"},
		{"expectations: [{name: e, port: 443.9}]\n", "f.yaml:3: expectations[0].port: 443.9 is not a whole number"},
		{"privateDnsZones: [{name: z.com, records: [{name: a, ttl: 1.5}]}]\n", "f.yaml:3: privateDnsZones[0].records[0].ttl: 1.5 is not a whole number"},
		{"firewalls: [{name: f, ruleCollectionGroups: [{name: g, priority: 1e3}]}]\n", "f.yaml:3: firewalls[0].ruleCollectionGroups[0].priority: 1e3 is not a whole number"},
		{"firewalls: [{name: f, networkRuleCollections: [{name: c, priority: 100, rules: [{name: r, bogus: 1}]}]}]\n", `f.yaml:3: firewalls[0].networkRuleCollections[0].rules[0].bogus: unknown key "bogus"`},
		{"machineLearning: {computes: [{name: c, maxNodes: 2.5}]}\n", "f.yaml:3: machineLearning.computes[0].maxNodes: 2.5 is not a whole number"},
	} {
		_, err := Parse("f.yaml", []byte(head+tc.body))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.body, err, tc.want)
		}
	}
	d, err := Parse("f.yaml", []byte(head+"networkSecurityGroups: [{name: n, securityRules: [{name: r, priority: 100}]}]\n"))
	if err != nil || d.Scenario.NetworkSecurityGroups[0].SecurityRules[0].Priority != 100 {
		t.Errorf("a whole number: %v", err)
	}
}

// TestOneLine: an error prints as one line whatever its names hold.
func TestOneLine(t *testing.T) {
	e := &Error{File: "a.yaml", Line: 3, Key: "vnets[0].name", Msg: "\"x\nother.yaml:1: forged\u2028\u202e\x00\""}
	got := e.Error()
	if strings.ContainsAny(got, "\n\r\u2028\u202e\x00") {
		t.Fatalf("not one line: %q", got)
	}
	if want := `a.yaml:3: vnets[0].name: "x\nother.yaml:1: forged\u2028\u202e\x00"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestAliasGuardOddNames: anchors named with punctuation are found too.
func TestAliasGuardOddNames(t *testing.T) {
	_, err := Parse("f.yaml", []byte("x: &-d {a: *-d}\n"))
	if err == nil || !strings.Contains(err.Error(), "a YAML alias cycle") {
		t.Errorf("got %v", err)
	}
}

// TestWideMappings: a mapping with more keys than any scenario type has is
// one error, before yaml.v3 compares every pair of its keys.
func TestWideMappings(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: vnetsim/v1\nregion: eastus\n")
	for i := 0; i < 50000; i++ {
		fmt.Fprintf(&b, "k%d: 1\n", i)
	}
	_, err := Parse("f.yaml", []byte(b.String()))
	if err == nil || !strings.HasPrefix(err.Error(), "f.yaml:1001: k998: more than 1000 keys in one mapping") {
		t.Errorf("top level: %.200v", err)
	}
	b.Reset()
	b.WriteString("apiVersion: vnetsim/v1\nregion: eastus\nvms:\n  - name: a\n    hosts:\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "      h%d.example.com: 10.0.0.1\n", i)
	}
	_, err = Parse("f.yaml", []byte(b.String()))
	if err == nil || !strings.HasPrefix(err.Error(), "f.yaml:1006: vms[0].hosts.h1000.example.com: more than 1000 keys in one mapping") {
		t.Errorf("hosts: %.200v", err)
	}
}

// TestFieldCache: every struct type of the format is in the field cache,
// so that decoding on every core only reads it.
func TestFieldCache(t *testing.T) {
	for _, v := range []any{Scenario{}, VNet{}, Subnet{}, SecurityRule{}, FirewallRule{}, Record{}, Compute{}, OutboundRule{}, Variant{}, Expectation{}, Reach{}} {
		if _, ok := fieldCache[reflect.TypeOf(v)]; !ok {
			t.Errorf("%T is not cached", v)
		}
	}
}
