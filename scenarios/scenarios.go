// Package scenarios owns the catalog of documented scenarios, embedded in
// the binary, the loading of a scenario named either by a path on disk or by
// its catalog name (decoded by spec, each variant compiled by topology), and
// the generator of synthetic estates. It never decides what a network does.
package scenarios

import (
	"embed"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/vnetsim/vnetsim/spec"
	"github.com/vnetsim/vnetsim/topology"
)

//go:embed *.yaml
var files embed.FS

// Prefix marks a catalog name on the command line: catalog:NAME.
const Prefix = "catalog:"

// Names lists the catalog's scenarios, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
		}
	}
	sort.Strings(out)
	return out
}

// Read returns the text of a catalog scenario.
func Read(name string) ([]byte, error) {
	return files.ReadFile(path.Clean(strings.TrimSuffix(name, ".yaml")) + ".yaml")
}

// Load loads a scenario from a path, or from the catalog when arg is
// catalog:NAME (or a bare catalog name that is not a file on disk). A
// #VARIANT suffix (file.yaml#no-dns-link) selects one of its variants.
func Load(arg string, opts topology.Options) (*topology.Topology, error) {
	d, err := Document(arg)
	if err != nil {
		return nil, err
	}
	return topology.Compile(d, opts)
}

// Document decodes the scenario (or the variant) that arg names, without
// compiling it.
func Document(arg string) (*spec.Document, error) {
	file, variant := splitVariant(arg)
	d, err := loadFile(file)
	if err != nil || variant == "" {
		return d, err
	}
	return d.Variant(variant)
}

// LoadAll loads a scenario and every variant it defines, in file order; with
// a #VARIANT suffix, only that variant.
func LoadAll(arg string, opts topology.Options) ([]*topology.Topology, error) {
	file, variant := splitVariant(arg)
	d, err := loadFile(file)
	if err != nil {
		return nil, err
	}
	docs := []*spec.Document{d}
	if variant != "" {
		v, err := d.Variant(variant)
		if err != nil {
			return nil, err
		}
		docs = []*spec.Document{v}
	} else {
		for _, name := range d.VariantNames() {
			v, err := d.Variant(name)
			if err != nil {
				return nil, err
			}
			docs = append(docs, v)
		}
	}
	out := make([]*topology.Topology, 0, len(docs))
	for _, d := range docs {
		t, err := topology.Compile(d, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// splitVariant splits "file.yaml#variant"; a # inside a directory name is
// part of the path.
func splitVariant(arg string) (file, variant string) {
	i := strings.LastIndex(arg, spec.VariantSep)
	if i < 0 || strings.ContainsAny(arg[i+1:], "/\\") || exists(arg) {
		return arg, ""
	}
	return arg[:i], arg[i+1:]
}

func loadFile(arg string) (*spec.Document, error) {
	name := strings.TrimPrefix(arg, Prefix)
	if strings.HasPrefix(arg, Prefix) || !exists(arg) {
		if data, err := Read(name); err == nil {
			return spec.Parse(Prefix+name, data)
		}
	}
	return spec.Load(arg)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// LoadPatched loads the scenario arg names with a patch file merged in, the
// way variants merge theirs (diff --patch), and compiles the result.
func LoadPatched(arg, patchFile string, patch []byte, opts topology.Options) (*topology.Topology, error) {
	d, err := Document(arg)
	if err != nil {
		return nil, err
	}
	pd, err := d.Patched(patchFile, patch)
	if err != nil {
		return nil, err
	}
	return topology.Compile(pd, opts)
}
