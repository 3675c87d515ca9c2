package main

import (
	"fmt"
	"io"
	"time"

	"github.com/vnetsim/vnetsim/sim"
)

func runMatrix(args []string, stdout, stderr io.Writer) error {
	fs := flags("matrix")
	from := fs.String("from", "", "sources: names, vnet/subnet, or subnets, vms, computes, all (default subnets)")
	to := fs.String("to", "", "destinations: names, vnet/subnet, a service tag, internet, or subnets, vms, services, tags (the scenario's), all (default subnets,services,tags,internet)")
	out := outputFlag(fs, "text", "json", "csv")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	file, err := oneFile(fs)
	if err != nil {
		return err
	}
	t, err := load(file, *tags)
	if err != nil {
		return err
	}
	m, err := sim.ComputeMatrix(t, *from, *to, progress("matrix"))
	if err != nil {
		return usagef("matrix: %v", err)
	}
	switch *out {
	case "json":
		return sim.WriteJSON(stdout, m)
	case "csv":
		return sim.WriteMatrixCSV(stdout, m)
	}
	return sim.WriteMatrixText(stdout, m)
}

// progress returns a progress callback that reports on stderr, only when
// stderr is a terminal and the output is not JSON, and only once the work
// has taken about two seconds.
func progress(what string) func(done, total int) {
	w := progressErr
	if w == nil {
		return nil
	}
	start := time.Now()
	shown := false
	return func(done, total int) {
		if time.Since(start) < 2*time.Second {
			return
		}
		shown = true
		fmt.Fprintf(w, "\r%s: %d/%d (%s)", what, done, total, time.Since(start).Round(time.Second))
		if done == total && shown {
			fmt.Fprintln(w)
		}
	}
}
