// Package importer turns what Azure and Terraform users already have into a
// vnetsim scenario (a spec.Scenario): ARM resource JSON in every wrapper
// (REST bodies, {"value": [...]} lists, az CLI output, Azure Resource Graph
// rows, one resource per file or a directory of them), ARM templates with
// their parameters files (evaluated by armexpr), ARM what-if output, and
// Terraform plans and state (read by importer/terraform).
//
// It owns the mapping from Azure resources to the scenario format: naming,
// case-insensitive resource IDs, the allocation of dynamic private IPs that
// the input does not give, and the list of everything it did not import
// (Problems), so that nothing is dropped silently. It writes YAML with a
// comment per object naming its source.
//
// It never compiles or validates the network (topology does), never reaches
// Azure or runs terraform, and never guesses a reference that the input
// contradicts: it reports it.
package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vnetsim/vnetsim/importer/arm"
	"github.com/vnetsim/vnetsim/importer/terraform"
)

// Formats the importer reads; Detect names one of them for a file.
const (
	FormatResources = "arm"          // ARM resource JSON in any wrapper
	FormatTemplate  = "arm-template" // an ARM template (or Bicep build output)
	FormatWhatIf    = "whatif"       // az deployment what-if -o json, or the REST shape
	FormatTerraform = "terraform"    // terraform show -json (plan or state), raw tfstate, a module fragment
	FormatAuto      = ""             // detect
)

// Formats lists the values --format accepts.
var Formats = []string{FormatResources, FormatTemplate, FormatWhatIf, FormatTerraform}

// Options change how files are imported.
type Options struct {
	Format     string // FormatAuto or one of Formats
	Parameters string // an ARM parameters file for a template
}

// Result is an import: the network after the change (or as it is), and for
// a plan or a what-if, the network before it.
type Result struct {
	After    *Output
	Before   *Output // nil unless a plan or what-if was read
	Problems []arm.Problem
}

// InputError is a file that cannot be imported at all (unreadable, not JSON,
// of no known shape). A command exits 3 on it.
type InputError struct {
	File string
	Msg  string
}

func (e *InputError) Error() string { return e.File + ": " + e.Msg }

// Importable reports whether a path looks like an input of the importer
// rather than a scenario: a .json or .tfstate file, or a directory.
func Importable(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".json" || ext == ".tfstate" {
		return true
	}
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// Import reads files and directories (their .json and .tfstate files, in
// name order) and converts what they hold.
func Import(paths []string, opts Options) (*Result, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, &InputError{File: p, Msg: readErr(err)}
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var in []string
		err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			ext := strings.ToLower(filepath.Ext(f))
			if !d.IsDir() && (ext == ".json" || ext == ".tfstate") && !isParametersFile(f) {
				in = append(in, f)
			}
			return nil
		})
		if err != nil {
			return nil, &InputError{File: p, Msg: readErr(err)}
		}
		sort.Strings(in)
		files = append(files, in...)
	}
	var after, before []*arm.Resource
	var probs []arm.Problem
	hasBefore := false
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, &InputError{File: f, Msg: readErr(err)}
		}
		in, err := read(f, data, opts)
		if err != nil {
			var ie *InputError
			if errors.As(err, &ie) {
				return nil, err
			}
			return nil, &InputError{File: f, Msg: err.Error()}
		}
		after = append(after, in.after...)
		probs = append(probs, in.probs...)
		if in.hasBefore {
			hasBefore = true
			before = append(before, in.before...)
		} else {
			before = append(before, in.after...) // unchanged by the plan
		}
	}
	res := &Result{}
	var p []arm.Problem
	res.After, p = convert(after)
	res.Problems = append(probs, p...)
	if hasBefore {
		res.Before, _ = convert(cloneAll(before))
	}
	return res, nil
}

// cloneAll gives resources fresh use-tracking, for a second conversion.
func cloneAll(rs []*arm.Resource) []*arm.Resource {
	out := make([]*arm.Resource, len(rs))
	for i, r := range rs {
		c := *r
		c.Node = arm.NewNode(r.Node.Path, r.Node.M)
		out[i] = &c
	}
	return out
}

func isParametersFile(f string) bool {
	return strings.Contains(strings.ToLower(filepath.Base(f)), ".parameters.") || strings.HasSuffix(strings.ToLower(f), "metadata.json")
}

func readErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

type input struct {
	after, before []*arm.Resource
	hasBefore     bool
	probs         []arm.Problem
}

// Detect names the format of a file's content.
func Detect(data []byte) (string, error) {
	v, err := arm.Decode(data)
	if err != nil {
		return "", fmt.Errorf("not JSON: %v", err)
	}
	return detect(v), nil
}

