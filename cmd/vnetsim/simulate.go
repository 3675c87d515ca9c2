package main

import (
	"fmt"
	"io"
	"os"

	"github.com/vnetsim/vnetsim/sim"
)

func runSimulate(args []string, stdout io.Writer) (int, error) {
	fs := flags("simulate")
	intent := fs.String("intent", "", "the intent to run (vnetsim intents lists them)")
	compute := fs.String("compute", "", "the compute the intent runs on")
	client := fs.String("client", "", "the client VM (default: the scenario's first VM that is not an appliance or DNS server)")
	out := outputFlag(fs)
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
	t, err := load(file, *tags)
	if err != nil {
		return 0, err
	}
	s, err := sim.Simulate(t, *intent, *compute, *client)
	if err != nil {
		return 0, usagef("simulate: %v", err)
	}
	if *out == "json" {
		err = sim.WriteJSON(stdout, s)
	} else {
		err = sim.WriteSimulationText(stdout, s)
	}
	if s.Verdict != sim.Allowed {
		return exitFailed, err
	}
	return exitOK, err
}

func runIntents(args []string, stdout io.Writer) error {
	fs := flags("intents")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("intents: takes no arguments")
	}
	return sim.WriteIntentsText(stdout)
}

func writeJUnit(path string, rep *sim.CheckReport) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--junit: %v", err)
	}
	if err := sim.WriteJUnit(f, rep); err != nil {
		f.Close()
		return fmt.Errorf("--junit: %v", err)
	}
	return f.Close()
}
