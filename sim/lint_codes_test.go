package sim

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestLintCodesDocumented lists the codes the package can emit, every
// constant given as a Finding's Code, and checks them against the findings
// tables of docs/lint.md: each emitted code is documented and each
// documented code is emitted.
func TestLintCodesDocumented(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[id.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
	}
	emitted := map[string]string{} // code → where
	for _, f := range parsed {
		ast.Inspect(f, func(n ast.Node) bool {
			cl, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			if id, ok := cl.Type.(*ast.Ident); !ok || id.Name != "Finding" {
				return true
			}
			for _, e := range cl.Elts {
				kv, ok := e.(*ast.KeyValueExpr)
				if !ok || kv.Key.(*ast.Ident).Name != "Code" {
					continue
				}
				id, ok := kv.Value.(*ast.Ident)
				code, known := "", false
				if ok {
					code, known = consts[id.Name]
				}
				if !known {
					t.Errorf("%s: a Finding's Code is not a string constant of the package, so this test can't list it", fset.Position(kv.Pos()))
					continue
				}
				emitted[code] = fset.Position(kv.Pos()).String()
			}
			return true
		})
	}
	if len(emitted) < 10 {
		t.Fatalf("found only %d codes: %v", len(emitted), emitted)
	}
	doc, err := os.ReadFile(filepath.Join("..", "docs", "lint.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\|")
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	var missing, stale []string
	for code, where := range emitted {
		if !documented[code] {
			missing = append(missing, code+" ("+where+")")
		}
	}
	for code := range documented {
		if _, ok := emitted[code]; !ok {
			stale = append(stale, code)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	for _, c := range missing {
		t.Errorf("code %s is emitted but has no row in docs/lint.md", c)
	}
	for _, c := range stale {
		t.Errorf("docs/lint.md documents %s, which no Finding emits", c)
	}
	listed := map[string]bool{}
	for _, c := range LintCodes {
		listed[c] = true
		if _, ok := emitted[c]; !ok {
			t.Errorf("LintCodes lists %s, which no Finding emits", c)
		}
	}
	for code, where := range emitted {
		if !listed[code] {
			t.Errorf("code %s (%s) is missing from LintCodes", code, where)
		}
	}
}
