package spec

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Strictness beyond yaml.v3's KnownFields. The Scenario decodes through
// checkTree, one walk over the node tree yaml.v3 has already parsed:
//   - unknown keys are problems, as with KnownFields, at every depth (a
//     custom decoder would otherwise lose the option for the keys below it);
//   - numbers are exact: yaml.v3 truncates a float decoded into an int
//     (priority 100.9 becomes 100, port 443.9 becomes 443), checkTree
//     refuses anything but a whole number there;
//   - a mapping holds at most maxKeys keys, checked before yaml.v3 compares
//     every pair of keys for duplicates.

// lineOf returns the line a yaml.v3 message names ("line 12: ...").
func lineOf(msg string) int {
	if sm := reLine().FindStringSubmatch(msg); sm != nil {
		n, _ := strconv.Atoi(sm[1])
		return n
	}
	return 0
}

// maxKeys bounds the keys of one mapping: yaml.v3 looks for duplicate keys
// by comparing every pair, so a 1 MB mapping of 100,000 keys would cost
// minutes. No scenario type has more than 30 keys; a hosts map is a few.
const maxKeys = 1000

// tooWide returns a located problem when mapping n has more than maxKeys
// keys, naming the first key over the limit.
func tooWide(n *yaml.Node) string {
	if len(n.Content)/2 <= maxKeys {
		return ""
	}
	k := n.Content[2*maxKeys]
	return fmt.Sprintf("line %d: field %s: more than %d keys in one mapping", k.Line, k.Value, maxKeys)
}

// wholeNumber returns why an int field's value is not a whole number, or "".
func wholeNumber(v *yaml.Node) string {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!float" {
		return "" // an int, or something yaml.v3 refuses with its own message
	}
	return fmt.Sprintf("%s is not a whole number (vnetsim doesn't round)", v.Value)
}

var fieldCache = map[reflect.Type]map[string]reflect.Type{}

func structFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache[t]; ok {
		return m
	}
	// Not cached here: init fills the cache before any decoding, and
	// pieces are decoded on every core, so the cache is only read.
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k != "" && k != "-" {
			m[k] = t.Field(i).Type
		}
	}
	return m
}

func init() {
	// Built before decoding starts, so that pieces decoded on every core
	// only read the cache.
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t == nodeType {
			return
		}
		if _, ok := fieldCache[t]; ok {
			return
		}
		fieldCache[t] = structFields(t)
		for _, f := range fieldCache[t] {
			add(f)
		}
	}
	add(scenarioType)
}

// UnmarshalYAML decodes a scenario strictly: checkTree walks the node tree
// yaml.v3 already parsed once, against the format's types, then one plain
// decoding fills the Scenario.
func (sc *Scenario) UnmarshalYAML(n *yaml.Node) error {
	type plain Scenario
	var problems []string
	wide := checkTree(n, reflect.TypeOf(Scenario{}), &problems, map[*yaml.Node]bool{}, true)
	if wide {
		return &yaml.TypeError{Errors: problems} // don't let yaml.v3 compare every pair of keys
	}
	err := n.Decode((*plain)(sc))
	if len(problems) == 0 {
		return err
	}
	// yaml.v3 reports problems in file order; merge ours with its.
	var te *yaml.TypeError
	if errors.As(err, &te) {
		problems = append(problems, te.Errors...)
	} else if err != nil {
		return err
	}
	sort.SliceStable(problems, func(i, j int) bool { return lineOf(problems[i]) < lineOf(problems[j]) })
	return &yaml.TypeError{Errors: problems}
}

var (
	unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()
	nodeType        = reflect.TypeOf(yaml.Node{})
	scenarioType    = reflect.TypeOf(Scenario{})
)

// checkTree checks node n against type t as KnownFields would (an unknown
// key is a problem), bounds the width of mappings and makes whole numbers
// exact. It reports whether a mapping was too wide. Types with their own
// UnmarshalYAML check themselves; yaml.Node fields are read later; alias
// targets are walked once.
func checkTree(n *yaml.Node, t reflect.Type, problems *[]string, seen map[*yaml.Node]bool, top bool) (wide bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil || seen[n.Alias] {
			return false
		}
		seen[n.Alias] = true
		n = n.Alias
	}
	if t == nodeType || (!top && reflect.PointerTo(t).Implements(unmarshalerType)) {
		return false
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return false // yaml.v3 says what is wrong
		}
		if msg := tooWide(n); msg != "" {
			*problems = append(*problems, msg)
			return true
		}
		fields := structFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			f, ok := fields[k.Value]
			if !ok {
				*problems = append(*problems, fmt.Sprintf("line %d: field %s not found in type spec.%s", k.Line, k.Value, t.Name()))
				continue
			}
			if f.Kind() == reflect.Int {
				if msg := wholeNumber(v); msg != "" {
					*problems = append(*problems, fmt.Sprintf("line %d: field %s: %s", v.Line, k.Value, msg))
				}
				continue
			}
			wide = checkTree(v, f, problems, seen, false) || wide
		}
	case reflect.Slice:
		if n.Kind == yaml.SequenceNode {
			for _, c := range n.Content {
				wide = checkTree(c, t.Elem(), problems, seen, false) || wide
			}
		}
	case reflect.Map:
		if n.Kind == yaml.MappingNode {
			if msg := tooWide(n); msg != "" {
				*problems = append(*problems, msg)
				return true
			}
		}
	}
	return wide
}
