package picture

import (
	"fmt"
	"io"
	"strings"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/encoding"
	"gonum.org/v1/gonum/graph/encoding/dot"
	"gonum.org/v1/gonum/graph/simple"
)

// Mark is what a node or an edge means on a path.
type Mark string

// Marks. Each is drawn with a colour and with words, so that colour is never
// the only signal.
const (
	MarkNone      Mark = ""
	MarkBlocked   Mark = "blocked"   // the hop that decided a denied flow
	MarkDropped   Mark = "dropped"   // where the denied packet stops, when that is not the deciding hop
	MarkDelivered Mark = "delivered" // the last hop of an allowed flow
	MarkDNS       Mark = "dns"       // a step of name resolution
	MarkMuted     Mark = "muted"     // a step that does not apply
	MarkWhy       Mark = "why"       // sim's explanation of a denial
)

// Graph is a picture: nodes grouped in nested clusters, and labelled edges.
// Nodes and edges are held in a gonum directed graph, which DOT encodes.
type Graph struct {
	// Name is the DOT graph's name; Label its title.
	Name, Label string
	// LR lays the graph out left to right instead of top to bottom.
	LR bool

	g     *simple.DirectedGraph
	nodes []*Node
	root  *Cluster
	edges map[[2]int64]*Edge
	// order is the edges in the order they were added.
	order []*Edge
	nextC int
}

// Node is a box of the picture.
type Node struct {
	id int64
	// Label is the node's text, lines separated by \n.
	Label string
	// Shape is a Graphviz shape (box unless set).
	Shape string
	Mark  Mark
	// Cluster is the cluster the node is drawn in (the graph's root when
	// it is in none).
	Cluster *Cluster
}

// Cluster is a group of nodes drawn in one frame, like a VNet or a subnet.
type Cluster struct {
	ID, Label string
	Nodes     []*Node
	Children  []*Cluster
	Mark      Mark
	parent    *Cluster
}

// Edge is an arrow; equal arrows between the same nodes are merged, their
// labels joined.
type Edge struct {
	F, T   *Node
	Labels []string
	Dashed bool
	// Both draws arrowheads at both ends.
	Both bool
	Mark Mark
	// TailCluster and HeadCluster make the arrow start or end at a
	// cluster's frame rather than at the node.
	TailCluster, HeadCluster *Cluster
}

// NewGraph returns an empty picture.
func NewGraph(name, label string) *Graph {
	return &Graph{Name: name, Label: label, g: simple.NewDirectedGraph(), root: &Cluster{}, edges: map[[2]int64]*Edge{}}
}

// Root is the graph's outermost cluster (drawn without a frame).
func (g *Graph) Root() *Cluster { return g.root }

// Nodes returns the nodes in the order they were added.
func (g *Graph) Nodes() []*Node { return g.nodes }

// Edges returns the edges in the order they were added.
func (g *Graph) Edges() []*Edge { return g.order }

// Cluster adds a cluster inside parent (the root when nil).
func (g *Graph) Cluster(parent *Cluster, label string) *Cluster {
	if parent == nil {
		parent = g.root
	}
	g.nextC++
	c := &Cluster{ID: fmt.Sprintf("cluster_%d", g.nextC), Label: label, parent: parent}
	parent.Children = append(parent.Children, c)
	return c
}

// Node adds a node to cluster c (the root when nil).
func (g *Graph) Node(c *Cluster, label, shape string) *Node {
	if c == nil {
		c = g.root
	}
	n := &Node{id: int64(len(g.nodes)), Label: label, Shape: shape, Cluster: c}
	g.nodes = append(g.nodes, n)
	c.Nodes = append(c.Nodes, n)
	g.g.AddNode(dotNode{n})
	return n
}

// Edge adds an arrow from f to t labelled label, or adds label to the arrow
// already there.
func (g *Graph) Edge(f, t *Node, label string, dashed bool) *Edge {
	if f == nil || t == nil || f == t {
		return nil
	}
	k := [2]int64{f.id, t.id}
	if e, ok := g.edges[k]; ok {
		if label != "" {
			e.Labels = append(e.Labels, label)
		}
		return e
	}
	e := &Edge{F: f, T: t, Dashed: dashed}
	if label != "" {
		e.Labels = []string{label}
	}
	g.edges[k] = e
	g.order = append(g.order, e)
	g.g.SetEdge(dotEdge{e})
	return e
}

