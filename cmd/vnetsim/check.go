package main

import (
	"io"
	"time"

	"github.com/vnetsim/vnetsim/sim"
)

// runCheck runs every file's expectations, in the scenario and in each of
// its variants.
func runCheck(e *env, args []string) (int, error) {
	fs := e.flags("check")
	out := outputFlag(fs, "text", "json", "yaml", "sarif")
	junit := junitFlag(fs)
	sarif := sarifFlag(fs)
	fs.StringVar(&e.plan, "plan", "", "run the expectations against the network a Terraform plan or ARM what-if leaves")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	files := fs.Args()
	if len(files) == 0 {
		return 0, usagef("check: give at least one scenario FILE (catalog:NAME for an embedded one)")
	}
	rep := &sim.CheckReport{Version: sim.JSONVersion, Outcomes: []sim.Outcome{}, Started: time.Now()}
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
	if err := writeReports(*junit, rep.JUnit, *sarif, rep.SARIF); err != nil {
		return 0, err
	}
	if *out == "sarif" {
		err = rep.SARIF().Write(e.stdout)
	} else {
		err = e.write(*out, rep, func(w io.Writer) error { return sim.WriteCheckText(w, rep) })
	}
	if !rep.OK() {
		return exitFailed, err
	}
	return exitOK, err
}

// writeReports writes the --junit and --sarif files a command was asked
// for (an empty path: not asked).
func writeReports(junitPath string, junit func() *sim.JUnit, sarifPath string, sarif func() *sim.SARIF) error {
	if junitPath != "" {
		if err := writeFile("--junit", junitPath, func(w io.Writer) error { return junit().Write(w) }); err != nil {
			return err
		}
	}
	if sarifPath != "" {
		if err := writeFile("--sarif", sarifPath, func(w io.Writer) error { return sarif().Write(w) }); err != nil {
			return err
		}
	}
	return nil
}
