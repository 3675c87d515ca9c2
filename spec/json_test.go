package spec_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/spec"
	"github.com/vnetsim/vnetsim/topology"
)

// toJSON decodes a YAML scenario the YAML way and writes it as JSON.
func toJSON(t testing.TB, name string, yamlData []byte) []byte {
	t.Helper()
	d, err := spec.Parse(name, yamlData)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := spec.WriteJSON(&buf, d.Scenario); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// canonical is a decoded scenario written as JSON: two scenarios that
// write the same are the same scenario, whatever lines they were on.
func canonical(t testing.TB, d *spec.Document) string {
	t.Helper()
	var buf bytes.Buffer
	if err := spec.WriteJSON(&buf, d.Scenario); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// sameNetwork compares two compiled networks field by field, unexported
// fields and pointer graphs included (each pair of pointers once);
// functions (line lookups) are skipped.
func sameNetwork(t *testing.T, what string, a, b *topology.Topology) {
	t.Helper()
	c := &comparer{seen: map[[3]uintptr]bool{}}
	if err := c.eq(reflect.ValueOf(a), reflect.ValueOf(b), "Topology"); err != nil {
		t.Errorf("%s: the compiled networks differ: %v", what, err)
	}
}

type comparer struct{ seen map[[3]uintptr]bool }

func (c *comparer) once(a, b reflect.Value) bool {
	k := [3]uintptr{a.Pointer(), b.Pointer(), uintptr(lenOf(a))}
	if c.seen[k] {
		return false
	}
	c.seen[k] = true
	return true
}

func (c *comparer) eq(a, b reflect.Value, path string) error {
	if a.Type() != b.Type() {
		return fmt.Errorf("%s: type %s vs %s", path, a.Type(), b.Type())
	}
	switch a.Kind() {
	case reflect.Func, reflect.Chan:
		return nil
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			return fmt.Errorf("%s: %v vs %v", path, a.Bool(), b.Bool())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			return fmt.Errorf("%s: %v vs %v", path, a.Int(), b.Int())
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if a.Uint() != b.Uint() {
			return fmt.Errorf("%s: %v vs %v", path, a.Uint(), b.Uint())
		}
	case reflect.Float32, reflect.Float64:
		if a.Float() != b.Float() {
			return fmt.Errorf("%s: %v vs %v", path, a.Float(), b.Float())
		}
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Errorf("%s: %q vs %q", path, a.String(), b.String())
		}
	case reflect.Pointer, reflect.UnsafePointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Errorf("%s: nil vs not nil", path)
			}
			return nil
		}
		if a.Kind() == reflect.UnsafePointer || !c.once(a, b) {
			return nil
		}
		return c.eq(a.Elem(), b.Elem(), path)
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Errorf("%s: nil vs not nil", path)
			}
			return nil
		}
		return c.eq(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if err := c.eq(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Errorf("%s: %d items vs %d", path, a.Len(), b.Len())
		}
		if a.Kind() == reflect.Slice && (a.IsNil() || !c.once(a, b)) {
			return nil
		}
		for i := 0; i < a.Len(); i++ {
			if err := c.eq(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Errorf("%s: %d keys vs %d", path, a.Len(), b.Len())
		}
		if a.IsNil() || !c.once(a, b) {
			return nil
		}
		bk := map[string]reflect.Value{}
		for it := b.MapRange(); it.Next(); {
			bk[keyText(it.Key())] = it.Value()
		}
		for it := a.MapRange(); it.Next(); {
			k := keyText(it.Key())
			bv, ok := bk[k]
			if !ok {
				return fmt.Errorf("%s: key %s only in one", path, k)
			}
			if err := c.eq(it.Value(), bv, path+"["+k+"]"); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%s: can't compare %s", path, a.Kind())
	}
	return nil
}

// keyText names a map key, pointers by what they point to.
func keyText(k reflect.Value) string {
	var b strings.Builder
	writeKey(&b, k, 0)
	return b.String()
}

func writeKey(b *strings.Builder, k reflect.Value, depth int) {
	switch k.Kind() {
	case reflect.Pointer, reflect.Interface:
		if k.IsNil() || depth > 3 {
			b.WriteString("nil")
			return
		}
		writeKey(b, k.Elem(), depth+1)
	case reflect.Struct:
		b.WriteString("{")
		for i := 0; i < k.NumField(); i++ {
			writeKey(b, k.Field(i), depth)
			b.WriteString(" ")
		}
		b.WriteString("}")
	case reflect.Slice, reflect.Array:
		fmt.Fprintf(b, "[%d]", k.Len())
	case reflect.Map, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		b.WriteString(k.Kind().String())
	default:
		fmt.Fprintf(b, "%v", k)
	}
}

// load decodes and compiles data, with the JSON fast path on or off.
func load(t *testing.T, name string, data []byte, fast bool) (*spec.Document, *topology.Topology) {
	t.Helper()
	defer spec.SetJSONFast(fast)()
	d, err := spec.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	topo, err := topology.Compile(d, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d, topo
}

// TestJSONFastPathSameNetwork: every catalog scenario and its variants, and
// generated estates, written as JSON, decode through the fast path to the
// same scenario and the same compiled network as through the YAML way, and
// to the same scenario as their YAML form.
func TestJSONFastPathSameNetwork(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "scenarios", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalog scenarios: %v", err)
	}
	type input struct {
		name string
		yaml []byte
	}
	var inputs []input
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{filepath.Base(f), data})
	}
	for _, o := range []scenarios.GenOptions{
		{VNets: 12, SubnetsPerVNet: 4, RulesPerNSG: 10, Seed: 1},
		{VNets: 1001, SubnetsPerVNet: 1, RulesPerNSG: 14, Seed: 7},
	} {
		var buf bytes.Buffer
		if err := scenarios.Generate(&buf, o); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{fmt.Sprintf("gen-%dx%dx%d", o.VNets, o.SubnetsPerVNet, o.RulesPerNSG), buf.Bytes()})
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			js := toJSON(t, in.name, in.yaml)
			if !spec.JSONFastOK(js) {
				t.Fatal("the JSON form does not decode through the fast path")
			}
			name := strings.TrimSuffix(in.name, ".yaml") + ".json"
			fastDoc, fastNet := load(t, name, js, true)
			slowDoc, slowNet := load(t, name, js, false)
			c := &comparer{seen: map[[3]uintptr]bool{}}
			if err := c.eq(reflect.ValueOf(fastDoc.Scenario), reflect.ValueOf(slowDoc.Scenario), "Scenario"); err != nil {
				t.Fatalf("the fast path decodes another scenario than the YAML way: %v", err)
			}
			sameNetwork(t, "the scenario", slowNet, fastNet)
			yamlDoc, _ := load(t, in.name, in.yaml, true)
			if canonical(t, yamlDoc) != canonical(t, fastDoc) {
				t.Fatal("the JSON form decodes to another scenario than the YAML form")
			}
			for _, v := range fastDoc.VariantNames() {
				fv, err := fastDoc.Variant(v)
				if err != nil {
					t.Fatal(err)
				}
				sv, err := slowDoc.Variant(v)
				if err != nil {
					t.Fatal(err)
				}
				yv, err := yamlDoc.Variant(v)
				if err != nil {
					t.Fatal(err)
				}
				if canonical(t, fv) != canonical(t, sv) || canonical(t, fv) != canonical(t, yv) {
					t.Fatalf("variant %s: the JSON form decodes to another scenario", v)
				}
			}
		})
	}
}

