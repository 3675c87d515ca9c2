package picture

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./picture -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./picture -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func load(t *testing.T, name string) *sim.Network {
	t.Helper()
	topo, err := scenarios.Load(scenarios.Prefix+name, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sim.New(topo)
}

func trace(t *testing.T, scenario, from, to string, port uint16) *sim.Result {
	t.Helper()
	res, err := load(t, scenario).Trace(sim.Request{From: from, To: to, Protocol: topology.ProtocolTCP, Port: port})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestLegsMarkTheBlockingHop checks which hop each kind of denial marks:
// the hop that names sim's BlockedBy, and the hop the packet stops at.
func TestLegsMarkTheBlockingHop(t *testing.T) {
	cases := []struct {
		name, scenario, from, to string
		port                     uint16
		verdict, reason          string
		// blocked: the marked hop's leg, kind and a piece of its detail
		// or node; dropped: the node of the hop marked dropped ("" none).
		leg, kind, names, dropped string
	}{
		{"asymmetric return: the route that sends the reply to the appliance", "peered-cluster-forced-tunnel#no-aml-route", "AzureMachineLearning.WestUS", "cpu-cluster", 44224,
			sim.Denied, "asymmetric-return", "reply", "route", "rt-training/default-via-nva", "nva"},
		{"an NSG rule denies", "peered-cluster-forced-tunnel", "cpu-cluster", "jumpbox", 22,
			sim.Denied, "nsg-denied", "request", "nsg", "DenySshFromTraining", ""},
		{"the internet to a closed port: the NSG's default rule", "peered-cluster-forced-tunnel", "internet", "cpu-cluster", 22,
			sim.Denied, "nsg-denied", "request", "nsg", "DenyAllInBound", ""},
		{"a peering that refuses forwarded traffic: where the reply stops", "peered-cluster-forced-tunnel#spoke-refuses-forwarded-traffic", "cpu-cluster", "internet", 443,
			sim.Denied, "forwarded-traffic-denied", "reply", "peering", "ws-to-compute", ""},
		{"no forwarder on the custom DNS server: the server's public lookup, then the closed service", "custom-dns#no-forwarders", "client-vm", "mlw", 443,
			sim.Denied, "public-access-disabled", "name resolution", "dns", "no conditional forwarder covers", "mlw"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := trace(t, c.scenario, c.from, c.to, c.port)
			if res.Verdict != c.verdict || res.Reason != c.reason {
				t.Fatalf("sim says %s (%s), want %s (%s)", res.Verdict, res.Reason, c.verdict, c.reason)
			}
			legs := Legs(res)
			var blocked, dropped []string
			for _, l := range legs {
				for _, h := range l.Hops {
					switch h.Mark {
					case MarkBlocked:
						blocked = append(blocked, l.Name+"|"+h.Kind+"|"+h.Node+" "+h.Detail)
					case MarkDropped:
						dropped = append(dropped, h.Node)
					}
				}
			}
			if len(blocked) != 1 {
				t.Fatalf("%d hops marked blocked, want 1: %q", len(blocked), blocked)
			}
			if parts := strings.SplitN(blocked[0], "|", 3); parts[0] != c.leg || parts[1] != c.kind || !strings.Contains(parts[2], c.names) {
				t.Errorf("blocked hop %q, want leg %s, kind %s, naming %q", blocked[0], c.leg, c.kind, c.names)
			}
			want := []string(nil)
			if c.dropped != "" {
				want = []string{c.dropped}
			}
			if strings.Join(dropped, ",") != strings.Join(want, ",") {
				t.Errorf("dropped hops %q, want %q", dropped, want)
			}
		})
	}
}

// TestAllowedIsDelivered: an allowed flow has no blocked hop and its
// request's last hop is marked delivered.
func TestAllowedIsDelivered(t *testing.T) {
	res := trace(t, "peered-cluster-forced-tunnel", "AzureMachineLearning.WestUS", "cpu-cluster", 44224)
	if res.Verdict != sim.Allowed {
		t.Fatalf("sim says %s", res.Verdict)
	}
	legs := Legs(res)
	if b := Blocked(legs); b != nil {
		t.Errorf("an allowed flow has a blocked hop: %+v", b)
	}
	for _, l := range legs {
		if l.Name == "request" {
			last := l.Hops[len(l.Hops)-1]
			if last.Mark != MarkDelivered || last.Kind != "destination" {
				t.Errorf("last request hop %+v, want a destination marked delivered", last)
			}
		}
	}
}

// TestEveryDenialIsMarked: across the catalog, every denied flow
// expectation has exactly one blocked hop, in the path picture too.
func TestEveryDenialIsMarked(t *testing.T) {
	named, fallback := 0, 0
	for _, name := range scenarios.Names() {
		ts, err := scenarios.LoadAll(scenarios.Prefix+name, topology.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, topo := range ts {
			var rep sim.CheckReport
			sim.New(topo).Check(&rep)
			for _, o := range rep.Outcomes {
				res := o.Trace
				if res == nil || res.Verdict != sim.Denied {
					continue
				}
				legs := Legs(res)
				if Blocked(legs) == nil {
					t.Errorf("%s: %s: no blocked hop", topo.File, o.Name)
					continue
				}
				if b := Blocked(legs); b.Detail != "" && res.BlockedBy != nil && (strings.Contains(b.Detail, res.BlockedBy.Name) || b.Node == res.BlockedBy.Name) {
					named++
				} else {
					fallback++
				}
				if n := len(Path(res).Marked(MarkBlocked)); n != 1 {
					t.Errorf("%s: %s: %d blocked nodes in the picture", topo.File, o.Name, n)
				}
			}
		}
	}
	t.Logf("denied flows: %d blocked hops name sim's deciding rule, %d are the last hop", named, fallback)
	if named == 0 {
		t.Error("no blocked hop named sim's deciding rule")
	}
}

// TestMermaidGolden pins the Mermaid of a topology, a failing trace and a
// failing intent.
func TestMermaidGolden(t *testing.T) {
	n := load(t, "peered-cluster-forced-tunnel#no-aml-route")
	s, err := n.Simulate("batch-management", "cpu-cluster", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		g    *Graph
	}{
		{"topology-peered-cluster-forced-tunnel.mmd", Topology(n.Topology)},
		{"trace-no-aml-route.mmd", Path(trace(t, "peered-cluster-forced-tunnel#no-aml-route", "AzureMachineLearning.WestUS", "cpu-cluster", 44224))},
		{"simulate-batch-management-no-aml-route.mmd", Simulation(s)},
	} {
		var b bytes.Buffer
		if err := c.g.WriteMermaid(&b); err != nil {
			t.Fatal(err)
		}
		golden(t, c.name, b.Bytes())
	}
}

// TestMermaidMarksTheRoute: the Mermaid trace puts the blocking route in
// the blocked class, in red, with the words.
func TestMermaidMarksTheRoute(t *testing.T) {
	var b bytes.Buffer
	Path(trace(t, "peered-cluster-forced-tunnel#no-aml-route", "AzureMachineLearning.WestUS", "cpu-cluster", 44224)).WriteMermaid(&b)
	var id string
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.Contains(line, "BLOCKED HERE") {
			if !strings.Contains(line, "rt-training/default-via-nva") {
				t.Errorf("the blocked node is not the route: %s", line)
			}
			id = strings.TrimSpace(line[:strings.IndexByte(line, '[')])
		}
	}
	if id == "" {
		t.Fatalf("no BLOCKED HERE node:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "class "+id+" blocked") || !strings.Contains(b.String(), "classDef blocked fill:#fde0dc,stroke:#c62828") {
		t.Errorf("node %s is not in the red blocked class:\n%s", id, b.String())
	}
}

// TestDOTParsesInGraphviz runs Graphviz's parser and layout on the DOT of
// every catalog topology and of a trace, an intent; it wants no warning.
func TestDOTParsesInGraphviz(t *testing.T) {
	if !HaveGraphviz() {
		t.Skip("Graphviz's dot is not installed (make test installs it with apt-get as root): DOT not checked by Graphviz")
	}
	check := func(name string, g *Graph) {
		src, err := g.DOT()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out, warn, err := RenderDOT(src, "canon")
		if err != nil || warn != "" {
			t.Errorf("%s: Graphviz: %v %s\n%s", name, err, warn, src)
		}
		if len(out) == 0 {
			t.Errorf("%s: Graphviz drew nothing", name)
		}
	}
	for _, name := range scenarios.Names() {
		check(name, Topology(load(t, name).Topology))
	}
	res := trace(t, "peered-cluster-forced-tunnel#no-aml-route", "AzureMachineLearning.WestUS", "cpu-cluster", 44224)
	check("trace", Path(res))
	s, err := load(t, "peered-cluster-forced-tunnel#no-aml-route").Simulate("training-job", "cpu-cluster", "jumpbox")
	if err != nil {
		t.Fatal(err)
	}
	check("simulate", Simulation(s))

	// The SVG of the failing trace draws the route's node in red.
	svg, err := Path(res).SVG()
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(svg), "rt&#45;training/default&#45;via&#45;nva")
	j := strings.LastIndex(string(svg[:max(i, 0)]), "<g id=\"node")
	if i < 0 || j < 0 || !strings.Contains(string(svg[j:i]), `stroke="#c62828"`) || !strings.Contains(string(svg[j:i]), "BLOCKED HERE") {
		t.Errorf("the SVG does not draw the route default-via-nva in red with BLOCKED HERE")
	}
}

// TestTopologyContent: the topology names what a newcomer needs to see.
func TestTopologyContent(t *testing.T) {
	g := Topology(load(t, "peered-cluster-forced-tunnel").Topology)
	o := NewOutline(g)
	text := strings.Join(o.Edges, "\n")
	for _, want := range []string{
		"VNet ws-vnet  10.0.0.0/16  (eastus) ↔ VNet compute-vnet  10.1.0.0/16  (westus): peering ws-to-compute (ws-vnet -> compute-vnet): access yes, forwarded yes; peering compute-to-ws (compute-vnet -> ws-vnet): access yes, forwarded yes; (global peering)",
		"NSG nsg-training → nva: 0.0.0.0/0 via VirtualAppliance; (route default-via-nva)",
		"NSG nsg-training → Internet: AzureMachineLearning via Internet; (route aml-direct); BatchNodeManagement.WestUS via Internet; (route batch-direct)",
		"pe-mlw → mlw: private link amlworkspace",
		"privatelink.api.azureml.ms → VNet compute-vnet  10.1.0.0/16  (westus): linked",
		"pe-mlw → privatelink.api.azureml.ms: A record",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
}
