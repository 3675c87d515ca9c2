package spec

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// YAML aliases let a small file stand for a huge one ("billion laughs") or
// for an infinite one (an alias inside its own anchor). Before anything
// follows an alias, checkAliases bounds them: no cycles, at most maxAliases
// aliases, and the tree the aliases expand to at most maxExpansion nodes more
// than the file writes (or as many again as it writes, for a large file), so
// that a file costs no more than a plain file of the same expanded size.
// Nothing else in this package expands an alias: positions name the line an
// alias is written on.
const (
	maxAliases   = 10000
	maxExpansion = 200000
)

type aliasGuard struct {
	size    map[*yaml.Node]int64 // expanded size of a finished node
	active  map[*yaml.Node]bool  // nodes being expanded (ancestors)
	written int64                // nodes written in the file
	aliases int
	extra   int64 // nodes added by aliases so far, in document order
	limit   int64
	bad     *yaml.Node // the alias that broke a limit
	msg     string
}

// checkAliases returns an error naming the first alias that closes a cycle
// or breaks a limit, or nil. pos locates the alias's key.
func checkAliases(file string, root *yaml.Node, pos *positions) ErrorList {
	if root == nil {
		return nil
	}
	g := &aliasGuard{size: map[*yaml.Node]int64{}, active: map[*yaml.Node]bool{}}
	g.written = countNodes(root)
	g.limit = maxExpansion
	if g.written > g.limit {
		g.limit = g.written
	}
	g.expand(root, true)
	if g.bad == nil {
		return nil
	}
	key := ""
	if pos != nil {
		key = keyOnLine(pos, g.bad.Line, "")
	}
	return ErrorList{{File: file, Line: g.bad.Line, Key: key, Msg: g.msg}}
}

func countNodes(n *yaml.Node) int64 {
	c := int64(1)
	for _, k := range n.Content {
		c += countNodes(k)
	}
	return c
}

// expand returns the number of nodes n stands for once its aliases are
// expanded (saturated above the limit). written is false inside an alias's
// target, whose own aliases are counted by their written occurrence.
func (g *aliasGuard) expand(n *yaml.Node, written bool) int64 {
	if g.bad != nil {
		return 0
	}
	if s, ok := g.size[n]; ok {
		return s
	}
	if n.Kind == yaml.AliasNode {
		if written {
			g.aliases++
			if g.aliases > maxAliases {
				g.fail(n, fmt.Sprintf("more than %d YAML aliases; write the values out", maxAliases))
				return 0
			}
		}
		t := n.Alias
		if t == nil {
			return 1
		}
		if g.active[t] {
			g.fail(n, fmt.Sprintf("alias *%s is inside its own anchor &%s (line %d): a YAML alias cycle", n.Value, n.Value, t.Line))
			return 0
		}
		s := g.expand(t, false)
		if written {
			g.extra += s
			if g.extra > g.limit {
				g.fail(n, fmt.Sprintf("YAML aliases expand the file by more than %d nodes; write the values out", g.limit))
				return 0
			}
		}
		return s
	}
	g.active[n] = true
	total := int64(1)
	for _, c := range n.Content {
		total += g.expand(c, written)
		if total > 1<<40 {
			total = 1 << 40 // saturate: only the comparison with the limit matters
		}
	}
	delete(g.active, n)
	g.size[n] = total
	return total
}

func (g *aliasGuard) fail(n *yaml.Node, msg string) {
	if g.bad == nil {
		g.bad, g.msg = n, msg
	}
}
