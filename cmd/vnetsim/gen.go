package main

import (
	"io"
	"path/filepath"
	"strings"

	"github.com/vnetsim/vnetsim/scenarios"
)

// runGen runs `vnetsim gen`: it writes a synthetic hub-spoke estate as a
// scenario file, to stdout or to -o FILE.
func runGen(e *env, args []string) (int, error) {
	fs := e.flags("gen")
	vnets := fs.Int("vnets", 100, "VNets in all, hubs included (one hub per 500 VNets)")
	subnets := fs.Int("subnets-per-vnet", 4, "subnets of each spoke VNet, each with its own NSG")
	rules := fs.Int("rules-per-nsg", 10, "rules of each spoke subnet's NSG")
	seed := fs.Int64("seed", 1, "random seed: the same flags give the same file")
	region := fs.String("region", "eastus", "the region of everything")
	out := fs.StringP("output", "o", "", "write the scenario to FILE instead of stdout")
	format := fs.String("format", "", "yaml or json (the fast form for large estates); default json when -o ends in .json, else yaml")
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	if fs.NArg() != 0 {
		return 0, usagef("gen: takes no arguments, only flags (got %q)", fs.Arg(0))
	}
	o := scenarios.GenOptions{VNets: *vnets, SubnetsPerVNet: *subnets, RulesPerNSG: *rules, Seed: *seed, Region: *region}
	if err := o.Validate(); err != nil {
		return 0, usagef("gen: %v", err)
	}
	if *format == "" {
		*format = "yaml"
		if strings.EqualFold(filepath.Ext(*out), ".json") {
			*format = "json"
		}
	}
	generate := scenarios.Generate
	switch *format {
	case "yaml":
	case "json":
		generate = scenarios.GenerateJSON
	default:
		return 0, usagef("gen: --format is yaml or json, not %q", *format)
	}
	if *out == "" {
		return 0, generate(e.stdout, o)
	}
	return 0, writeFile("gen -o", *out, func(w io.Writer) error { return generate(w, o) })
}
