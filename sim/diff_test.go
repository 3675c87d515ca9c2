package sim

import (
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/spec"
	"github.com/vnetsim/vnetsim/topology"
)

func TestPortSetMinus(t *testing.T) {
	var a, b PortSet
	a = a.Add(topology.PortRange{Lo: 0, Hi: 65535})
	b = b.Add(topology.PortRange{Lo: 22, Hi: 22}).Add(topology.PortRange{Lo: 443, Hi: 445})
	if got := a.Minus(b).String(); got != "0-21,23-442,446-65535" {
		t.Errorf("minus = %s", got)
	}
	if got := b.Minus(a); len(got) != 0 {
		t.Errorf("b - all = %s", got)
	}
}

// TestDiff: a broken change names exactly the flows it broke, with the rule
// that broke them; no change, no output.
func TestDiff(t *testing.T) {
	base := load(t, mlScenario())
	same, err := Diff(base, load(t, mlScenario()))
	if err != nil || len(same.Changes) != 0 {
		t.Fatalf("identical scenarios: %v %+v", err, same)
	}
	broken := load(t, mlScenario(allowSshRule, allowSshRule+`
      - {name: DenySmb, priority: 200, direction: Outbound, access: Deny, protocol: Tcp, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: VirtualNetwork, destinationPortRange: "445"}`)+`
expectations:
  - {name: SMB to storage, from: cluster, to: stmlw.file.core.windows.net, protocol: Tcp, port: 445, expect: allowed}
`)
	d, err := Diff(base, broken)
	if err != nil {
		t.Fatal(err)
	}
	var matrix, exp, intent []Change
	for _, c := range d.Changes {
		switch c.Kind {
		case "matrix":
			matrix = append(matrix, c)
		case "expectation":
			exp = append(exp, c)
		case "intent":
			intent = append(intent, c)
		}
	}
	for _, c := range matrix {
		if c.Change != "newly-denied" || c.Detail != "Tcp 445" || !strings.HasPrefix(c.Subject, "compute-vnet/snet-training") {
			t.Errorf("matrix change %+v: only compute-vnet's TCP 445 should be denied", c)
		}
	}
	if len(matrix) == 0 {
		t.Error("the matrix shows no change")
	}
	if len(exp) != 1 || exp[0].Change != "newly-denied" || !strings.Contains(exp[0].Detail, "nsgRule DenySmb in nsg-training") {
		t.Errorf("expectation changes: %+v", exp)
	}
	found := false
	for _, c := range intent {
		if c.Subject == "training-job on cluster" && c.Change == "newly-denied" && strings.Contains(c.Detail, "nsgRule DenySmb in nsg-training") {
			found = true
		}
	}
	if !found {
		t.Errorf("intent changes lack training-job on cluster: %+v", intent)
	}
}

const allowSshRule = `      - {name: AllowSsh, priority: 120, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: AzureMachineLearning, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22"}`

// TestDiffForbidden: relaxing a managed network's isolation mode is flagged.
func TestDiffForbidden(t *testing.T) {
	cases := []struct {
		from, to string
		flagged  bool
	}{
		{"AllowOnlyApprovedOutbound", "AllowInternetOutbound", true},
		{"AllowInternetOutbound", "Disabled", true},
		{"AllowInternetOutbound", "AllowOnlyApprovedOutbound", false},
	}
	for _, c := range cases {
		noCompute := func(mode string) string {
			s := managedScenario(mode, "")
			if mode == "Disabled" {
				s = edit(s, "    - {name: cpu, type: AmlCompute, managed: true}\n    - {name: ci, type: ComputeInstance, managed: true}\n", "")
				s = edit(s, "  computes:\n", "")
			}
			return s
		}
		d, err := Diff(load(t, noCompute(c.from)), load(t, noCompute(c.to)))
		if err != nil {
			t.Fatal(err)
		}
		flagged := len(d.Changes) > 0 && d.Changes[0].Kind == "forbidden"
		if flagged != c.flagged {
			t.Errorf("%s -> %s: flagged %v, want %v (%+v)", c.from, c.to, flagged, c.flagged, d.Changes)
		}
	}
}

// TestPatch: a patch file merges like a variant, and its mistakes name the
// patch file's lines.
func TestPatch(t *testing.T) {
	base, err := spec.Parse("test.yaml", []byte("apiVersion: vnetsim/v1\nregion: eastus\n"+mlScenario()))
	if err != nil {
		t.Fatal(err)
	}
	pd, err := base.Patched("p.yaml", []byte("vnets:\n  - name: compute-vnet\n    subnets:\n      - {name: snet-training, networkSecurityGroup: null}\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := topology.Compile(pd, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Subnet("compute-vnet/snet-training").NSG != nil {
		t.Error("the patch did not remove the NSG")
	}
	_, err = base.Patched("p.yaml", []byte("vnets:\n  - name: compute-vnet\n    adressSpace: [10.1.0.0/16]\n"))
	if err == nil || err.Error() != `p.yaml:3: vnets[0].adressSpace: unknown key "adressSpace"` {
		t.Errorf("unknown key in a patch: %v", err)
	}
}
