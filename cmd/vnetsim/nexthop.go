package main

import (
	"io"

	"github.com/vnetsim/vnetsim/sim"
)

// runNextHop gives the next hop for one destination, like Network Watcher.
func runNextHop(e *env, args []string) (int, error) {
	fs := e.flags("nexthop")
	from := fs.String("from", "", "source endpoint (in a subnet)")
	to := fs.String("to", "", "destination IP address")
	exit := exitCodeFlag(fs, "the next hop is None (the packet is dropped)")
	out := outputFlag(fs)
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	file, err := oneFile(fs)
	if err != nil {
		return 0, err
	}
	if *from == "" || *to == "" {
		return 0, usagef("nexthop: --from and --to are required")
	}
	n, err := e.load(file, *tags)
	if err != nil {
		return 0, err
	}
	nh, err := n.FindNextHop(*from, *to)
	if err != nil {
		return 0, usagef("nexthop: %v", err)
	}
	err = e.write(*out, nh, func(w io.Writer) error { return sim.WriteNextHopText(w, nh) })
	if *exit && nh.NextHopType == sim.NextHopNone {
		return exitFailed, err
	}
	return exitOK, err
}
