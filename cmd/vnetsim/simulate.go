package main

import (
	"io"

	"github.com/vnetsim/vnetsim/picture"
	"github.com/vnetsim/vnetsim/sim"
)

// runSimulate expands an Azure ML intent into its flows and traces each.
func runSimulate(e *env, args []string) (int, error) {
	fs := e.flags("simulate")
	intent := fs.String("intent", "", "the intent to run (vnetsim intents lists them)")
	compute := fs.String("compute", "", "the compute the intent runs on")
	client := fs.String("client", "", "the client VM (default: the scenario's first VM that is not an appliance or DNS server)")
	out := outputFlag(fs, "text", "json", "yaml", "mermaid", "dot", "svg")
	junit := junitFlag(fs)
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	file, err := oneFile(fs)
	if err != nil {
		return 0, err
	}
	if *intent == "" {
		return 0, usagef("simulate: --intent is required (vnetsim intents lists them)")
	}
	n, err := e.load(file, *tags)
	if err != nil {
		return 0, err
	}
	s, err := n.Simulate(*intent, *compute, *client)
	if err != nil {
		return 0, usagef("simulate: %v", err)
	}
	if *junit != "" {
		if err := writeFile("--junit", *junit, func(w io.Writer) error { return sim.WriteSimulationJUnit(w, s) }); err != nil {
			return 0, err
		}
	}
	switch *out {
	case "mermaid", "dot", "svg":
		err = writePicture(e.stdout, picture.Simulation(s), *out)
	default:
		err = e.write(*out, s, func(w io.Writer) error { return sim.WriteSimulationText(w, s) })
	}
	err = e.write(*out, s, func(w io.Writer) error { return sim.WriteSimulationText(w, s) })
	if s.Verdict != sim.Allowed {
		return exitFailed, err
	}
	return exitOK, err
}
