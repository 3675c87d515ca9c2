// Package scenarios owns the catalog of documented scenarios, embedded in
// the binary, and the loading of a scenario named either by a path on disk
// or by its catalog name.
package scenarios

import (
	"embed"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

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
// catalog:NAME (or a bare catalog name that is not a file on disk).
func Load(arg string, opts topology.Options) (*topology.Topology, error) {
	name := strings.TrimPrefix(arg, Prefix)
	if strings.HasPrefix(arg, Prefix) || !exists(arg) {
		if data, err := Read(name); err == nil {
			return topology.Parse(Prefix+name, data, opts)
		}
	}
	return topology.Load(arg, opts)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
