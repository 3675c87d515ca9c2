package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vnetsim/vnetsim/importer"
	"github.com/vnetsim/vnetsim/importer/arm"
	"github.com/vnetsim/vnetsim/topology"
)

// runImport runs `vnetsim import`: ARM resource JSON, ARM templates, ARM
// what-if output or Terraform plans and state to a scenario, on stdout or
// in -o FILE; what it did not import is listed on stderr.
func runImport(e *env, args []string) (int, error) {
	fs := e.flags("import")
	params := fs.String("parameters", "", "an ARM parameters file for the template")
	format := fs.String("format", "", "the input kind instead of detecting it: "+orList(importer.Formats))
	out := fs.StringP("output", "o", "", "write the scenario to FILE instead of stdout")
	strict := fs.Bool("strict", false, "exit 3 if anything is not imported")
	before := fs.Bool("before", false, "for a plan or a what-if, write the network before the change")
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	if fs.NArg() == 0 {
		return 0, usagef("import: give at least one FILE or DIR")
	}
	if *format != "" && !strings.Contains(" "+strings.Join(importer.Formats, " ")+" ", " "+*format+" ") {
		return 0, usagef("import: --format %q: want %s", *format, orList(importer.Formats))
	}
	res, err := importer.Import(fs.Args(), importer.Options{Format: *format, Parameters: *params})
	if err != nil {
		var ie *importer.InputError
		if errors.As(err, &ie) {
			return 0, topology.ErrorList{{File: ie.File, Msg: ie.Msg}}
		}
		return 0, err
	}
	o := res.After
	if *before {
		if res.Before == nil {
			return 0, usagef("import: --before needs a Terraform plan or an ARM what-if")
		}
		o = res.Before
	}
	reportProblems(e.stderr, "import", res.Problems)
	header := "imported by vnetsim import from " + strings.Join(fs.Args(), ", ")
	if *out == "" {
		err = importer.Write(e.stdout, o, header)
	} else {
		err = writeFile("import -o", *out, func(w io.Writer) error { return importer.Write(w, o, header) })
	}
	if err != nil {
		return 0, err
	}
	if *strict && countSkipped(res.Problems) > 0 {
		return exitInvalid, nil
	}
	return exitOK, nil
}

// countSkipped counts the problems that are something not imported (notes
// are not).
func countSkipped(ps []arm.Problem) int {
	n := 0
	for _, p := range ps {
		if p.Kind != "note" {
			n++
		}
	}
	return n
}

// reportProblems lists what an import left out, one line each, and a count.
func reportProblems(w io.Writer, what string, ps []arm.Problem) {
	for _, p := range ps {
		fmt.Fprintln(w, p.String())
	}
	if len(ps) > 0 {
		fmt.Fprintf(w, "vnetsim %s: %d not imported or noted (%s)\n", what, countSkipped(ps), importer.ProblemCounts(ps))
	}
}

// importNotes tells, on stderr, how much an import done for another command
// left out (vnetsim import FILE lists it).
func importNotes(w io.Writer) func(string, []arm.Problem) {
	return func(file string, ps []arm.Problem) {
		if n := countSkipped(ps); n > 0 {
			fmt.Fprintf(w, "vnetsim: %s: %d not imported (%s); vnetsim import %s lists them\n", file, n, importer.ProblemCounts(ps), file)
		}
	}
}
