package spec

import (
	"bytes"
	"errors"
	"reflect"
	"sync/atomic"

	"github.com/go-json-experiment/json"
	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/internal/parallel"
)

// Machine-written scenario files (vnetsim gen -o estate.json, importers)
// can be JSON, which is also YAML. A file whose first character is '{' is
// first decoded as strict JSON with github.com/go-json-experiment/json (the
// encoding/json/v2 proposal; chosen by measurement, see BenchmarkDecoders,
// and because it alone matches yaml.v3's strictness: unknown members,
// duplicate names and names in another case are errors), in pieces on
// every core: each top-level member, and the items of a long list in runs
// of about jsonPieceBytes. The sections that hold YAML-only values
// (variants' patches, managed outbound rules' destinations) and the
// expectations, which record their lines, go through yaml.v3 as flow YAML
// with their lines kept. On any error the file goes the YAML way, whose
// messages name file, line and key; so JSON never changes what a file
// means or says, only how fast it loads.

// jsonFast turns the JSON fast path on (tests turn it off to compare).
var jsonFast = true

// jsonPieceBytes is about how many bytes of list items one piece holds.
const jsonPieceBytes = 256 << 10

var jsonOpts = json.JoinOptions(json.RejectUnknownMembers(true), json.WithUnmarshalers(jsonRules))

// jsonPlainOpts decodes without decodeRules (tests compare the two).
var jsonPlainOpts = json.JoinOptions(json.RejectUnknownMembers(true))

// jsonViaYAML lists the top-level keys decoded by yaml.v3 (flow YAML).
var jsonViaYAML = map[string]bool{"variants": true, "machineLearning": true, "expectations": true}

// scenarioFields maps a top-level key to its field of Scenario.
var scenarioFields = func() map[string]int {
	out := map[string]int{}
	t := reflect.TypeOf(Scenario{})
	for i := 0; i < t.NumField(); i++ {
		if k := jsonName(t.Field(i)); k != "" {
			out[k] = i
		}
	}
	return out
}()

func jsonName(f reflect.StructField) string {
	k, _, _ := bytes.Cut([]byte(f.Tag.Get("json")), []byte(","))
	if string(k) == "-" {
		return ""
	}
	return string(k)
}

// looksJSON reports whether data starts (after white space) with '{'.
func looksJSON(data []byte) bool {
	i := skipWS(data, 0)
	return i < len(data) && data[i] == '{'
}

func skipWS(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at data[i] ('"'),
// or -1.
func skipString(data []byte, i int) int {
	for j := i + 1; ; {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			return -1
		}
		k += j
		bs := 0
		for b := k - 1; b > i && data[b] == '\\'; b-- {
			bs++
		}
		if bs%2 == 0 {
			return k + 1
		}
		j = k + 1
	}
}

