package picture

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/vnetsim/vnetsim/sim"
)

//go:embed page.html
var pageFS embed.FS

// pageTmpl is parsed on first use, not at start-up: every command pays a
// package's init, and only report and serve use the page.
var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page.html").Funcs(template.FuncMap{
		"lines": func(s string) []string { return strings.Split(s, "\n") },
		"join":  strings.Join,
	}).ParseFS(pageFS, "page.html"))
})

// Report is the data of the HTML report (and, with Live set, of the page
// `vnetsim serve` shows).
type Report struct {
	Title                    string
	Passed, Failed           int
	LintErrors, LintWarnings int
	Scenarios                []*ScenarioView
	// Graphviz is false when the topology pictures could not be drawn.
	Graphviz bool
	Live     *Live
}

// ScenarioView is one scenario file: its picture, its expectations and
// those of its variants, its matrix and its lint findings.
type ScenarioView struct {
	ID, File, Name, Description string
	Picture                     template.HTML
	Outline                     Outline
	Variants                    []*VariantView
	Passed, Failed              int
	Matrix                      *MatrixView
	MatrixError                 string
	Lint                        []sim.Finding
}

// VariantView is the scenario or one variant with its outcomes.
type VariantView struct {
	Name     string
	Outcomes []*OutcomeView
}

// OutcomeView is one expectation's outcome with the paths of its flows.
type OutcomeView struct {
	sim.Outcome
	ID    string
	Paths []*PathView
}

// PathView is one traced flow, ready to draw.
type PathView struct {
	Title, Flow  string
	Verdict      string
	VerdictLine  string
	Message, Fix string
	Legs         []Leg
}

// NewPathView prepares a trace for the page.
func NewPathView(title string, res *sim.Result) *PathView {
	return &PathView{Title: title, Flow: res.Flow, Verdict: res.Verdict, VerdictLine: VerdictLine(res), Message: res.Message, Legs: Legs(res)}
}

// SimulationPaths prepares the steps of an intent: each step's path.
func SimulationPaths(s *sim.Simulation) []*PathView {
	var out []*PathView
	for i, st := range s.Steps {
		title := fmt.Sprintf("step %d: %s (%s -> %s %s/%d)", i+1, st.Name, st.From, st.To, st.Protocol, st.Port)
		if st.Trace == nil {
			out = append(out, &PathView{Title: title, Verdict: st.Verdict, VerdictLine: stepLine(st), Message: st.Message, Fix: st.Fix})
			continue
		}
		p := NewPathView(title, st.Trace)
		p.Fix = st.Fix
		if st.Verdict != st.Trace.Verdict {
			p.Verdict, p.VerdictLine = st.Verdict, stepLine(st)
		}
		out = append(out, p)
	}
	return out
}

func stepLine(st sim.StepResult) string {
	return strings.ReplaceAll(stepVerdict(st), "\n", ": ")
}

// MatrixView is the matrix as a table: sources down, destinations across.
type MatrixView struct {
	Scenario string
	To       []string
	Rows     []MatrixViewRow
}

// MatrixViewRow is one source's row.
type MatrixViewRow struct {
	From  string
	Cells []MatrixCell
}

// MatrixCell is what one source may send one destination.
type MatrixCell struct {
	To, Summary string
	// Access is none, some or missing (no row for the pair).
	Access string
}

