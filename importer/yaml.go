package importer

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/spec"
)

// Write writes a scenario as YAML: keys in the format's order, empty values
// left out, a comment line before each object naming where it came from,
// and a comment after each value the importer made up.
//
// It streams: each value is written as it is reached, in one pass over the
// scenario, in the layout gopkg.in/yaml.v3 gives the same values (indent
// 2, lists of scalars in flow style unless an item has a comment). Scalars
// that are plainly plain (names, addresses, prefixes) are written as they
// are; any other value, and anything but strings, numbers, booleans,
// structs and lists (a yaml.Node, a map), is laid out by yaml.v3 itself, on
// its own, and indented into place. A test holds it byte for byte to
// yaml.v3's encoding of the whole tree.
func Write(w io.Writer, o *Output, header string) error {
	for _, c := range o.Comments {
		if !oneLine(c) {
			// yaml.v3 places the lines of such a comment by what surrounds
			// it: leave the whole document to it
			return writeTree(w, o, header)
		}
	}
	yw := &yamlWriter{w: bufio.NewWriterSize(w, 64<<10), comments: o.Comments, cache: map[scalarKey]string{}}
	if header != "" {
		yw.header(header)
	}
	v := reflect.ValueOf(o.Scenario).Elem()
	if !yw.mapping(v, 0, false) {
		yw.str("{}\n")
	}
	if yw.err != nil {
		return yw.err
	}
	return yw.w.Flush()
}

type yamlWriter struct {
	w        *bufio.Writer
	err      error
	comments map[string]string
	path     []byte // key path of the value being written
	cache    map[scalarKey]string
}

type scalarKey struct {
	ctx byte // 'm' mapping value, 's' block list item, 'f' flow list item
	v   string
}

func (y *yamlWriter) str(s string) {
	if y.err == nil {
		_, y.err = y.w.WriteString(s)
	}
}

func (y *yamlWriter) indent(n int) {
	for ; n > 0 && y.err == nil; n-- {
		y.err = y.w.WriteByte(' ')
	}
}

func (y *yamlWriter) comment() string { return y.comments[string(y.path)] }

// writeTree writes the scenario as one yaml.Node tree encoded by yaml.v3.
func writeTree(w io.Writer, o *Output, header string) error {
	n := encode(reflect.ValueOf(o.Scenario).Elem(), "", o.Comments)
	out, err := v3(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}, HeadComment: header})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, out)
	return err
}

// header writes the document's head comment as yaml.v3 does.
func (y *yamlWriter) header(h string) {
	doc := &yaml.Node{Kind: yaml.DocumentNode, HeadComment: h, Content: []*yaml.Node{{Kind: yaml.MappingNode,
		Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "k"}, {Kind: yaml.ScalarNode, Value: "v"}}}}}
	out, err := v3(doc)
	if err != nil {
		y.err = err
		return
	}
	y.str(strings.TrimSuffix(out, "k: v\n"))
}

// v3 encodes a node with yaml.v3 as Write lays out the document.
func v3(n *yaml.Node) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// field is a key of a struct as the format spells it.
type field struct {
	index int
	key   string
}

var fieldsOf sync.Map // reflect.Type -> []field

func fields(t reflect.Type) []field {
	if fs, ok := fieldsOf.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if key == "" || key == "-" || !f.IsExported() {
			continue
		}
		fs = append(fs, field{i, key})
	}
	fieldsOf.Store(t, fs)
	return fs
}

// present reports whether encode would write a value: not a nil pointer,
// not a zero value, not an empty list or map.
func present(fv reflect.Value) bool {
	switch fv.Kind() {
	case reflect.Pointer:
		return !fv.IsNil()
	case reflect.Slice, reflect.Map:
		return fv.Len() > 0
	}
	return !fv.IsZero()
}

// mapping writes the keys of struct v at indentation ind; cont says that
// the line is begun ("- " of a list item). It reports whether it wrote a key.
func (y *yamlWriter) mapping(v reflect.Value, ind int, cont bool) bool {
	base := len(y.path)
	wrote := false
	for _, f := range fields(v.Type()) {
		fv := v.Field(f.index)
		if !present(fv) {
			continue
		}
		y.path = y.path[:base]
		if base > 0 {
			y.path = append(y.path, '.')
		}
		y.path = append(y.path, f.key...)
		if !(cont && !wrote) {
			y.indent(ind)
		}
		y.entry(f.key, fv, ind)
		wrote = true
	}
	y.path = y.path[:base]
	return wrote
}