func detect(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return FormatResources
	}
	schema, _ := m["$schema"].(string)
	switch {
	case strings.Contains(strings.ToLower(schema), "deploymenttemplate"):
		return FormatTemplate
	case strings.Contains(strings.ToLower(schema), "deploymentparameters"):
		return "parameters"
	case terraform.Kind(m) != "":
		return FormatTerraform
	case m["contentVersion"] != nil && m["resources"] != nil:
		return FormatTemplate
	}
	if _, ok := m["changes"].([]any); ok {
		return FormatWhatIf
	}
	if p, ok := m["properties"].(map[string]any); ok && m["status"] != nil {
		if _, ok := p["changes"].([]any); ok {
			return FormatWhatIf
		}
	}
	return FormatResources
}

func read(file string, data []byte, opts Options) (*input, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	v, err := arm.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	format := opts.Format
	if format == FormatAuto {
		format = detect(v)
		if body, path := arm.Unwrap(v); path != "$" && detect(body) == FormatWhatIf {
			format, v = FormatWhatIf, body // the REST example of a what-if
		}
	}
	switch format {
	case "parameters":
		return nil, fmt.Errorf("an ARM parameters file: give it with --parameters beside its template")
	case FormatTemplate:
		return readTemplate(file, v, opts)
	case FormatWhatIf:
		return readWhatIf(file, v)
	case FormatTerraform:
		m, _ := v.(map[string]any)
		kind := terraform.Kind(m)
		if kind == "" {
			return nil, fmt.Errorf("not a Terraform plan or state")
		}
		r, err := terraform.Read(file, data, kind)
		if err != nil {
			return nil, err
		}
		return &input{after: r.After, before: r.Before, hasBefore: r.HasBefore, probs: r.Problems}, nil
	case FormatResources:
		rs, skipped, err := arm.Wrapped(file, v)
		if err != nil {
			return nil, err
		}
		return &input{after: rs, probs: skipped}, nil
	}
	return nil, fmt.Errorf("--format %q: want %s", format, strings.Join(Formats, ", "))
}

// readWhatIf reads the before and after states of each change.
func readWhatIf(file string, v any) (*input, error) {
	m := v.(map[string]any)
	root := arm.NewNode("$", m)
	changes := root.Objs("changes")
	if p := root.Obj("properties"); p != nil && len(changes) == 0 {
		changes = p.Objs("changes")
	}
	in := &input{hasBefore: true}
	for _, ch := range changes {
		id := ch.Str("resourceId")
		ct := ch.Str("changeType")
		ch.Use("delta", "deploymentId", "identifiers", "symbolicName", "unsupportedReason", "changeType", "resourceId")
		if strings.HasPrefix(id, "[") {
			in.probs = append(in.probs, arm.Problem{Kind: "expression", Subject: id, File: file, Path: ch.Path + ".resourceId", Msg: fmt.Sprintf("what-if could not evaluate the resource ID (%s: %s); not imported", ct, ch.Str("unsupportedReason"))})
			continue
		}
		for _, side := range []string{"before", "after"} {
			b := ch.Obj(side)
			if b == nil {
				continue
			}
			if !b.Has("id") {
				b.M["id"] = id
			}
			r, err := arm.NewResource(file, b)
			if err != nil {
				in.probs = append(in.probs, arm.Problem{Kind: "resource", Subject: id, File: file, Path: b.Path, Msg: err.Error()})
				continue
			}
			if arm.TypeIs(r.Type, arm.ResourceGroupType) {
				continue
			}
			if side == "before" {
				in.before = append(in.before, r)
			} else {
				in.after = append(in.after, r)
			}
		}
	}
	for _, k := range []string{"diagnostics", "potentialChanges"} {
		for _, d := range root.Objs(k) {
			in.probs = append(in.probs, arm.Problem{Kind: "note", Subject: d.Str("target"), File: file, Path: d.Path, Msg: fmt.Sprintf("what-if %s: %s %s", strings.TrimSuffix(k, "s"), d.Str("code"), d.Str("message"))})
		}
	}
	return in, nil
}

// ProblemCounts counts problems by kind, in a stable order.
func ProblemCounts(ps []arm.Problem) string {
	n := map[string]int{}
	for _, p := range ps {
		n[p.Kind]++
	}
	var parts []string
	for _, k := range []string{"resource", "property", "expression", "unknown", "reference", "conflict", "note"} {
		if n[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
		}
	}
	return strings.Join(parts, ", ")
}

var _ = json.Marshal
