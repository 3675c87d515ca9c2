package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// update rewrites the cmp golden sections of the scripts in
// testdata/script: go test ./cmd/vnetsim -update
var update = flag.Bool("update", false, "rewrite the golden files compared with cmp in testdata/script/*.txtar")

// TestMain lets the test binary act as the vnetsim command inside scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"vnetsim": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end command-line tests in testdata/script.
//
// Besides the standard testscript commands, scripts have
//
//	exitcode N PROGRAM [ARGS...]
//
// which runs PROGRAM like exec and fails unless it exits with code N. It also
// fails when PROGRAM prints a Go panic or goroutine stack on stderr, whatever
// its exit code, since a scenario error must never do that. Its stdout and
// stderr can be checked afterwards with stdout, stderr and cmp as after exec.
//
//	lines N FILE
//
// which fails unless FILE (stdout, stderr or a file) holds exactly N lines:
// a scenario with N mistakes gives N error lines, no more.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		ContinueOnError:     true, // report every failing check of a script, not only the first
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"exitcode": cmdExitCode, "lines": cmdLines},
	})
}

var goStack = regexp.MustCompile(`(?m)^(panic: |goroutine \d+ \[)`)

func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode (give the expected code instead)")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %q is not a number", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if goStack.MatchString(ts.ReadFile("stderr")) {
		ts.Fatalf("%s printed a Go panic or stack trace", args[1])
	}
	if got != want {
		ts.Fatalf("%s exited with code %d, want %d", args[1], got, want)
	}
}

func cmdLines(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: lines N FILE")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("lines: %q is not a number", args[0])
	}
	text := ts.ReadFile(args[1])
	got := strings.Count(text, "\n")
	if text != "" && !strings.HasSuffix(text, "\n") {
		got++
	}
	if (got == want) == neg {
		if neg {
			ts.Fatalf("%s has %d lines", args[1], got)
		}
		ts.Fatalf("%s has %d lines, want %d", args[1], got, want)
	}
}

// TestExitCodeTables keeps the exit code tables of README.md and
// docs/cli.md equal to exitCodeTable, the one the code decides.
func TestExitCodeTables(t *testing.T) {
	var want []string
	for _, x := range exitCodeTable {
		want = append(want, fmt.Sprintf("| %d | %s |", x.code, x.meaning))
	}
	for _, file := range []string{"../../README.md", "../../docs/cli.md"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range strings.Split(string(data), "\n") {
			if regexp.MustCompile(`^\| [0-9] \| `).MatchString(l) {
				got = append(got, l)
			}
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: the exit code table differs from exitCodeTable in main.go:\n%s\nwant:\n%s", file, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
