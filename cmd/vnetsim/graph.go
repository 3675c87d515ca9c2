package main

import (
	"io"

	"github.com/vnetsim/vnetsim/picture"
)

// runGraph draws a scenario's topology.
func runGraph(e *env, args []string) (int, error) {
	fs := e.flags("graph")
	out := outputFlag(fs, "dot", "mermaid", "svg")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	file, err := oneFile(fs)
	if err != nil {
		return 0, err
	}
	n, err := e.load(file, *tags)
	if err != nil {
		return 0, err
	}
	return 0, writePicture(e.stdout, picture.Topology(n.Topology), *out)
}

// writePicture writes g as DOT, Mermaid or SVG (through Graphviz).
func writePicture(w io.Writer, g *picture.Graph, format string) error {
	switch format {
	case "mermaid":
		return g.WriteMermaid(w)
	case "svg":
		svg, err := g.SVG()
		if err != nil {
			return err
		}
		_, err = w.Write(svg)
		return err
	}
	b, err := g.DOT()
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
