package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestDecodeKeepsParsedTree: for every catalog scenario (all have variants)
// the node tree decode keeps from yaml.v3's decoding is the tree a second
// parse gives, which variants and error positions read.
func TestDecodeKeepsParsedTree(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "scenarios", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalog scenarios: %v", err)
	}
	kept := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc, _, root, errs := decode(f, data)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if len(sc.Variants) > 0 {
			kept++
		}
		if got := root(); !reflect.DeepEqual(got, doc.Content[0]) {
			t.Errorf("%s: the kept tree differs from a second parse", f)
		}
	}
	if kept == 0 {
		t.Error("no catalog scenario has variants: the kept tree was not tested")
	}
}
