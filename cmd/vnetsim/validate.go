package main

import "github.com/vnetsim/vnetsim/sim"

// runValidate loads and checks scenario files, every variant included.
func runValidate(e *env, args []string) (int, error) {
	fs := e.flags("validate")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	if fs.NArg() == 0 {
		return 0, usagef("validate: give at least one scenario FILE")
	}
	var werr error
	invalid, err := e.eachScenario(fs.Args(), *tags, func(f string, ts []*sim.Network) {
		if err := sim.WriteSummaryText(e.stdout, f, ts); err != nil && werr == nil {
			werr = err
		}
	})
	if err != nil {
		return 0, err
	}
	if len(invalid) > 0 {
		return 0, invalid
	}
	return 0, werr
}
