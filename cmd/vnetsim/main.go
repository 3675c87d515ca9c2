// Command vnetsim simulates and analyzes Azure network isolation from
// scenario files. This file only parses flags and calls the packages that do
// the work; see README.md for the commands.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/spf13/pflag"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// Exit codes (the command-line contract).
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitInvalid = 3
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `vnetsim simulates Azure network isolation from scenario files.

Usage:
  vnetsim validate FILE...
  vnetsim trace FILE --from A --to B [--protocol Tcp] [--port 443] [-o text|json]
  vnetsim routes FILE --subnet VNET/SUBNET [-o text|json]
  vnetsim nexthop FILE --from A --to IP [-o text|json]
  vnetsim check FILE... [-o text|json] [--junit FILE]
  vnetsim lint FILE... [-o text|json]
  vnetsim simulate FILE --intent NAME [--compute C] [--client V] [-o text|json]
  vnetsim intents
  vnetsim matrix FILE [--from SELECTOR] [--to SELECTOR] [-o text|json|csv]
  vnetsim diff BEFORE AFTER [-o text|json]   or   vnetsim diff FILE --patch PATCH.yaml
  vnetsim dns query|serve FILE --from ENDPOINT [NAME] [--type A] [--listen 127.0.0.1:5353] [-o text|json]
  vnetsim gen [--vnets 100] [--subnets-per-vnet 4] [--rules-per-nsg 10] [--seed 1] [--region eastus] [-o FILE]
  vnetsim catalog

FILE is a path, or catalog:NAME for a scenario embedded in vnetsim.
Exit codes: 0 success, 1 an expectation not met, an intent that fails, or
(diff) a change, 2 usage error, 3 invalid scenario.
`

// jsonOutput reports whether the command line asks for JSON, which turns
// progress reports off.
func jsonOutput(args []string) bool {
	for i, a := range args {
		if a == "-ojson" || a == "--output=json" || a == "-o=json" || ((a == "-o" || a == "--output") && i+1 < len(args) && args[i+1] == "json") {
			return true
		}
	}
	return false
}

// usageError is a mistake on the command line (exit code 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// run executes one command line and returns its exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	helpOut = stdout
	progressErr = nil
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && !jsonOutput(args) {
		progressErr = stderr
	}
	cmd, rest := args[0], args[1:]
	var err error
	code := exitOK
	switch cmd {
	case "validate":
		err = runValidate(rest, stdout)
	case "trace":
		code, err = runTrace(rest, stdout)
	case "routes":
		err = runRoutes(rest, stdout)
	case "nexthop":
		err = runNextHop(rest, stdout)
	case "dns":
		code, err = runDNS(rest, stdout, stderr)
	case "check":
		code, err = runCheck(rest, stdout)
	case "lint":
		code, err = runLint(rest, stdout)
	case "simulate":
		code, err = runSimulate(rest, stdout)
	case "intents":
		err = runIntents(rest, stdout)
	case "matrix":
		err = runMatrix(rest, stdout, stderr)
	case "diff":
		code, err = runDiff(rest, stdout)
	case "gen":
		err = runGen(rest, stdout)
	case "catalog":
		for _, n := range scenarios.Names() {
			fmt.Fprintln(stdout, scenarios.Prefix+n)
		}
	default:
		err = usagef("unknown command %q\n\n%s", cmd, usage)
	}
	return exitCode(err, code, stderr)
}

func exitCode(err error, code int, stderr io.Writer) int {
	if err == nil {
		return code
	}
	var ue *usageError
	var el topology.ErrorList
	var pe *topology.Error
	switch {
	case errors.Is(err, pflag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "vnetsim: %s\n", ue.msg)
		return exitUsage
	case errors.As(err, &el):
		for _, e := range el {
			fmt.Fprintln(stderr, e.Error())
		}
		return exitInvalid
	case errors.As(err, &pe):
		fmt.Fprintln(stderr, pe.Error())
		return exitInvalid
	}
	fmt.Fprintf(stderr, "vnetsim: %v\n", err)
	return exitUsage
}

// helpOut is where -h prints a subcommand's flags (stdout).
var helpOut io.Writer = os.Stdout

