package main

import (
	"io"

	"github.com/vnetsim/vnetsim/sim"
)

// runMatrix prints, for every source and destination, the exact protocols
// and ports allowed.
func runMatrix(e *env, args []string) (int, error) {
	fs := e.flags("matrix")
	from := fs.String("from", "", "sources: names, vnet/subnet, or subnets, vms, computes, all (default subnets)")
	to := fs.String("to", "", "destinations: names, vnet/subnet, a service tag, internet, or subnets, vms, services, tags (the scenario's), all (default subnets,services,tags,internet)")
	out := outputFlag(fs, "text", "json", "yaml", "csv")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	file, err := oneFile(fs)
	if err != nil {
		return 0, err
	}
	n, err := e.load(file, *tags)
	if err != nil {
		return 0, err
	}
	m, err := n.Matrix(*from, *to, e.progressFunc("matrix"))
	if err != nil {
		return 0, usagef("matrix: %v", err)
	}
	if *out == "csv" {
		return 0, sim.WriteMatrixCSV(e.stdout, m)
	}
	return 0, e.write(*out, m, func(w io.Writer) error { return sim.WriteMatrixText(w, m) })
}