// Anchor returns a node inside c, to which arrows to or from the cluster
// attach, or nil for an empty cluster.
func (c *Cluster) Anchor() *Node {
	if len(c.Nodes) > 0 {
		return c.Nodes[0]
	}
	for _, k := range c.Children {
		if n := k.Anchor(); n != nil {
			return n
		}
	}
	return nil
}

// Marked returns the nodes with mark m.
func (g *Graph) Marked(m Mark) []*Node {
	var out []*Node
	for _, n := range g.nodes {
		if n.Mark == m {
			out = append(out, n)
		}
	}
	return out
}

// Colours of the marks: fill, border. The words of each mark are in the
// labels, so the picture reads the same in grey.
var markColours = map[Mark][2]string{
	MarkBlocked:   {"#fde0dc", "#c62828"},
	MarkDropped:   {"#fff0ee", "#c62828"},
	MarkDelivered: {"#e3f4e4", "#2e7d32"},
	MarkDNS:       {"#eef3fb", "#3f5f8f"},
	MarkMuted:     {"#f4f4f4", "#9e9e9e"},
	MarkWhy:       {"#fff8f6", "#c62828"},
}

// DOT encodes the graph in Graphviz's language through gonum's encoder.
func (g *Graph) DOT() ([]byte, error) {
	return dot.Marshal(dotGraph{g}, g.Name, "", "  ")
}

// dotGraph is the graph as gonum's DOT encoder sees it.
type dotGraph struct{ *Graph }

func (d dotGraph) Node(id int64) graph.Node       { return d.g.Node(id) }
func (d dotGraph) Nodes() graph.Nodes             { return d.g.Nodes() }
func (d dotGraph) From(id int64) graph.Nodes      { return d.g.From(id) }
func (d dotGraph) HasEdgeBetween(x, y int64) bool { return d.g.HasEdgeBetween(x, y) }
func (d dotGraph) Edge(u, v int64) graph.Edge     { return d.g.Edge(u, v) }
func (d dotGraph) HasEdgeFromTo(u, v int64) bool  { return d.g.HasEdgeFromTo(u, v) }
func (d dotGraph) To(id int64) graph.Nodes        { return d.g.To(id) }
func (d dotGraph) DOTID() string                  { return d.Name }
func (d dotGraph) Structure() []dot.Graph         { return subgraphs(d.root) }
func (d dotGraph) DOTAttributers() (gr, n, e encoding.Attributer) {
	ga := attrs{
		{Key: "compound", Value: "true"},
		{Key: "fontname", Value: "Helvetica"},
		{Key: "fontsize", Value: "12"},
		{Key: "newrank", Value: "true"},
		{Key: "nodesep", Value: "0.3"},
		{Key: "ranksep", Value: "0.5"},
	}
	if d.LR {
		ga = append(ga, encoding.Attribute{Key: "rankdir", Value: "LR"})
	}
	if d.Label != "" {
		ga = append(ga, encoding.Attribute{Key: "label", Value: d.Label},
			encoding.Attribute{Key: "labelloc", Value: "t"},
			encoding.Attribute{Key: "labeljust", Value: "l"},
			encoding.Attribute{Key: "fontsize", Value: "14"})
	}
	na := attrs{{Key: "fontname", Value: "Helvetica"}, {Key: "fontsize", Value: "10"}, {Key: "shape", Value: "box"}, {Key: "style", Value: "rounded,filled"}, {Key: "fillcolor", Value: "white"}}
	ea := attrs{{Key: "fontname", Value: "Helvetica"}, {Key: "fontsize", Value: "9"}, {Key: "color", Value: "#555555"}}
	return ga, na, ea
}

type attrs []encoding.Attribute

func (a attrs) Attributes() []encoding.Attribute { return a }

func subgraphs(c *Cluster) []dot.Graph {
	out := make([]dot.Graph, 0, len(c.Children))
	for _, k := range c.Children {
		out = append(out, dotCluster{k})
	}
	return out
}

// dotCluster is a cluster as a DOT subgraph: its own nodes and no edges.
type dotCluster struct{ *Cluster }

