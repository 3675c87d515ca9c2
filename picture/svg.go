package picture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// ErrNoGraphviz is returned by SVG when Graphviz's dot is not installed.
var ErrNoGraphviz = errors.New("SVG needs Graphviz's dot, which is not installed (apt-get install graphviz, or use -o dot or -o mermaid)")

// HaveGraphviz reports whether Graphviz's dot is on the PATH.
func HaveGraphviz() bool {
	_, err := exec.LookPath("dot")
	return err == nil
}

// SVG lays the graph out and draws it with Graphviz's dot.
func (g *Graph) SVG() ([]byte, error) {
	src, err := g.DOT()
	if err != nil {
		return nil, err
	}
	out, _, err := RenderDOT(src, "svg")
	return out, err
}

// RenderDOT runs Graphviz's dot on a DOT source with -T format (svg, or
// canon to check a source parses), and returns what it drew and the
// warnings it printed.
func RenderDOT(src []byte, format string) (out []byte, warnings string, err error) {
	path, err := exec.LookPath("dot")
	if err != nil {
		return nil, "", ErrNoGraphviz
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-T"+format)
	cmd.Stdin = bytes.NewReader(src)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, "", fmt.Errorf("graphviz dot: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), strings.TrimSpace(stderr.String()), nil
}

// InlineSVG strips the XML declaration and DOCTYPE of an SVG document so
// that it can be put inside an HTML page.
func InlineSVG(svg []byte) string {
	s := string(svg)
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	return s
}