// entry writes "key: value" at indentation ind, the line begun.
func (y *yamlWriter) entry(key string, fv reflect.Value, ind int) {
	for fv.Kind() == reflect.Pointer {
		fv = fv.Elem()
	}
	switch fv.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Int32:
		if s, ok := y.scalar(fv, 'm', y.comment()); ok {
			y.str(key)
			y.str(": ")
			y.str(reindent(s, ind))
			return
		}
	case reflect.Struct:
		if fv.Type() == nodeType {
			break
		}
		y.str(key)
		if !hasKeys(fv) {
			y.str(": {}\n")
			return
		}
		y.str(":\n")
		y.mapping(fv, ind+2, false)
		return
	case reflect.Slice:
		if y.list(key, fv, ind) {
			return
		}
	}
	y.fallback(key, fv, ind)
}

func hasKeys(v reflect.Value) bool {
	for _, f := range fields(v.Type()) {
		if present(v.Field(f.index)) {
			return true
		}
	}
	return false
}

// list writes a list value; it reports false for one it leaves to yaml.v3.
func (y *yamlWriter) list(key string, v reflect.Value, ind int) bool {
	base := len(y.path)
	defer func() { y.path = y.path[:base] }()
	n := v.Len()
	scalars, comments := true, false
	for i := 0; i < n; i++ {
		e := v.Index(i)
		for e.Kind() == reflect.Pointer && !e.IsNil() {
			e = e.Elem()
		}
		switch e.Kind() {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Int32, reflect.Pointer:
		case reflect.Struct:
			if e.Type() == nodeType {
				return false
			}
			scalars = false
		default:
			return false
		}
		y.path = appendIndex(y.path[:base], i)
		if y.comment() != "" {
			comments = true
		}
	}
	if scalars && !comments {
		// flow style: [a, b]
		var b strings.Builder
		b.WriteString(key)
		b.WriteString(": [")
		for i := 0; i < n; i++ {
			s, ok := y.scalar(v.Index(i), 'f', "")
			if !ok || strings.ContainsAny(s[:len(s)-1], breaks) {
				return false
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(s[:len(s)-1])
		}
		b.WriteString("]\n")
		y.str(b.String())
		return true
	}
	// block style, each item after its comment
	y.str(key)
	y.str(":\n")
	if n < 2*writeBlock || scalars {
		for i := 0; i < n; i++ {
			y.item(v, i, ind, base)
		}
		return true
	}
	// A long list of objects (the VNets of an estate): blocks of items are
	// written on every core into buffers of their own, a few blocks at a
	// time, and copied out in order.
	blocks := (n + writeBlock - 1) / writeBlock
	wave := 2 * runtime.GOMAXPROCS(0)
	for first := 0; first < blocks && y.err == nil; first += wave {
		bufs := make([]bytes.Buffer, min(wave, blocks-first))
		errs := make([]error, len(bufs))
		var wg sync.WaitGroup
		for b := range bufs {
			wg.Add(1)
			go func(b int) {
				defer wg.Done()
				bw := bufio.NewWriter(&bufs[b])
				sub := &yamlWriter{w: bw, comments: y.comments, cache: map[scalarKey]string{}, path: append([]byte(nil), y.path[:base]...)}
				lo := (first + b) * writeBlock
				for i := lo; i < min(lo+writeBlock, n); i++ {
					sub.item(v, i, ind, base)
				}
				if errs[b] = sub.err; errs[b] == nil {
					errs[b] = bw.Flush()
				}
			}(b)
		}
		wg.Wait()
		for b := range bufs {
			if errs[b] != nil && y.err == nil {
				y.err = errs[b]
			}
			if y.err == nil {
				_, y.err = y.w.Write(bufs[b].Bytes())
			}
		}
	}
	return true
}

// writeBlock is how many items of a long list one goroutine writes at a time.
var writeBlock = 256

// item writes item i of list v at indentation ind+2, after its comment;
// base is the length of the list's key path.
func (y *yamlWriter) item(v reflect.Value, i, ind, base int) {
	e := v.Index(i)
	y.path = appendIndex(y.path[:base], i)
	if c := y.comment(); c != "" {
		y.indent(ind + 2)
		y.str(pound(c))
		y.str("\n")
	}
	for e.Kind() == reflect.Pointer && !e.IsNil() {
		e = e.Elem()
	}
	y.indent(ind + 2)
	if e.Kind() == reflect.Struct {
		y.str("- ")
		if !y.mapping(e, ind+4, true) {
			y.str("{}\n")
		}
		return
	}
	s, ok := y.scalar(e, 's', "")
	if !ok {
		y.fallbackItem(v.Index(i), ind+2)
		return
	}
	y.str("- ")
	y.str(reindent(s, ind+2))
}

// pound is a one-line comment as yaml.v3 writes it: after "# " unless it
// begins with one.
func pound(c string) string {
	if strings.HasPrefix(c, "#") {
		return c
	}
	return "# " + c
}

// oneLine reports whether a comment holds none of the line breaks YAML
// knows (yaml.v3 writes each line of a comment after its own "# ").
func oneLine(c string) bool {
	return !strings.ContainsAny(c, breaks)
}

func appendIndex(b []byte, i int) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(i), 10)
	return append(b, ']')
}

