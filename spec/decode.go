package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// positions maps a key path (vnets[0].subnets[1].addressPrefix) to the line it
// is written on, so that validation can name the file, line and key.
//
// Positions are built on first use from the YAML node tree, so that a file
// that loads without errors is parsed only once.
type positions struct {
	once   sync.Once
	tree   func() *yaml.Node // the tree to walk, parsed on demand
	line   map[string]int
	byLine map[int][]string
	value  map[string]string    // scalar text at a path
	kind   map[string]yaml.Kind // node kind at a path
	// origins are the list items that an importer marked with a
	// "# from FILE: ID" comment, in file order.
	origins []origin
}

// origin is where an imported object came from, and the line it starts on
// in the scenario written from it.
type origin struct {
	line int
	text string // FILE: resource ID or Terraform address
}

// originComment returns the "from FILE: ID" of an importer's comment above
// a list item, or "".
func originComment(n *yaml.Node) string {
	c := n.HeadComment
	if c == "" && n.Kind == yaml.MappingNode && len(n.Content) > 0 {
		c = n.Content[0].HeadComment
	}
	for _, l := range strings.Split(c, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "# from "); ok {
			return rest
		}
	}
	return ""
}

// originAt returns the origin of the innermost imported object written at
// or before line: the last marked list item that starts there or above.
func (p *positions) originAt(line int) string {
	p.ensure()
	i := sort.Search(len(p.origins), func(i int) bool { return p.origins[i].line > line })
	if i == 0 {
		return ""
	}
	return p.origins[i-1].text
}

// newPositions returns the positions of the tree that tree returns.
func newPositions(tree func() *yaml.Node) *positions {
	return &positions{tree: tree}
}

func (p *positions) ensure() {
	p.once.Do(func() {
		p.line, p.byLine = map[string]int{}, map[int][]string{}
		p.value, p.kind = map[string]string{}, map[string]yaml.Kind{}
		if n := p.tree(); n != nil {
			p.walk(n, "")
		}
	})
}

// pathsOn returns the key paths written on a line.
func (p *positions) pathsOn(line int) []string {
	p.ensure()
	return p.byLine[line]
}

func (p *positions) add(path string, line int) {
	if _, ok := p.line[path]; !ok {
		p.line[path] = line
		p.byLine[line] = append(p.byLine[line], path)
	}
}

// lookup returns the line of path, or of its closest written ancestor.
func (p *positions) lookup(path string) int {
	p.ensure()
	for path != "" {
		if l, ok := p.line[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

func (p *positions) note(path string, n *yaml.Node) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	p.kind[path] = n.Kind
	if n.Kind == yaml.ScalarNode {
		p.value[path] = n.Value
	}
}

func (p *positions) walk(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			p.walk(c, path)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			kp := k.Value
			if path != "" {
				kp = path + "." + k.Value
			}
			p.add(kp, k.Line)
			p.note(kp, n.Content[i+1])
			p.walk(n.Content[i+1], kp)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			ip := fmt.Sprintf("%s[%d]", path, i)
			p.add(ip, c.Line)
			p.note(ip, c)
			if o := originComment(c); o != "" {
				p.origins = append(p.origins, origin{line: c.Line, text: o})
			}
			p.walk(c, ip)
		}
	case yaml.AliasNode:
		if n.Alias != nil {
			p.walk(n.Alias, path)
		}
	}
}

