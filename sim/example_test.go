package sim_test

import (
	"fmt"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// A scenario for the examples: a training subnet behind an NSG that admits
// the VNet on 443, and a client subnet. In a test of another repository,
// load your own file with scenarios.Load("network.yaml", ...) or
// topology.Parse(name, data, ...).
const exampleScenario = `apiVersion: vnetsim/v1
region: eastus
vnets:
  - name: v1
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: training, addressPrefix: 10.0.1.0/24, networkSecurityGroup: nsg-training}
      - {name: clients, addressPrefix: 10.0.2.0/24}
networkSecurityGroups:
  - name: nsg-training
    securityRules:
      - {name: AllowVnetIn443, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: VirtualNetwork, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "443"}
      - {name: DenyAllIn, priority: 4000, direction: Inbound, access: Deny, protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*"}
vms:
  - {name: node1, subnet: v1/training}
  - {name: client, subnet: v1/clients}
expectations:
  - name: the client reaches training only on 443
    from: v1/clients
    to: v1/training
    reach:
      only: [Tcp/443]
`

// Load a scenario and trace one flow: the verdict, the reason and the rule
// that decided it.
func ExampleNetwork_Trace() {
	t, err := topology.Parse("network.yaml", []byte(exampleScenario), topology.Options{})
	if err != nil {
		panic(err) // a topology.ErrorList: one file:line: key: message per problem
	}
	n := sim.New(t)
	res, err := n.Trace(sim.Request{From: "client", To: "node1", Protocol: topology.ProtocolTCP, Port: 22})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Verdict, res.Reason, res.BlockedBy.Name)
	// Output: denied nsg-denied DenyAllIn
}

// Check a scenario's expectations, set expectations included, as a Go test
// would: fail the test when rep.OK() is false and print the outcomes.
func ExampleNetwork_Check() {
	t, err := topology.Parse("network.yaml", []byte(exampleScenario), topology.Options{})
	if err != nil {
		panic(err)
	}
	n := sim.New(t)
	if errs := n.ValidateExpectations(); len(errs) > 0 {
		panic(errs)
	}
	rep := &sim.CheckReport{}
	n.Check(rep)
	for _, o := range rep.Outcomes {
		fmt.Printf("%s: passed=%v got %s\n", o.Name, o.Passed, o.Got)
	}
	fmt.Println("ok:", rep.OK())
	// Output:
	// the client reaches training only on 443: passed=true got only Tcp/443
	// ok: true
}

// Decide what one source may send a destination over every protocol and
// port, exactly.
func ExampleNetwork_Reach() {
	t, err := topology.Parse("network.yaml", []byte(exampleScenario), topology.Options{})
	if err != nil {
		panic(err)
	}
	n := sim.New(t)
	src, _ := n.ResolveEndpoint("client")
	dst, _ := n.ResolveEndpoint("node1")
	acc, err := n.Reach(src, dst, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(acc)
	// Output: Tcp 443
}

// Diff a scenario against a variant of it: what the change breaks or opens.
func ExampleDiff() {
	before, err := scenarios.Load("catalog:peered-cluster-forced-tunnel", topology.Options{})
	if err != nil {
		panic(err)
	}
	after, err := scenarios.Load("catalog:peered-cluster-forced-tunnel#no-aml-route", topology.Options{})
	if err != nil {
		panic(err)
	}
	rep, err := sim.Diff(sim.New(before), sim.New(after))
	if err != nil {
		panic(err)
	}
	for _, c := range rep.Changes {
		if c.Kind == "intent" && c.Subject == "training-job on cpu-cluster" {
			fmt.Println(c.Change, c.Before, "->", c.After)
		}
	}
	// Output: newly-denied allowed -> denied (asymmetric-return)
}
