package main

import (
	"io"
	"strconv"
	"strings"

	"github.com/vnetsim/vnetsim/picture"
	"github.com/vnetsim/vnetsim/sim"
)

// runReport writes one self-contained HTML page with every file's topology
// picture, the outcome and path of every expectation of every variant, the
// matrix and the lint findings. It exits like check: 1 when an
// expectation is not met.
func runReport(e *env, args []string) (int, error) {
	fs := e.flags("report")
	out := fs.StringP("output", "o", "-", "the HTML file to write (- for stdout)")
	title := fs.String("title", "", "the page's title (default: vnetsim report of FILE...)")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	files := fs.Args()
	if len(files) == 0 {
		return 0, usagef("report: give at least one scenario FILE (catalog:NAME for an embedded one)")
	}
	var inputs []picture.ScenarioInput
	invalid, err := e.eachScenario(files, *tags, func(f string, ts []*sim.Network) {
		inputs = append(inputs, picture.ScenarioInput{File: f, Networks: ts})
	})
	if err != nil {
		return 0, err
	}
	if len(invalid) > 0 {
		return 0, invalid
	}
	if *title == "" {
		*title = "vnetsim report of " + strings.Join(files, ", ")
		if len(files) > 3 {
			*title = "vnetsim report of " + files[0] + " and " + strconv.Itoa(len(files)-1) + " more"
		}
	}
	rep := picture.NewReport(*title, inputs)
	write := func(w io.Writer) error { return rep.WriteHTML(w) }
	if *out == "-" {
		err = write(e.stdout)
	} else {
		err = writeFile("-o", *out, write)
	}
	if err != nil {
		return 0, err
	}
	if rep.Failed > 0 {
		return exitFailed, nil
	}
	return exitOK, nil
}
