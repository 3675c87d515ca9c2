// Package scenarios owns the catalog of documented scenarios, embedded in
// the binary, the loading of a scenario named either by a path on disk or by
// its catalog name (decoded by spec, each variant compiled by topology), and
// the generator of synthetic estates. It never decides what a network does.
package scenarios

import (
	"embed"
	"github.com/vnetsim/vnetsim/importer"
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

// StdinName is the FILE that stands for standard input, and StdinFile the
// name standard input goes by in messages (<stdin>:3: key: message).
const (
	StdinName = "-"
	StdinFile = "<stdin>"
)

// Loader loads scenarios named on a command line: a path, catalog:NAME, or
// "-" for standard input (when Stdin is set), each with an optional
// #VARIANT suffix.
type Loader struct {
	Options topology.Options
	// Stdin returns standard input; nil when "-" is not allowed.
	Stdin func() ([]byte, error)
}

// Load loads a scenario from a path, or from the catalog when arg is
// catalog:NAME (or a bare catalog name that is not a file on disk). A
// #VARIANT suffix (file.yaml#no-dns-link) selects one of its variants.
func Load(arg string, opts topology.Options) (*topology.Topology, error) {
	return (&Loader{Options: opts}).Load(arg)
}

// LoadAll loads a scenario and every variant it defines, in file order; with
// a #VARIANT suffix, only that variant.
func LoadAll(arg string, opts topology.Options) ([]*topology.Topology, error) {
	return (&Loader{Options: opts}).LoadAll(arg)
}

// LoadPatched loads the scenario file arg names with a patch file merged in,
// the way variants merge theirs (diff --patch), and compiles the result.
func LoadPatched(arg, patchFile string, patch []byte, opts topology.Options) (*topology.Topology, error) {
	return (&Loader{Options: opts}).LoadPatched(arg, patchFile, patch)
}

// Load is the package's Load through l.
func (l *Loader) Load(arg string) (*topology.Topology, error) {
	file, variant := splitVariant(arg)
	src, err := l.open(file)
	if err != nil {
		return nil, err
	}
	if variant == "" {
		return src.Compile()
	}
	return src.Variant(variant)
}

// LoadAll is the package's LoadAll through l.
func (l *Loader) LoadAll(arg string) ([]*topology.Topology, error) {
	file, variant := splitVariant(arg)
	src, err := l.open(file)
	if err != nil {
		return nil, err
	}
	if variant != "" {
		v, err := src.Variant(variant)
		if err != nil {
			return nil, err
		}
		return []*topology.Topology{v}, nil
	}
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

// LoadPatched is the package's LoadPatched through l.
func (l *Loader) LoadPatched(arg, patchFile string, patch []byte) (*topology.Topology, error) {
	src, err := l.open(arg)
	if err != nil {
		return nil, err
	}
	if patchFile == StdinName {
		patchFile = StdinFile
	}
	return src.Patched(patchFile, patch)
}

// splitVariant splits "file.yaml#variant"; a # inside a directory name is
// part of the path.
func splitVariant(arg string) (file, variant string) {
	i := strings.LastIndex(arg, topology.VariantSep)
	if i < 0 || strings.ContainsAny(arg[i+1:], "/\\") || exists(arg) {
		return arg, ""
	}
	return arg[:i], arg[i+1:]
}

func (l *Loader) open(arg string) (*topology.Source, error) {
	opts := l.Options
	if arg == StdinName && l.Stdin != nil {
		data, err := l.Stdin()
		if err != nil {
			return nil, topology.ErrorList{{File: StdinFile, Msg: err.Error()}}
		}
		return openData(StdinFile, data, opts)
	}
	name := strings.TrimPrefix(arg, Prefix)
	if strings.HasPrefix(arg, Prefix) || !exists(arg) {
		if data, err := Read(name); err == nil {
			return topology.Open(Prefix+name, data, opts)
		}
	}
	if importer.Importable(arg) && exists(arg) {
		// A scenario written as JSON (vnetsim gen -o estate.json) is a
		// scenario, not an ARM file to import.
		if data, err := os.ReadFile(arg); err == nil && spec.IsScenarioJSON(data) {
			return openData(arg, data, opts)
		}
		return importFile(arg, opts)
	}
	return openWithImports(arg, opts)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
