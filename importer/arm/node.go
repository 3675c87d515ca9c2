// Package arm holds Azure Resource Manager resources as the importer reads
// them: generic JSON objects whose keys are matched case-insensitively and
// which remember every key a conversion read, so that whatever was not read
// can be listed. It reads every wrapper ARM resources come in (a bare
// resource, a REST example, a {"value": [...]} list, az CLI output, Azure
// Resource Graph rows) and handles resource IDs. It never evaluates template
// expressions (see armexpr) and never builds a scenario (see importer).
package arm

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Node is one JSON object of an input, with the keys a reader has used.
type Node struct {
	Path string         // JSON path in its file, e.g. $.properties.subnets[0]
	M    map[string]any // the object

	used map[string]bool  // keys, as spelled in M, that were read
	kids map[string]*Node // child objects handed out, by key as spelled in M
	arrs map[string][]*Node
}

// NewNode wraps an object found at path.
func NewNode(path string, m map[string]any) *Node {
	if m == nil {
		m = map[string]any{}
	}
	return &Node{Path: path, M: m}
}

// find returns the key of n spelled as in the input that equals k ignoring case.
func (n *Node) find(k string) (string, bool) {
	if n == nil {
		return "", false
	}
	if _, ok := n.M[k]; ok {
		return k, true
	}
	for key := range n.M {
		if strings.EqualFold(key, k) {
			return key, true
		}
	}
	return "", false
}

// Get returns the raw value of key k and marks it used.
func (n *Node) Get(k string) (any, bool) {
	key, ok := n.find(k)
	if !ok {
		return nil, false
	}
	n.mark(key)
	return n.M[key], true
}

func (n *Node) mark(key string) {
	if n.used == nil {
		n.used = map[string]bool{}
	}
	n.used[key] = true
}

// Has reports whether key k is present and not null, without marking it.
func (n *Node) Has(k string) bool {
	key, ok := n.find(k)
	return ok && n.M[key] != nil
}

// Use marks keys as read on purpose (read-only server fields, for example).
func (n *Node) Use(keys ...string) {
	for _, k := range keys {
		if key, ok := n.find(k); ok {
			n.mark(key)
			if m, ok := n.M[key].(map[string]any); ok {
				n.child(key, m).useAll()
			}
		}
	}
}

// useAll marks every key of n and of its descendants.
func (n *Node) useAll() {
	for k := range n.M {
		n.mark(k)
	}
	n.mark("*")
}

// Str returns key k as a string ("" when absent or null); numbers and
// booleans are formatted.
func (n *Node) Str(k string) string {
	v, _ := n.Get(k)
	return Scalar(v)
}

// Scalar formats a JSON scalar as a string; it returns "" for anything else.
func Scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// Bool returns key k as a boolean; ok is false when it is absent or not a
// boolean (the strings "true" and "false" are accepted).
func (n *Node) Bool(k string) (b, ok bool) {
	v, present := n.Get(k)
	if !present {
		return false, false
	}
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		p, err := strconv.ParseBool(x)
		return p, err == nil
	}
	return false, false
}

// Int returns key k as an integer; ok is false when absent or not a number.
func (n *Node) Int(k string) (int, bool) {
	v, present := n.Get(k)
	if !present {
		return 0, false
	}
	i, err := strconv.Atoi(strings.TrimSuffix(Scalar(v), ".0"))
	return i, err == nil
}

// Strs returns key k as a list of strings; a single string is a list of one.
func (n *Node) Strs(k string) []string {
	v, _ := n.Get(k)
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s := Scalar(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	case nil:
		return nil
	default:
		if s := Scalar(x); s != "" {
			return []string{s}
		}
	}
	return nil
}

func (n *Node) child(key string, m map[string]any) *Node {
	if n.kids == nil {
		n.kids = map[string]*Node{}
	}
	if c := n.kids[key]; c != nil {
		return c
	}
	c := NewNode(n.Path+"."+key, m)
	n.kids[key] = c
	return c
}

// Obj returns key k as an object, or nil when absent or not an object.
func (n *Node) Obj(k string) *Node {
	key, ok := n.find(k)
	if !ok {
		return nil
	}
	m, ok := n.M[key].(map[string]any)
	if !ok {
		return nil
	}
	n.mark(key)
	return n.child(key, m)
}

// Objs returns the objects of the array at key k (other elements are skipped).
func (n *Node) Objs(k string) []*Node {
	key, ok := n.find(k)
	if !ok {
		return nil
	}
	a, ok := n.M[key].([]any)
	if !ok {
		return nil
	}
	n.mark(key)
	if n.arrs == nil {
		n.arrs = map[string][]*Node{}
	}
	if prev, ok := n.arrs[key]; ok {
		return prev
	}
	var out []*Node
	for i, e := range a {
		if m, ok := e.(map[string]any); ok {
			out = append(out, NewNode(fmt.Sprintf("%s.%s[%d]", n.Path, key, i), m))
		}
	}
	n.arrs[key] = out
	return out
}

// ID returns the "id" of the object at key k ({"id": ...} references).
func (n *Node) ID(k string) string {
	if o := n.Obj(k); o != nil {
		return o.Str("id")
	}
	return ""
}

// IDs returns the "id" of every object of the array at key k.
func (n *Node) IDs(k string) []string {
	var out []string
	for _, o := range n.Objs(k) {
		if id := o.Str("id"); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// Props returns an object's "properties", or the object itself when its
// properties are flattened into it (az CLI output).
func Props(n *Node) *Node {
	if n == nil {
		return nil
	}
	if p := n.Obj("properties"); p != nil {
		return p
	}
	return n
}

// Unused calls fn with the path of every key present, not null and not
// empty, that no reader used, in path order.
func (n *Node) Unused(fn func(path string, value any)) {
	var out []struct {
		p string
		v any
	}
	var walk func(n *Node)
	walk = func(n *Node) {
		if n == nil || n.used["*"] {
			return
		}
		for k, v := range n.M {
			if !n.used[k] && !ReadOnly[k] {
				if !empty(v) {
					out = append(out, struct {
						p string
						v any
					}{n.Path + "." + k, v})
				}
				continue
			}
			if c := n.kids[k]; c != nil {
				walk(c)
			}
			for _, c := range n.arrs[k] {
				walk(c)
			}
		}
	}
	walk(n)
	sort.Slice(out, func(i, j int) bool { return out[i].p < out[j].p })
	for _, o := range out {
		fn(o.p, o.v)
	}
}

// ReadOnly are server-side fields that no conversion reads and no list
// needs: they say nothing about the network.
var ReadOnly = map[string]bool{"provisioningState": true, "resourceGuid": true, "etag": true}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}