func (c dotCluster) Node(id int64) graph.Node {
	for _, n := range c.Cluster.Nodes {
		if n.id == id {
			return dotNode{n}
		}
	}
	return nil
}
func (c dotCluster) Nodes() graph.Nodes {
	ns := make([]graph.Node, len(c.Cluster.Nodes))
	for i, n := range c.Cluster.Nodes {
		ns[i] = dotNode{n}
	}
	return iteratorOf(ns)
}
func (c dotCluster) From(int64) graph.Nodes           { return graph.Empty }
func (c dotCluster) To(int64) graph.Nodes             { return graph.Empty }
func (c dotCluster) HasEdgeBetween(int64, int64) bool { return false }
func (c dotCluster) HasEdgeFromTo(int64, int64) bool  { return false }
func (c dotCluster) Edge(int64, int64) graph.Edge     { return nil }
func (c dotCluster) DOTID() string                    { return c.ID }
func (c dotCluster) Structure() []dot.Graph           { return subgraphs(c.Cluster) }
func (c dotCluster) DOTAttributers() (gr, n, e encoding.Attributer) {
	a := attrs{{Key: "label", Value: c.Label}, {Key: "labeljust", Value: "l"}, {Key: "style", Value: "rounded"}, {Key: "color", Value: "#7a8aa0"}}
	if col, ok := markColours[c.Mark]; ok {
		a = append(a, encoding.Attribute{Key: "style", Value: "rounded,filled"}, encoding.Attribute{Key: "fillcolor", Value: col[0]}, encoding.Attribute{Key: "color", Value: col[1]})
	}
	return a, nil, nil
}

// dotNode is a node as DOT sees it.
type dotNode struct{ *Node }

func (n dotNode) ID() int64     { return n.id }
func (n dotNode) DOTID() string { return fmt.Sprintf("n%d", n.id) }
func (n dotNode) Attributes() []encoding.Attribute {
	a := attrs{{Key: "label", Value: n.Label}}
	if n.Shape != "" && n.Shape != "box" {
		a = append(a, encoding.Attribute{Key: "shape", Value: n.Shape})
	}
	if col, ok := markColours[n.Mark]; ok {
		a = append(a, encoding.Attribute{Key: "fillcolor", Value: col[0]}, encoding.Attribute{Key: "color", Value: col[1]})
		if n.Mark == MarkBlocked || n.Mark == MarkDropped || n.Mark == MarkDelivered {
			a = append(a, encoding.Attribute{Key: "penwidth", Value: "2.5"}, encoding.Attribute{Key: "fontcolor", Value: "#000000"})
		}
		if n.Mark == MarkDropped || n.Mark == MarkMuted {
			a = append(a, encoding.Attribute{Key: "style", Value: "rounded,filled,dashed"})
		}
	}
	return a
}

// dotEdge is an edge as DOT sees it.
type dotEdge struct{ *Edge }

func (e dotEdge) From() graph.Node { return dotNode{e.F} }
func (e dotEdge) To() graph.Node   { return dotNode{e.T} }
func (e dotEdge) ReversedEdge() graph.Edge {
	return dotEdge{&Edge{F: e.T, T: e.F, Labels: e.Labels, Dashed: e.Dashed, Mark: e.Mark}}
}
func (e dotEdge) Attributes() []encoding.Attribute {
	var a attrs
	if len(e.Labels) > 0 {
		a = append(a, encoding.Attribute{Key: "label", Value: strings.Join(e.Labels, "\n")})
	}
	if e.Dashed {
		a = append(a, encoding.Attribute{Key: "style", Value: "dashed"})
	}
	if e.Both {
		a = append(a, encoding.Attribute{Key: "dir", Value: "both"})
	}
	if e.TailCluster != nil {
		a = append(a, encoding.Attribute{Key: "ltail", Value: e.TailCluster.ID})
	}
	if e.HeadCluster != nil {
		a = append(a, encoding.Attribute{Key: "lhead", Value: e.HeadCluster.ID})
	}
	if col, ok := markColours[e.Mark]; ok {
		a = append(a, encoding.Attribute{Key: "color", Value: col[1]}, encoding.Attribute{Key: "fontcolor", Value: col[1]})
		if e.Mark == MarkBlocked {
			a = append(a, encoding.Attribute{Key: "penwidth", Value: "2"})
		}
	}
	return a
}

