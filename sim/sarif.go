package sim

import (
	"io"
	"net/url"
	"strings"
)

// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), the
// format GitHub code scanning reads to annotate a pull request: lint
// findings and check failures, each pointing at its scenario file and line.
// The output validates against the OASIS schema, vendored in
// sim/testdata/sarif.

// SARIFVersion and SARIFSchema name the format written.
const (
	SARIFVersion = "2.1.0"
	SARIFSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
)

// SARIF is a SARIF log with one run.
type SARIF struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string         `json:"id"`
	ShortDescription sarifMessage   `json:"shortDescription"`
	FullDescription  *sarifMessage  `json:"fullDescription,omitempty"`
	Help             *sarifMessage  `json:"help,omitempty"`
	Properties       map[string]any `json:"properties,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID     string          `json:"ruleId"`
	RuleIndex  int             `json:"ruleIndex"`
	Level      string          `json:"level"`
	Message    sarifMessage    `json:"message"`
	Locations  []sarifLocation `json:"locations"`
	Properties map[string]any  `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// ToolVersion is the version SARIF gives the tool; the command line sets it
// from its build information.
var ToolVersion = ""

func newSARIF() *SARIF {
	return &SARIF{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{{
		Tool:    sarifTool{Driver: sarifDriver{Name: "vnetsim", Version: ToolVersion, InformationURI: "https://github.com/vnetsim/vnetsim", Rules: []sarifRule{}}},
		Results: []sarifResult{},
	}}}
}

// rule returns the index of rule id, adding it with its description.
func (s *SARIF) rule(id, short, full, help string, props map[string]any) int {
	d := &s.Runs[0].Tool.Driver
	for i, r := range d.Rules {
		if r.ID == id {
			return i
		}
	}
	r := sarifRule{ID: id, ShortDescription: sarifMessage{short}, Properties: props}
	if full != "" {
		r.FullDescription = &sarifMessage{full}
	}
	if help != "" {
		r.Help = &sarifMessage{help}
	}
	d.Rules = append(d.Rules, r)
	return len(d.Rules) - 1
}

// add adds a result at a scenario (FILE or FILE#VARIANT) and line.
func (s *SARIF) add(ruleIndex int, level, msg, scenario string, line int, props map[string]any) {
	file, variant := SplitVariant(scenario)
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: artifactURI(file)}}}
	if line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: line}
	}
	if variant != "" {
		if props == nil {
			props = map[string]any{}
		}
		props["variant"] = variant
	}
	s.Runs[0].Results = append(s.Runs[0].Results, sarifResult{
		RuleID: s.Runs[0].Tool.Driver.Rules[ruleIndex].ID, RuleIndex: ruleIndex, Level: level,
		Message: sarifMessage{msg}, Locations: []sarifLocation{loc}, Properties: props,
	})
}

// artifactURI turns a scenario file into a URI reference: a relative path
// with forward slashes stays relative to the repository, as code scanning
// expects; catalog:NAME stays as it is.
func artifactURI(file string) string {
	if strings.HasPrefix(file, "catalog:") {
		return file
	}
	return (&url.URL{Path: strings.ReplaceAll(file, "\\", "/")}).String()
}

// Write writes the log as JSON.
func (s *SARIF) Write(w io.Writer) error { return WriteJSON(w, s) }

// SARIF returns the lint report's findings as SARIF results, one rule per
// lint code that occurs, an error finding at level error and a warning at
// level warning.
func (r *LintReport) SARIF() *SARIF {
	s := newSARIF()
	for _, f := range r.Findings {
		i := s.rule(f.Code, "lint: "+f.Code, "", "", map[string]any{"tags": []string{"azure", "network", "lint"}})
		level := "warning"
		if f.Severity == SeverityError {
			level = "error"
		}
		props := map[string]any{"resource": f.Resource, "seed": f.Seed}
		if f.Origin != "" {
			props["origin"] = f.Origin
		}
		s.add(i, level, f.Message+" ("+f.Seed+"). Fix: "+f.Fix, f.File, f.Line, props)
	}
	return s
}

// SARIF returns the check report's failures as SARIF results at level
// error: an expectation not met, or one that could not be run.
func (r *CheckReport) SARIF() *SARIF {
	s := newSARIF()
	for _, o := range r.Outcomes {
		if o.Passed {
			continue
		}
		props := map[string]any{"expectation": o.Name}
		if o.Reason != "" {
			props["reason"] = o.Reason
		}
		if o.Witness != "" {
			props["witness"] = o.Witness
		}
		var i int
		var msg string
		if o.Error != "" {
			i = s.rule("expectation-error", "an expectation that could not be decided", "", "", nil)
			msg = o.Name + ": " + o.Error
		} else {
			i = s.rule("expectation-not-met", "an expectation of the scenario is not met",
				"A flow, intent or set expectation of the scenario has another outcome than it expects.",
				"Change the rule the message names, or the expectation if the change is intended.", nil)
			msg = o.Name + ": " + o.Summary()
			if o.Message != "" {
				msg += ". " + o.Message
			}
			if o.Witness != "" {
				msg += ". Witness: " + o.Witness
			}
		}
		s.add(i, "error", msg, o.File, o.Line, props)
	}
	return s
}