// NewMatrixView pivots sim's matrix into a table.
func NewMatrixView(m *sim.Matrix) *MatrixView {
	v := &MatrixView{Scenario: m.Scenario}
	cols := map[string]bool{}
	rows := map[string]map[string]string{}
	var froms []string
	for _, r := range m.Rows {
		if !cols[r.To] {
			cols[r.To] = true
			v.To = append(v.To, r.To)
		}
		if rows[r.From] == nil {
			rows[r.From] = map[string]string{}
			froms = append(froms, r.From)
		}
		rows[r.From][r.To] = r.Summary
	}
	for _, f := range froms {
		row := MatrixViewRow{From: f}
		for _, t := range v.To {
			s, ok := rows[f][t]
			c := MatrixCell{To: t, Summary: s, Access: "some"}
			switch {
			case !ok:
				c.Access, c.Summary = "missing", "-"
			case s == "none":
				c.Access = "none"
			}
			row.Cells = append(row.Cells, c)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// Outline is a picture as text: its clusters as nested lists and its
// arrows, for readers who do not see the picture.
type Outline struct {
	Root  *Cluster
	Edges []string
}

// NewOutline writes g as text.
func NewOutline(g *Graph) Outline {
	o := Outline{Root: g.Root()}
	for _, e := range g.Edges() {
		from, to := firstLine(e.F.Label), firstLine(e.T.Label)
		if e.TailCluster != nil {
			from = e.TailCluster.Label
		}
		if e.HeadCluster != nil {
			to = e.HeadCluster.Label
		}
		arrow := "→"
		if e.Both {
			arrow = "↔"
		}
		s := fmt.Sprintf("%s %s %s", from, arrow, to)
		if len(e.Labels) > 0 {
			s += ": " + strings.ReplaceAll(strings.Join(e.Labels, "; "), "\n", "; ")
		}
		o.Edges = append(o.Edges, s)
	}
	return o
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// ScenarioInput is one scenario file loaded with its variants (Networks[0]
// is the scenario).
type ScenarioInput struct {
	File     string
	Networks []*sim.Network
}

// NewReport runs, through sim, every expectation of every variant, the
// matrix and lint of each scenario, and draws the topologies.
func NewReport(title string, inputs []ScenarioInput) *Report {
	r := &Report{Title: title, Graphviz: HaveGraphviz()}
	for i, in := range inputs {
		base := in.Networks[0]
		sv := &ScenarioView{ID: fmt.Sprintf("s%d", i+1), File: in.File, Name: base.Name, Description: base.Description}
		g := Topology(base.Topology)
		sv.Outline = NewOutline(g)
		if r.Graphviz {
			if svg, err := g.SVG(); err == nil {
				sv.Picture = template.HTML(accessibleSVG(svg, "Topology of "+base.Name+": VNets, subnets, peerings, routes, private endpoints and DNS zones", sv.ID+"-pic"))
			}
		}
		for j, n := range in.Networks {
			var rep sim.CheckReport
			n.Check(&rep)
			vv := &VariantView{Name: n.File}
			for k, o := range rep.Outcomes {
				ov := &OutcomeView{Outcome: o, ID: fmt.Sprintf("%s-v%d-e%d", sv.ID, j, k+1)}
				switch {
				case o.Trace != nil:
					ov.Paths = []*PathView{NewPathView(o.Name, o.Trace)}
				case o.Simulation != nil:
					ov.Paths = SimulationPaths(o.Simulation)
				}
				vv.Outcomes = append(vv.Outcomes, ov)
			}
			sv.Passed += rep.Passed
			sv.Failed += rep.Failed
			sv.Variants = append(sv.Variants, vv)
		}
		r.Passed += sv.Passed
		r.Failed += sv.Failed
		if m, err := base.Matrix("", "", nil); err != nil {
			sv.MatrixError = err.Error()
		} else {
			sv.Matrix = NewMatrixView(m)
		}
		lr := &sim.LintReport{}
		lr.Add(in.Networks)
		sv.Lint = lr.Findings
		r.LintErrors += lr.Count(sim.SeverityError)
		r.LintWarnings += len(lr.Findings) - lr.Count(sim.SeverityError)
		r.Scenarios = append(r.Scenarios, sv)
	}
	return r
}

// WriteHTML writes the report as one self-contained HTML file.
func (r *Report) WriteHTML(w io.Writer) error {
	return pageTmpl().Execute(w, r)
}

var (
	svgOpen  = regexp.MustCompile(`<svg\b`)
	svgTitle = regexp.MustCompile(`(?s)<title>[^<]*</title>`)
)

// accessibleSVG inlines a Graphviz SVG with a role and a label, and gives
// its ids a prefix so that several pictures can share a page.
func accessibleSVG(svg []byte, label, id string) string {
	s := InlineSVG(svg)
	s = strings.ReplaceAll(s, `id="`, `id="`+id+"-")
	s = svgOpen.ReplaceAllLiteralString(s, fmt.Sprintf(`<svg role="img" aria-label="%s" focusable="false"`, template.HTMLEscapeString(label)))
	// Graphviz titles every node with its DOT id (n3), which a screen
	// reader would read out; the outline says the same in words.
	s = svgTitle.ReplaceAllLiteralString(s, "")
	return s
}
