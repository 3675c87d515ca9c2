// Command benchtable summarises `go test -bench` output run for several
// rounds (-count N, or A/B rounds run alternately): the median of every
// metric of every benchmark, and with -targets the rows of the performance
// targets (issue 18) beside their figures.
//
//	go test -bench . -count 5 ./sim | go run ./internal/benchtable
//	go run ./internal/benchtable -targets bench.txt
//	go run ./internal/benchtable -a a.txt -b b.txt      # A/B medians and B/A
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// results maps a benchmark name to its metrics' values, one per round.
type results struct {
	names []string // in first-seen order
	vals  map[string]map[string][]float64
	units map[string][]string // per name, in first-seen order
}

var procSuffix = regexp.MustCompile(`-\d+$`)

func read(r io.Reader, res *results) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := procSuffix.ReplaceAllString(f[0], "")
		if res.vals[name] == nil {
			res.vals[name] = map[string][]float64{}
			res.names = append(res.names, name)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			u := f[i+1]
			if _, seen := res.vals[name][u]; !seen {
				res.units[name] = append(res.units[name], u)
			}
			res.vals[name][u] = append(res.vals[name][u], v)
		}
	}
	return sc.Err()
}

func newResults() *results {
	return &results{vals: map[string]map[string][]float64{}, units: map[string][]string{}}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func load(files []string) (*results, error) {
	res := newResults()
	if len(files) == 0 {
		return res, read(os.Stdin, res)
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		err = read(fh, res)
		fh.Close()
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

func human(v float64, unit string) string {
	if unit == "ns/op" {
		switch {
		case v >= 1e9:
			return fmt.Sprintf("%.2f s", v/1e9)
		case v >= 1e6:
			return fmt.Sprintf("%.1f ms", v/1e6)
		case v >= 1e3:
			return fmt.Sprintf("%.2f µs", v/1e3)
		}
		return fmt.Sprintf("%.0f ns", v)
	}
	switch {
	case v >= 1e5:
		return fmt.Sprintf("%.0f %s", v, unit)
	case v >= 100:
		return fmt.Sprintf("%.1f %s", v, unit)
	}
	return fmt.Sprintf("%.3g %s", v, unit)
}

func printMedians(w io.Writer, res *results) {
	for _, name := range res.names {
		var parts []string
		n := 0
		for _, u := range res.units[name] {
			v := res.vals[name][u]
			n = max(n, len(v))
			parts = append(parts, human(median(v), u))
		}
		fmt.Fprintf(w, "%-70s n=%d  %s\n", name, n, strings.Join(parts, "  "))
	}
}

func printAB(w io.Writer, a, b *results) {
	fmt.Fprintf(w, "%-62s %-10s %12s %12s %7s\n", "benchmark", "metric", "A median", "B median", "B/A")
	for _, name := range a.names {
		if b.vals[name] == nil {
			continue
		}
		for _, u := range a.units[name] {
			if !slices.Contains([]string{"ns/op", "lookups", "allocs/run", "allocs/op", "B/op", "MiB-peak", "MiB-heap", "traces/s", "queries/s", "p99-µs", "MB-file", "cpu-ms/op", "cpu-s/op"}, u) {
				continue
			}
			va, vb := a.vals[name][u], b.vals[name][u]
			if len(va) == 0 || len(vb) == 0 {
				continue
			}
			ma, mb := median(va), median(vb)
			ratio := "-"
			if ma != 0 {
				ratio = fmt.Sprintf("%.3f", mb/ma)
			}
			fmt.Fprintf(w, "%-62s %-10s %12.4g %12.4g %7s   (n=%d,%d)\n", name, u, ma, mb, ratio, len(va), len(vb))
		}
	}
}

// target is one row of the table: a benchmark's metric and the goal.
type target struct {
	row, bench, unit, goal string
}

var targets = []target{
	{"load 5,000 VNets / 50k subnets / 500k rules (JSON)", "BenchmarkCLI/validate/estate=5000x10/format=json", "ns/op", "<= 3 s"},
	{"", "BenchmarkCLI/validate/estate=5000x10/format=json", "MiB-peak", "<= 1536 MiB"},
	{"load 1,000 VNets / 10k subnets / 1M rules (JSON)", "BenchmarkCLI/validate/estate=1000x100/format=json", "ns/op", "<= 3 s"},
	{"", "BenchmarkCLI/validate/estate=1000x100/format=json", "MiB-peak", "<= 2048 MiB"},
	{"load 5,000 VNets (YAML)", "BenchmarkCLI/validate/estate=5000x10/format=yaml", "ns/op", "<= 6 s"},
	{"", "BenchmarkCLI/validate/estate=5000x10/format=yaml", "MiB-peak", "<= 2560 MiB"},
	{"load 1,000 VNets / 1M rules (YAML)", "BenchmarkCLI/validate/estate=1000x100/format=yaml", "ns/op", "<= 10 s"},
	{"", "BenchmarkCLI/validate/estate=1000x100/format=yaml", "MiB-peak", "<= 2560 MiB"},
	{"load in process, 5,000 VNets (JSON)", "BenchmarkEstateLoad/estate=5000x10/format=json", "ns/op", "-"},
	{"", "BenchmarkEstateLoad/estate=5000x10/format=json", "cpu-s/op", "(CPU time)"},
	{"load in process, 5,000 VNets (YAML)", "BenchmarkEstateLoad/estate=5000x10/format=yaml", "ns/op", "-"},
	{"", "BenchmarkEstateLoad/estate=5000x10/format=yaml", "cpu-s/op", "(CPU time)"},
	{"load in process, 1,000 VNets / 1M rules (JSON)", "BenchmarkEstateLoad/estate=1000x100/format=json", "ns/op", "-"},
	{"", "BenchmarkEstateLoad/estate=1000x100/format=json", "cpu-s/op", "(CPU time)"},
	{"load in process, 1,000 VNets / 1M rules (YAML)", "BenchmarkEstateLoad/estate=1000x100/format=yaml", "ns/op", "-"},
	{"", "BenchmarkEstateLoad/estate=1000x100/format=yaml", "cpu-s/op", "(CPU time)"},
	{"full trace with hops and reply, 1,000 VNets", "BenchmarkEstateTrace/estate=1000x10/quiet=false", "ns/op", "<= 10 µs"},
	{"full trace with hops and reply, 5,000 VNets", "BenchmarkEstateTrace/estate=5000x10/quiet=false", "ns/op", "<= 10 µs"},
	{"quiet trace, 1,000 VNets", "BenchmarkEstateTrace/estate=1000x10/quiet=true", "ns/op", "<= 3 µs"},
	{"quiet trace, 5,000 VNets", "BenchmarkEstateTrace/estate=5000x10/quiet=true", "ns/op", "<= 3 µs"},
	{"quiet traces per second on every core, 5,000 VNets", "BenchmarkEstateTracesParallel/estate=5000x10", "traces/s", ">= 500000"},
	{"check of one catalog scenario, end to end", "BenchmarkCLI/check/catalog", "ns/op", "<= 20 ms"},
	{"", "BenchmarkCLI/check/catalog", "cpu-ms/op", "(CPU time)"},
	{"validate of one catalog scenario, end to end", "BenchmarkCLI/validate/catalog", "ns/op", "<= 20 ms"},
	{"", "BenchmarkCLI/validate/catalog", "cpu-ms/op", "(CPU time)"},
	{"matrix, 1,000 subnets of a 1,000-VNet estate", "BenchmarkEstateMatrix/estate=1000x10/subnets=1000", "ns/op", "<= 2 s"},
	{"matrix, 1,000 subnets of the 5,000-VNet estate", "BenchmarkEstateMatrix/estate=5000x10/subnets=1000", "ns/op", "-"},
	{"matrix, 50,000 subnets (make bench MATRIX_LARGE=50000)", "BenchmarkEstateMatrix/estate=5000x10/subnets=50000", "ns/op", "<= 60 s"},
	{"dns serve, 8 clients on loopback", "BenchmarkServe", "queries/s", ">= 60000"},
	{"", "BenchmarkServe", "p99-µs", "<= 1000 µs"},
}

func printTargets(w io.Writer, res *results) {
	fmt.Fprintf(w, "%-52s %14s %8s  %-12s %s\n", "measure (issue 18)", "median", "lookups", "target", "benchmark")
	for _, t := range targets {
		vals := res.vals[t.bench][t.unit]
		got, looks := "not run", ""
		if len(vals) > 0 {
			got = human(median(vals), t.unit)
			if l := res.vals[t.bench]["lookups"]; len(l) > 0 && t.unit == "ns/op" {
				looks = fmt.Sprintf("%.0f", median(l))
			}
		}
		fmt.Fprintf(w, "%-52s %14s %8s  %-12s %s (n=%d)\n", t.row, got, looks, t.goal, t.bench, len(vals))
	}
}

func main() {
	a := flag.String("a", "", "A/B: the A rounds' output")
	b := flag.String("b", "", "A/B: the B rounds' output")
	tg := flag.Bool("targets", false, "print the issue's targets beside the medians")
	flag.Parse()
	if *a != "" || *b != "" {
		ra, err := load([]string{*a})
		check(err)
		rb, err := load([]string{*b})
		check(err)
		printAB(os.Stdout, ra, rb)
		return
	}
	res, err := load(flag.Args())
	check(err)
	printMedians(os.Stdout, res)
	if *tg {
		fmt.Println()
		printTargets(os.Stdout, res)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}
}
