package main

import "github.com/vnetsim/vnetsim/sim"

// runIntents lists the Azure ML intents.
func runIntents(e *env, args []string) (int, error) {
	fs := e.flags("intents")
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	if fs.NArg() != 0 {
		return 0, usagef("intents: takes no arguments")
	}
	return 0, sim.WriteIntentsText(e.stdout)
}
