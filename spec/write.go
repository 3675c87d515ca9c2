package spec

import (
	"bufio"
	"io"
	"reflect"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"go.yaml.in/yaml/v3"
)

// WriteJSON writes a scenario as JSON, the fast form for machine-written
// files: one top-level key per line and one list item per line, zero
// values left out. YAML-only values (variants' patches, outbound rules'
// destinations) are written as the JSON they decode to.
func WriteJSON(w io.Writer, sc *Scenario) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	v := reflect.ValueOf(sc).Elem()
	t := v.Type()
	bw.WriteString("{")
	first := true
	for i := 0; i < t.NumField(); i++ {
		name := jsonName(t.Field(i))
		fv := v.Field(i)
		if name == "" || fv.IsZero() {
			continue
		}
		if !first {
			bw.WriteString(",")
		}
		first = false
		bw.WriteString("\n  ")
		key, _ := json.Marshal(name)
		bw.Write(key)
		bw.WriteString(": ")
		if fv.Kind() != reflect.Slice {
			if err := writeValue(bw, fv.Interface()); err != nil {
				return err
			}
			continue
		}
		bw.WriteString("[")
		for j := 0; j < fv.Len(); j++ {
			if j > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n    ")
			if err := writeValue(bw, fv.Index(j).Interface()); err != nil {
				return err
			}
		}
		bw.WriteString("\n  ]")
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// yamlNodeJSON writes a yaml.Node as the JSON of the value it decodes to.
var yamlNodeJSON = json.MarshalToFunc(func(enc *jsontext.Encoder, n yaml.Node) error {
	if n.Kind == 0 {
		return enc.WriteToken(jsontext.Null)
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return err
	}
	return json.MarshalEncode(enc, v, json.Deterministic(true))
})

// reachJSON writes a set expectation as its YAML form: "none" or
// {"only": [...]}.
var reachJSON = json.MarshalToFunc(func(enc *jsontext.Encoder, r Reach) error {
	if r.None {
		return enc.WriteToken(jsontext.String(ReachNone))
	}
	return json.MarshalEncode(enc, map[string][]string{"only": r.Only})
})

var writeOpts = json.JoinOptions(json.OmitZeroStructFields(true), json.Deterministic(true),
	json.WithMarshalers(json.JoinMarshalers(yamlNodeJSON, reachJSON)))

func writeValue(w io.Writer, v any) error {
	b, err := json.Marshal(v, writeOpts)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
