package importer_test

import (
	"bytes"
	"testing"

	"github.com/vnetsim/vnetsim/importer"
	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/spec"
)

// The streaming writer gives yaml.v3's bytes for every catalog scenario and
// a generated estate, and for their round trip through ARM resources (the
// estate is large enough for every parallel part of the import to run).
func TestWriteLikeV3Catalog(t *testing.T) {
	docs := map[string][]byte{}
	for _, name := range scenarios.Names() {
		data, err := scenarios.Read(name)
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = data
	}
	var gen bytes.Buffer
	if err := scenarios.Generate(&gen, scenarios.GenOptions{VNets: 80, SubnetsPerVNet: 3, RulesPerNSG: 5, Seed: 7, Region: "westeurope"}); err != nil {
		t.Fatal(err)
	}
	docs["generated"] = gen.Bytes()
	for name, data := range docs {
		d, err := spec.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		compare(t, name, &importer.Output{Scenario: d.Scenario}, "")
		_, res := exportImport(t, d.Scenario, name == "generated")
		compare(t, name+" imported", res.After, "imported by a test")
	}
}

func compare(t *testing.T, name string, o *importer.Output, header string) {
	t.Helper()
	want, err := importer.WriteV3Tree(o, header)
	if err != nil {
		t.Fatal(err)
	}
	got, err := importer.Marshal(o, header)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: the writer differs from yaml.v3\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
