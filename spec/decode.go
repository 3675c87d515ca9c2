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
// A file is made of parts: the whole file, or for a large file decoded in
// pieces, one part per piece. A part's positions are built on first use from
// its own node tree, so that a file that loads without errors is parsed only
// once, and an error in a large file costs the parse of one piece. Aliases
// are not followed: a path below an alias is located at the alias.
type positions struct {
	parts []*part
}

// part is the positions of one piece of a file.
type part struct {
	key     string // the top-level key of a piece; "" for a whole file
	index   int    // the index of the first item of a sequence piece, else -1
	first   int    // the first file line the part covers
	lineOff int    // added to a line of the part's text to give the file line
	tree    func() *yaml.Node

	once   sync.Once
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
func (ps *positions) originAt(line int) string {
	for k := len(ps.parts) - 1; k >= 0; k-- {
		p := ps.parts[k]
		if p.first > line && k > 0 {
			continue
		}
		p.ensure()
		i := sort.Search(len(p.origins), func(i int) bool { return p.origins[i].line > line })
		if i > 0 {
			return p.origins[i-1].text
		}
	}
	return ""
}

// newPositions returns the positions of the tree that tree returns.
func newPositions(tree func() *yaml.Node) *positions {
	return &positions{parts: []*part{{index: -1, first: 1, tree: tree}}}
}

func (p *part) ensure() {
	p.once.Do(func() {
		p.line, p.byLine = map[string]int{}, map[int][]string{}
		p.value, p.kind = map[string]string{}, map[string]yaml.Kind{}
		if n := p.tree(); n != nil {
			p.walk(n, "", true)
		}
	})
}

// partFor returns the part that holds a key path.
func (ps *positions) partFor(path string) *part {
	if len(ps.parts) == 1 {
		return ps.parts[0]
	}
	key, rest := path, ""
	if i := strings.IndexAny(path, ".["); i >= 0 {
		key, rest = path[:i], path[i:]
	}
	idx := -1
	if strings.HasPrefix(rest, "[") {
		if j := strings.IndexByte(rest, ']'); j > 0 {
			idx, _ = strconv.Atoi(rest[1:j])
		}
	}
	var best *part
	for _, p := range ps.parts {
		if p.key != key {
			continue
		}
		if best == nil || p.index >= 0 && p.index <= idx {
			best = p
		}
	}
	return best
}

// partAt returns the part that holds a file line.
func (ps *positions) partAt(line int) *part {
	var best *part
	for _, p := range ps.parts {
		if p.first <= line {
			best = p
		}
	}
	return best
}

// pathsOn returns the key paths written on a line.
func (ps *positions) pathsOn(line int) []string {
	p := ps.partAt(line)
	if p == nil {
		return nil
	}
	p.ensure()
	return p.byLine[line]
}

// kindOf and valueOf return the node kind and scalar text at a path.
func (ps *positions) kindOf(path string) yaml.Kind {
	if p := ps.partFor(path); p != nil {
		p.ensure()
		return p.kind[path]
	}
	return 0
}

func (ps *positions) valueOf(path string) string {
	if p := ps.partFor(path); p != nil {
		p.ensure()
		return p.value[path]
	}
	return ""
}

func (p *part) add(path string, line int) {
	line += p.lineOff
	if _, ok := p.line[path]; !ok {
		p.line[path] = line
		p.byLine[line] = append(p.byLine[line], path)
	}
}

// lookup returns the line of path, or of its closest written ancestor.
func (ps *positions) lookup(path string) int {
	for path != "" {
		if p := ps.partFor(path); p != nil {
			p.ensure()
			if l, ok := p.line[path]; ok {
				return l
			}
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

func (p *part) note(path string, n *yaml.Node) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	p.kind[path] = n.Kind
	if n.Kind == yaml.ScalarNode {
		p.value[path] = n.Value
	}
}

// walk records the paths below n. It does not follow aliases, so it costs
// the size of the file as written, whatever the aliases expand to.
func (p *part) walk(n *yaml.Node, path string, top bool) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			p.walk(c, path, top)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			kp := k.Value
			if path != "" {
				kp = path + "." + k.Value
			}
			if top && p.index > 0 && k.Value == p.key {
				// A later piece of a sequence: its key line is not the file's.
				p.walkItems(n.Content[i+1], kp, p.index)
				continue
			}
			p.add(kp, k.Line)
			p.note(kp, n.Content[i+1])
			if top && p.index >= 0 && k.Value == p.key {
				p.walkItems(n.Content[i+1], kp, p.index)
				continue
			}
			p.walk(n.Content[i+1], kp, false)
		}
	case yaml.SequenceNode:
		p.walkItems(n, path, 0)
	}
}

func (p *part) walkItems(n *yaml.Node, path string, from int) {
	if n.Kind != yaml.SequenceNode {
		p.walk(n, path, false)
		return
	}
	for i, c := range n.Content {
		ip := path + "[" + strconv.Itoa(from+i) + "]"
		p.add(ip, c.Line)
		p.note(ip, c)
		if o := originComment(c); o != "" {
			p.origins = append(p.origins, origin{line: c.Line + p.lineOff, text: o})
		}
		p.walk(c, ip, false)
	}
}