// flags returns a FlagSet for one subcommand whose errors are usage errors
// and whose -h prints its flags on stdout.
func flags(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	fs.Usage = func() {
		fmt.Fprintf(helpOut, "Usage: vnetsim %s [flags]\n\nFlags:\n%s", name, fs.FlagUsages())
	}
	return fs
}

// parse parses args into fs and checks the value of -o against the formats
// outputFlag registered.
func parse(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err // pflag has already called fs.Usage
		}
		return usagef("%s: %v", fs.Name(), err)
	}
	if f := fs.Lookup("output"); f != nil {
		if formats := f.Annotations[formatsKey]; formats != nil && !slices.Contains(formats, f.Value.String()) {
			return usagef("-o %q: want %s", f.Value.String(), orList(formats))
		}
	}
	return nil
}

// formatsKey annotates -o with the formats a command prints.
const formatsKey = "vnetsim-formats"

// outputFlag registers -o with the formats the command prints, text and json
// unless given; parse rejects any other.
func outputFlag(fs *pflag.FlagSet, formats ...string) *string {
	if len(formats) == 0 {
		formats = []string{"text", "json"}
	}
	o := fs.StringP("output", "o", "text", "output format: "+orList(formats))
	fs.SetAnnotation("output", formatsKey, formats)
	return o
}

// orList writes "a, b or c".
func orList(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func tagsFlag(fs *pflag.FlagSet) *string {
	return fs.String("service-tags", "", "a ServiceTags_Public JSON file to use instead of the embedded one")
}

func load(file, tags string) (*topology.Topology, error) {
	stop := loading(file)
	defer stop()
	return scenarios.Load(file, topology.Options{ServiceTagsFile: tags})
}

// eachScenario loads every file with its variants and calls fn for those
// that load and whose expectations name real endpoints. The problems of the
// others are returned together (exit code 3) after all files are read.
func eachScenario(files []string, tags string, fn func(file string, ts []*topology.Topology)) (topology.ErrorList, error) {
	var invalid topology.ErrorList
	for _, f := range files {
		ts, err := loadAll(f, tags)
		if err != nil {
			var el topology.ErrorList
			if errors.As(err, &el) {
				invalid = append(invalid, el...)
				continue
			}
			return nil, err
		}
		bad := false
		for _, t := range ts {
			if el := sim.ValidateExpectations(t); len(el) > 0 {
				invalid = append(invalid, el...)
				bad = true
			}
		}
		if !bad {
			fn(f, ts)
		}
	}
	return invalid, nil
}

// loadAll loads a scenario and its variants, reporting a long load.
func loadAll(file, tags string) ([]*topology.Topology, error) {
	stop := loading(file)
	defer stop()
	return scenarios.LoadAll(file, topology.Options{ServiceTagsFile: tags})
}

// progressErr is where long operations report progress: stderr when it is a
// terminal, else nil. Commands printing JSON clear it.
var progressErr io.Writer

// loading reports a load that takes more than about two seconds; the
// returned func ends the report.
func loading(file string) func() {
	w := progressErr
	if w == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprintf(w, "\rloading %s: done in %s\n", file, time.Since(start).Round(100*time.Millisecond))
				}
				return
			case <-t.C:
				if time.Since(start) >= 2*time.Second {
					shown = true
					fmt.Fprintf(w, "\rloading %s: %s", file, time.Since(start).Round(time.Second))
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

func oneFile(fs *pflag.FlagSet) (string, error) {
	if fs.NArg() != 1 {
		return "", usagef("%s: give exactly one scenario FILE", fs.Name())
	}
	return fs.Arg(0), nil
}

func runValidate(args []string, stdout io.Writer) error {
	fs := flags("validate")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("validate: give at least one scenario FILE")
	}
	invalid, err := eachScenario(fs.Args(), *tags, func(f string, ts []*topology.Topology) {
		t := ts[0]
		variants := ""
		if len(ts) > 1 {
			variants = fmt.Sprintf(", %d variants", len(ts)-1)
		}
		fmt.Fprintf(stdout, "%s: ok (%d VNets, %d subnets, %d NICs, %d expectations%s)\n", f, len(t.VNets), countSubnets(t), len(t.NICs), len(t.Expectations), variants)
	})
	if err != nil {
		return err
	}
	if len(invalid) > 0 {
		return invalid
	}
	return nil
}

func countSubnets(t *topology.Topology) int {
	n := 0
	for _, v := range t.VNets {
		n += len(v.Subnets)
	}
	return n
}

func runTrace(args []string, stdout io.Writer) (int, error) {
	fs := flags("trace")
	from := fs.String("from", "", "source endpoint")
	to := fs.String("to", "", "destination endpoint")
	proto := fs.String("protocol", "Tcp", "Tcp, Udp, Icmp, Esp or Ah")
	port := fs.Uint16("port", 443, "destination port")
	srcPort := fs.Uint16("source-port", sim.DefaultSourcePort, "source port")
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
		return 0, usagef("trace: --from and --to are required")
	}
	p, err := topology.ParseProtocol(*proto)
	if err != nil || p == topology.ProtocolAny {
		return 0, usagef("trace: --protocol %q: want Tcp, Udp, Icmp, Esp or Ah", *proto)
	}
	t, err := load(file, *tags)
	if err != nil {
		return 0, err
	}
	res, err := sim.Trace(t, sim.Request{From: *from, To: *to, Protocol: p, Port: *port, SrcPort: *srcPort})
	if err != nil {
		return 0, usagef("trace: %v", err)
	}
	if *out == "json" {
		return 0, sim.WriteJSON(stdout, res)
	}
	return 0, sim.WriteTraceText(stdout, res)
}