// skipValue returns the index after the value starting at data[i], or -1.
// It finds where a value ends; the value's text is checked when decoded.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				if j = skipString(data, j); j < 0 {
					return -1
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(data) && bytes.IndexByte([]byte(",}] \t\r\n"), data[j]) < 0 {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// span is a value's bytes [start, end).
type span struct{ start, end int }

// splitArray returns the items of the array starting at data[i] ('[') and
// the index after it; ok is false unless items are separated exactly by
// commas.
func splitArray(data []byte, i int) (items []span, end int, ok bool) {
	j := skipWS(data, i+1)
	if j < len(data) && data[j] == ']' {
		return nil, j + 1, true
	}
	for {
		e := skipValue(data, j)
		if e < 0 {
			return nil, 0, false
		}
		items = append(items, span{j, e})
		j = skipWS(data, e)
		if j >= len(data) {
			return nil, 0, false
		}
		switch data[j] {
		case ',':
			j = skipWS(data, j+1)
		case ']':
			return items, j + 1, true
		default:
			return nil, 0, false
		}
	}
}

// jsonMember is one top-level member of the file.
type jsonMember struct {
	key   string
	field int
	value span
	items []span // the items of a list value decoded in pieces
	list  bool
}

// jsonTask decodes one piece: a whole member, or items [from, to) of one.
type jsonTask struct {
	m        *jsonMember
	from, to int
}

// decodeJSON decodes a JSON scenario file; ok is false on any problem (the
// YAML way then decodes the file and says what the problem is).
func decodeJSON(data []byte) (*Scenario, bool) {
	if !jsonFast {
		return nil, false
	}
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	var members []*jsonMember
	seen := map[string]bool{}
	sct := reflect.TypeOf(Scenario{})
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil, false // no apiVersion: the YAML way says so
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, false
		}
		ke := skipString(data, i)
		if ke < 0 {
			return nil, false
		}
		var key string
		if json.Unmarshal(data[i:ke], &key) != nil {
			return nil, false
		}
		f, known := scenarioFields[key]
		if !known || seen[key] {
			return nil, false
		}
		seen[key] = true
		i = skipWS(data, ke)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		i = skipWS(data, i+1)
		m := &jsonMember{key: key, field: f}
		var end int
		if i < len(data) && data[i] == '[' && !jsonViaYAML[key] && sct.Field(f).Type.Kind() == reflect.Slice {
			items, e, ok := splitArray(data, i)
			if !ok {
				return nil, false
			}
			m.items, m.list, end = items, true, e
		} else if end = skipValue(data, i); end < 0 {
			return nil, false
		}
		m.value = span{i, end}
		members = append(members, m)
		i = skipWS(data, end)
		if i >= len(data) {
			return nil, false
		}
		if data[i] == '}' {
			break
		}
		if data[i] != ',' {
			return nil, false
		}
		i = skipWS(data, i+1)
	}
	if skipWS(data, i+1) != len(data) {
		return nil, false // more than one value
	}

	out := &Scenario{}
	ov := reflect.ValueOf(out).Elem()
	var tasks []jsonTask
	for _, m := range members {
		if !m.list {
			tasks = append(tasks, jsonTask{m: m})
			continue
		}
		fv := ov.Field(m.field)
		fv.Set(reflect.MakeSlice(fv.Type(), len(m.items), len(m.items)))
		for from := 0; from < len(m.items); {
			to, size := from, 0
			for to < len(m.items) && (to == from || size < jsonPieceBytes) {
				size += m.items[to].end - m.items[to].start
				to++
			}
			tasks = append(tasks, jsonTask{m: m, from: from, to: to})
			from = to
		}
	}
	var failed atomic.Bool
	parallel.ForEach(len(tasks), func(k int) {
		if failed.Load() {
			return
		}
		t := tasks[k]
		fv := ov.Field(t.m.field)
		var err error
		switch {
		case t.m.list:
			for j := t.from; j < t.to && err == nil; j++ {
				it := t.m.items[j]
				err = json.Unmarshal(data[it.start:it.end], fv.Index(j).Addr().Interface(), jsonOpts)
			}
		case jsonViaYAML[t.m.key]:
			err = decodeFlowYAML(data, t.m, fv)
		default:
			err = json.Unmarshal(data[t.m.value.start:t.m.value.end], fv.Addr().Interface(), jsonOpts)
		}
		if err != nil {
			failed.Store(true)
		}
	})
	if failed.Load() {
		return nil, false
	}
	return out, true
}

// decodeFlowYAML decodes one member with yaml.v3, as the flow mapping
// {"key": value} with the value on its own line and column, so that the
// lines that expectations record, and the positions of the YAML values
// kept (patches), are the file's.
func decodeFlowYAML(data []byte, m *jsonMember, fv reflect.Value) error {
	line := bytes.Count(data[:m.value.start], []byte("\n"))
	col := m.value.start - (bytes.LastIndexByte(data[:m.value.start], '\n') + 1)
	head := `{"` + m.key + `":`
	var b bytes.Buffer
	b.Grow(line + col + len(head) + 2 + m.value.end - m.value.start)
	switch {
	case col >= len(head):
		b.Write(bytes.Repeat([]byte("\n"), line))
		b.WriteString(head)
		b.Write(bytes.Repeat([]byte(" "), col-len(head)))
	case line > 0:
		b.Write(bytes.Repeat([]byte("\n"), line-1))
		b.WriteString(head + "\n")
		b.Write(bytes.Repeat([]byte(" "), col))
	default:
		return errors.New("no room for the key")
	}
	b.Write(data[m.value.start:m.value.end])
	b.WriteString("}")
	var sc Scenario
	dec := yaml.NewDecoder(&b)
	dec.KnownFields(true)
	if err := dec.Decode(&sc); err != nil {
		return err
	}
	fv.Set(reflect.ValueOf(sc).Field(m.field))
	return nil
}

// IsScenarioJSON reports whether data is a JSON object with a top-level
// "apiVersion" member whose value is APIVersion: a vnetsim scenario written
// as JSON (vnetsim gen -o estate.json), not an ARM or Terraform file that a
// .json name would otherwise send to the importer. It only looks at the
// top-level keys and finds where values end; the file is decoded (strictly)
// later.
func IsScenarioJSON(data []byte) bool {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	for i = skipWS(data, i+1); i < len(data) && data[i] == '"'; {
		ke := skipString(data, i)
		if ke < 0 {
			return false
		}
		key := data[i:ke]
		i = skipWS(data, ke)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipWS(data, i+1)
		end := skipValue(data, i)
		if end < 0 {
			return false
		}
		if string(key) == `"apiVersion"` {
			var v string
			return json.Unmarshal(data[i:end], &v) == nil && v == APIVersion
		}
		i = skipWS(data, end)
		if i >= len(data) || data[i] != ',' {
			return false
		}
		i = skipWS(data, i+1)
	}
	return false
}