var (
	// Compiled on first use: they read error messages, and every process
	// would pay for compiling them at start-up.
	reLine     = lazyRegexp(`^(?:yaml: )?line (\d+): (.*)$`)
	reNotFound = lazyRegexp(`^field (\S+) not found in type \S+$`)
	reField    = lazyRegexp(`^field ([^\s:]+): (.*)$`)
	reCannot   = lazyRegexp("^cannot unmarshal !!(\\w+)(?: `([^`]*)`)? into (\\S+)$")
)

// lazyRegexp returns a function that compiles expr on its first call.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

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
	} else if sc, cpos, errs, ok := decodeChunked(name, data); ok {
		if len(errs) > 0 {
			return nil, nil, nil, errs
		}
		if sc.APIVersion == APIVersion {
			return sc, cpos, root, nil
		}
	}
	if hasAnchors(data) {
		// Bound the aliases before anything follows one.
		if errs := checkAliases(name, root(), pos); len(errs) > 0 {
			return nil, nil, nil, errs
		}
	}
	var sc Scenario
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	catch := rootCatcher{sc: &sc}
	err := dec.Decode(&catch)
	var te *yaml.TypeError
	switch {
	case err == io.EOF:
		return nil, nil, nil, ErrorList{{File: name, Msg: "empty scenario file"}}
	case err != nil && !errors.As(err, &te):
		if !strings.Contains(err.Error(), "line ") {
			if r := root(); r != nil {
				// Not a syntax error (yaml.v3 names a line for those).
				return nil, nil, nil, ErrorList{{File: name, Line: r.Line, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}}
			}
		}
		return nil, nil, nil, syntaxError(name, data, err)
	case err != nil:
		if r := root(); r != nil && r.Kind != yaml.MappingNode {
			return nil, nil, nil, ErrorList{{File: name, Line: r.Line, Msg: "a scenario file is a YAML mapping"}}
		}
		return nil, nil, nil, yamlErrors(name, pos, err, 0)
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
	if catch.node != nil && len(sc.Variants) > 0 {
		// Variants are built from the tree: the one yaml.v3 decoded is the
		// one root() would parse again (the same parser on the same text;
		// decoding only reads it). Without variants the tree is left to
		// the collector, and parsed again only to place an error.
		once.Do(func() { mapping = catch.node })
	}
	return &sc, pos, root, nil
}

// rootCatcher decodes a Scenario as decoding into it does, and keeps the
// node tree yaml.v3 parsed for it.
type rootCatcher struct {
	sc   *Scenario
	node *yaml.Node
}

func (r *rootCatcher) UnmarshalYAML(n *yaml.Node) error {
	r.node = n
	return r.sc.UnmarshalYAML(n)
}

// yamlErrors turns yaml.v3 errors into located Errors, one per problem;
// off is added to the lines yaml.v3 names (for a piece of a file).
func yamlErrors(name string, pos *positions, err error, off int) ErrorList {
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
		if sm := reLine().FindStringSubmatch(m); sm != nil {
			e.Line, _ = strconv.Atoi(sm[1])
			e.Line += off
			e.Msg = sm[2]
		}
		if sm := reField().FindStringSubmatch(e.Msg); sm != nil {
			e.Key = keyOnLine(pos, e.Line, sm[1])
			e.Msg = sm[2]
		} else if sm := reNotFound().FindStringSubmatch(e.Msg); sm != nil {
			e.Key = keyOnLine(pos, e.Line, sm[1])
			e.Msg = fmt.Sprintf("unknown key %q", sm[1])
		} else if sm := reCannot().FindStringSubmatch(e.Msg); sm != nil {
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
		if pos.kindOf(p) != want {
			continue
		}
		if want == yaml.ScalarNode && !strings.HasPrefix(pos.valueOf(p), prefix) {
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
		value = pos.valueOf(best)
	}
	return best, value
}

// syntaxError locates a YAML syntax error. yaml.v3 reports the line where the
// enclosing block starts (zero-based), not the mistake, so the line is the
// first one whose prefix of the file fails to parse with the same problem.
// The prefixes start at the top-level key whose section holds that block
// (with blank lines before, to keep the line numbers): a block section of a
// YAML mapping parses on its own, so finding the line costs a few parses of
// one section rather than of the whole file.
func syntaxError(name string, data []byte, err error) ErrorList {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	reported := 0
	if sm := reLine().FindStringSubmatch(err.Error()); sm != nil {
		msg = sm[2]
		reported, _ = strconv.Atoi(sm[1])
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	start := 0 // index of the first line of the section
	if reported > 0 && reported <= len(lines) {
		for k := reported - 1; k >= 0; k-- {
			if topKey().Match(lines[k]) {
				start = k
				break
			}
		}
	}
	failsFrom := func(from, k int) bool {
		var n yaml.Node
		text := append(bytes.Repeat([]byte("\n"), from), bytes.Join(lines[from:k], nil)...)
		e := yaml.Unmarshal(text, &n)
		return e != nil && strings.HasSuffix(e.Error(), msg)
	}
	if start > 0 && !failsFrom(start, len(lines)) {
		start = 0 // the section doesn't fail alone: use prefixes of the file
	}
	lo, hi := max(reported, start+1), len(lines)
	if start == 0 && !failsFrom(0, hi) {
		return ErrorList{{File: name, Msg: msg}}
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if failsFrom(start, mid) {
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
	case strings.HasPrefix(t, "topology."), strings.HasPrefix(t, "*topology."), strings.HasPrefix(t, "spec."), strings.HasPrefix(t, "*spec."):
		return "a mapping"
	}
	return t
}
