package importer

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\n--- got\n%s", path, got)
	}
}

func problemsText(r *Result) []byte {
	var b bytes.Buffer
	for _, p := range r.Problems {
		b.WriteString(p.String() + "\n")
	}
	b.WriteString(ProblemCounts(r.Problems) + "\n")
	return b.Bytes()
}

// corpusInputs lists what the corpus test imports: each folder whole, and
// each template with its parameters file on its own.
func corpusInputs(t *testing.T) [][2]string {
	t.Helper()
	root := filepath.Join("testdata", "corpus")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		var templates []string
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && filepath.Base(p) == "azuredeploy.json" {
				templates = append(templates, p)
			}
			return nil
		})
		if len(templates) == 0 {
			out = append(out, [2]string{dir, ""})
			continue
		}
		for _, tpl := range templates {
			params := strings.TrimSuffix(tpl, ".json") + ".parameters.json"
			if _, err := os.Stat(params); err != nil {
				params = ""
			}
			out = append(out, [2]string{tpl, params})
		}
	}
	return out
}

// TestCorpus imports every file of the corpus (inputs nobody on this project
// wrote) and compares the scenario and the list of what was not imported
// with golden files; every scenario it writes must decode strictly.
func TestCorpus(t *testing.T) {
	for _, in := range corpusInputs(t) {
		name := strings.ReplaceAll(strings.TrimPrefix(filepath.ToSlash(in[0]), "testdata/corpus/"), "/", "_")
		t.Run(name, func(t *testing.T) {
			res, err := Import([]string{filepath.ToSlash(in[0])}, Options{Parameters: filepath.ToSlash(in[1])})
			if err != nil {
				t.Fatal(err)
			}
			out, err := Marshal(res.After, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := res.After.Document(name); err != nil {
				t.Errorf("the imported scenario does not decode: %v", err)
			}
			golden(t, name+".yaml", out)
			golden(t, name+".problems.txt", problemsText(res))
			// deterministic: a second import writes the same bytes
			again, err := Import([]string{filepath.ToSlash(in[0])}, Options{Parameters: filepath.ToSlash(in[1])})
			if err != nil {
				t.Fatal(err)
			}
			if out2, _ := Marshal(again.After, ""); !bytes.Equal(out, out2) {
				t.Errorf("a second import wrote different YAML")
			}
		})
	}
}
