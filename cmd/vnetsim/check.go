package main

import (
	"io"

	"github.com/vnetsim/vnetsim/sim"
)

// runCheck runs every file's expectations, in the scenario and in each of
// its variants.
func runCheck(e *env, args []string) (int, error) {
	fs := e.flags("check")
	out := outputFlag(fs)
	junit := fs.String("junit", "", "also write the results as JUnit XML to this file")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	files := fs.Args()
	if len(files) == 0 {
		return 0, usagef("check: give at least one scenario FILE (catalog:NAME for an embedded one)")
	}
	rep := &sim.CheckReport{Version: sim.JSONVersion, Outcomes: []sim.Outcome{}}
	invalid, err := e.eachScenario(files, *tags, func(_ string, ts []*sim.Network) {
		for _, t := range ts {
			t.Check(rep)
		}
	})
	if err != nil {
		return 0, err
	}
	if len(invalid) > 0 {
		return 0, invalid
	}
	if *junit != "" {
		if err := writeFile("--junit", *junit, func(w io.Writer) error { return sim.WriteJUnit(w, rep) }); err != nil {
			return 0, err
		}
	}
	if *out == "json" {
		err = sim.WriteJSON(e.stdout, rep)
	} else {
		err = sim.WriteCheckText(e.stdout, rep)
	}
	if !rep.OK() {
		return exitFailed, err
	}
	return exitOK, err
}
