package arm

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Decode must give exactly what encoding/json with UseNumber gives.
func sameAsStd(t *testing.T, name string, data []byte) {
	t.Helper()
	want, werr := decodeStd(data)
	got, gerr := Decode(data)
	if fmt.Sprint(werr) != fmt.Sprint(gerr) {
		t.Fatalf("%s: error %v, encoding/json says %v", name, gerr, werr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: decoded differently from encoding/json:\n got %#v\nwant %#v", name, got, want)
	}
}

func TestDecodeLikeEncodingJSON(t *testing.T) {
	cases := map[string]string{
		"object":          `{"id": "/subscriptions/s/x", "n": 1, "f": 1.50, "e": -2E+3, "t": true, "no": false, "nil": null, "a": [1, "x", {}, []], "o": {"k": {"k": []}}}`,
		"escapes":         `{"a\u0062": "tab\there \"q\" \\ \/ \u00e9 \ud83d\ude00", "a\\u0062": 1, "ab": 2}`,
		"duplicate names": `{"k": 1, "k": {"x": 2}, "K": 3}`,
		"invalid UTF-8":   "{\"k\xff\": \"v\xfe\xff\", \"ok\": \"\xc3\xa9\"}",
		"bare array":      `[{"id": "a"}, {"id": "b"}]`,
		"scalar":          `"just a string"`,
		"number":          `12345678901234567890123`,
		"trailing value":  `{"a": 1} {"b": 2}`,
		"empty":           ``,
		"not JSON":        `{"a": }`,
		"truncated":       `{"a": [1, 2`,
		"bad literal":     `{"a": tru}`,
		"lone surrogate":  `["\ud800", "\udc00x"]`,
		"deep":            strings.Repeat("[", 200) + strings.Repeat("]", 200),
	}
	for name, in := range cases {
		sameAsStd(t, name, []byte(in))
	}
}

// Inputs over parallelSize take the path that builds list items on every core.
func TestDecodeLargeLists(t *testing.T) {
	var items []string
	for i := 0; len(strings.Join(items, ",")) < parallelSize+1000; i++ {
		items = append(items, fmt.Sprintf(`{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v%d", "type": "microsoft.network/virtualnetworks", "properties": {"addressSpace": {"addressPrefixes": ["10.%d.0.0/16"]}, "n": %d.0, "s": "\u00e9\n%d"}}`, i, i%256, i, i))
	}
	list := "[\n  " + strings.Join(items, ",\n  ") + "\n]"
	for name, in := range map[string]string{
		"array":           list,
		"graph rows":      `{"count": 3, "data": ` + list + `, "skip_token": null, "total_records": 3}`,
		"value list":      `{"value": ` + list + `, "nextLink": "x"}`,
		"data not a list": `{"data": {"x": ` + list + `}}`,
		"broken item":     `{"data": ` + strings.Replace(list, `"type"`, `"type" "`, 1) + `}`,
		"broken after":    `{"data": ` + list + `, "x": }`,
	} {
		if len(in) < parallelSize {
			t.Fatalf("%s: %d bytes, too small", name, len(in))
		}
		sameAsStd(t, name, []byte(in))
	}
}

func TestDecodeCorpus(t *testing.T) {
	root := filepath.Join("..", "testdata", "corpus")
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sameAsStd(t, p, data)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no corpus files")
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a": [1, "x", null]}`, `[true, false, -0.5e1]`, `"\u00e9"`, "{\"\xff\": 1}", `{"a": 1, "a": 2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, werr := decodeStd(data)
		got, gerr := Decode(data)
		if (werr == nil) != (gerr == nil) || fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Fatalf("error %v, encoding/json says %v", gerr, werr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %#v, encoding/json gives %#v", got, want)
		}
	})
}
