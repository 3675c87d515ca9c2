package spec

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Variant is a variant of a scenario: a patch merged onto the scenario
// (typically a documented mistake) with its own expectations.
type Variant struct {
	Name         string        `yaml:"name" json:"name"`
	Description  string        `yaml:"description" json:"description"`
	Patch        yaml.Node     `yaml:"patch" json:"patch"`
	Expectations []Expectation `yaml:"expectations" json:"expectations"`
}

// VariantSep joins a scenario and a variant name: file.yaml#variant.
const VariantSep = "#"

// Variant returns the named variant of d: the scenario with the variant's
// patch merged in and the variant's expectations instead of the scenario's.
// The result is a merged Document named file#variant; errors in the merged
// scenario name "file (variant name)".
func (d *Document) Variant(name string) (*Document, error) {
	for i := range d.Scenario.Variants {
		if d.Scenario.Variants[i].Name == name {
			return d.variant(i)
		}
	}
	return nil, fmt.Errorf("scenario %s has no variant %q (it has: %s)", d.File, name, strings.Join(d.VariantNames(), ", "))
}

// VariantNames lists the scenario's variants in file order.
func (d *Document) VariantNames() []string {
	var out []string
	for _, v := range d.Scenario.Variants {
		out = append(out, v.Name)
	}
	return out
}

func (d *Document) variant(i int) (*Document, error) {
	vpath := fmt.Sprintf("variants[%d]", i)
	vnode := mapValue(d.root(), "variants").Content[i]
	patch := mapValue(vnode, "patch")
	name := scalarValue(vnode, "name")
	file := d.File + VariantSep + name
	if patch != nil && patch.Kind != yaml.MappingNode && !(patch.Kind == yaml.ScalarNode && patch.Tag == "!!null") {
		return nil, ErrorList{{File: d.File, Line: patch.Line, Key: vpath + ".patch", Msg: "a patch is a mapping of scenario keys"}}
	}
	merged := cloneNode(d.root())
	deleteKey(merged, "variants")
	if patch != nil && patch.Kind == yaml.MappingNode {
		if errs := checkDeletes(d.File, patch, vpath+".patch", false); len(errs) > 0 {
			return nil, errs
		}
		if errs := d.strictPatch(patch, vpath+".patch"); len(errs) > 0 {
			return nil, errs
		}
		var errs ErrorList
		mergeNode(merged, patch, vpath+".patch", d.File, &errs)
		if len(errs) > 0 {
			return nil, errs
		}
	}
	deleteKey(merged, "expectations")
	if ex := mapValue(vnode, "expectations"); ex != nil {
		setKey(merged, "expectations", ex)
	}
	return d.build(file, d.File+" (variant "+name+")", merged)
}

// build decodes a merged scenario tree; decoding errors name d's file, and
// the new Document's ErrFile names it in later (compile) errors.
func (d *Document) build(file, errFile string, merged *yaml.Node) (*Document, error) {
	pos := newPositions(func() *yaml.Node { return merged })
	var sc Scenario
	if err := merged.Decode(&sc); err != nil {
		return nil, yamlErrors(d.File, pos, err, 0)
	}
	return &Document{File: file, ErrFile: errFile, Scenario: &sc, pos: pos, tree: func() *yaml.Node { return merged }}, nil
}

// Patched returns d with a patch file merged in, the way variants merge
// theirs (diff --patch). Errors in the patch name the patch file's lines;
// errors in the result name the scenario with the patch applied.
func (d *Document) Patched(patchFile string, data []byte) (*Document, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, syntaxError(patchFile, data, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, ErrorList{{File: patchFile, Line: 1, Msg: "a patch is a mapping of scenario keys"}}
	}
	patch := root.Content[0]
	pd := &Document{File: patchFile, pos: newPositions(func() *yaml.Node { return patch })}
	if errs := checkAliases(patchFile, patch, pd.pos); len(errs) > 0 {
		return nil, errs
	}
	if errs := checkDeletes(patchFile, patch, "", false); len(errs) > 0 {
		return nil, errs
	}
	if errs := pd.strictPatch(patch, ""); len(errs) > 0 {
		return nil, errs
	}
	merged := cloneNode(d.root())
	var errs ErrorList
	mergeNode(merged, patch, "", patchFile, &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	return d.build(d.File+"+"+patchFile, d.File+" patched by "+patchFile, merged)
}

// strictPatch checks a patch for unknown keys by decoding it strictly on its
// own; errors name the patch's lines in the file.
func (d *Document) strictPatch(patch *yaml.Node, path string) ErrorList {
	out, err := yaml.Marshal(withoutDeletes(patch))
	if err != nil {
		return ErrorList{{File: d.File, Line: patch.Line, Key: path, Msg: err.Error()}}
	}
	var sc Scenario
	dec := yaml.NewDecoder(bytes.NewReader(out))
	dec.KnownFields(true)
	err = dec.Decode(&sc)
	if err == nil {
		return nil
	}
	// Map lines of the re-encoded patch back to the file through key paths.
	var reparsed yaml.Node
	_ = yaml.Unmarshal(out, &reparsed)
	rp := newPositions(func() *yaml.Node { return &reparsed })
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return ErrorList{{File: d.File, Line: patch.Line, Key: path, Msg: err.Error()}}
	}
	errs := yamlErrors(d.File, rp, err, 0)
	for _, e := range errs {
		if path != "" {
			e.Key = path + "." + e.Key
		}
		e.Line = d.pos.lookup(e.Key)
	}
	return errs
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func scalarValue(m *yaml.Node, key string) string {
	if v := mapValue(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

func deleteKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

func setKey(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			// The key now lives where its new value is written.
			k := *m.Content[i]
			k.Line = v.Line
			m.Content[i], m.Content[i+1] = &k, v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: v.Line}, v)
}

func cloneNode(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = cloneNode(k)
	}
	return &c
}

