package importer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
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
// VNETSIM_TIMING=1 (it writes about 220 MB and takes minutes):
//
//	VNETSIM_TIMING=1 go test ./importer -run TestImportTiming -v -timeout 30m
//
// The machine may be shared, so the two are measured alternately, in
// VNETSIM_TIMING_ROUNDS rounds (default 3), and compared by their medians,
// in wall and in CPU time. Other settings: VNETSIM_TIMING_VNETS (default
// 5000); VNETSIM_TIMING_DIR keeps the generated files there and reuses
// them; VNETSIM_TIMING_NOCHECK=1 skips comparing the writer's output with
// yaml.v3's (which takes a while); VNETSIM_TIMING_PROFILE=FILE writes a CPU
// profile of the rounds, whose samples are labelled phase=load, import or
// write (go tool pprof -tagfocus).
func TestImportTiming(t *testing.T) {
	if os.Getenv("VNETSIM_TIMING") == "" {
		t.Skip("set VNETSIM_TIMING=1 to measure")
	}
	vnets, rounds := envInt("VNETSIM_TIMING_VNETS", 5000), envInt("VNETSIM_TIMING_ROUNDS", 3)
	dir := os.Getenv("VNETSIM_TIMING_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	yamlFile := filepath.Join(dir, fmt.Sprintf("estate-%d.yaml", vnets))
	jsonFile := filepath.Join(dir, fmt.Sprintf("graph-%d.json", vnets))
	writeEstate(t, vnets, yamlFile, jsonFile)
	runtime.GC()

	if f := os.Getenv("VNETSIM_TIMING_PROFILE"); f != "" {
		pf, err := os.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			t.Log(err) // go test -cpuprofile is on: it covers everything
		} else {
			defer pprof.StopCPUProfile()
		}
	}
	var load, imp, write, loadCPU, impCPU, writeCPU []time.Duration
	for i := 0; i < rounds; i++ {
		w, c := measure("load", func() {
			if _, err := topology.Load(yamlFile, topology.Options{}); err != nil {
				t.Fatal(err)
			}
		})
		load, loadCPU = append(load, w), append(loadCPU, c)
		var res *importer.Result
		w, c = measure("import", func() {
			var err error
			if res, err = importer.Import([]string{jsonFile}, importer.Options{}); err != nil {
				t.Fatal(err)
			}
		})
		imp, impCPU = append(imp, w), append(impCPU, c)
		if len(res.Problems) > 0 {
			t.Errorf("%d problems, first %s", len(res.Problems), res.Problems[0])
		}
		w, c = measure("write", func() {
			if err := importer.Write(io.Discard, res.After, ""); err != nil {
				t.Fatal(err)
			}
		})
		write, writeCPU = append(write, w), append(writeCPU, c)
		t.Logf("round %d: load from YAML %s (CPU %s); import %s (CPU %s), ratio %.2f (CPU %.2f); writing its YAML %s (CPU %s)", i+1,
			ms(load[i]), ms(loadCPU[i]), ms(imp[i]), ms(impCPU[i]), imp[i].Seconds()/load[i].Seconds(), impCPU[i].Seconds()/loadCPU[i].Seconds(), ms(write[i]), ms(writeCPU[i]))
	}
	ml, mi, mw := median(load), median(imp), median(write)
	t.Logf("median of %d rounds: load from YAML %s (CPU %s); import %s (CPU %s); import/load ratio %.2f wall, %.2f CPU; import and write %s, ratio %.2f",
		rounds, ms(ml), ms(median(loadCPU)), ms(mi), ms(median(impCPU)), mi.Seconds()/ml.Seconds(), median(impCPU).Seconds()/median(loadCPU).Seconds(), ms(mi+mw), (mi+mw).Seconds()/ml.Seconds())
	if mi > ml {
		t.Errorf("import took %s, longer than loading the YAML (%s)", mi, ml)
	}
	if os.Getenv("VNETSIM_TIMING_NOCHECK") != "" {
		return
	}
	// the writer against yaml.v3's encoding of the whole tree, as it was
	res, err := importer.Import([]string{jsonFile}, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got, want []byte
	w, c := measure("write", func() { got, err = importer.Marshal(res.After, "h") })
	if err != nil {
		t.Fatal(err)
	}
	w3, c3 := measure("write-v3", func() { want, err = importer.WriteV3Tree(res.After, "h") })
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the writer's %d bytes differ from yaml.v3's %d", len(got), len(want))
	}
	t.Logf("writing %.1f MB of YAML: %s (CPU %s), as one yaml.v3 tree %s (CPU %s); same bytes", float64(len(got))/1e6, ms(w), ms(c), ms(w3), ms(c3))

}

// writeEstate writes a generated estate as YAML and, through the test
// exporter, as an Azure Resource Graph export, unless both exist.
func writeEstate(t *testing.T, vnets int, yamlFile, jsonFile string) {
	_, e1 := os.Stat(yamlFile)
	_, e2 := os.Stat(jsonFile)
	if e1 == nil && e2 == nil {
		return
	}
	var yml bytes.Buffer
	if err := scenarios.Generate(&yml, scenarios.GenOptions{VNets: vnets, SubnetsPerVNet: 4, RulesPerNSG: 10, Seed: 1, Region: "eastus"}); err != nil {
		t.Fatal(err)
	}
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
	if err := os.WriteFile(jsonFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("estate: %d VNets; YAML %.1f MB; Resource Graph export %d rows, %.1f MB", vnets, float64(yml.Len())/1e6, len(x.out), float64(len(data))/1e6)
}

// measure runs f after a collection, returning its wall and CPU time; in
// a CPU profile its samples carry the label phase=name.
func measure(name string, f func()) (wall, cpu time.Duration) {
	runtime.GC()
	start, cpu0 := time.Now(), cpuTime()
	pprof.Do(context.Background(), pprof.Labels("phase", name), func(context.Context) { f() })
	return time.Since(start), cpuTime() - cpu0
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

func envInt(k string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(k)); err == nil && n > 0 {
		return n
	}
	return def
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
