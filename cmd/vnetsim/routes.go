package main

import (
	"io"

	"github.com/vnetsim/vnetsim/sim"
)

// runRoutes lists a subnet's effective routes, Active and Invalid.
func runRoutes(e *env, args []string) (int, error) {
	fs := e.flags("routes")
	subnet := fs.String("subnet", "", "VNET/SUBNET")
	out := outputFlag(fs)
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	file, err := oneFile(fs)
	if err != nil {
		return 0, err
	}
	if *subnet == "" {
		return 0, usagef("routes: --subnet VNET/SUBNET is required")
	}
	n, err := e.load(file, *tags)
	if err != nil {
		return 0, err
	}
	routes, err := n.EffectiveRoutes(*subnet)
	if err != nil {
		return 0, usagef("routes: %v", err)
	}
	return 0, e.write(*out, routes, func(w io.Writer) error { return sim.WriteRoutesText(w, *subnet, routes.Value) })
}
