package main

import (
	"io"

	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// runLint checks every file, and every variant of it, against the
// documented configuration requirements (docs/lint.md). It exits with 1
// when a finding is an error; warnings alone exit 0. A variant's finding
// that the scenario itself already has is reported once, on the scenario.
func runLint(args []string, stdout io.Writer) (int, error) {
	fs := flags("lint")
	out := outputFlag(fs)
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	files := fs.Args()
	if len(files) == 0 {
		return 0, usagef("lint: give at least one scenario FILE (catalog:NAME for an embedded one)")
	}
	rep := &sim.LintReport{Version: sim.JSONVersion, Findings: []sim.Finding{}}
	invalid, err := eachScenario(files, *tags, func(_ string, ts []*topology.Topology) {
		// A finding the base scenario has is reported once, on the base.
		base := map[[3]string]bool{}
		for i, t := range ts {
			for _, fd := range sim.Lint(t) {
				k := [3]string{fd.Code, fd.Resource, fd.Message}
				if i > 0 && base[k] {
					continue
				}
				if i == 0 {
					base[k] = true
				}
				rep.Findings = append(rep.Findings, fd)
			}
		}
	})
	if err != nil {
		return 0, err
	}
	if len(invalid) > 0 {
		return 0, invalid
	}
	if *out == "json" {
		err = sim.WriteJSON(stdout, rep)
	} else {
		err = sim.WriteLintText(stdout, rep)
	}
	if rep.Count(sim.SeverityError) > 0 {
		return exitFailed, err
	}
	return exitOK, err
}
