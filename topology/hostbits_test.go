package topology

import (
	"fmt"
	"strings"
	"testing"
)

// TestHostBitsNotedAtCompile: validatePrefixes reports the host bits that
// compile noted while parsing route and NSG rule prefixes, and parses again
// only what compile skipped. Its messages, keys, lines and their order
// must be those of parsing every prefix again (noteHostBits false): host
// bits in every key of a rule, in one-line rules (the order on a line
// counts), in sides repeated across NSGs (which compile shares), in NSGs
// and route tables compile skips, beside other mistakes, IPv4-mapped.
func TestHostBitsNotedAtCompile(t *testing.T) {
	head := "apiVersion: vnetsim/v1\nregion: eastus\nvnets:\n  - name: v\n    addressSpace: [10.0.0.0/16]\n    subnets:\n      - {name: s, addressPrefix: 10.0.0.0/24, networkSecurityGroup: n0}\n"
	rule := func(j int, src, dst string) string {
		return fmt.Sprintf("      - {name: r%d, priority: %d, direction: Inbound, access: Allow, protocol: Tcp, %s, sourcePortRange: \"*\", %s, destinationPortRange: \"443\"}\n", j, 100+j, src, dst)
	}
	nsg := func(name string, rules ...string) string {
		return "  - name: " + name + "\n    securityRules:\n" + strings.Join(rules, "")
	}
	bad := []string{
		rule(0, "sourceAddressPrefix: 10.0.0.1/24", "destinationAddressPrefix: 10.0.1.0/24"),
		rule(1, "sourceAddressPrefixes: [10.0.0.0/24, 10.0.3.1/24, 10.0.4.1/24]", "destinationAddressPrefix: 10.0.2.5/16"),
		rule(2, "sourceAddressPrefix: \"*\"", "destinationAddressPrefixes: [10.9.9.9/8, VirtualNetwork, \" 10.0.0.1/24\"]"),
		rule(3, "sourceAddressPrefix: \"::ffff:10.0.0.1/120\"", "destinationAddressPrefix: \"fd00::1/64\""),
		rule(4, "sourceAddressPrefix: 10.0.0.1/24", "destinationAddressPrefix: 10.0.0.7/31"),
		rule(5, "sourceAddressPrefix: 10.0.0.1/24, sourceAddressPrefixes: [10.1.1.1/16]", "destinationAddressPrefix: 10.0.0.4"),
		rule(6, "sourceApplicationSecurityGroups: [asg], sourceAddressPrefixes: [10.1.1.1/16]", "destinationAddressPrefix: 10.0.0.4"),
		rule(7, "sourceAddressPrefix: 10.0.0.256/24", "destinationAddressPrefix: Storage"),
	}
	routes := "routeTables:\n  - name: rt\n    routes:\n      - {name: a, addressPrefix: 10.1.0.1/16, nextHopType: Internet}\n      - {name: b, addressPrefix: 10.2.0.0/16, nextHopType: Internet}\n      - {name: c, addressPrefix: \"::ffff:10.3.0.1/112\", nextHopType: None}\n  - name: rt\n    routes:\n      - {name: a, addressPrefix: 10.4.0.1/16, nextHopType: Internet}\n  - routes:\n      - {name: a, addressPrefix: 10.5.0.1/16, nextHopType: Internet}\n"
	cases := []struct{ name, body string }{
		{"every key of a rule", "applicationSecurityGroups: [asg]\nnetworkSecurityGroups:\n" + nsg("n0", bad...)},
		{"sides repeated across NSGs", "applicationSecurityGroups: [asg]\nnetworkSecurityGroups:\n" + nsg("n0", bad[:5]...) + nsg("n1", bad[:5]...) + nsg("n2", bad[1], bad[0])},
		{"NSGs compile skips", "applicationSecurityGroups: [asg]\nnetworkSecurityGroups:\n" + nsg("n0", bad[0]) + nsg("n0", bad[1]) + "  - securityRules:\n" + bad[4]},
		{"route tables, compiled and skipped", routes},
		{"routes and rules", "applicationSecurityGroups: [asg]\n" + routes + "networkSecurityGroups:\n" + nsg("n0", bad...) + nsg("n1", bad[3], bad[2])},
	}
	defer func() { noteHostBits = true }()
	for _, tc := range cases {
		src := []byte(head + tc.body)
		errsOf := func(note bool) string {
			noteHostBits = note
			_, err := Parse("h.yaml", src, Options{})
			if err == nil {
				t.Fatalf("%s: no error", tc.name)
			}
			return err.Error()
		}
		want, got := errsOf(false), errsOf(true)
		if got != want {
			t.Errorf("%s: noted at compile:\n%s\nparsed again:\n%s", tc.name, got, want)
		}
		if !strings.Contains(got, "has host bits set; Azure wants the network address") {
			t.Errorf("%s: no host bits reported:\n%s", tc.name, got)
		}
	}
}
