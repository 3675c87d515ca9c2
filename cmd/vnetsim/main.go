// Command vnetsim simulates and analyzes Azure network isolation from
// scenario files.
//
// This package only parses command lines and calls the packages that do the
// work: spec decodes, topology compiles, sim answers and renders, dnsmock
// resolves and serves. Each command lives in a file of its own, named after
// it, and is listed once in the commands table; I/O is injected through env,
// so there is no package state. See README.md for the commands.
package main

import (
	"errors"
	"fmt"
	"github.com/vnetsim/vnetsim/scenarios"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/vnetsim/vnetsim/topology"
)

// Exit codes (the command-line contract). exitCodeTable documents them; it
// is printed by the usage and must match the table in README.md and
// docs/cli.md (a test checks).
const (
	exitOK      = 0
	exitFailed  = 1 // something to look at: an expectation not met, an intent that fails, a lint error, a diff
	exitUsage   = 2 // a bad flag or argument
	exitInvalid = 3 // an invalid scenario: file:line: key: message
	exitIO      = 4 // an output file could not be written
)

// exitCodeTable is the one table of exit codes, in the words the README uses.
var exitCodeTable = []struct {
	code    int
	meaning string
}{
	{exitOK, "success: every expectation met (check), the intent works (simulate), no error finding (lint), no change (diff), an allowed flow, a next hop, an answer (trace, nexthop, dns query with --exit-code)"},
	{exitFailed, "something to look at: an expectation not met (check), an intent that fails (simulate), an error finding (lint), a change (diff, like git diff --exit-code), a denied flow (trace --exit-code), next hop None (nexthop --exit-code), a DNS failure such as NXDOMAIN (dns query --exit-code)"},
	{exitUsage, "usage error: a bad command, flag or argument; with diff --detailed-exitcode: changes (as terraform plan -detailed-exitcode)"},
	{exitInvalid, "invalid scenario or input file: one line per problem, file:line: key: message"},
	{exitIO, "an output file (--junit, --sarif, gen -o) could not be written"},
}

func main() {
	deferFirstGC(firstGCAt)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// firstGCAt is the memory in use at which the first collection runs.
const firstGCAt = 64 << 20

// deferFirstGC turns the garbage collector off until the process uses
// limit bytes, and back to its defaults after that first collection. A
// command on a catalog scenario allocates a few MB and exits; the
// collector's default first goal (4 MB) made it collect a few times for
// nothing (check of a catalog scenario, 20 alternating pairs of whole
// processes: CPU 0.88 of the default with the collector off, the same peak
// memory). A large estate collects as before once it passes limit. GOGC or
// GOMEMLIMIT in the environment are the user's choice and left alone.
func deferFirstGC(limit int64) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	percent := debug.SetGCPercent(-1)
	old := debug.SetMemoryLimit(limit)
	// The sentinel is garbage at once; its finalizer runs after the first
	// collection (forced by the memory limit) and restores the defaults.
	s := &gcSentinel{}
	runtime.SetFinalizer(s, func(*gcSentinel) {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(old)
	})
}

// gcSentinel is large enough, and holds a pointer, so that it is not put in
// a tiny block with other objects (whose finalizers may never run).
type gcSentinel struct {
	p *gcSentinel
	_ [16]byte
}

// command is one vnetsim command.
type command struct {
	name string
	// synopsis is its line in the global usage.
	synopsis string
	run      func(e *env, args []string) (int, error)
}

