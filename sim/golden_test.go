package sim

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/vnetsim/vnetsim/scenarios"
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
		t.Fatalf("%v (run go test ./sim -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./sim -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func loadCatalog(t *testing.T, name string) *Network {
	t.Helper()
	topo, err := scenarios.Load(scenarios.Prefix+name, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return New(topo)
}

// TestGoldenTraces pins the text and JSON of traces on the catalog.
func TestGoldenTraces(t *testing.T) {
	cases := []struct {
		golden   string
		scenario string
		req      Request
	}{
		{"trace-aml-inbound", "peered-cluster-forced-tunnel", Request{From: "AzureMachineLearning", To: "cpu-cluster", Protocol: topology.ProtocolTCP, Port: 44224}},
		{"trace-internet-ssh", "peered-cluster-forced-tunnel", Request{From: "internet", To: "cpu-cluster", Protocol: topology.ProtocolTCP, Port: 22}},
		{"trace-egress-via-nva", "peered-cluster-forced-tunnel", Request{From: "cpu-cluster", To: "internet", Protocol: topology.ProtocolTCP, Port: 443}},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			res, err := (loadCatalog(t, c.scenario)).Trace(c.req)
			if err != nil {
				t.Fatal(err)
			}
			var txt, js bytes.Buffer
			WriteTraceText(&txt, res)
			WriteJSON(&js, res)
			golden(t, c.golden+".txt.golden", txt.Bytes())
			golden(t, c.golden+".json.golden", js.Bytes())
		})
	}
}

// TestGoldenRoutes pins `vnetsim routes` output.
func TestGoldenRoutes(t *testing.T) {
	routes, err := (loadCatalog(t, "peered-cluster-forced-tunnel")).EffectiveRoutes("compute-vnet/snet-training")
	if err != nil {
		t.Fatal(err)
	}
	var txt bytes.Buffer
	WriteRoutesText(&txt, "compute-vnet/snet-training", routes.Value)
	golden(t, "routes-training.txt.golden", txt.Bytes())
}

func scenariosLoad(name string) (*Network, error) {
	t, err := scenarios.Load(scenarios.Prefix+name, topology.Options{})
	if err != nil {
		return nil, err
	}
	return New(t), nil
}

// TestCatalogMatrices pins the reachability matrix of every catalog
// scenario, so that a change in semantics shows up in review as a matrix
// diff (go test ./sim -run TestCatalogMatrices -update rewrites them).
func TestCatalogMatrices(t *testing.T) {
	for _, name := range scenarios.Names() {
		t.Run(name, func(t *testing.T) {
			m, err := (loadCatalog(t, name)).Matrix("", "", nil)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			WriteMatrixText(&b, m)
			golden(t, filepath.Join("matrix", name+".golden"), b.Bytes())
		})
	}
}
