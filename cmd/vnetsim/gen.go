package main

import (
	"fmt"
	"io"
	"os"

	"github.com/vnetsim/vnetsim/scenarios"
)

// runGen runs `vnetsim gen`: it writes a synthetic hub-spoke estate as a
// scenario file, to stdout or to -o FILE.
func runGen(args []string, stdout io.Writer) error {
	fs := flags("gen")
	vnets := fs.Int("vnets", 100, "VNets in all, hubs included (one hub per 500 VNets)")
	subnets := fs.Int("subnets-per-vnet", 4, "subnets of each spoke VNet, each with its own NSG")
	rules := fs.Int("rules-per-nsg", 10, "rules of each spoke subnet's NSG")
	seed := fs.Int64("seed", 1, "random seed: the same flags give the same file")
	region := fs.String("region", "eastus", "the region of everything")
	out := fs.StringP("output", "o", "", "write the scenario to FILE instead of stdout")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("gen: takes no arguments, only flags (got %q)", fs.Arg(0))
	}
	o := scenarios.GenOptions{VNets: *vnets, SubnetsPerVNet: *subnets, RulesPerNSG: *rules, Seed: *seed, Region: *region}
	if err := o.Validate(); err != nil {
		return usagef("gen: %v", err)
	}
	if *out == "" {
		return scenarios.Generate(stdout, o)
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	err = scenarios.Generate(f, o) // buffered inside
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return fmt.Errorf("gen: %s: %w", *out, err)
	}
	return nil
}
