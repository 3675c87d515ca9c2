package sim

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/topology"
)

// sameMatrix checks that the matrix computed once per class is byte for
// byte the matrix of every cell computed on its own, in every format, and
// returns how many cells were computed of how many.
func sameMatrix(t *testing.T, n *Network, from, to string) (classes, cells int) {
	t.Helper()
	grouped, err := n.MatrixWith(from, to, MatrixOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := n.MatrixWith(from, to, MatrixOptions{NoClasses: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := render(t, grouped), render(t, plain); got != want {
		t.Fatalf("%s -> %s: the matrix by classes differs from the plain one:\n%s", from, to, firstDiff(got, want))
	}
	for _, r := range plain.Rows {
		cells += len(r.Addresses)
	}
	return grouped.classes, cells
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(g), len(w))
}

var classSelections = []struct{ from, to string }{
	{"", ""},
	{"subnets", "all"},
	{"subnets", "subnets,services,tags,internet,vms"},
	{"vms", "all"},
}

// TestMatrixClassesCatalog: every catalog scenario and variant.
func TestMatrixClassesCatalog(t *testing.T) {
	for _, name := range scenarios.Names() {
		topos, err := scenarios.LoadAll(scenarios.Prefix+name, topology.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, topo := range topos {
			t.Run(fmt.Sprintf("%s/%d", name, i), func(t *testing.T) {
				n := New(topo)
				total := 0
				for _, s := range classSelections {
					_, cells := sameMatrix(t, n, s.from, s.to)
					total += cells
				}
				if total == 0 {
					t.Fatal("empty matrices prove nothing")
				}
			})
		}
	}
}

// TestMatrixClassesEstates: generated estates of several shapes; the
// classes must also actually save work on them.
func TestMatrixClassesEstates(t *testing.T) {
	for _, o := range []scenarios.GenOptions{
		{VNets: 3, SubnetsPerVNet: 2, RulesPerNSG: 0, Seed: 1},
		{VNets: 6, SubnetsPerVNet: 4, RulesPerNSG: 5, Seed: 2},
		{VNets: 12, SubnetsPerVNet: 3, RulesPerNSG: 14, Seed: 3},
		{VNets: 20, SubnetsPerVNet: 6, RulesPerNSG: 30, Seed: 4},
		{VNets: 40, SubnetsPerVNet: 10, RulesPerNSG: 10, Seed: 5},
	} {
		t.Run(fmt.Sprintf("%dx%dx%d", o.VNets, o.SubnetsPerVNet, o.RulesPerNSG), func(t *testing.T) {
			var buf bytes.Buffer
			if err := scenarios.Generate(&buf, o); err != nil {
				t.Fatal(err)
			}
			topo, err := topology.Parse("estate.yaml", buf.Bytes(), topology.Options{})
			if err != nil {
				t.Fatal(err)
			}
			n := New(topo)
			sels := []struct{ from, to string }{{"subnets", "services,internet"}}
			if o.VNets*o.SubnetsPerVNet <= 40 {
				sels = append(sels, struct{ from, to string }{"", ""})
			}
			for _, s := range sels {
				classes, cells := sameMatrix(t, n, s.from, s.to)
				t.Logf("%s -> %s: %d cells computed for %d", s.from, s.to, classes, cells)
			}
		})
	}
}

// classEstate is a VNet of subnets that are alike (NSGs and route tables of
// their own, of equal content), but for the one thing each case changes.
func classEstate(change string) string {
	var b strings.Builder
	b.WriteString(`vnets:
  - name: hub
    addressSpace: [10.1.0.0/16]
    subnets:
      - {name: snet-pe, addressPrefix: 10.1.1.0/24}
      - {name: snet-dst, addressPrefix: 10.1.2.0/24, networkSecurityGroup: nsg-dst}
      - {name: snet-dst2, addressPrefix: 10.1.3.0/24, networkSecurityGroup: nsg-dst2}
      - {name: AzureFirewallSubnet, addressPrefix: 10.1.0.0/26}
  - name: spoke
    addressSpace: [10.0.0.0/16]
    subnets:
`)
	for k := 0; k < 6; k++ {
		fmt.Fprintf(&b, "      - {name: s%d, addressPrefix: 10.0.%d.0/24, networkSecurityGroup: nsg-%d, routeTable: rt-%d", k, k, k, k)
		if change == "service endpoint" && k == 2 {
			b.WriteString(", serviceEndpoints: [Microsoft.Storage]")
		}
		b.WriteString("}\n")
	}
	// s-pub holds a VM with a public IP, in the sources' VNet: its NSG can
	// name their application security groups.
	b.WriteString("      - {name: s-pub, addressPrefix: 10.0.9.0/24, networkSecurityGroup: nsg-pub}\n")
	b.WriteString(`peerings:
  - {name: hub-to-spoke, from: hub, to: spoke, allowForwardedTraffic: true}
  - {name: spoke-to-hub, from: spoke, to: hub, allowForwardedTraffic: true}
applicationSecurityGroups: [asg-a, asg-b]
vms:
  - {name: vm-dst, subnet: hub/snet-dst, privateIpAddress: 10.1.2.10, publicIpAddress: {sku: Standard}}
  - {name: vm-dst2, subnet: hub/snet-dst2, privateIpAddress: 10.1.3.10}
  - {name: vm-pub, subnet: spoke/s-pub, privateIpAddress: 10.0.9.10, publicIpAddress: {sku: Standard}}
`)
	for k := 0; k < 6; k++ {
		asg := "asg-a"
		if change == "asg" && k == 3 {
			asg = "asg-b"
		}
		fmt.Fprintf(&b, "  - {name: vm-%d, subnet: spoke/s%d, privateIpAddress: 10.0.%d.40, applicationSecurityGroups: [%s]}\n", k, k, k, asg)
	}
	b.WriteString("networkSecurityGroups:\n")
	dstRules := []string{
		rule("from-spoke", 110, "Inbound", "Allow", "Tcp", "10.0.0.0/16", "*", "22,443"),
		rule("deny-rest", 200, "Inbound", "Deny", "*", "VirtualNetwork", "*", "*"),
	}
	switch change {
	case "partial prefix":
		// Covers the first free address of s1 (.4) but not its VM (.40).
		dstRules = append([]string{rule("half", 100, "Inbound", "Deny", "Tcp", "10.0.1.0/27", "*", "443")}, dstRules...)
	case "one host":
		dstRules = append([]string{rule("host", 100, "Inbound", "Deny", "Tcp", "10.0.4.40", "*", "22")}, dstRules...)
	case "asg":
		dstRules = append([]string{rule("asg", 100, "Inbound", "Deny", "Tcp", "VirtualNetwork", "*", "22")}, dstRules...)
		dstRules[0] = strings.Replace(dstRules[0], `sourceAddressPrefix: "VirtualNetwork"`, "sourceApplicationSecurityGroups: [asg-b]", 1)
	}
	// snet-dst holds a VM with a public IP: its NSG is one of the rules
	// elsewhere that tell sources apart; snet-dst2 is a subnet like the
	// sources, whose NSG is compared rule by rule.
	b.WriteString(nsg("nsg-dst", dstRules...))
	b.WriteString(nsg("nsg-dst2", dstRules...))
	b.WriteString(nsg("nsg-pub",
		strings.Replace(rule("no-ssh-from-b", 100, "Inbound", "Deny", "Tcp", "VirtualNetwork", "*", "22"), `sourceAddressPrefix: "VirtualNetwork"`, "sourceApplicationSecurityGroups: [asg-b]", 1),
		rule("from-vnet", 110, "Inbound", "Allow", "Tcp", "VirtualNetwork", "*", "22,443")))
	for k := 0; k < 6; k++ {
		rules := []string{
			rule("web-out", 100, "Outbound", "Allow", "Tcp", "*", "*", "80,443"),
			rule("self", 110, "Outbound", "Allow", "Udp", fmt.Sprintf("10.0.%d.0/24", k), "10.1.0.0/16", "53"),
			rule("deny-ssh", 120, "Outbound", "Deny", "Tcp", "*", "10.1.2.0/23", "22"),
		}
		if change == "one rule" && k == 1 {
			rules[2] = rule("deny-ssh", 120, "Outbound", "Deny", "Tcp", "*", "10.1.2.0/23", "23")
		}
		if change == "rule order" && k == 5 {
			rules[0], rules[2] = rule("web-out", 130, "Outbound", "Allow", "Tcp", "*", "*", "80,443"), rule("deny-ssh", 100, "Outbound", "Deny", "Tcp", "*", "10.1.2.0/23", "22")
		}
		if change == "cuts" {
			// Ports 1000-1999 are denied by the NSG, the rest by the
			// firewall; in s4, rules for another destination cut
			// 1000-1999 into nine intervals, so its denied traces are
			// mostly the NSG's: its reason differs, its rules don't.
			rules = append(rules, rule("deny-k", 130, "Outbound", "Deny", "*", "*", "*", "1000-1999"))
			if k == 4 {
				for i, p := range []string{"1100", "1200", "1300", "1400"} {
					rules = append(rules, rule(fmt.Sprintf("other-%d", i), 140+10*i, "Outbound", "Deny", "Tcp", "*", "192.0.2.0/24", p))
				}
			}
		}
		if change == "unrelated rule" && k == 4 {
			// Names nothing on the path but cuts the port range elsewhere.
			rules = append(rules, rule("other", 300, "Outbound", "Deny", "Tcp", "*", "192.0.2.0/24", "8000-8100"))
		}
		b.WriteString(nsg(fmt.Sprintf("nsg-%d", k), rules...))
	}
	if change == "cuts" {
		// The firewall denies all but 443 to one address.
		b.WriteString(`firewalls:
  - name: fw
    subnet: hub/AzureFirewallSubnet
    privateIpAddress: 10.1.0.4
    publicIpAddress: 20.110.0.10
    networkRuleCollections:
      - name: little
        priority: 100
        action: Allow
        rules:
          - {name: one, protocols: [TCP], sourceAddresses: [10.0.0.0/16], destinationAddresses: [198.18.0.1], destinationPorts: ["443"]}
`)
	}
	b.WriteString("routeTables:\n")
	for k := 0; k < 6; k++ {
		fmt.Fprintf(&b, "  - name: rt-%d\n    routes:\n", k)
		prefix := "192.0.2.0/24"
		if change == "one route" && k == 2 {
			prefix = "10.1.2.0/25"
		}
		fmt.Fprintf(&b, "      - {name: r, addressPrefix: %s, nextHopType: None}\n", prefix)
		if change == "cuts" {
			b.WriteString("      - {name: via-fw, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.1.0.4}\n")
		}
	}
	b.WriteString(`services:
  - {name: st1, type: Microsoft.Storage/storageAccounts}
`)
	return b.String()
}

// TestMatrixClassesHandMade: subnets that differ in one thing only keep
// their own answers, and the ones alike share classes.
func TestMatrixClassesHandMade(t *testing.T) {
	for _, change := range []string{"none", "one rule", "rule order", "unrelated rule", "one route", "asg", "service endpoint", "partial prefix", "one host", "cuts"} {
		t.Run(change, func(t *testing.T) {
			n := load(t, classEstate(change))
			for _, s := range []struct{ from, to string }{
				{"subnets", "subnets,services,internet,vms"},
				{"spoke/s0,spoke/s1,spoke/s2,spoke/s3,spoke/s4,spoke/s5", "hub/snet-dst,vm-dst,hub/snet-dst2,vm-dst2,vm-pub,st1,internet"},
				{"", ""},
			} {
				classes, cells := sameMatrix(t, n, s.from, s.to)
				if s.from != "" && classes >= cells {
					t.Errorf("%s -> %s: %d cells computed for %d: nothing shared", s.from, s.to, classes, cells)
				}
			}
		})
	}
}
