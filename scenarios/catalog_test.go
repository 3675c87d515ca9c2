package scenarios_test

import (
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// TestCatalog loads every embedded scenario with all its variants and runs
// every expectation: each documented configuration proves that it works and
// that each of its broken variants breaks the way the documents say.
func TestCatalog(t *testing.T) {
	names := scenarios.Names()
	if len(names) == 0 {
		t.Fatal("the catalog is empty")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			ts, err := scenarios.LoadAll(scenarios.Prefix+name, topology.Options{})
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if len(ts) < 2 {
				t.Errorf("%s has no variants; a catalog scenario documents at least one broken variant", name)
			}
			if !strings.Contains(ts[0].Description, "seed ") {
				t.Errorf("%s: the description must cite the seed and section it documents", name)
			}
			for _, compiled := range ts {
				topo := sim.New(compiled)
				if len(topo.Expectations) == 0 {
					t.Errorf("%s has no expectations", topo.File)
					continue
				}
				if errs := topo.ValidateExpectations(); len(errs) > 0 {
					t.Errorf("%s: %v", topo.File, errs)
					continue
				}
				rep := &sim.CheckReport{}
				topo.Check(rep)
				for _, o := range rep.Outcomes {
					if o.Passed {
						continue
					}
					got := o.Got
					if o.Reason != "" {
						got += " (" + o.Reason + ")"
					}
					msg := o.Message
					if o.Error != "" {
						msg = o.Error
					}
					t.Errorf("%s:%d %s: expected %s, got %s: %s", o.File, o.Line, o.Name, o.Expect, got, msg)
				}
			}
		})
	}
}
