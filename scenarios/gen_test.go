package scenarios_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/spec"
	"github.com/vnetsim/vnetsim/topology"
)

func generate(t *testing.T, o scenarios.GenOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := scenarios.Generate(&b, o); err != nil {
		t.Fatalf("Generate(%+v): %v", o, err)
	}
	return b.Bytes()
}

func loadGenerated(t *testing.T, o scenarios.GenOptions) *sim.Network {
	t.Helper()
	topo, err := topology.Parse("gen.yaml", generate(t, o), topology.Options{})
	if err != nil {
		t.Fatalf("the generated scenario for %+v does not load: %v", o, err)
	}
	return sim.New(topo)
}

// TestGenerateDeterministic: the same options give the same bytes, another
// seed gives other bytes.
func TestGenerateDeterministic(t *testing.T) {
	o := scenarios.GenOptions{VNets: 20, SubnetsPerVNet: 4, RulesPerNSG: 10, Seed: 42}
	a, b := generate(t, o), generate(t, o)
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	o.Seed = 43
	if c := generate(t, o); bytes.Equal(a, c) {
		t.Fatal("seeds 42 and 43 give the same bytes")
	}
}

// TestGenerateLoads loads estates of several shapes and checks that the
// counts match the options: VNets (hubs included), spoke subnets, NSGs and
// their rules, and that the expectations written into the file hold.
func TestGenerateLoads(t *testing.T) {
	for _, o := range []scenarios.GenOptions{
		{VNets: 2, SubnetsPerVNet: 1, RulesPerNSG: 0, Seed: 1},
		{VNets: 12, SubnetsPerVNet: 3, RulesPerNSG: 5, Seed: 7},
		{VNets: 12, SubnetsPerVNet: 17, RulesPerNSG: 14, Seed: -3, Region: "WestEurope"}, // /27 subnets
		{VNets: 3, SubnetsPerVNet: 64, RulesPerNSG: 3, Seed: 2},                          // /28 subnets
		{VNets: 2, SubnetsPerVNet: 2, RulesPerNSG: 401, Seed: 9},                         // priorities step by 1
	} {
		t.Run(fmt.Sprintf("%d-%d-%d", o.VNets, o.SubnetsPerVNet, o.RulesPerNSG), func(t *testing.T) {
			topo := loadGenerated(t, o)
			hubs, spokes := o.Hubs(), o.Spokes()
			if len(topo.VNets) != o.VNets || hubs+spokes != o.VNets {
				t.Errorf("%d VNets (%d hubs, %d spokes), want %d", len(topo.VNets), hubs, spokes, o.VNets)
			}
			spokeSubnets, rules := 0, 0
			for _, v := range topo.VNets {
				if !strings.HasPrefix(v.Name, "spoke-") {
					continue
				}
				if len(v.Subnets) != o.SubnetsPerVNet {
					t.Errorf("%s has %d subnets, want %d", v.Name, len(v.Subnets), o.SubnetsPerVNet)
				}
				for _, s := range v.Subnets {
					spokeSubnets++
					if s.NSG == nil || s.RouteTable == nil {
						t.Errorf("%s has no NSG or no route table", s.ID())
					}
				}
			}
			if want := spokes * o.SubnetsPerVNet; spokeSubnets != want {
				t.Errorf("%d spoke subnets, want %d", spokeSubnets, want)
			}
			if got, want := len(topo.NSGs), spokes*o.SubnetsPerVNet; got != want {
				t.Errorf("%d NSGs, want %d", got, want)
			}
			for _, n := range topo.NSGs {
				own := len(n.Inbound) + len(n.Outbound) - 6 // the default rules
				if own != o.RulesPerNSG {
					t.Errorf("%s has %d rules, want %d", n.Name, own, o.RulesPerNSG)
				}
				rules += own
			}
			if want := spokes * o.SubnetsPerVNet * o.RulesPerNSG; rules != want {
				t.Errorf("%d NSG rules, want %d", rules, want)
			}
			if len(topo.Firewalls) != hubs {
				t.Errorf("%d firewalls, want one per hub (%d)", len(topo.Firewalls), hubs)
			}
			if errs := topo.ValidateExpectations(); len(errs) > 0 {
				t.Fatalf("expectations: %v", errs)
			}
			rep := &sim.CheckReport{}
			topo.Check(rep)
			for _, out := range rep.Outcomes {
				if !out.Passed {
					t.Errorf("expectation %q: expected %s, got %s (%s) %s", out.Name, out.Expect, out.Got, out.Reason, out.Message)
				}
			}
		})
	}
}

