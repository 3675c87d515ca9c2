package importer

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/spec"
)

// Write writes a scenario as YAML: keys in the format's order, empty values
// left out, a comment line before each object naming where it came from,
// and a comment after each value the importer made up.
func Write(w io.Writer, o *Output, header string) error {
	n := encode(reflect.ValueOf(o.Scenario).Elem(), "", o.Comments)
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}, HeadComment: header}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

var nodeType = reflect.TypeOf(yaml.Node{})

// encode builds the node of v at key path path.
func encode(v reflect.Value, path string, comments map[string]string) *yaml.Node {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return encode(v.Elem(), path, comments)
	case reflect.Struct:
		if v.Type() == nodeType {
			n := v.Interface().(yaml.Node)
			return &n
		}
		m := &yaml.Node{Kind: yaml.MappingNode}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if key == "" || key == "-" || !f.IsExported() {
				continue
			}
			fv := v.Field(i)
			if fv.Kind() != reflect.Pointer && fv.IsZero() {
				continue
			}
			if (fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && fv.Len() == 0 {
				continue
			}
			p := key
			if path != "" {
				p = path + "." + key
			}
			vn := encode(fv, p, comments)
			if vn == nil {
				continue
			}
			if c := comments[p]; c != "" && vn.Kind == yaml.ScalarNode {
				vn.LineComment = c
			}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, vn)
		}
		return m
	case reflect.Slice:
		s := &yaml.Node{Kind: yaml.SequenceNode}
		scalars := true
		for i := 0; i < v.Len(); i++ {
			p := fmt.Sprintf("%s[%d]", path, i)
			en := encode(v.Index(i), p, comments)
			if en == nil {
				en = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
			}
			if en.Kind != yaml.ScalarNode {
				scalars = false
			}
			if c := comments[p]; c != "" {
				en.HeadComment = c
			}
			s.Content = append(s.Content, en)
		}
		if scalars && !hasComments(s) {
			s.Style = yaml.FlowStyle
		}
		return s
	case reflect.String:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.String()}
	case reflect.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v.Bool())}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v.Int(), 10)}
	}
	var n yaml.Node // maps (hosts) and anything else
	_ = n.Encode(v.Interface())
	return &n
}

func hasComments(s *yaml.Node) bool {
	for _, c := range s.Content {
		if c.HeadComment != "" || c.LineComment != "" {
			return true
		}
	}
	return false
}

// Marshal is Write to bytes.
func Marshal(o *Output, header string) ([]byte, error) {
	var b bytes.Buffer
	err := Write(&b, o, header)
	return b.Bytes(), err
}

// Document returns the scenario as a spec.Document named name, by writing it
// and decoding it strictly, so that its problems are located on lines of the
// YAML that `vnetsim import` writes.
func (o *Output) Document(name string) (*spec.Document, error) {
	data, err := Marshal(o, "")
	if err != nil {
		return nil, err
	}
	return spec.Parse(name, data)
}