// identityKeys name the items of a list: lists whose items carry one of
// these keys merge item by item; other lists are replaced whole.
var identityKeys = []string{"name", "vnet"}

// mergeNode merges patch into base (both mappings), the way `diff --patch`
// and scenario variants apply a patch:
//   - mappings merge key by key, and a key set to null is removed;
//   - lists of items with a name (or, for zone links, a vnet) merge by that
//     key: an item with the same name is merged, an item with `$delete: true`
//     removes it, and a new name is appended;
//   - anything else is replaced.
func mergeNode(base, patch *yaml.Node, path, file string, errs *ErrorList) {
	for i := 0; i+1 < len(patch.Content); i += 2 {
		k, pv := patch.Content[i], patch.Content[i+1]
		kp := k.Value
		if path != "" {
			kp = path + "." + k.Value
		}
		bv := mapValue(base, k.Value)
		switch {
		case pv.Kind == yaml.ScalarNode && pv.Tag == "!!null":
			deleteKey(base, k.Value)
		case bv == nil:
			setKey(base, k.Value, stripDeletes(pv))
		case bv.Kind == yaml.MappingNode && pv.Kind == yaml.MappingNode:
			mergeNode(bv, pv, kp, file, errs)
		case bv.Kind == yaml.SequenceNode && pv.Kind == yaml.SequenceNode && keyed(pv) != "":
			mergeList(bv, pv, keyed(pv), kp, file, errs)
		default:
			setKey(base, k.Value, pv)
		}
	}
}

// keyed returns the identity key every item of a list carries, or "".
func keyed(list *yaml.Node) string {
	for _, id := range identityKeys {
		ok := len(list.Content) > 0
		for _, it := range list.Content {
			if it.Kind != yaml.MappingNode || mapValue(it, id) == nil {
				ok = false
				break
			}
		}
		if ok {
			return id
		}
	}
	return ""
}

func mergeList(base, patch *yaml.Node, id, path, file string, errs *ErrorList) {
	for j, it := range patch.Content {
		want := scalarValue(it, id)
		del := mapValue(it, "$delete") != nil // checkDeletes allows only true
		found := -1
		for k, b := range base.Content {
			if b.Kind == yaml.MappingNode && scalarValue(b, id) == want {
				found = k
			}
		}
		ip := fmt.Sprintf("%s[%d]", path, j)
		switch {
		case del && found < 0:
			*errs = append(*errs, &Error{File: file, Line: it.Line, Key: ip, Msg: fmt.Sprintf("$delete: no item with %s %q to delete", id, want)})
		case del:
			base.Content = append(base.Content[:found], base.Content[found+1:]...)
		case found < 0:
			base.Content = append(base.Content, stripDeletes(it))
		default:
			mergeNode(base.Content[found], it, ip, file, errs)
		}
	}
}

// withoutDeletes returns a copy of n with every $delete key removed.
func withoutDeletes(n *yaml.Node) *yaml.Node {
	c := cloneNode(n)
	var walk func(*yaml.Node)
	walk = func(x *yaml.Node) {
		if x.Kind == yaml.MappingNode {
			deleteKey(x, "$delete")
		}
		for _, k := range x.Content {
			walk(k)
		}
	}
	walk(c)
	return c
}

// stripDeletes drops $delete keys from a node that is added as a whole.
func stripDeletes(n *yaml.Node) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return n
	}
	c := cloneNode(n)
	deleteKey(c, "$delete")
	return c
}

// checkDeletes checks every $delete key of a patch: it is written in an item
// of a list and its value is the boolean true. Anything else ($delete: yes,
// "True", false) would be ignored, so the patch would silently not delete.
func checkDeletes(file string, n *yaml.Node, path string, item bool) ErrorList {
	var errs ErrorList
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			kp := k.Value
			if path != "" {
				kp = path + "." + k.Value
			}
			if k.Value == "$delete" {
				switch {
				case !item:
					errs = append(errs, &Error{File: file, Line: k.Line, Key: kp, Msg: "$delete removes an item of a list and belongs in one (to remove a key, set it to null)"})
				case v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Value != "true":
					errs = append(errs, &Error{File: file, Line: k.Line, Key: kp, Msg: fmt.Sprintf("$delete takes true, not %s; leave it out to keep the item", quoteValue(v))})
				}
				continue
			}
			errs = append(errs, checkDeletes(file, v, kp, false)...)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			errs = append(errs, checkDeletes(file, c, fmt.Sprintf("%s[%d]", path, i), true)...)
		}
	}
	return errs
}

// quoteValue shows a node's value in a message.
func quoteValue(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return "an alias"
}
