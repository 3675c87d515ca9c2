package sim

import (
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// reachNet is a VNet with a training subnet behind an NSG (VNet traffic on
// 443 and 8787-8790 allowed, all else denied), a client subnet, and a node
// with a public IP; open adds rules to the NSG.
func reachNet(open string) string {
	return `vnets:
  - name: v1
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: training, addressPrefix: 10.0.1.0/24, networkSecurityGroup: nsg-training}
      - {name: clients, addressPrefix: 10.0.2.0/24}
  - name: v2
    addressSpace: [10.9.0.0/16]
    subnets:
      - {name: other, addressPrefix: 10.9.1.0/24}
networkSecurityGroups:
  - name: nsg-training
    securityRules:
      - {name: AllowVnetIn, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: VirtualNetwork, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRanges: ["443", "8787-8790"]}
      - {name: DenyAllIn, priority: 4000, direction: Inbound, access: Deny, protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*"}
` + open + `
vms:
  - {name: node1, subnet: v1/training, publicIpAddress: {sku: Standard, ipAddress: 20.1.2.3}}
  - {name: client, subnet: v1/clients}
  - {name: far, subnet: v2/other}
`
}

// TestReachExpectations decides set expectations exactly, and names a
// witness flow and the deciding rule when they fail.
func TestReachExpectations(t *testing.T) {
	sshOpen := `      - {name: AllowSshFromInternet, priority: 200, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: Internet, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22"}`
	udpOpen := `      - {name: AllowDnsIn, priority: 300, direction: Inbound, access: Allow, protocol: Udp, sourceAddressPrefix: 10.0.2.0/24, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "53"}`
	cases := []struct {
		name, open, from, to, reach string
		pass                        bool
		got                         string
		// witness and hop must appear in the outcome's witness and hop.
		witness, hop, reason string
	}{
		{name: "internet reaches nothing in training", from: "internet", to: "v1/training", reach: "none", pass: true, got: "none"},
		{name: "an open port from the internet fails none", open: sshOpen, from: "internet", to: "v1/training", reach: "none",
			got: "Tcp 22", witness: ":22 passes", hop: "rule AllowSshFromInternet (priority 200) Allow"},
		{name: "a service tag (the internet's prefixes) too", open: sshOpen, from: "Internet", to: "node1", reach: "none", got: "Tcp 22", witness: "-> node1 (10.0.1.4)"},
		{name: "a CIDR outside the VNets stands for one address in it", open: sshOpen, from: "203.0.113.0/24", to: "v1/training", reach: "none", witness: "203.0.113.0:49152", hop: "AllowSshFromInternet"},
		{name: "exactly the listed ports", from: "v1/clients", to: "v1/training", reach: "only: [\"Tcp/443,8787-8790\"]", pass: true, got: "only Tcp/443,8787-8790"},
		{name: "a listed port that is denied fails only", from: "client", to: "v1/training", reach: "only: [\"Tcp/22,443,8787-8790\"]",
			got: "Tcp 443,8787-8790", witness: ":22 is denied (nsg-denied)", hop: "DenyAllIn", reason: ReasonNSG},
		{name: "a port outside the list fails only", from: "client", to: "v1/training", reach: "only: [Tcp/443]",
			got: "Tcp 443,8787-8790", witness: ":8787 passes", hop: "rule AllowVnetIn (priority 100) Allow"},
		{name: "a missing port names the deny rule", from: "client", to: "node1", reach: "only: [\"Tcp/443,8787-8790,9000\"]",
			got: "Tcp 443,8787-8790", witness: ":9000 is denied (nsg-denied)", hop: "DenyAllIn", reason: ReasonNSG},
		{name: "another protocol outside the list", open: udpOpen, from: "v1/clients", to: "v1/training", reach: "only: [\"Tcp/443,8787-8790\"]",
			got: "Tcp 443,8787-8790; Udp 53", witness: "Udp 10.0.2.", hop: "AllowDnsIn"},
		{name: "a whole VNet as the source", from: "v1", to: "v1/training", reach: "only: [\"Tcp/443,8787-8790\"]", pass: true},
		{name: "an unpeered VNet reaches nothing", from: "v2", to: "v1", reach: "none", pass: true},
		{name: "within a VNet with no NSG everything passes", from: "client", to: "10.0.2.0/24", reach: "none",
			got: "Tcp *; Udp *; Icmp; Esp; Ah", hop: "no NSG, firewall or appliance rule on the path filters it"},
		{name: "a CIDR inside a subnet", from: "10.0.2.0/25", to: "node1", reach: "only: [Tcp/*]",
			witness: "is denied (nsg-denied)", reason: ReasonNSG},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reach := c.reach
			if reach != "none" {
				reach = "{" + reach + "}"
			}
			n := load(t, reachNet(c.open)+"expectations:\n  - from: "+c.from+"\n    to: "+c.to+"\n    reach: "+reach+"\n")
			if errs := n.ValidateExpectations(); len(errs) > 0 {
				t.Fatal(errs)
			}
			rep := &CheckReport{}
			n.Check(rep)
			o := rep.Outcomes[0]
			if o.Error != "" {
				t.Fatalf("error: %s", o.Error)
			}
			if o.Passed != c.pass {
				t.Fatalf("passed = %v, want %v: %+v", o.Passed, c.pass, o)
			}
			if c.got != "" && o.Got != c.got {
				t.Errorf("got %q, want %q", o.Got, c.got)
			}
			if !strings.Contains(o.Witness, c.witness) || (!c.pass && o.Witness == "") {
				t.Errorf("witness %q, want it to contain %q", o.Witness, c.witness)
			}
			if !strings.Contains(o.Hop, c.hop) {
				t.Errorf("hop %q, want it to contain %q", o.Hop, c.hop)
			}
			if o.Reason != c.reason {
				t.Errorf("reason %q, want %q", o.Reason, c.reason)
			}
		})
	}
}