// scalar returns the text of a scalar value in context ctx with its line
// comment, ending in a newline; lines after the first (a literal block) are
// indented for a value at column 0.
func (y *yamlWriter) scalar(v reflect.Value, ctx byte, lineComment string) (string, bool) {
	var s string
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return y.scalar(v.Elem(), ctx, lineComment)
		}
		s = "null"
	case reflect.Bool:
		s = strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int64, reflect.Int32:
		s = strconv.FormatInt(v.Int(), 10)
	case reflect.String:
		s = v.String()
		if !plain(s) {
			r, ok := y.quoted(s, ctx, lineComment)
			return r, ok
		}
	default:
		return "", false
	}
	if lineComment != "" {
		return s + " " + pound(lineComment) + "\n", true
	}
	return s + "\n", true
}

// quoted lays out a string that may not be plain with yaml.v3, in the
// context it is written in.
func (y *yamlWriter) quoted(s string, ctx byte, lineComment string) (string, bool) {
	k := scalarKey{ctx, s}
	if lineComment == "" {
		if r, ok := y.cache[k]; ok {
			return r, true
		}
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, LineComment: lineComment}
	var doc *yaml.Node
	var prefix string
	switch ctx {
	case 'm':
		doc, prefix = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "k"}, n}}, "k: "
	case 's':
		doc, prefix = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}}, "- "
	default:
		doc, prefix = &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: []*yaml.Node{n}}, "["
	}
	out, err := v3(doc)
	if err != nil || !strings.HasPrefix(out, prefix) {
		return "", false
	}
	out = out[len(prefix):]
	if ctx == 'f' {
		if !strings.HasSuffix(out, "]\n") {
			return "", false
		}
		out = out[:len(out)-2] + "\n"
	}
	if lineComment == "" && len(y.cache) < 1<<16 {
		y.cache[k] = out
	}
	return out, true
}

// plain reports whether yaml.v3 writes s as it is in every context: ASCII
// letters, digits, . _ / - and inner spaces, beginning with a letter and not
// a word YAML reads as a boolean or null, or beginning with a digit and
// holding a slash or two dots (an address or a prefix, never a number or a
// date).
func plain(s string) bool {
	if s == "" || s[len(s)-1] == ' ' {
		return false
	}
	dots, slash := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-':
		case c >= '0' && c <= '9':
		case c == '.':
			dots++
		case c == '/':
			slash = true
		case c == ' ' && i > 0:
		default:
			return false
		}
	}
	c := s[0]
	switch {
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		switch s {
		case "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL":
			return false
		}
		return true
	case c >= '0' && c <= '9':
		if strings.ContainsAny(s, "-_ abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			return false
		}
		return slash || dots >= 2
	}
	return false
}

// reindent indents the lines after the first of s (laid out by yaml.v3 at
// column 0) by ind more. A line is what follows any of YAML's line breaks
// (yaml.v3 writes those in quoted scalars as they are); empty lines stay
// empty, as yaml.v3 writes them, and so does the closing quote of a
// single-quoted scalar that ends in a break.
func reindent(s string, ind int) string {
	if i := strings.IndexAny(s, breaks); i < 0 || i == len(s)-1 {
		return s
	}
	pad := strings.Repeat(" ", ind)
	var b strings.Builder
	brk := false
	for i, r := range s {
		isBreak := strings.ContainsRune(breaks, r)
		if brk && !isBreak && !(r == '\'' && !strings.HasPrefix(s[i+1:], "'")) {
			b.WriteString(pad)
		}
		b.WriteRune(r)
		brk = isBreak
	}
	return b.String()
}

// breaks are YAML's line breaks.
const breaks = "\r\n\u0085\u2028\u2029"

// fallback writes "key: value" as yaml.v3 lays it out on its own, indented
// to ind (the line is begun).
func (y *yamlWriter) fallback(key string, fv reflect.Value, ind int) {
	p := string(y.path)
	vn := encode(fv, p, y.comments)
	if vn == nil {
		return
	}
	if c := y.comments[p]; c != "" && vn.Kind == yaml.ScalarNode {
		vn.LineComment = c
	}
	out, err := v3(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: key}, vn}})
	if err != nil {
		y.err = err
		return
	}
	y.str(reindent(out, ind))
}

// fallbackItem writes a list item as yaml.v3 lays it out on its own, at
// indentation ind (the line is begun).
func (y *yamlWriter) fallbackItem(e reflect.Value, ind int) {
	p := string(y.path)
	en := encode(e, p, y.comments)
	if en == nil {
		en = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	out, err := v3(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{en}})
	if err != nil {
		y.err = err
		return
	}
	y.str(reindent(out, ind))
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
