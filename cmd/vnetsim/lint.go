package main

import (
	"io"
	"time"

	"github.com/vnetsim/vnetsim/sim"
)

// runLint checks every file, and every variant of it, against the
// documented configuration requirements (docs/lint.md). It exits with 1
// when a finding is an error; warnings alone exit 0. A variant's finding
// that the scenario itself already has is reported once, on the scenario.
func runLint(e *env, args []string) (int, error) {
	fs := e.flags("lint")
	out := outputFlag(fs, "text", "json", "yaml", "sarif")
	junit := junitFlag(fs)
	sarif := sarifFlag(fs)
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	files := fs.Args()
	if len(files) == 0 {
		return 0, usagef("lint: give at least one scenario FILE (catalog:NAME for an embedded one)")
	}
	rep := &sim.LintReport{Version: sim.JSONVersion, Findings: []sim.Finding{}, Started: time.Now()}
	invalid, err := e.eachScenario(files, *tags, func(_ string, ts []*sim.Network) {
		rep.Add(ts)
	})
	if err != nil {
		return 0, err
	}
	if len(invalid) > 0 {
		return 0, invalid
	}
	if err := writeReports(*junit, rep.JUnit, *sarif, rep.SARIF); err != nil {
		return 0, err
	}
	if *out == "sarif" {
		err = rep.SARIF().Write(e.stdout)
	} else {
		err = e.write(*out, rep, func(w io.Writer) error { return sim.WriteLintText(w, rep) })
	}
	if rep.Count(sim.SeverityError) > 0 {
		return exitFailed, err
	}
	return exitOK, err
}
