package importer

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/spec"
)

// writeV3Tree is how Write worked before it streamed, and the reference it
// is held to: the whole scenario as one yaml.Node tree, encoded by yaml.v3.
func writeV3Tree(o *Output, header string) ([]byte, error) {
	n := encode(reflect.ValueOf(o.Scenario).Elem(), "", o.Comments)
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}, HeadComment: header}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteV3Tree lets the external tests compare with the reference too.
var WriteV3Tree = writeV3Tree

func sameAsV3(t *testing.T, name string, o *Output, header string) {
	t.Helper()
	want, err := writeV3Tree(o, header)
	if err != nil {
		t.Fatalf("%s: yaml.v3: %v", name, err)
	}
	got, err := Marshal(o, header)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	// and with every list of two objects or more written block by block on
	// every core, one item a block
	defer func(b int) { writeBlock = b }(writeBlock)
	writeBlock = 1
	inBlocks, err := Marshal(o, header)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !bytes.Equal(inBlocks, got) {
		t.Fatalf("%s: written in blocks, the YAML differs:\n%s\n---\n%s", name, inBlocks, got)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				lo := max(0, i-3)
				t.Fatalf("%s: line %d differs from yaml.v3's:\n got %q\nwant %q", name, i+1, gl[lo:min(i+3, len(gl))], wl[lo:min(i+3, len(wl))])
			}
		}
	}
}

func TestWriteLikeV3Corpus(t *testing.T) {
	for _, in := range corpusInputs(t) {
		res, err := Import([]string{filepath.ToSlash(in[0])}, Options{Parameters: filepath.ToSlash(in[1])})
		if err != nil {
			t.Fatal(err)
		}
		sameAsV3(t, in[0], res.After, "imported by vnetsim import from "+in[0])
		if res.Before != nil {
			sameAsV3(t, in[0]+" before", res.Before, "")
		}
	}
}

// Scenarios filled at random, with the strings YAML treats specially and
// comments on random objects and values.
func TestWriteLikeV3Random(t *testing.T) {
	seed := int64(1)
	if v, err := strconv.ParseInt(os.Getenv("VNETSIM_WRITE_SEED"), 10, 64); err == nil {
		seed = v
	}
	rng := rand.New(rand.NewSource(seed))
	n := 400
	if testing.Short() {
		n = 100
	}
	if v, err := strconv.Atoi(os.Getenv("VNETSIM_WRITE_RANDOM")); err == nil {
		n = v // more, to look for a difference
	}
	for i := 0; i < n; i++ {
		f := &filler{rng: rng, comments: map[string]string{}}
		var sc spec.Scenario
		f.fill(reflect.ValueOf(&sc).Elem(), "", 0)
		header := ""
		if i%3 == 0 {
			header = f.str()
		}
		sameAsV3(t, fmt.Sprintf("random scenario %d", i), &Output{Scenario: &sc, Comments: f.comments}, header)
	}
}

var trickyStrings = []string{
	"", " ", "a", "vnet-1", "10.0.0.0/16", "10.0.0.4", "1.5", "1.2.3", "192.168.0.0/24", "*", "443", "1000-2000", "80,443",
	"0x1F", "0o17", "0b101", "1_000", "1e3", ".5", ".inf", "-.inf", ".nan", "+1", "-1", "-", "--", "---", "...", "- a", "-a",
	"true", "True", "TRUE", "false", "yes", "no", "on", "off", "y", "n", "null", "Null", "~", "<<", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
	"a: b", "a:b", ":a", "a:", "a #b", "a#b", "#a", "a,b", "[a]", "{a}", "a]", "'a'", "\"a\"", "a'b", "!a", "&a", "*a", "%a", "@a", "`a", "|a", ">a", "?a", "? a",
	"a b", "a  b", " a", "a ", "a\nb", "a\n\nb\n", "\n", "a\tb", "tab\t", "é", "naïve", "日本", "\u2028", "\x7f", "a\\b", "Microsoft.Storage", "AzureCloud.eastus",
	"fe80::1", "2001:db8::/32", "/subscriptions/x/resourceGroups/g", "from testdata/x.json: /subscriptions/s/providers/a", "_a", "a_", "a/b", "1/2", "0", "00", "007",
	"1.2.3.4/", "10.0.0.0/16 ", "a\u0085b", "a\u2029b", "Inbound", "TCP", "Any", "null ", "x # y", "a\rb",
}

type filler struct {
	rng      *rand.Rand
	comments map[string]string
}

func (f *filler) str() string {
	if f.rng.Intn(3) == 0 {
		// two tricky pieces together
		return trickyStrings[f.rng.Intn(len(trickyStrings))] + trickyStrings[f.rng.Intn(len(trickyStrings))]
	}
	return trickyStrings[f.rng.Intn(len(trickyStrings))]
}

func (f *filler) comment(path string) {
	if f.rng.Intn(4) == 0 {
		c := f.str()
		if strings.TrimSpace(c) == "" {
			c = "from x.json: " + c
		}
		f.comments[path] = c
	}
}

func (f *filler) fill(v reflect.Value, path string, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if f.rng.Intn(3) == 0 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), path, depth)
	case reflect.Struct:
		if v.Type() == nodeType {
			if f.rng.Intn(2) == 0 {
				var x any
				switch f.rng.Intn(4) {
				case 0:
					x = f.str()
				case 1:
					x = map[string]any{"fqdn": f.str(), "ports": []any{f.str(), 443}, "n": map[string]any{}}
				case 2:
					x = []any{f.str(), map[string]any{"k": f.str()}}
				default:
					x = map[string]any{"serviceTag": f.str(), "protocol": "TCP", "portRanges": "443"}
				}
				_ = v.Addr().Interface().(*yaml.Node).Encode(x)
			}
			return
		}
		if depth > 5 {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			ft := v.Type().Field(i)
			key, _, _ := strings.Cut(ft.Tag.Get("yaml"), ",")
			if key == "" || key == "-" || !ft.IsExported() || f.rng.Intn(3) == 0 {
				continue
			}
			p := key
			if path != "" {
				p = path + "." + key
			}
			f.fill(v.Field(i), p, depth+1)
			f.comment(p)
		}
	case reflect.Slice:
		n := f.rng.Intn(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := 0; i < n; i++ {
			p := fmt.Sprintf("%s[%d]", path, i)
			f.fill(s.Index(i), p, depth+1)
			if f.rng.Intn(3) == 0 {
				f.comment(p)
			}
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := f.rng.Intn(3); i > 0; i-- {
			m.SetMapIndex(reflect.ValueOf(f.str()).Convert(v.Type().Key()), reflect.ValueOf(f.str()).Convert(v.Type().Elem()))
		}
		v.Set(m)
	case reflect.String:
		v.SetString(f.str())
	case reflect.Bool:
		v.SetBool(f.rng.Intn(2) == 0)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(f.rng.Intn(70000) - 5))
	}
}
