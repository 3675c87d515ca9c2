package topology

import (
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/spec"
)

const variantBase = `apiVersion: vnetsim/v1
region: eastus
vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.1.0/24, networkSecurityGroup: nsg}
      - {name: b, addressPrefix: 10.0.2.0/24}
networkSecurityGroups:
  - name: nsg
    securityRules:
      - {name: r1, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22"}
expectations:
  - {name: base, from: v/a, to: v/b, port: 22, expect: allowed}
variants:
`

func TestVariants(t *testing.T) {
	cases := []struct {
		name    string
		variant string
		check   func(t *testing.T, v *Topology)
		wantErr string
	}{
		{
			name: "merge a list item by name and replace a scalar",
			variant: `  - name: deny
    patch:
      networkSecurityGroups:
        - name: nsg
          securityRules:
            - {name: r1, access: Deny}
    expectations:
      - {name: broken, from: v/a, to: v/b, port: 22, expect: denied}
`,
			check: func(t *testing.T, v *Topology) {
				r := v.NSG("nsg").Inbound[0]
				if r.Name != "r1" || r.Allow || r.Priority != 100 {
					t.Errorf("rule = %+v, want r1 Deny at 100", r)
				}
				if len(v.Expectations) != 1 || v.Expectations[0].Name != "broken" || v.Expectations[0].Line() != 23 {
					t.Errorf("expectations = %+v, want the variant's own, at line 23", v.Expectations[0])
				}
				if v.File != "test.yaml#deny" {
					t.Errorf("File = %q", v.File)
				}
			},
		},
		{
			name: "null removes a key, $delete removes an item, new names append",
			variant: `  - name: reshape
    patch:
      vnets:
        - name: v
          subnets:
            - {name: a, networkSecurityGroup: null}
            - {name: b, $delete: true}
            - {name: c, addressPrefix: 10.0.3.0/24}
`,
			check: func(t *testing.T, v *Topology) {
				if v.Subnet("v/a").NSG != nil {
					t.Error("subnet a still has its NSG")
				}
				if v.Subnet("v/b") != nil || v.Subnet("v/c") == nil {
					t.Error("b should be gone and c added")
				}
			},
		},
		{
			name: "lists without names are replaced",
			variant: `  - name: space
    patch:
      vnets:
        - name: v
          addressSpace: [10.0.0.0/8]
`,
			check: func(t *testing.T, v *Topology) {
				if got := v.VNet("v").AddressSpace; len(got) != 1 || got[0].String() != "10.0.0.0/8" {
					t.Errorf("address space = %v", got)
				}
			},
		},
		{
			name: "an unknown key in a patch is located in the file",
			variant: `  - name: typo
    patch:
      vnets:
        - name: v
          adressSpace: [10.0.0.0/8]
`,
			wantErr: `test.yaml:20: variants[0].patch.vnets[0].adressSpace: unknown key "adressSpace"`,
		},
		{
			name: "a validation error in a variant names the variant and the line",
			variant: `  - name: bad
    patch:
      vnets:
        - name: v
          subnets:
            - {name: a, addressPrefix: 10.9.0.0/24}
`,
			wantErr: `test.yaml (variant bad):21: vnets[0].subnets[0].addressPrefix: 10.9.0.0/24 is outside the address space of VNet v (10.0.0.0/16)`,
		},
		{
			name: "$delete of a missing item",
			variant: `  - name: gone
    patch:
      vnets:
        - {name: nope, $delete: true}
`,
			wantErr: `test.yaml:19: variants[0].patch.vnets[0]: $delete: no item with name "nope" to delete`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := spec.Parse("test.yaml", []byte(variantBase+c.variant))
			if err != nil {
				t.Fatal(err)
			}
			base, err := Compile(doc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			name := base.VariantNames()[0]
			v, err := compileVariant(doc, name)
			if c.wantErr != "" {
				if err == nil || err.Error() != c.wantErr {
					t.Fatalf("err = %v\nwant %s", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, v)
			// The base is untouched.
			if !base.NSG("nsg").Inbound[0].Allow || base.Subnet("v/b") == nil || len(base.Expectations) != 1 || base.Expectations[0].Name != "base" {
				t.Error("the variant changed its base")
			}
		})
	}
	doc, _ := spec.Parse("test.yaml", []byte(variantBase+"  - {name: x}\n"))
	if _, err := doc.Variant("y"); err == nil || !strings.Contains(err.Error(), `no variant "y"`) {
		t.Errorf("unknown variant: %v", err)
	}
}

// compileVariant merges a variant into its scenario and compiles the result.
func compileVariant(doc *spec.Document, name string) (*Topology, error) {
	vd, err := doc.Variant(name)
	if err != nil {
		return nil, err
	}
	return Compile(vd, Options{})
}
