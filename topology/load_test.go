package topology

import (
	"os"
	"strings"
	"testing"
)

func writeFile(t testing.TB, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadErrors checks that every problem becomes one located line. The CLI
// end-to-end tests cover the full list; these pin the mechanics.
func TestLoadErrors(t *testing.T) {
	head := "apiVersion: vnetsim/v1\nregion: eastus\n"
	cases := []struct {
		name string
		body string
		want []string // each a full error line
	}{
		{
			name: "unknown key, strict decoding",
			body: head + "vnets:\n  - name: v\n    adressSpace: [10.0.0.0/16]\n",
			want: []string{`test.yaml:5: vnets[0].adressSpace: unknown key "adressSpace"`},
		},
		{
			name: "wrong type",
			body: head + "vnets:\n  - name: [a, b]\n",
			want: []string{`test.yaml:4: vnets[0].name: a list where text is expected`},
		},
		{
			name: "two errors, two lines in file order",
			body: head + "vnets:\n  - name: v\n    addressSpace: [10.0.0.0/16]\n    subnets:\n      - {name: a, addressPrefix: 10.1.0.0/24}\n      - {name: b, addressPrefix: 10.0.0.0/33}\n",
			want: []string{
				`test.yaml:7: vnets[0].subnets[0].addressPrefix: 10.1.0.0/24 is outside the address space of VNet v (10.0.0.0/16)`,
				`test.yaml:8: vnets[0].subnets[1].addressPrefix: "10.0.0.0/33" is not a valid CIDR`,
			},
		},
		{
			name: "unknown key in an expectation (decoded by its own UnmarshalYAML)",
			body: head + "expectations:\n  - {name: x, from: a, too: b, expect: allowed}\n",
			want: []string{`test.yaml:4: expectations[0].too: unknown key "too"`},
		},
		{
			name: "missing apiVersion",
			body: "region: eastus\n",
			want: []string{`test.yaml:1: apiVersion: missing; want "vnetsim/v1"`},
		},
		{
			name: "syntax error",
			body: head + "vnets: [\n",
			want: []string{`test.yaml:3: did not find expected node content`},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("test.yaml", []byte(c.body), Options{})
			el, ok := err.(ErrorList)
			if !ok {
				t.Fatalf("err = %#v, want an ErrorList", err)
			}
			var got []string
			for _, e := range el {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}