// iteratorOf returns the nodes as a gonum iterator.
func iteratorOf(ns []graph.Node) graph.Nodes {
	if len(ns) == 0 {
		return graph.Empty
	}
	return &nodeSlice{ns: ns, i: -1}
}

type nodeSlice struct {
	ns []graph.Node
	i  int
}

func (s *nodeSlice) Next() bool       { s.i++; return s.i < len(s.ns) }
func (s *nodeSlice) Len() int         { return len(s.ns) - s.i - 1 }
func (s *nodeSlice) Reset()           { s.i = -1 }
func (s *nodeSlice) Node() graph.Node { return s.ns[s.i] }

// WriteMermaid writes the graph as a Mermaid flowchart, which GitHub, GitLab
// and Azure DevOps draw in Markdown.
func (g *Graph) WriteMermaid(w io.Writer) error {
	var b strings.Builder
	dir := "TB"
	if g.LR {
		dir = "LR"
	}
	if g.Label != "" {
		fmt.Fprintf(&b, "---\ntitle: %s\n---\n", mermaidTitle(g.Label))
	}
	fmt.Fprintf(&b, "flowchart %s\n", dir)
	var walk func(c *Cluster, depth int)
	walk = func(c *Cluster, depth int) {
		ind := strings.Repeat("  ", depth)
		for _, n := range c.Nodes {
			fmt.Fprintf(&b, "%s%s%s\n", ind, mermaidID(n), mermaidShape(n))
		}
		for _, k := range c.Children {
			fmt.Fprintf(&b, "%ssubgraph %s[\"%s\"]\n", ind, k.ID, mermaidText(k.Label))
			walk(k, depth+1)
			fmt.Fprintf(&b, "%send\n", ind)
		}
	}
	walk(g.root, 1)
	for _, e := range g.order {
		from, to := mermaidID(e.F), mermaidID(e.T)
		if e.TailCluster != nil {
			from = e.TailCluster.ID
		}
		if e.HeadCluster != nil {
			to = e.HeadCluster.ID
		}
		arrow := "-->"
		if e.Dashed {
			arrow = "-.->"
		}
		if e.Mark == MarkBlocked {
			arrow = "==>"
		}
		if e.Both {
			arrow = "<" + arrow
		}
		if len(e.Labels) > 0 {
			fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", from, arrow, mermaidText(strings.Join(e.Labels, "\n")), to)
		} else {
			fmt.Fprintf(&b, "  %s %s %s\n", from, arrow, to)
		}
	}
	for _, m := range []Mark{MarkBlocked, MarkDropped, MarkDelivered, MarkDNS, MarkMuted, MarkWhy} {
		var ids []string
		for _, n := range g.nodes {
			if n.Mark == m {
				ids = append(ids, mermaidID(n))
			}
		}
		if len(ids) == 0 {
			continue
		}
		col := markColours[m]
		fmt.Fprintf(&b, "  classDef %s fill:%s,stroke:%s,stroke-width:%s,color:#000\n", m, col[0], col[1], map[bool]string{true: "3px", false: "1px"}[m == MarkBlocked || m == MarkDelivered || m == MarkDropped])
		fmt.Fprintf(&b, "  class %s %s\n", strings.Join(ids, ","), m)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mermaidID(n *Node) string { return fmt.Sprintf("n%d", n.id) }

func mermaidShape(n *Node) string {
	t := mermaidText(n.Label)
	switch n.Shape {
	case "cylinder":
		return "[(\"" + t + "\")]"
	case "hexagon":
		return "{{\"" + t + "\"}}"
	case "ellipse", "oval":
		return "([\"" + t + "\"])"
	case "folder", "note", "tab":
		return "[/\"" + t + "\"/]"
	case "diamond":
		return "{\"" + t + "\"}"
	}
	return "[\"" + t + "\"]"
}

// mermaidText escapes a label for a quoted Mermaid string: quotes become
// entities and line breaks <br/>.
func mermaidText(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "\n", "<br/>", "<", "#lt;", ">", "#gt;")
	return r.Replace(s)
}

// mermaidTitle is the title as a YAML double-quoted string.
func mermaidTitle(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " · ")
	return `"` + r.Replace(s) + `"`
}
