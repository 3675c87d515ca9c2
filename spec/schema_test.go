package spec_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/spec"
	"github.com/vnetsim/vnetsim/topology"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := spec.JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(spec.SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(spec.SchemaID)
	if err != nil {
		t.Fatalf("the generated schema does not compile: %v", err)
	}
	return s
}

// asJSON decodes YAML into the values a JSON document would hold, as an
// editor's YAML language server does before it validates.
func asJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// TestSchemaCatalog: every catalog scenario validates against the schema.
func TestSchemaCatalog(t *testing.T) {
	s := compileSchema(t)
	for _, name := range scenarios.Names() {
		data, err := scenarios.Read(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(asJSON(t, data)); err != nil {
			t.Errorf("%s does not validate against the schema: %v", name, err)
		}
	}
}

// TestSchemaAgreesWithLoader: the strict loader and the schema reject the
// same malformed files, and accept the same well-formed ones.
func TestSchemaAgreesWithLoader(t *testing.T) {
	s := compileSchema(t)
	const head = "apiVersion: vnetsim/v1\nregion: eastus\n"
	vnet := "vnets:\n  - name: v1\n    addressSpace: [10.0.0.0/16]\n    subnets:\n      - {name: s1, addressPrefix: 10.0.1.0/24}\nvms:\n  - {name: vm1, subnet: v1/s1}\n"
	cases := []struct {
		name, file string
		valid      bool
	}{
		{"minimal", head + vnet, true},
		{"set expectation none", head + vnet + "expectations:\n  - {from: internet, to: v1/s1, reach: none}\n", true},
		{"set expectation only", head + vnet + "expectations:\n  - {from: internet, to: vm1, reach: {only: [Tcp/443, \"Udp/53,5353\", Icmp]}}\n", true},
		{"flow expectation", head + vnet + "expectations:\n  - {from: vm1, to: internet, port: 443, expect: allowed}\n", true},
		{"unknown top-level key", head + "vnetz: []\n", false},
		{"unknown nested key", head + "vnets:\n  - name: v1\n    adressSpace: [10.0.0.0/16]\n", false},
		{"unknown key in an expectation", head + vnet + "expectations:\n  - {from: vm1, to: internet, expected: allowed}\n", false},
		{"a number where a list is expected", head + "vnets: 7\n", false},
		{"a string where a list is expected", head + "vnets:\n  - name: v1\n    addressSpace: 10.0.0.0/16\n", false},
		{"a list where a string is expected", head + "vnets:\n  - name: [v1]\n", false},
		{"a string where a number is expected", head + vnet + "expectations:\n  - {from: vm1, to: internet, port: https, expect: allowed}\n", false},
		{"a string where a bool is expected", head + "peerings:\n  - {name: p, from: a, to: b, allowForwardedTraffic: maybe}\n", false},
		{"missing apiVersion", "region: eastus\n" + vnet, false},
		{"another apiVersion", "apiVersion: vnetsim/v2\nregion: eastus\n", false},
		{"expect not allowed or denied", head + vnet + "expectations:\n  - {from: vm1, to: internet, expect: maybe}\n", false},
		{"reach neither none nor only", head + vnet + "expectations:\n  - {from: vm1, to: internet, reach: all}\n", false},
		{"reach with another key", head + vnet + "expectations:\n  - {from: vm1, to: internet, reach: {except: [Tcp/22]}}\n", false},
		{"a reach entry without ports", head + vnet + "expectations:\n  - {from: vm1, to: internet, reach: {only: [Tcp]}}\n", false},
		{"a scenario that is a list", "- apiVersion: vnetsim/v1\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, lerr := topology.Parse("test.yaml", []byte(c.file), topology.Options{})
			serr := s.Validate(asJSON(t, []byte(c.file)))
			if (lerr == nil) != c.valid {
				t.Errorf("loader: %v, want valid=%v", lerr, c.valid)
			}
			if (serr == nil) != c.valid {
				t.Errorf("schema: %v, want valid=%v", serr, c.valid)
			}
		})
	}
}
