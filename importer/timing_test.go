package importer_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"

	"github.com/vnetsim/vnetsim/importer"
	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/spec"
	"github.com/vnetsim/vnetsim/topology"
)

// The target: importing a 5,000-VNet Azure Resource Graph export
// takes no longer than loading the same estate from YAML. Run with
// VNETSIM_TIMING=1 (it writes about 100 MB and takes a minute):
//
//	VNETSIM_TIMING=1 go test ./importer -run TestImportTiming -v
func TestImportTiming(t *testing.T) {
	if os.Getenv("VNETSIM_TIMING") == "" {
		t.Skip("set VNETSIM_TIMING=1 to measure")
	}
	vnets := 5000
	if v := os.Getenv("VNETSIM_TIMING_VNETS"); v != "" {
		fmt.Sscan(v, &vnets)
	}
	var yml bytes.Buffer
	if err := scenarios.Generate(&yml, scenarios.GenOptions{VNets: vnets, SubnetsPerVNet: 4, RulesPerNSG: 10, Seed: 1, Region: "eastus"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	yamlFile := filepath.Join(dir, "estate.yaml")
	if err := os.WriteFile(yamlFile, yml.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := spec.Parse(yamlFile, yml.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	x := newExporter(d.Scenario)
	x.graph = true
	x.export()
	data, err := json.Marshal(map[string]any{"count": len(x.out), "data": x.out, "skip_token": nil, "total_records": len(x.out)})
	if err != nil {
		t.Fatal(err)
	}
	jsonFile := filepath.Join(dir, "graph.json")
	if err := os.WriteFile(jsonFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("estate: %d VNets; YAML %.1f MB; Resource Graph export %d rows, %.1f MB", vnets, float64(yml.Len())/1e6, len(x.out), float64(len(data))/1e6)
	x = nil
	runtime.GC()

	start, cpu0 := time.Now(), cpuTime()
	if _, err := topology.Load(yamlFile, topology.Options{}); err != nil {
		t.Fatal(err)
	}
	loadYAML, loadCPU := time.Since(start), cpuTime()-cpu0
	runtime.GC()

	if f := os.Getenv("VNETSIM_TIMING_PROFILE"); f != "" {
		pf, _ := os.Create(f)
		_ = pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	start, cpu0 = time.Now(), cpuTime()
	res, err := importer.Import([]string{jsonFile}, importer.Options{})
	pprof.StopCPUProfile()
	if err != nil {
		t.Fatal(err)
	}
	importOnly, importCPU := time.Since(start), cpuTime()-cpu0
	var out bytes.Buffer
	if err := importer.Write(&out, res.After, ""); err != nil {
		t.Fatal(err)
	}
	importWrite := time.Since(start)
	t.Logf("CPU time: load from YAML %s, import %s (ratio %.2f)", loadCPU.Round(time.Millisecond), importCPU.Round(time.Millisecond), importCPU.Seconds()/loadCPU.Seconds())
	t.Logf("load from YAML (decode and compile): %s", loadYAML.Round(time.Millisecond))
	t.Logf("import to a scenario: %s (ratio %.2f); and writing its YAML: %s (ratio %.2f); %d problems",
		importOnly.Round(time.Millisecond), importOnly.Seconds()/loadYAML.Seconds(), importWrite.Round(time.Millisecond), importWrite.Seconds()/loadYAML.Seconds(), len(res.Problems))
	if importOnly > loadYAML {
		t.Errorf("import took %s, longer than loading the YAML (%s)", importOnly, loadYAML)
	}
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
