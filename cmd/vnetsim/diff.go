package main

import (
	"io"
	"time"

	"github.com/vnetsim/vnetsim/importer"
	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// runDiff compares two scenarios, or one scenario and itself with a patch.
// Exit codes: 0 no change, 1 changes (like git diff --exit-code), 3 invalid
// input; with --detailed-exitcode terraform's: 0 no change, 1 an error of
// any kind, 2 changes.
func runDiff(e *env, args []string) (int, error) {
	fs := e.flags("diff")
	patch := fs.String("patch", "", "a YAML patch merged onto FILE (lists merge by name; $delete: true removes an item); - reads it from standard input")
	out := outputFlag(fs)
	junit := junitFlag(fs)
	detailed := fs.Bool("detailed-exitcode", false, "exit as terraform plan -detailed-exitcode: 0 no change, 1 error, 2 changes")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	code, err := diff(e, fs.Args(), *patch, *out, *junit, *tags)
	if *detailed {
		switch {
		case err != nil:
			exitCode(err, 0, e.stderr)
			return exitFailed, nil
		case code == exitFailed:
			return exitUsage, nil // terraform's 2: changes
		}
	}
	return code, err
}

func diff(e *env, args []string, patch, out, junit, tags string) (int, error) {
	start := time.Now()
	var before, after *sim.Network
	var err error
	switch {
	case patch != "" && len(args) == 1:
		if before, err = e.load(args[0], tags); err != nil {
			return 0, err
		}
		data, err := e.readFile(patch)
		if err != nil {
			return 0, err
		}
		t, err := e.loader(tags).LoadPatched(args[0], patch, data)
		if err != nil {
			return 0, err
		}
		after = sim.New(t)
	case patch == "" && len(args) == 1 && importer.Importable(args[0]):
		// a Terraform plan or an ARM what-if: before and after the change
		b, a, err := scenarios.LoadChange(args[0], topology.Options{ServiceTagsFile: tags})
		if err != nil {
			return 0, err
		}
		before, after = sim.New(b), sim.New(a)
	case patch == "" && len(args) == 2:
		if before, err = e.load(args[0], tags); err != nil {
			return 0, err
		}
		if after, err = e.load(args[1], tags); err != nil {
			return 0, err
		}
	default:
		return 0, usagef("diff: give BEFORE AFTER, or FILE --patch PATCH.yaml, or one Terraform plan or ARM what-if (.json)")
	}
	rep, err := sim.Diff(before, after)
	if err != nil {
		return 0, usagef("diff: %v", err)
	}
	if junit != "" {
		j := rep.JUnit()
		j.Timestamp = start
		if len(j.Cases) > 0 {
			j.Cases[0].Time = time.Since(start)
		}
		if err := writeFile("--junit", junit, j.Write); err != nil {
			return 0, err
		}
	}
	err = e.write(out, rep, func(w io.Writer) error { return sim.WriteDiffText(w, rep) })
	if len(rep.Changes) > 0 {
		return exitFailed, err
	}
	return exitOK, err
}