// TestReachInvalid: set expectations that the loader or the endpoint
// resolution rejects, each with its key.
func TestReachInvalid(t *testing.T) {
	cases := []struct{ exp, key, msg string }{
		{"{from: client, to: node1, reach: some}", "", "reach: want none, or only"},
		{"{from: client, to: node1, reach: {only: [Tcp]}}", "expectations[0].reach.only[0]", "give the ports"},
		{"{from: client, to: node1, reach: {only: [Icmp/3]}}", "expectations[0].reach.only[0]", "Icmp has no ports"},
		{"{from: client, to: node1, reach: {only: [Tcp/443, Tcp/22]}}", "expectations[0].reach.only[1]", "listed twice"},
		{"{from: client, to: node1, reach: none, port: 22}", "expectations[0].reach", "not protocol or port"},
		{"{from: client, to: node1, reach: none, expect: denied}", "expectations[0].expect", "no expect or reason"},
		{"{to: node1, reach: none}", "expectations[0].from", "missing"},
		{"{from: client, to: nowhere, reach: none}", "expectations[0].to", `"nowhere"`},
		{"{from: 192.0.2.0/24, to: v9, reach: none}", "expectations[0].to", `"v9"`},
		{"{from: stor, to: node1, reach: none}", "expectations[0].from", "can't start at a service"},
	}
	for _, c := range cases {
		t.Run(c.exp, func(t *testing.T) {
			src := "apiVersion: vnetsim/v1\nregion: eastus\n" + reachNet("") + "services:\n  - {name: stor, type: Microsoft.Storage/storageAccounts}\nexpectations:\n  - " + c.exp + "\n"
			topo, err := topology.Parse("test.yaml", []byte(src), topology.Options{})
			var errs topology.ErrorList
			if err == nil {
				errs = New(topo).ValidateExpectations()
			} else if el, ok := err.(topology.ErrorList); ok {
				errs = el
			} else {
				t.Fatal(err)
			}
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			e := errs[0]
			if (c.key != "" && e.Key != c.key) || !strings.Contains(e.Msg, c.msg) || e.Line == 0 {
				t.Errorf("error %q (key %q, line %d), want key %q and %q", e.Error(), e.Key, e.Line, c.key, c.msg)
			}
		})
	}
}