// TestGenerateTraceCrossesFirewall: HTTPS from a VM in one spoke to a VM in
// another goes through the hub firewall, both ways, and is allowed.
func TestGenerateTraceCrossesFirewall(t *testing.T) {
	topo := loadGenerated(t, scenarios.GenOptions{VNets: 12, SubnetsPerVNet: 3, RulesPerNSG: 10, Seed: 5})
	res, err := topo.Trace(sim.Request{From: "vm-0001-web", To: "vm-0007-app", Protocol: topology.ProtocolTCP, Port: 443})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != "allowed" {
		t.Fatalf("verdict %s (%s): %s", res.Verdict, res.Reason, res.Message)
	}
	crosses := func(hops []sim.Hop) bool {
		for _, h := range hops {
			if h.Kind == "firewall" && h.Node == "fw-hub-01" {
				return true
			}
		}
		return false
	}
	if !crosses(res.Hops) {
		t.Errorf("the request does not cross fw-hub-01: %+v", res.Hops)
	}
	if !crosses(res.Reply) {
		t.Errorf("the reply does not cross fw-hub-01: %+v", res.Reply)
	}
}

// TestGenerateAddressPlan: no two VNets overlap, whatever their peerings.
func TestGenerateAddressPlan(t *testing.T) {
	topo := loadGenerated(t, scenarios.GenOptions{VNets: 300, SubnetsPerVNet: 1, RulesPerNSG: 0, Seed: 1})
	type space struct {
		vnet string
		p    netip.Prefix
	}
	var seen []space
	for _, v := range topo.VNets {
		for _, p := range v.AddressSpace {
			for _, q := range seen {
				if p.Overlaps(q.p) {
					t.Fatalf("%s (%s) overlaps %s (%s)", v.Name, p, q.vnet, q.p)
				}
			}
			seen = append(seen, space{v.Name, p})
		}
	}
}

func TestGenerateRejects(t *testing.T) {
	for _, o := range []scenarios.GenOptions{
		{VNets: 1, SubnetsPerVNet: 1},
		{VNets: 8001, SubnetsPerVNet: 1},
		{VNets: 10, SubnetsPerVNet: 0},
		{VNets: 10, SubnetsPerVNet: 65},
		{VNets: 10, SubnetsPerVNet: 1, RulesPerNSG: 3998},
		{VNets: 10, SubnetsPerVNet: 1, Region: "atlantis"},
	} {
		if err := scenarios.Generate(&bytes.Buffer{}, o); err == nil {
			t.Errorf("Generate(%+v) accepted the options", o)
		}
	}
}

// TestLoadJSONScenarioFile: a scenario written as JSON under a .json name
// (vnetsim gen -o estate.json) loads as that scenario, every variant with
// it, the same as its YAML form; the importer gets .json files that are not
// vnetsim scenarios (an ARM template stays an import).
func TestLoadJSONScenarioFile(t *testing.T) {
	dir := t.TempDir()
	o := scenarios.GenOptions{VNets: 6, SubnetsPerVNet: 2, RulesPerNSG: 4, Seed: 3}
	var js bytes.Buffer
	if err := scenarios.GenerateJSON(&js, o); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"estate.json": js.Bytes(), "estate.yaml": generate(t, o)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fromJSON, err := scenarios.LoadAll(filepath.Join(dir, "estate.json"), topology.Options{})
	if err != nil {
		t.Fatalf("the JSON estate does not load as a scenario: %v", err)
	}
	fromYAML, err := scenarios.LoadAll(filepath.Join(dir, "estate.yaml"), topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fromJSON) != len(fromYAML) {
		t.Fatalf("%d networks from JSON, %d from YAML", len(fromJSON), len(fromYAML))
	}
	for i := range fromJSON {
		j, y := fromJSON[i], fromYAML[i]
		if len(j.VNets) != o.VNets || len(j.VNets) != len(y.VNets) || len(j.NSGs) != len(y.NSGs) || len(j.VMs) != len(y.VMs) || len(j.Expectations) != len(y.Expectations) {
			t.Errorf("network %d: JSON has %d VNets, %d NSGs, %d VMs, %d expectations; YAML %d, %d, %d, %d",
				i, len(j.VNets), len(j.NSGs), len(j.VMs), len(j.Expectations), len(y.VNets), len(y.NSGs), len(y.VMs), len(y.Expectations))
		}
	}
	for _, tc := range []struct{ name, text string }{
		{"template.json", `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": [{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-05-01", "name": "v", "location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}]}`},
		{"resource.json", `{"apiVersion": "2023-05-01", "type": "Microsoft.Network/virtualNetworks", "name": "v", "location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}`},
	} {
		if spec.IsScenarioJSON([]byte(tc.text)) {
			t.Errorf("%s: IsScenarioJSON = true", tc.name)
		}
	}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{`{"apiVersion": "vnetsim/v1"}`, true},
		{` {"name": "x", "vnets": [{"a": "}"}], "apiVersion" : "vnetsim/v1", "region": 1}`, true},
		{`{"name": "x", "apiVersion": "vnetsim/v2"}`, false},
		{`{"name": "apiVersion", "x": "vnetsim/v1"}`, false},
		{`{"nested": {"apiVersion": "vnetsim/v1"}}`, false},
		{`apiVersion: vnetsim/v1`, false},
		{`{"apiVersion": "vnetsim/v1"`, true}, // a broken file is the scenario decoder's to word
		{`{"name": "x" "apiVersion": "vnetsim/v1"}`, false},
		{``, false},
	} {
		if got := spec.IsScenarioJSON([]byte(tc.text)); got != tc.want {
			t.Errorf("IsScenarioJSON(%s) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
