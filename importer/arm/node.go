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
	"sort"
	"strconv"
	"strings"
)

// Node is one JSON object of an input, with the keys a reader has used.
type Node struct {
	M map[string]any // the object

	// Where it is: a root's JSON path, or its parent, its key there and
	// its index in an array under that key (-1 for none). The path is made
	// only when asked for, as few ever are.
	root   string
	parent *Node
	key    string
	index  int

	// Few keys per object are read, so these are short lists, searched in
	// order: cheaper than maps to build for every object of a large input.
	used []string // keys, as spelled in M, that were read ("*": all of them)
	kids []kid    // child objects handed out, by key as spelled in M
	arrs []arr    // arrays of child objects handed out
	// once a key was looked up in another case: bit len%64 set for the
	// length of each key of M, and bit foldHash%64 for each key's lower
	// case (all set if a key is not ASCII); and len(M)+1
	fold   [2]uint64
	foldOf int
}

type kid struct {
	key string
	n   *Node
}

type arr struct {
	key string
	ns  []*Node
}

func (n *Node) isUsed(key string) bool {
	for _, u := range n.used {
		if u == key {
			return true
		}
	}
	return false
}

func (n *Node) kid(key string) *Node {
	for _, k := range n.kids {
		if k.key == key {
			return k.n
		}
	}
	return nil
}

func (n *Node) arr(key string) ([]*Node, bool) {
	for _, a := range n.arrs {
		if a.key == key {
			return a.ns, true
		}
	}
	return nil, false
}

// NewNode wraps an object found at path.
func NewNode(path string, m map[string]any) *Node {
	if m == nil {
		m = map[string]any{}
	}
	return &Node{root: path, M: m}
}

// Path is the node's JSON path in its file, e.g. $.properties.subnets[0].
func (n *Node) Path() string {
	if n.parent == nil {
		return n.root
	}
	p := n.parent.Path() + "." + n.key
	if n.index >= 0 {
		p += "[" + strconv.Itoa(n.index) + "]"
	}
	return p
}

// find returns the key of n spelled as in the input that equals k ignoring case.
func (n *Node) find(k string) (string, bool) {
	key, _, ok := n.lookup(k)
	return key, ok
}

// lookup is find with the key's value.
func (n *Node) lookup(k string) (string, any, bool) {
	if n == nil {
		return "", nil, false
	}
	if v, ok := n.M[k]; ok {
		return k, v, true
	}
	if !ascii(k) {
		for key, v := range n.M {
			if strings.EqualFold(key, k) {
				return key, v, true
			}
		}
		return "", nil, false
	}
	if n.foldOf != len(n.M)+1 { // worked out once, again if M gained keys
		n.fold = [2]uint64{}
		for key := range n.M {
			if !ascii(key) {
				n.fold = [2]uint64{^uint64(0), ^uint64(0)}
				break
			}
			n.fold[0] |= 1 << (len(key) % 64)
			n.fold[1] |= 1 << (foldHash(key) % 64)
		}
		n.foldOf = len(n.M) + 1
	}
	if n.fold[0]&(1<<(len(k)%64)) == 0 || n.fold[1]&(1<<(foldHash(k)%64)) == 0 {
		return "", nil, false // no key of k's length, or of its case-folded hash
	}
	for key, v := range n.M {
		if foldEqual(key, k) {
			return key, v, true
		}
	}
	return "", nil, false
}

// foldHash hashes an ASCII string as its lower case (FNV-1a).
func foldHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

// foldEqual is strings.EqualFold(key, k) for an ASCII k, skipping keys of
// another length cheaply: ASCII folds to ASCII, and the only other runes
// that fold to ASCII letters (ſ, the Kelvin sign) are longer than one byte.
func foldEqual(key, k string) bool {
	if len(key) == len(k) {
		return strings.EqualFold(key, k)
	}
	if len(key) < len(k) {
		return false
	}
	return !ascii(key) && strings.EqualFold(key, k)
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Get returns the raw value of key k and marks it used.
func (n *Node) Get(k string) (any, bool) {
	key, v, ok := n.lookup(k)
	if !ok {
		return nil, false
	}
	n.mark(key)
	return v, true
}

func (n *Node) mark(key string) {
	if !n.isUsed(key) {
		if n.used == nil {
			n.used = make([]string, 0, min(len(n.M), 8))
		}
		n.used = append(n.used, key)
	}
}

// Has reports whether key k is present and not null, without marking it.
func (n *Node) Has(k string) bool {
	_, v, ok := n.lookup(k)
	return ok && v != nil
}

// Use marks keys as read on purpose (read-only server fields, for example).
func (n *Node) Use(keys ...string) {
	for _, k := range keys {
		if key, v, ok := n.lookup(k); ok {
			n.mark(key)
			if m, ok := v.(map[string]any); ok {
				n.child(key, m).useAll()
			}
		}
	}
}

// useAll marks every key of n and of its descendants.
func (n *Node) useAll() {
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
	if c := n.kid(key); c != nil {
		return c
	}
	if m == nil {
		m = map[string]any{}
	}
	c := &Node{M: m, parent: n, key: key, index: -1}
	n.kids = append(n.kids, kid{key, c})
	return c
}

// Obj returns key k as an object, or nil when absent or not an object.
func (n *Node) Obj(k string) *Node {
	key, v, ok := n.lookup(k)
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	n.mark(key)
	return n.child(key, m)
}

// Objs returns the objects of the array at key k (other elements are skipped).
func (n *Node) Objs(k string) []*Node {
	key, v, ok := n.lookup(k)
	if !ok {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		return nil
	}
	n.mark(key)
	if prev, ok := n.arr(key); ok {
		return prev
	}
	var out []*Node
	for i, e := range a {
		if m, ok := e.(map[string]any); ok {
			if m == nil {
				m = map[string]any{}
			}
			out = append(out, &Node{M: m, parent: n, key: key, index: i})
		}
	}
	n.arrs = append(n.arrs, arr{key, out})
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
		if n == nil || n.isUsed("*") {
			return
		}
		for k, v := range n.M {
			if !n.isUsed(k) && !ReadOnly[k] {
				if !empty(v) {
					out = append(out, struct {
						p string
						v any
					}{n.Path() + "." + k, v})
				}
				continue
			}
			if c := n.kid(k); c != nil {
				walk(c)
			}
			cs, _ := n.arr(k)
			for _, c := range cs {
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
