package main

import (
	"errors"
	"io"
	"os"

	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// runDiff compares two scenarios, or one scenario and itself with a patch.
// Exit codes follow `terraform plan -detailed-exitcode`: 0 no change,
// 1 changes, 3 invalid input.
func runDiff(args []string, stdout io.Writer) (int, error) {
	fs := flags("diff")
	patch := fs.String("patch", "", "a YAML patch merged onto FILE (lists merge by name; $delete: true removes an item)")
	out := outputFlag(fs)
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	var before, after *topology.Topology
	var err error
	switch {
	case *patch != "" && fs.NArg() == 1:
		if before, err = load(fs.Arg(0), *tags); err != nil {
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
		if after, err = before.Patched(*patch, data); err != nil {
			return 0, err
		}
	case *patch == "" && fs.NArg() == 2:
		if before, err = load(fs.Arg(0), *tags); err != nil {
			return 0, err
		}
		if after, err = load(fs.Arg(1), *tags); err != nil {
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
		err = sim.WriteJSON(stdout, rep)
	} else {
		err = sim.WriteDiffText(stdout, rep)
	}
	if len(rep.Changes) > 0 {
		return exitFailed, err
	}
	return exitOK, err
}
