// Package layers holds one test: the packages of vnetsim import each other
// only along the way data flows, file -> spec -> compiled network (topology)
// -> queries (sim, dnsmock) -> output (picture, cmd), so that no query reads the
// scenario format and no lower layer knows a higher one.
package layers

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/vnetsim/vnetsim/"

// allowed lists, for each package, the vnetsim packages its non-test files
// may import. A package not listed here fails the test until it is placed.
var allowed = map[string][]string{
	"internal/parallel":   {},
	"internal/yardstick":  {"topology"},
	"internal/benchtable": {},
	"spec":                {"internal/parallel"},
	"topology":            {"spec", "internal/parallel"},
	"dnsmock":             {"topology"},
	"sim":                 {"topology", "dnsmock", "internal/parallel"},
	// The loader turns every input a FILE may name (a scenario, its
	// import: list, an ARM export, a template, a plan) into documents and
	// compiles them.
	"scenarios": {"topology", "spec", "importer", "importer/arm"},
	// The importers read real estates and write the scenario format.
	"importer":           {"spec", "importer/arm", "importer/armexpr", "importer/terraform", "internal/parallel"},
	"importer/arm":       {"internal/parallel"},
	"importer/armexpr":   {},
	"importer/terraform": {"importer/arm"},
	// picture draws from sim's results and topology's compiled network.
	"picture":     {"topology", "sim"},
	"cmd/vnetsim": {"topology", "sim", "dnsmock", "scenarios", "picture", "importer", "importer/arm"},
	// The kernel cross-check edits generated scenarios (spec), renders the
	// compiled network (topology) and compares with the engine (sim).
	"internal/crosscheck": {"spec", "topology", "sim", "scenarios"},
}

func TestImportsFollowTheDataFlow(t *testing.T) {
	root := filepath.Join("..", "..")
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "testdata" || (strings.HasPrefix(name, ".") && path != root) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" && filepath.Dir(path) == filepath.Join(root, "topology") {
			return nil // go:build ignore tool (gen_servicetags.go)
		}
		pkg, _ := filepath.Rel(root, filepath.Dir(path))
		pkg = filepath.ToSlash(pkg)
		ok, listed := allowed[pkg]
		if !listed {
			t.Errorf("%s: package %s has no place in the layers; add it to allowed", path, pkg)
			return nil
		}
		seen[pkg] = true
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if dep, ours := strings.CutPrefix(p, module); ours && !slices.Contains(ok, dep) {
				t.Errorf("%s imports %s: %s may import only %v", path, dep, pkg, ok)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg := range allowed {
		if !seen[pkg] {
			t.Errorf("package %s is listed but has no Go files", pkg)
		}
	}
}
