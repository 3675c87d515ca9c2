package sim

import (
	"strings"
	"testing"
)

// TestFlowFamilies: a flow between IPv4 and IPv6 is refused, in a trace
// and as a scenario error in an expectation; a flow within IPv6 is traced.
func TestFlowFamilies(t *testing.T) {
	const yaml = `vnets:
  - name: v1
    addressSpace: [10.0.0.0/16, "fd00:1::/48"]
    subnets:
      - {name: s1, addressPrefix: 10.0.1.0/24}
      - {name: s6, addressPrefix: "fd00:1:0:1::/64"}
vms:
  - {name: vm1, subnet: v1/s1}
expectations:
  - {name: across, from: vm1, to: "fd00:1:0:1::5", port: 443, expect: allowed}
`
	n := load(t, yaml)
	for _, tc := range []struct{ from, to, wantErr string }{
		{"vm1", "fd00:1:0:1::5", "a flow stays in one address family: vm1 (10.0.1.4) is IPv4, fd00:1:0:1::5 is IPv6"},
		{"fd00:1:0:1::9", "vm1", "is IPv6, vm1 (10.0.1.4) is IPv4"},
		{"vm1", "10.0.1.9", ""},
	} {
		_, err := n.Trace(Request{From: tc.from, To: tc.to, Port: 443})
		if (err == nil) != (tc.wantErr == "") || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s -> %s: %v, want %q", tc.from, tc.to, err, tc.wantErr)
		}
	}
	errs := n.ValidateExpectations()
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "test.yaml:12: expectations[0].to: a flow stays in one address family") {
		t.Errorf("ValidateExpectations: %v", errs)
	}
}
