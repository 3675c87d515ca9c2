package sim

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/topology"
)

// validateJUnit validates JUnit XML against the vendored Jenkins schema
// with xmllint; it skips, with one line, where xmllint is not installed.
func validateJUnit(t *testing.T, data []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (apt-get install libxml2-utils): JUnit schema validation skipped")
	}
	cmd := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit", "junit-10.xsd"), "-")
	cmd.Stdin = bytes.NewReader(data)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("JUnit XML does not validate against junit-10.xsd: %v\n%s\n%s", err, out, data)
	}
}

var sarifSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open(filepath.Join("testdata", "sarif", "sarif-schema-2.1.0.json"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("sarif-schema-2.1.0.json")
})

// validateSARIF validates a SARIF log against the vendored OASIS schema.
func validateSARIF(t *testing.T, data []byte) {
	t.Helper()
	sch, err := sarifSchema()
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("SARIF does not validate against sarif-schema-2.1.0.json: %v\n%s", err, data)
	}
}

// failingCatalogVariant writes the catalog's peered-cluster-forced-tunnel
// with its no-aml-route variant expecting the asymmetric return path to be
// allowed, so that the variant fails, and returns the file, the variant's
// scenario name and the failing expectation's line.
func failingCatalogVariant(t *testing.T) (file, scenario string, line int) {
	t.Helper()
	data, err := scenarios.Read("peered-cluster-forced-tunnel")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	const want = "      - name: Azure ML's connection to 44224 fails on the asymmetric return path\n"
	i := strings.Index(text, want)
	if i < 0 {
		t.Fatal("the catalog scenario no longer has the no-aml-route expectation")
	}
	line = strings.Count(text[:i], "\n") + 1
	j := i + strings.Index(text[i:], "expect: denied")
	text = text[:j] + "expect: allowed" + text[j+len("expect: denied"):]
	file = filepath.Join(t.TempDir(), "forced-tunnel.yaml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, file + topology.VariantSep + "no-aml-route", line
}

func checkFiles(t *testing.T, files ...string) *CheckReport {
	t.Helper()
	rep := &CheckReport{Outcomes: []Outcome{}}
	for _, f := range files {
		ts, err := scenarios.LoadAll(f, topology.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, tp := range ts {
			n := New(tp)
			if errs := n.ValidateExpectations(); len(errs) > 0 {
				t.Fatal(errs)
			}
			n.Check(rep)
		}
	}
	return rep
}

// parsed JUnit, as a reader sees it.
type readSuites struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Name      string `xml:"name,attr"`
		File      string `xml:"file,attr"`
		Timestamp string `xml:"timestamp,attr"`
		Time      string `xml:"time,attr"`
		Props     []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestJUnitSchema checks that a failing catalog variant gives a JUnit
// failure in a suite of its own, naming its file and line, and that the
// XML validates against the Jenkins schema.
func TestJUnitSchema(t *testing.T) {
	file, scenario, line := failingCatalogVariant(t)
	rep := checkFiles(t, file)
	if rep.Failed != 1 {
		t.Fatalf("failed = %d, want 1", rep.Failed)
	}
	var x bytes.Buffer
	if err := rep.JUnit().Write(&x); err != nil {
		t.Fatal(err)
	}
	var got readSuites
	if err := xml.Unmarshal(x.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	// One suite per scenario and variant: the scenario and its three variants.
	if len(got.Suites) != 4 {
		t.Fatalf("%d suites, want 4 (the scenario and its variants)", len(got.Suites))
	}
	found := false
	for _, s := range got.Suites {
		if s.File != file || s.Timestamp == "" || s.Time == "" {
			t.Errorf("suite %s: file %q timestamp %q time %q, want file %q and a time and timestamp", s.Name, s.File, s.Timestamp, s.Time, file)
		}
		if _, err := time.Parse(time.RFC3339, s.Timestamp); err != nil {
			t.Errorf("suite %s: timestamp %q: %v", s.Name, s.Timestamp, err)
		}
		for _, c := range s.Cases {
			if c.Failure == nil {
				continue
			}
			found = true
			if s.Name != scenario {
				t.Errorf("failure in suite %q, want %q", s.Name, scenario)
			}
			if c.Classname != "forced-tunnel#no-aml-route" {
				t.Errorf("classname %q, want forced-tunnel#no-aml-route (no .yaml for tools to read as a class)", c.Classname)
			}
			if want := fmt.Sprintf("%s:%d: expected allowed, got denied (asymmetric-return)", file, line); !strings.HasPrefix(c.Failure.Text, want) {
				t.Errorf("failure text %q, want it to start with %q", c.Failure.Text, want)
			}
			if c.Failure.Type != ReasonAsymmetric {
				t.Errorf("failure type %q, want %s", c.Failure.Type, ReasonAsymmetric)
			}
			hasLine := false
			for _, p := range s.Props {
				if p.Name == "line:"+c.Name && p.Value == fmt.Sprint(line) {
					hasLine = true
				}
			}
			if !hasLine {
				t.Errorf("suite %s has no property line:%s = %d: %+v", s.Name, c.Name, line, s.Props)
			}
		}
	}
	if !found {
		t.Fatal("no failure in the JUnit XML")
	}
	validateJUnit(t, x.Bytes())
}

// TestJUnitSchemaAllCommands validates the JUnit of lint, simulate and diff.
func TestJUnitSchemaAllCommands(t *testing.T) {
	ts, err := scenarios.LoadAll("catalog:peered-cluster-forced-tunnel", topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var nets []*Network
	for _, tp := range ts {
		nets = append(nets, New(tp))
	}
	lint := &LintReport{Findings: []Finding{}}
	lint.Add(nets)
	variant, err := scenarios.Load("catalog:peered-cluster-forced-tunnel#no-aml-route", topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(variant).Simulate("training-job", "cpu-cluster", "")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Diff(nets[0], New(variant))
	if err != nil {
		t.Fatal(err)
	}
	for name, j := range map[string]*JUnit{"lint": lint.JUnit(), "simulate": s.JUnit(), "diff": d.JUnit()} {
		t.Run(name, func(t *testing.T) {
			var x bytes.Buffer
			if err := j.Write(&x); err != nil {
				t.Fatal(err)
			}
			var got readSuites
			if err := xml.Unmarshal(x.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.Tests == 0 {
				t.Fatalf("no test cases:\n%s", x.Bytes())
			}
			if (name == "simulate" || name == "diff") && got.Failures == 0 {
				t.Fatalf("%s of a failing variant has no failure:\n%s", name, x.Bytes())
			}
			validateJUnit(t, x.Bytes())
		})
	}
	if got := len(lint.JUnit().Cases); got != len(nets)*len(LintCodes) {
		t.Errorf("lint JUnit has %d cases, want one per lint code per scenario and variant (%d)", got, len(nets)*len(LintCodes))
	}
}

// TestSARIFSchema checks that check failures and lint findings give SARIF
// that validates against the OASIS schema, each result at its file and line.
func TestSARIFSchema(t *testing.T) {
	file, _, line := failingCatalogVariant(t)
	rep := checkFiles(t, file)
	var out bytes.Buffer
	if err := rep.SARIF().Write(&out); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, out.Bytes())
	var log SARIF
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if len(res) != 1 {
		t.Fatalf("%d results, want 1", len(res))
	}
	loc := res[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != filepath.ToSlash(file) || loc.Region == nil || loc.Region.StartLine != line {
		t.Errorf("location %+v %+v, want %s line %d", loc.ArtifactLocation, loc.Region, file, line)
	}
	if res[0].Level != "error" || res[0].RuleID != "expectation-not-met" || res[0].Properties["variant"] != "no-aml-route" {
		t.Errorf("result %+v", res[0])
	}

	// Lint findings of a scenario with errors and warnings.
	ts, err := scenarios.LoadAll("catalog:peered-cluster-dns-links", topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var nets []*Network
	for _, tp := range ts {
		nets = append(nets, New(tp))
	}
	lint := &LintReport{Findings: []Finding{}}
	lint.Add(nets)
	if len(lint.Findings) == 0 {
		t.Fatal("no lint findings on peered-cluster-dns-links; pick a scenario with some")
	}
	out.Reset()
	if err := lint.SARIF().Write(&out); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, out.Bytes())
	log = SARIF{}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs[0].Results) != len(lint.Findings) {
		t.Fatalf("%d results for %d findings", len(log.Runs[0].Results), len(lint.Findings))
	}
	for i, r := range log.Runs[0].Results {
		f := lint.Findings[i]
		if r.RuleID != f.Code || r.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" {
			t.Errorf("result %d: %+v for finding %+v", i, r, f)
		}
		if f.Line > 0 && r.Locations[0].PhysicalLocation.Region.StartLine != f.Line {
			t.Errorf("result %d at line %d, finding at %d", i, r.Locations[0].PhysicalLocation.Region.StartLine, f.Line)
		}
	}
}
