package main

import (
	"encoding/json"
	"io"
	"os"

	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// runMatrix prints, for every source and destination, the exact protocols
// and ports allowed. --shard i/n computes one block of the sources (write
// it with -o json); --merge FILE... puts the shards together, the same as
// one run.
func runMatrix(e *env, args []string) (int, error) {
	fs := e.flags("matrix")
	from := fs.String("from", "", "sources: names, vnet/subnet, or subnets, vms, computes, all (default subnets)")
	to := fs.String("to", "", "destinations: names, vnet/subnet, a service tag, internet, or subnets, vms, services, tags (the scenario's), all (default subnets,services,tags,internet)")
	shardFlag := fs.String("shard", "", "compute shard i of n (i/n, as 2/8) of the sources, for a CI job or one pod of a Kubernetes Indexed Job; write it with -o json")
	noClasses := fs.Bool("no-classes", false, "compute every cell on its own instead of once per class of alike sources (the same output, slower: a check of the classes)")
	merge := fs.Bool("merge", false, "the arguments are the JSON shards of one matrix (matrix --shard i/n -o json): print them merged, the same as one run")
	out := outputFlag(fs, "text", "json", "yaml", "csv")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	var m *sim.Matrix
	if *merge {
		if *shardFlag != "" {
			return 0, usagef("matrix: --merge and --shard don't go together")
		}
		if fs.NArg() == 0 {
			return 0, usagef("matrix --merge: give the shard files (matrix --shard i/n -o json)")
		}
		var parts []*sim.Matrix
		for _, f := range fs.Args() {
			data, err := os.ReadFile(f)
			if err != nil {
				return 0, topology.ErrorList{{File: f, Msg: err.Error()}}
			}
			var p sim.Matrix
			if err := json.Unmarshal(data, &p); err != nil {
				return 0, topology.ErrorList{{File: f, Msg: "not a matrix shard written with -o json: " + err.Error()}}
			}
			parts = append(parts, &p)
		}
		var err error
		if m, err = sim.MergeMatrices(parts); err != nil {
			return 0, usagef("matrix: %v", err)
		}
	} else {
		shard := sim.MatrixShard{Index: 1, Of: 1}
		if *shardFlag != "" {
			var err error
			if shard, err = sim.ParseMatrixShard(*shardFlag); err != nil {
				return 0, usagef("matrix: %v", err)
			}
		}
		file, err := oneFile(fs)
		if err != nil {
			return 0, err
		}
		n, err := e.load(file, *tags)
		if err != nil {
			return 0, err
		}
		if m, err = n.MatrixWith(*from, *to, sim.MatrixOptions{Shard: shard, NoClasses: *noClasses}, e.progressFunc("matrix")); err != nil {
			return 0, usagef("matrix: %v", err)
		}
	}
	if *out == "csv" {
		return 0, sim.WriteMatrixCSV(e.stdout, m)
	}
	return 0, e.write(*out, m, func(w io.Writer) error { return sim.WriteMatrixText(w, m) })
}
