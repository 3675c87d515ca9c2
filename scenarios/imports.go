package scenarios

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/vnetsim/vnetsim/importer"
	"github.com/vnetsim/vnetsim/importer/arm"
	"github.com/vnetsim/vnetsim/spec"
	"github.com/vnetsim/vnetsim/topology"
)

// ImportNotes, when set, is told what an import left out: the file named on
// the command line or the scenario whose import key named files, and the
// problems.
var ImportNotes func(file string, problems []arm.Problem)

// importFile imports an ARM or Terraform file (or a directory of them) as a
// scenario.
func importFile(arg string, opts topology.Options) (*topology.Source, error) {
	res, err := importer.Import([]string{arg}, importer.Options{})
	if err != nil {
		return nil, importErr(err)
	}
	if ImportNotes != nil {
		ImportNotes(arg, res.Problems)
	}
	d, err := res.After.Document(arg)
	if err != nil {
		return nil, err
	}
	return topology.NewSource(d, opts), nil
}

func importErr(err error) error {
	var ie *importer.InputError
	if errors.As(err, &ie) {
		return topology.ErrorList{{File: ie.File, Msg: ie.Msg}}
	}
	return err
}

func openWithImports(arg string, opts topology.Options) (*topology.Source, error) {
	data, err := os.ReadFile(arg)
	if err != nil {
		return topology.OpenFile(arg, opts) // it words the error
	}
	return openData(arg, data, opts)
}

func openData(name string, data []byte, opts topology.Options) (*topology.Source, error) {
	d, err := spec.Parse(name, data)
	if err != nil {
		return nil, err
	}
	if len(d.Scenario.Import) == 0 {
		return topology.NewSource(d, opts), nil
	}
	d, err = WithImports(d, data)
	if err != nil {
		return nil, err
	}
	return topology.NewSource(d, opts), nil
}

// WithImports returns d with the files its import key names imported (paths
// relative to d's file) and d's own keys merged onto them as a patch: lists
// merge by name, $delete: true removes an imported item.
func WithImports(d *spec.Document, data []byte) (*spec.Document, error) {
	var paths []string
	for _, p := range d.Scenario.Import {
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(d.File), p)
		}
		paths = append(paths, p)
	}
	res, err := importer.Import(paths, importer.Options{})
	if err != nil {
		return nil, importErr(err)
	}
	if ImportNotes != nil {
		ImportNotes(d.File, res.Problems)
	}
	return patchOnto(res.After, d.File, data)
}

// patchOnto merges a scenario file onto an imported network.
func patchOnto(o *importer.Output, file string, data []byte) (*spec.Document, error) {
	base, err := o.Document(file + " (imported)")
	if err != nil {
		return nil, err
	}
	out, err := base.Patched(file, data)
	if err != nil {
		return nil, err
	}
	out.File = file
	out.ErrFile = file + " with its imports"
	return out, nil
}

// LoadChange imports a Terraform plan or an ARM what-if and compiles the
// network before the change and after it.
func LoadChange(arg string, opts topology.Options) (before, after *topology.Topology, err error) {
	res, err := importer.Import([]string{arg}, importer.Options{})
	if err != nil {
		return nil, nil, importErr(err)
	}
	if res.Before == nil {
		return nil, nil, topology.ErrorList{{File: arg, Msg: "not a Terraform plan or an ARM what-if: give BEFORE and AFTER"}}
	}
	if ImportNotes != nil {
		ImportNotes(arg, res.Problems)
	}
	bd, err := res.Before.Document(arg + " (before)")
	if err != nil {
		return nil, nil, err
	}
	ad, err := res.After.Document(arg + " (after)")
	if err != nil {
		return nil, nil, err
	}
	if before, err = topology.Compile(bd, opts); err != nil {
		return nil, nil, err
	}
	after, err = topology.Compile(ad, opts)
	return before, after, err
}

// LoadAllPlanned loads a suite against the network a Terraform plan or an
// ARM what-if would leave: the planned network, with the suite's own keys
// (expectations, variants, additions) merged onto it as with an import key,
// which the plan replaces. It returns the scenario and its variants.
func LoadAllPlanned(suite, plan string, opts topology.Options) ([]*topology.Topology, error) {
	data, err := os.ReadFile(suite)
	if err != nil {
		return nil, topology.ErrorList{{File: suite, Msg: err.Error()}}
	}
	d, err := spec.Parse(suite, data)
	if err != nil {
		return nil, err
	}
	res, err := importer.Import([]string{plan}, importer.Options{})
	if err != nil {
		return nil, importErr(err)
	}
	if ImportNotes != nil {
		ImportNotes(plan, res.Problems)
	}
	_ = d
	merged, err := patchOnto(res.After, suite, data)
	if err != nil {
		return nil, err
	}
	src := topology.NewSource(merged, opts)
	t, err := src.Compile()
	if err != nil {
		return nil, err
	}
	out := []*topology.Topology{t}
	for _, name := range src.VariantNames() {
		v, err := src.Variant(name)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