var (
	reLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	reNotFound = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	reCannot   = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `([^`]*)`)? into (\\S+)$")
)

// decode decodes the YAML strictly into a Scenario, so that unknown keys
// are errors. The node tree behind error positions and variants is parsed
// only when one of them needs it.
func decode(name string, data []byte) (*Scenario, *positions, func() *yaml.Node, ErrorList) {
	var once sync.Once
	var mapping *yaml.Node
	root := func() *yaml.Node {
		once.Do(func() {
			var doc yaml.Node
			if yaml.Unmarshal(data, &doc) == nil && len(doc.Content) > 0 {
				mapping = doc.Content[0]
			}
		})
		return mapping
	}
	pos := newPositions(root)
	if looksJSON(data) {
		if sc, ok := decodeJSON(data); ok && sc.APIVersion == APIVersion {
			return sc, pos, root, nil
		}
	} else if sc, ok := decodeChunked(data); ok && sc.APIVersion == APIVersion {
		return sc, pos, root, nil
	}
	var sc Scenario
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(&sc)
	var te *yaml.TypeError
	switch {
	case err == io.EOF:
		return nil, nil, nil, ErrorList{{File: name, Msg: "empty scenario file"}}
	case err != nil && !errors.As(err, &te):
		return nil, nil, nil, syntaxError(name, data, err)
	case err != nil:
		if r := root(); r != nil && r.Kind != yaml.MappingNode {
			return nil, nil, nil, ErrorList{{File: name, Line: r.Line, Msg: "a scenario file is a YAML mapping"}}
		}
		return nil, nil, nil, yamlErrors(name, pos, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, nil, nil, ErrorList{{File: name, Line: extra.Line, Msg: "a scenario file holds one YAML document"}}
	}
	if sc.APIVersion != APIVersion {
		l := pos.lookup("apiVersion")
		if sc.APIVersion == "" {
			if l == 0 {
				l = 1 // the key belongs at the top of the file
			}
			return nil, nil, nil, ErrorList{{File: name, Line: l, Key: "apiVersion", Msg: fmt.Sprintf("missing; want %q", APIVersion)}}
		}
		return nil, nil, nil, ErrorList{{File: name, Line: l, Key: "apiVersion", Msg: fmt.Sprintf("%q is not supported; want %q", sc.APIVersion, APIVersion)}}
	}
	return &sc, pos, root, nil
}

// yamlErrors turns yaml.v3 errors into located Errors, one per problem.
func yamlErrors(name string, pos *positions, err error) ErrorList {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var out ErrorList
	for _, m := range msgs {
		e := &Error{File: name, Msg: strings.TrimPrefix(m, "yaml: ")}
		if sm := reLine.FindStringSubmatch(m); sm != nil {
			e.Line, _ = strconv.Atoi(sm[1])
			e.Msg = sm[2]
		}
		if sm := reNotFound.FindStringSubmatch(e.Msg); sm != nil {
			e.Key = keyOnLine(pos, e.Line, sm[1])
			e.Msg = fmt.Sprintf("unknown key %q", sm[1])
		} else if sm := reCannot.FindStringSubmatch(e.Msg); sm != nil {
			var value string
			e.Key, value = keyForValue(pos, e.Line, sm[1], sm[2])
			if value != "" {
				e.Msg = fmt.Sprintf("%s %q where %s is expected", yamlKind(sm[1]), value, goKind(sm[3]))
			} else {
				e.Msg = fmt.Sprintf("%s where %s is expected", yamlKind(sm[1]), goKind(sm[3]))
			}
		}
		out = append(out, e)
	}
	return out
}

// keyForValue finds the key on a line that holds a value of the given YAML
// tag: several keys can share a line in flow style. yaml.v3 shortens long
// values ("10.0.0...."), so the full text comes from the node tree.
func keyForValue(pos *positions, line int, tag, shown string) (key, value string) {
	want := yaml.ScalarNode
	switch tag {
	case "seq":
		want = yaml.SequenceNode
	case "map":
		want = yaml.MappingNode
	}
	prefix := strings.TrimSuffix(shown, "...")
	best := ""
	for _, p := range pos.pathsOn(line) {
		if pos.kind[p] != want {
			continue
		}
		if want == yaml.ScalarNode && !strings.HasPrefix(pos.value[p], prefix) {
			continue
		}
		if best == "" || len(p) < len(best) {
			best = p
		}
	}
	if best == "" {
		return keyOnLine(pos, line, ""), shown
	}
	if want == yaml.ScalarNode {
		value = pos.value[best]
	}
	return best, value
}

// syntaxError locates a YAML syntax error. yaml.v3 reports the line where the
// enclosing block starts (zero-based), not the mistake, so the line is the
// first one whose prefix of the file fails to parse with the same problem.
func syntaxError(name string, data []byte, err error) ErrorList {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if sm := reLine.FindStringSubmatch(err.Error()); sm != nil {
		msg = sm[2]
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	fails := func(k int) bool {
		var n yaml.Node
		e := yaml.Unmarshal(bytes.Join(lines[:k], nil), &n)
		return e != nil && strings.HasSuffix(e.Error(), msg)
	}
	lo, hi := 1, len(lines)
	if !fails(hi) {
		return ErrorList{{File: name, Msg: msg}}
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return ErrorList{{File: name, Line: lo, Msg: msg}}
}

// keyOnLine finds the key path written on a line, preferring one whose last
// element is want.
func keyOnLine(pos *positions, line int, want string) string {
	paths := pos.pathsOn(line)
	for _, p := range paths {
		if want != "" && (strings.HasSuffix(p, "."+want) || p == want) {
			return p
		}
	}
	if want != "" {
		return want
	}
	// The deepest key written on the line, rather than a list item inside it.
	best := ""
	for _, p := range paths {
		if !strings.HasSuffix(p, "]") && len(p) > len(best) {
			best = p
		}
	}
	if best == "" && len(paths) > 0 {
		best = paths[len(paths)-1]
	}
	return best
}

func yamlKind(tag string) string {
	switch tag {
	case "str":
		return "text"
	case "int", "float":
		return "number"
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	case "bool":
		return "true/false"
	}
	return tag
}

func goKind(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case t == "int":
		return "a number"
	case t == "bool":
		return "true or false"
	case t == "string":
		return "text"
	case strings.HasPrefix(t, "map["):
		return "a mapping"
	case strings.HasPrefix(t, "topology."), strings.HasPrefix(t, "*topology."):
		return "a mapping"
	}
	return t
}
