package main

import (
	"errors"
	"os"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// runDiff compares two scenarios, or one scenario and itself with a patch.
// Exit codes: 0 no change, 1 changes (like git diff --exit-code), 3 invalid
// input.
func runDiff(e *env, args []string) (int, error) {
	fs := e.flags("diff")
	patch := fs.String("patch", "", "a YAML patch merged onto FILE (lists merge by name; $delete: true removes an item)")
	out := outputFlag(fs)
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	opts := topology.Options{ServiceTagsFile: *tags}
	var before, after *sim.Network
	var err error
	switch {
	case *patch != "" && fs.NArg() == 1:
		if before, err = e.load(fs.Arg(0), *tags); err != nil {
			return 0, err
		}
		data, rerr := os.ReadFile(*patch)
		if rerr != nil {
			var pe *os.PathError
			if errors.As(rerr, &pe) {
				rerr = pe.Err
			}
			return 0, topology.ErrorList{{File: *patch, Msg: rerr.Error()}}
		}
		t, err := scenarios.LoadPatched(fs.Arg(0), *patch, data, opts)
		if err != nil {
			return 0, err
		}
		after = sim.New(t)
	case *patch == "" && fs.NArg() == 2:
		if before, err = e.load(fs.Arg(0), *tags); err != nil {
			return 0, err
		}
		if after, err = e.load(fs.Arg(1), *tags); err != nil {
			return 0, err
		}
	default:
		return 0, usagef("diff: give BEFORE AFTER, or FILE --patch PATCH.yaml")
	}
	rep, err := sim.Diff(before, after)
	if err != nil {
		return 0, usagef("diff: %v", err)
	}
	if *out == "json" {
		err = sim.WriteJSON(e.stdout, rep)
	} else {
		err = sim.WriteDiffText(e.stdout, rep)
	}
	if len(rep.Changes) > 0 {
		return exitFailed, err
	}
	return exitOK, err
}
