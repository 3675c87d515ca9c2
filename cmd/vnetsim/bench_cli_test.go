package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vnetsim/vnetsim/internal/yardstick"
	"github.com/vnetsim/vnetsim/topology"
)

// BenchmarkCLI runs the built vnetsim binary (VNETSIM_BIN; skipped without
// it) end to end, as a user does: check and validate of one catalog
// scenario, and validate of generated estates (VNETSIM_BENCH_ESTATES, as in
// package sim, written once into VNETSIM_BENCH_DIR) as YAML and JSON. It
// reports the wall time, the peak resident memory of the process (MiB-peak)
// and, timed after each run in the same loop, route-trie lookups of a
// catalog scenario (package yardstick), and the CPU time of the process.
func BenchmarkCLI(b *testing.B) {
	bin := os.Getenv("VNETSIM_BIN")
	if bin == "" {
		b.Skip("VNETSIM_BIN is not set (make bench sets it)")
	}
	dir := os.Getenv("VNETSIM_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	topo, err := topology.Load(filepath.Join("..", "..", "scenarios", "forced-tunneling-firewall.yaml"), topology.Options{})
	if err != nil {
		b.Fatal(err)
	}
	stick := yardstick.Of(topo)
	const scenario = "catalog:forced-tunneling-firewall#no-tag-routes"
	b.Run("check/catalog", func(b *testing.B) { runCLI(b, stick, bin, "check", scenario) })
	b.Run("validate/catalog", func(b *testing.B) { runCLI(b, stick, bin, "validate", scenario) })
	spec := os.Getenv("VNETSIM_BENCH_ESTATES")
	if spec == "" {
		spec = "100x10,1000x10,5000x10,1000x100"
	}
	for _, e := range strings.Split(spec, ",") {
		vnets, rules, ok := strings.Cut(strings.TrimSpace(e), "x")
		if !ok {
			continue
		}
		for _, format := range []string{"yaml", "json"} {
			file := filepath.Join(dir, fmt.Sprintf("estate-%s.%s", e, format))
			b.Run(fmt.Sprintf("validate/estate=%s/format=%s", e, format), func(b *testing.B) {
				if _, err := os.Stat(file); err != nil {
					gen := exec.Command(bin, "gen", "--vnets", vnets, "--subnets-per-vnet", "10", "--rules-per-nsg", rules, "-o", file)
					if out, err := gen.CombinedOutput(); err != nil {
						b.Fatalf("%v: %v\n%s", gen, err, out)
					}
				}
				runCLI(b, stick, bin, "validate", file)
			})
		}
	}
}

func runCLI(b *testing.B, stick *yardstick.Stick, bin string, args ...string) {
	var work, look time.Duration
	var peak int64
	var cpu time.Duration
	looks := 0
	for b.Loop() {
		cmd := exec.Command(bin, args...)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		work += time.Since(start)
		if code := cmd.ProcessState.ExitCode(); err != nil && code != 1 {
			b.Fatalf("%v: %v\n%s", cmd, err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss) // KiB on Linux
		}
		look += stick.Lookups(20000)
		looks += 20000
	}
	yardstick.Report(b, work, b.N, look, looks)
	b.ReportMetric(float64(peak)/1024, "MiB-peak")
	// CPU time (user and system) of the process: on a shared machine, less
	// noisy than the wall time, which counts waiting for a core.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