// TestGenerateJSON: gen's JSON is the same scenario as its YAML.
func TestGenerateJSON(t *testing.T) {
	o := scenarios.GenOptions{VNets: 30, SubnetsPerVNet: 4, RulesPerNSG: 20, Seed: 3}
	var y, j bytes.Buffer
	if err := scenarios.Generate(&y, o); err != nil {
		t.Fatal(err)
	}
	if err := scenarios.GenerateJSON(&j, o); err != nil {
		t.Fatal(err)
	}
	if !spec.JSONFastOK(j.Bytes()) {
		t.Fatal("gen's JSON does not decode through the fast path")
	}
	yd, _ := load(t, "e.yaml", y.Bytes(), true)
	jd, _ := load(t, "e.json", j.Bytes(), true)
	if canonical(t, yd) != canonical(t, jd) {
		t.Fatal("gen's JSON is another scenario than its YAML")
	}
}

func lenOf(v reflect.Value) int {
	if v.Kind() == reflect.Slice || v.Kind() == reflect.Map {
		return v.Len()
	}
	return -1
}

// TestJSONErrorsAsYAML: a JSON file with a mistake gives the same key and
// message as its YAML form, on the line the mistake is written on in each,
// with the fast path on or off.
func TestJSONErrorsAsYAML(t *testing.T) {
	o := scenarios.GenOptions{VNets: 6, SubnetsPerVNet: 2, RulesPerNSG: 14, Seed: 2}
	var y, j bytes.Buffer
	if err := scenarios.Generate(&y, o); err != nil {
		t.Fatal(err)
	}
	if err := scenarios.GenerateJSON(&j, o); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name             string
		yamlOld, yamlNew string
		jsonOld, jsonNew string
	}{
		{"unknown key", "{name: snet-app, addressPrefix:", "{name: snet-app, adressPrefix:", `"name":"snet-app","addressPrefix"`, `"name":"snet-app","adressPrefix"`},
		{"text for a number", "priority: 100,", "priority: high,", `"priority":100,`, `"priority":"high",`},
		{"bad prefix", "10.0.0.64/26", "10.0.0.64/33", "10.0.0.64/26", "10.0.0.64/33"},
		{"unknown NSG", "networkSecurityGroup: nsg-0002-app", "networkSecurityGroup: nsg-0009-app", `"networkSecurityGroup":"nsg-0002-app"`, `"networkSecurityGroup":"nsg-0009-app"`},
		{"unknown variant of a key's case", "{name: snet-app, addressPrefix:", "{name: snet-app, AddressPrefix:", `"name":"snet-app","addressPrefix"`, `"name":"snet-app","AddressPrefix"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ydata := edit(t, y.Bytes(), tc.yamlOld, tc.yamlNew)
			jdata := edit(t, j.Bytes(), tc.jsonOld, tc.jsonNew)
			yerr := loadErr(t, "e.yaml", ydata, true)
			jfast := loadErr(t, "e.json", jdata, true)
			jslow := loadErr(t, "e.json", jdata, false)
			if len(yerr) == 0 || len(yerr) != len(jfast) || len(jfast) != len(jslow) {
				t.Fatalf("want as many errors each, got\nyaml: %v\njson: %v\njson, no fast path: %v", yerr, jfast, jslow)
			}
			for i := range yerr {
				if *jfast[i] != *jslow[i] {
					t.Fatalf("the fast path changes the error:\n%v\n%v", jfast[i], jslow[i])
				}
				if yerr[i].Key != jfast[i].Key || yerr[i].Msg != jfast[i].Msg {
					t.Fatalf("JSON and YAML say different things:\n%v\n%v", yerr[i], jfast[i])
				}
			}
			ye, je := yerr[0], jfast[0]
			if want := lineOf(ydata, tc.yamlNew); ye.Line != want {
				t.Errorf("YAML: line %d, want %d (%v)", ye.Line, want, ye)
			}
			if want := lineOf(jdata, tc.jsonNew); je.Line != want {
				t.Errorf("JSON: line %d, want %d (%v)", je.Line, want, je)
			}
		})
	}
}

func edit(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%q is not in the file", old)
	}
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

func lineOf(data []byte, s string) int {
	return bytes.Count(data[:bytes.Index(data, []byte(s))], []byte("\n")) + 1
}

func loadErr(t *testing.T, name string, data []byte, fast bool) spec.ErrorList {
	t.Helper()
	defer spec.SetJSONFast(fast)()
	_, err := topology.Parse(name, data, topology.Options{})
	var errs spec.ErrorList
	if !errors.As(err, &errs) {
		t.Fatalf("want an ErrorList, got %v", err)
	}
	return errs
}

// TestCompileParallelSameAsSerial: NSGs compiled on every core give the
// network, and the errors in their order, that compiling them on one core
// gives.
func TestCompileParallelSameAsSerial(t *testing.T) {
	var buf bytes.Buffer
	if err := scenarios.Generate(&buf, scenarios.GenOptions{VNets: 40, SubnetsPerVNet: 3, RulesPerNSG: 20, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	bad := bytes.Replace(good, []byte("priority: 110,"), []byte("priority: 99,"), -1)
	bad = bytes.Replace(bad, []byte(`destinationPortRange: "25"`), []byte(`destinationPortRange: "70000"`), -1)
	bad = bytes.Replace(bad, []byte("sourceAddressPrefix: 192.168.0.0/16"), []byte("sourceAddressPrefix: 192.168.0.0/33"), -1)
	compile := func(procs int, data []byte) (*topology.Topology, error) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return topology.Parse("e.yaml", data, topology.Options{})
	}
	one, err := compile(1, good)
	if err != nil {
		t.Fatal(err)
	}
	many, err := compile(8, good)
	if err != nil {
		t.Fatal(err)
	}
	sameNetwork(t, "one core against eight", one, many)
	_, e1 := compile(1, bad)
	_, e8 := compile(8, bad)
	if e1 == nil || e1.Error() != e8.Error() {
		t.Fatalf("the errors differ:\n%v\n---\n%v", e1, e8)
	}
	if n := strings.Count(e1.Error(), "\n"); n < 30 {
		t.Fatalf("want errors in many NSGs, got %d lines", n+1)
	}
}
