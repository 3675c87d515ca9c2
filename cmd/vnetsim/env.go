package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// env is what a command may touch: its output streams, and where long work
// reports progress (stderr when it is a terminal and the output is not
// JSON, else nil).
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	progress       io.Writer
	// stdinData is standard input, read once when a FILE is "-".
	stdinData []byte
	stdinRead bool
	// commands is the commands table (help and completion read it).
	commands []command
	// synopsis is the running command's line in the usage.
	synopsis string
	// described collects the flag sets commands define; when it is not
	// nil the commands are only being described (help, completion).
	described *[]*pflag.FlagSet
	// plan, for check --plan, is a Terraform plan or ARM what-if whose
	// planned network the suites run against.
	plan string
}

// usageError is a mistake on the command line (exit code 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	for i, a := range args {
		// Names from the command line or a file print on one line.
		switch v := a.(type) {
		case string:
			args[i] = topology.OneLine(v)
		case error:
			args[i] = topology.OneLine(v.Error())
		}
	}
	return &usageError{fmt.Sprintf(format, args...)}
}

// outputError is an output file that could not be written (exit code 4).
type outputError struct {
	flag, path string
	err        error
}

func (e *outputError) Error() string { return fmt.Sprintf("%s %s: %v", e.flag, e.path, e.err) }
func (e *outputError) Unwrap() error { return e.err }

// writeFile writes path through write; on any error it removes the file and
// returns an outputError naming flag.
func writeFile(flag, path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return &outputError{flag, path, err}
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return &outputError{flag, path, err}
	}
	return nil
}

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

// flags returns a FlagSet for one command whose errors are usage errors and
// whose -h prints its flags on stdout.
func (e *env) flags(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	fs.Usage = func() {
		synopsis := ""
		if e.synopsis != "" && !strings.Contains(name, " ") {
			synopsis = "\n  vnetsim " + e.synopsis + "\n"
		}
		fmt.Fprintf(e.stdout, "Usage: vnetsim %s [flags]\n%s\nFlags:\n%s", name, synopsis, fs.FlagUsages())
	}
	if e.described != nil {
		*e.described = append(*e.described, fs)
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

// outputFlag registers -o with the formats the command prints, text, json
// and yaml unless given, the first the default; parse rejects any other.
func outputFlag(fs *pflag.FlagSet, formats ...string) *string {
	if len(formats) == 0 {
		formats = []string{"text", "json", "yaml"}
	}
	o := fs.StringP("output", "o", formats[0], "output format: "+orList(formats))
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

// write prints v in the format -o chose: JSON, YAML (the same fields and
// names as the JSON), or text through text.
func (e *env) write(format string, v any, text func(io.Writer) error) error {
	switch format {
	case "json":
		return sim.WriteJSON(e.stdout, v)
	case "yaml":
		return sim.WriteYAML(e.stdout, v)
	}
	return text(e.stdout)
}

// junitFlag registers --junit FILE.
func junitFlag(fs *pflag.FlagSet) *string {
	return fs.String("junit", "", "also write the results as JUnit XML to this file")
}

// sarifFlag registers --sarif FILE.
func sarifFlag(fs *pflag.FlagSet) *string {
	return fs.String("sarif", "", "also write the results as SARIF 2.1.0 to this file")
}

// exitCodeFlag registers --exit-code.
func exitCodeFlag(fs *pflag.FlagSet, what string) *bool {
	return fs.Bool("exit-code", false, "exit with 1 when "+what)
}

func tagsFlag(fs *pflag.FlagSet) *string {
	return fs.String("service-tags", "", "a ServiceTags_Public JSON file to use instead of the embedded one")
}

func oneFile(fs *pflag.FlagSet) (string, error) {
	if fs.NArg() != 1 {
		return "", usagef("%s: give exactly one scenario FILE", fs.Name())
	}
	return fs.Arg(0), nil
}

// load loads one scenario (or variant) and returns its query engine.
func (e *env) load(file, tags string) (*sim.Network, error) {
	stop := e.loading(file)
	defer stop()
	t, err := e.loader(tags).Load(file)
	if err != nil {
		return nil, err
	}
	return sim.New(t), nil
}

// loader returns the scenario loader, with "-" reading standard input.
func (e *env) loader(tags string) *scenarios.Loader {
	return &scenarios.Loader{Options: topology.Options{ServiceTagsFile: tags}, Stdin: e.readStdin}
}

// readStdin returns standard input, read once.
func (e *env) readStdin() ([]byte, error) {
	if !e.stdinRead {
		e.stdinRead = true
		if e.stdin == nil {
			return nil, nil
		}
		data, err := io.ReadAll(e.stdin)
		if err != nil {
			return nil, err
		}
		e.stdinData = data
	}
	return e.stdinData, nil
}

// readFile reads an input file other than a scenario (a patch), "-" being
// standard input. A file that can't be read is an input error (exit 3).
func (e *env) readFile(path string) ([]byte, error) {
	if path == scenarios.StdinName {
		return e.readStdin()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, topology.ErrorList{{File: path, Msg: err.Error()}}
	}
	return data, nil
}

// eachScenario loads every file with its variants and calls fn for those
// that load and whose expectations name real endpoints. The problems of the
// others are returned together (exit code 3) after all files are read.
func (e *env) eachScenario(files []string, tags string, fn func(file string, ts []*sim.Network)) (topology.ErrorList, error) {
	var invalid topology.ErrorList
	for _, f := range files {
		ts, err := e.loadAll(f, tags)
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
			if el := t.ValidateExpectations(); len(el) > 0 {
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
func (e *env) loadAll(file, tags string) ([]*sim.Network, error) {
	stop := e.loading(file)
	defer stop()
	var ts []*topology.Topology
	var err error
	if e.plan != "" {
		ts, err = scenarios.LoadAllPlanned(file, e.plan, topology.Options{ServiceTagsFile: tags})
	} else {
		ts, err = e.loader(tags).LoadAll(file)
	}
	if err != nil {
		return nil, err
	}
	out := make([]*sim.Network, len(ts))
	for i, t := range ts {
		out[i] = sim.New(t)
	}
	return out, nil
}

// loading reports a load that takes more than about two seconds; the
// returned func ends the report.
func (e *env) loading(file string) func() {
	w := e.progress
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

// progressFunc returns a progress callback that reports on e.progress once
// the work has taken about two seconds; nil when there is nowhere to report.
func (e *env) progressFunc(what string) func(done, total int) {
	w := e.progress
	if w == nil {
		return nil
	}
	start := time.Now()
	shown := false
	return func(done, total int) {
		if time.Since(start) < 2*time.Second {
			return
		}
		shown = true
		fmt.Fprintf(w, "\r%s: %d/%d (%s)", what, done, total, time.Since(start).Round(time.Second))
		if done == total && shown {
			fmt.Fprintln(w)
		}
	}
}
