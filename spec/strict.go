package spec

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Exact numbers. yaml.v3 truncates a float decoded into an int (priority
// 100.9 becomes 100, port 443.9 becomes 443), so every type with an int
// field decodes through strictDecode, which refuses anything but a whole
// number there, and checks keys as KnownFields does (a custom decoder
// loses it for the keys below).

// strictDecode decodes the mapping n into out, a pointer to a struct type
// without its own UnmarshalYAML; name is the type's name in messages.
func strictDecode(n *yaml.Node, out any, name string) error {
	if n.Kind != yaml.MappingNode {
		return n.Decode(out) // yaml.v3 says what is wrong
	}
	rt := reflect.TypeOf(out).Elem()
	fields := structFields(rt)
	var problems []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := fields[k.Value]
		if !ok {
			problems = append(problems, fmt.Sprintf("line %d: field %s not found in type %s", k.Line, k.Value, name))
			continue
		}
		if f.Kind() == reflect.Int {
			if msg := wholeNumber(v); msg != "" {
				problems = append(problems, fmt.Sprintf("line %d: field %s: %s", v.Line, k.Value, msg))
			}
		}
	}
	if len(problems) > 0 {
		return &yaml.TypeError{Errors: problems}
	}
	return n.Decode(out)
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
	for _, v := range []any{SecurityRule{}, RuleCollectionGroup{}, FirewallCollection{}, FirewallRule{}, Record{}, Compute{}} {
		structFields(reflect.TypeOf(v))
	}
}

// UnmarshalYAML decodes a security rule with an exact priority.
func (r *SecurityRule) UnmarshalYAML(n *yaml.Node) error {
	type plain SecurityRule
	return strictDecode(n, (*plain)(r), "spec.SecurityRule")
}

// UnmarshalYAML decodes a rule collection group with an exact priority.
func (g *RuleCollectionGroup) UnmarshalYAML(n *yaml.Node) error {
	type plain RuleCollectionGroup
	return strictDecode(n, (*plain)(g), "spec.RuleCollectionGroup")
}

// UnmarshalYAML decodes a firewall rule collection with an exact priority.
func (c *FirewallCollection) UnmarshalYAML(n *yaml.Node) error {
	type plain FirewallCollection
	return strictDecode(n, (*plain)(c), "spec.FirewallCollection")
}

// UnmarshalYAML decodes a firewall rule strictly (it sits below a
// collection, whose own decoder would otherwise let unknown keys pass).
func (r *FirewallRule) UnmarshalYAML(n *yaml.Node) error {
	type plain FirewallRule
	return strictDecode(n, (*plain)(r), "spec.FirewallRule")
}

// UnmarshalYAML decodes a DNS record with an exact TTL.
func (r *Record) UnmarshalYAML(n *yaml.Node) error {
	type plain Record
	return strictDecode(n, (*plain)(r), "spec.Record")
}

// UnmarshalYAML decodes a compute with an exact maxNodes.
func (c *Compute) UnmarshalYAML(n *yaml.Node) error {
	type plain Compute
	return strictDecode(n, (*plain)(c), "spec.Compute")
}