// commands lists every command in the order the usage shows them. A new
// command is a file of its own and one line here.
var commands = []command{
	{"validate", "validate FILE...", runValidate},
	{"trace", "trace FILE --from A --to B [--protocol Tcp] [--port 443] [--exit-code] [-o text|json|yaml|mermaid|dot|svg]", runTrace},
	{"routes", "routes FILE --subnet VNET/SUBNET [-o text|json|yaml]", runRoutes},
	{"nexthop", "nexthop FILE --from A --to IP [--exit-code] [-o text|json|yaml]", runNextHop},
	{"check", "check FILE... [-o text|json|yaml|sarif] [--junit FILE] [--sarif FILE] [--plan PLAN.json]", runCheck},
	{"lint", "lint FILE... [-o text|json|yaml|sarif] [--junit FILE] [--sarif FILE]", runLint},
	{"simulate", "simulate FILE --intent NAME [--compute C] [--client V] [-o text|json|yaml|mermaid|dot|svg] [--junit FILE]", runSimulate},
	{"intents", "intents", runIntents},
	{"matrix", "matrix FILE [--from SELECTOR] [--to SELECTOR] [-o text|json|yaml|csv]", runMatrix},
	{"diff", "diff BEFORE AFTER [-o text|json|yaml] [--junit FILE] [--detailed-exitcode]   or   vnetsim diff FILE --patch PATCH.yaml   or   vnetsim diff PLAN.json|WHATIF.json", runDiff},
	{"dns", "dns query|serve FILE --from ENDPOINT [NAME] [--type A] [--exit-code] [--listen 127.0.0.1:5353] [-o text|json|yaml]", runDNS},
	{"import", "import FILE|DIR... [--parameters FILE] [--format KIND] [--strict] [--before] [-o FILE]", runImport},
	{"graph", "graph FILE [-o dot|mermaid|svg]", runGraph},
	{"report", "report FILE... [-o report.html]", runReport},
	{"serve", "serve FILE [--listen 127.0.0.1:8080]", runServe},
	{"gen", "gen [--vnets 100] [--subnets-per-vnet 4] [--rules-per-nsg 10] [--seed 1] [--region eastus] [-o FILE]", runGen},
	{"catalog", "catalog", runCatalog},
	{"schema", "schema", runSchema},
	{"completion", "completion bash|zsh|fish|powershell", runCompletion},
	{"help", "help [COMMAND]", runHelp},
}

// usage is the global usage text, built from the commands table.
func usage(commands []command) string {
	var b strings.Builder
	b.WriteString("vnetsim simulates Azure network isolation from scenario files.\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  vnetsim %s\n", c.synopsis)
	}
	b.WriteString("  vnetsim --version\n")
	b.WriteString(`
FILE is a path, catalog:NAME for a scenario embedded in vnetsim, or - for
standard input; FILE#VARIANT picks a variant.

Exit codes:
`)
	for _, x := range exitCodeTable {
		fmt.Fprintf(&b, "  %d  %s\n", x.code, x.meaning)
	}
	return b.String()
}

func lookupCommand(commands []command, name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// run executes one command line and returns its exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return runIO(args, os.Stdin, stdout, stderr)
}

// runIO is run with standard input given.
func runIO(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage(commands))
		return exitUsage
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, commands: commands}
	scenarios.ImportNotes = importNotes(stderr)
	switch args[0] {
	case "-h", "--help":
		fmt.Fprint(stdout, usage(commands))
		return exitOK
	case "--version":
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	case completeCmd, completeNoDescCmd:
		return exitCode(runComplete(e, args), 0, stderr)
	}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && !jsonOutput(args) {
		e.progress = stderr
	}
	c, ok := lookupCommand(commands, args[0])
	if !ok {
		return exitCode(&usageError{fmt.Sprintf("unknown command %q\n\n%s", args[0], usage(commands))}, 0, stderr)
	}
	e.synopsis = c.synopsis
	code, err := c.run(e, args[1:])
	return exitCode(err, code, stderr)
}

// exitCode prints err, if any, and returns the exit code for it.
func exitCode(err error, code int, stderr io.Writer) int {
	if err == nil {
		return code
	}
	var ue *usageError
	var oe *outputError
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
	case errors.As(err, &oe):
		fmt.Fprintf(stderr, "vnetsim: %s\n", topology.OneLine(oe.Error()))
		return exitIO
	}
	fmt.Fprintf(stderr, "vnetsim: %s\n", topology.OneLine(err.Error()))
	return exitUsage
}