func runRoutes(args []string, stdout io.Writer) error {
	fs := flags("routes")
	subnet := fs.String("subnet", "", "VNET/SUBNET")
	out := outputFlag(fs)
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	file, err := oneFile(fs)
	if err != nil {
		return err
	}
	if *subnet == "" {
		return usagef("routes: --subnet VNET/SUBNET is required")
	}
	t, err := load(file, *tags)
	if err != nil {
		return err
	}
	routes, err := sim.EffectiveRoutes(t, *subnet)
	if err != nil {
		return usagef("routes: %v", err)
	}
	if *out == "json" {
		return sim.WriteJSON(stdout, routes)
	}
	return sim.WriteRoutesText(stdout, *subnet, routes)
}

func runNextHop(args []string, stdout io.Writer) error {
	fs := flags("nexthop")
	from := fs.String("from", "", "source endpoint (in a subnet)")
	to := fs.String("to", "", "destination IP address")
	out := outputFlag(fs)
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	file, err := oneFile(fs)
	if err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usagef("nexthop: --from and --to are required")
	}
	t, err := load(file, *tags)
	if err != nil {
		return err
	}
	nh, err := sim.FindNextHop(t, *from, *to)
	if err != nil {
		return usagef("nexthop: %v", err)
	}
	if *out == "json" {
		return sim.WriteJSON(stdout, nh)
	}
	return sim.WriteNextHopText(stdout, nh)
}

func runCheck(args []string, stdout io.Writer) (int, error) {
	fs := flags("check")
	out := outputFlag(fs)
	junit := fs.String("junit", "", "also write the results as JUnit XML to this file")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	files := fs.Args()
	if len(files) == 0 {
		return 0, usagef("check: give at least one scenario FILE (catalog:NAME for an embedded one)")
	}
	rep := &sim.CheckReport{Version: sim.JSONVersion, Outcomes: []sim.Outcome{}}
	invalid, err := eachScenario(files, *tags, func(_ string, ts []*topology.Topology) {
		for _, t := range ts {
			sim.Check(t, rep)
		}
	})
	if err != nil {
		return 0, err
	}
	if len(invalid) > 0 {
		return 0, invalid
	}
	if *junit != "" {
		if err := writeJUnit(*junit, rep); err != nil {
			return 0, err
		}
	}
	if *out == "json" {
		err = sim.WriteJSON(stdout, rep)
	} else {
		err = sim.WriteCheckText(stdout, rep)
	}
	if !rep.OK() {
		return exitFailed, err
	}
	return exitOK, err
}
