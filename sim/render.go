package sim

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/dnsmock"
)

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteYAML writes v as YAML with the same fields, names and order as its
// JSON (-o yaml): it is the JSON document re-encoded in block style.
func WriteYAML(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	blockStyle(&doc)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return enc.Close()
}

// blockStyle turns the flow style and quoting that JSON parsed into into
// YAML's plain block style; the encoder quotes a string that would read as
// another type.
func blockStyle(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode {
		n.Tag = n.ShortTag()
	}
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// WriteSummaryText prints what validate found in a scenario file: its size,
// and how many variants it has (ts[0] is the scenario).
func WriteSummaryText(w io.Writer, file string, ts []*Network) error {
	t := ts[0]
	variants := ""
	if len(ts) > 1 {
		variants = fmt.Sprintf(", %d variants", len(ts)-1)
	}
	subnets := 0
	for _, v := range t.VNets {
		subnets += len(v.Subnets)
	}
	_, err := fmt.Fprintf(w, "%s: ok (%d VNets, %d subnets, %d NICs, %d expectations%s)\n", file, len(t.VNets), subnets, len(t.NICs), len(t.Expectations), variants)
	return err
}

// WriteTraceText writes a trace for a person: one hop per line, then the verdict.
func WriteTraceText(w io.Writer, r *Result) error {
	fmt.Fprintf(w, "trace %s -> %s\n", r.From, r.To)
	if r.Flow != "" {
		fmt.Fprintf(w, "flow  %s\n", r.Flow)
	}
	writeHops(w, r.Hops)
	if len(r.Reply) > 0 {
		fmt.Fprintln(w, "reply")
		writeHops(w, r.Reply)
	}
	if r.Verdict == Allowed {
		fmt.Fprintf(w, "verdict: allowed")
		if r.Egress != "" {
			fmt.Fprintf(w, " (egress: %s)", r.Egress)
		}
		fmt.Fprintln(w)
		return nil
	}
	fmt.Fprintf(w, "verdict: denied (%s)\n", r.Reason)
	if r.BlockedBy != nil {
		fmt.Fprintf(w, "blocked by: %s %s in %s\n", r.BlockedBy.Kind, r.BlockedBy.Name, r.BlockedBy.Resource)
	}
	if r.Message != "" {
		fmt.Fprintf(w, "why: %s\n", r.Message)
	}
	return nil
}

func writeHops(w io.Writer, hops []Hop) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, h := range hops {
		fmt.Fprintf(tw, "  %2d\t%s\t%s\t%s\t%s\n", i+1, h.Kind, h.Action, h.Node, h.Detail)
	}
	tw.Flush()
}

// WriteRoutesText writes effective routes as a table, like the portal's
// effective routes blade.
func WriteRoutesText(w io.Writer, subnet string, routes []EffectiveRoute) error {
	fmt.Fprintf(w, "effective routes of %s\n", subnet)
	tw := tabwriter.NewWriter(trimWriter{w}, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSTATE\tADDRESS PREFIX\tNEXT HOP TYPE\tNEXT HOP IP\tROUTE")
	for _, r := range routes {
		prefix := strings.Join(r.AddressPrefix, ", ")
		if r.ServiceTag != "" {
			prefix = fmt.Sprintf("%s (%d prefixes)", r.ServiceTag, len(r.AddressPrefix))
		}
		name := ""
		if r.RouteTable != "" {
			name = r.RouteTable + "/" + r.Name
		}
		if r.InvalidReason != "" {
			name = strings.TrimSpace(name + " " + r.InvalidReason)
		}
		ip := strings.Join(r.NextHopIPAddress, ", ")
		if ip == "" {
			ip = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Source, r.State, prefix, r.NextHopType, ip, name)
	}
	return tw.Flush()
}

// WriteNextHopText writes a next hop answer.
func WriteNextHopText(w io.Writer, nh *NextHop) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "next hop type\t%s\n", nh.RouteNextHopType)
	ip := nh.NextHopIPAddress
	if ip == "" {
		ip = "-"
	}
	fmt.Fprintf(tw, "next hop IP\t%s\n", ip)
	fmt.Fprintf(tw, "route table\t%s\n", nh.RouteTable)
	if nh.Route != "" {
		fmt.Fprintf(tw, "route\t%s\n", nh.Route)
	}
	fmt.Fprintf(tw, "prefix\t%s\n", nh.AddressPrefix)
	return tw.Flush()
}

// WriteCheckText writes one line per expectation and a summary line.
func WriteCheckText(w io.Writer, rep *CheckReport) error {
	for _, o := range rep.Outcomes {
		status := "PASS"
		if !o.Passed {
			status = "FAIL"
		}
		fmt.Fprintf(w, "%s  %s:%d  %s: expected %s, got %s", status, o.File, o.Line, o.Name, o.Expect, o.Got)
		if o.Reason != "" {
			fmt.Fprintf(w, " (%s)", o.Reason)
		}
		fmt.Fprintln(w)
		if !o.Passed {
			if o.Error != "" {
				fmt.Fprintf(w, "      error: %s\n", o.Error)
			} else if o.Message != "" {
				fmt.Fprintf(w, "      why: %s\n", o.Message)
				if o.Witness != "" {
					fmt.Fprintf(w, "      witness: %s\n", o.Witness)
				}
			} else if o.Trace != nil && len(o.Trace.Hops) > 0 {
				h := o.Trace.Hops[len(o.Trace.Hops)-1]
				fmt.Fprintf(w, "      last hop: %s %s %s %s\n", h.Kind, h.Action, h.Node, h.Detail)
			}
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", rep.Passed, rep.Failed)
	return nil
}

// trimWriter drops the spaces tabwriter leaves at the end of a line whose
// last cell is empty. tabwriter hands it whole lines on Flush.
type trimWriter struct{ w io.Writer }

func (t trimWriter) Write(p []byte) (int, error) {
	lines := strings.SplitAfter(string(p), "\n")
	for i, l := range lines {
		if strings.HasSuffix(l, "\n") {
			lines[i] = strings.TrimRight(strings.TrimSuffix(l, "\n"), " ") + "\n"
		}
	}
	if _, err := io.WriteString(t.w, strings.Join(lines, "")); err != nil {
		return 0, err
	}
	return len(p), nil
}

// WriteSimulationText writes an intent run the way a person follows it: each
// step, its flow and verdict, and for a failure what decided it, the
// document that requires the flow, and the setting that fixes it.
func WriteSimulationText(w io.Writer, s *Simulation) error {
	fmt.Fprintf(w, "simulate %s: %s\n", s.Intent, s.Summary)
	fmt.Fprintf(w, "scenario %s", s.Scenario)
	if s.Compute != "" {
		fmt.Fprintf(w, ", compute %s", s.Compute)
	}
	if s.Client != "" {
		fmt.Fprintf(w, ", client %s", s.Client)
	}
	fmt.Fprintf(w, "\nas documented in %s\n\n", s.Cite)
	for i, st := range s.Steps {
		flow := fmt.Sprintf("%s -> %s", st.From, st.To)
		if st.Port != 0 || st.Protocol != "" {
			flow += fmt.Sprintf(" %s/%d", st.Protocol, st.Port)
		}
		if st.Host != "" {
			flow += " (" + st.Host + ")"
		}
		verdict := st.Verdict
		if st.Verdict == Denied {
			verdict = "DENIED (" + st.Reason + ")"
		}
		fmt.Fprintf(w, "%2d. %s\n    %s: %s\n", i+1, st.Name, flow, verdict)
		switch st.Verdict {
		case Skipped:
			fmt.Fprintf(w, "    skipped: %s\n", st.Skip)
		case Allowed:
			if st.Decided != "" {
				fmt.Fprintf(w, "    via: %s\n", st.Decided)
			}
		case Denied:
			if st.BlockedBy != nil {
				fmt.Fprintf(w, "    blocked by: %s %s in %s\n", st.BlockedBy.Kind, st.BlockedBy.Name, st.BlockedBy.Resource)
			}
			if st.Message != "" {
				fmt.Fprintf(w, "    what is wrong: %s\n", st.Message)
			}
			fmt.Fprintf(w, "    why it is needed: %s\n", st.Cite)
			if st.Fix != "" {
				fmt.Fprintf(w, "    what to change: %s\n", st.Fix)
			}
		}
	}
	n := 0
	for _, st := range s.Steps {
		if st.Verdict != Skipped {
			n++
		}
	}
	if s.Verdict == Allowed {
		fmt.Fprintf(w, "\nverdict: allowed (%d steps pass)\n", n)
		return nil
	}
	fmt.Fprintf(w, "\nverdict: denied (%d of %d steps fail)\n", s.Failed, n)
	return nil
}

// WriteIntentsText lists the intents, one line each.
func WriteIntentsText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, in := range Intents() {
		fmt.Fprintf(tw, "%s\t%s\t(%s; needs %s)\n", in.Name, in.Summary, in.Cite, strings.Join(in.Needs, " and "))
	}
	return tw.Flush()
}

// WriteMatrixText writes one line per row: source, destination, what passes.
func WriteMatrixText(w io.Writer, m *Matrix) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FROM\tTO\tALLOWED")
	for _, r := range m.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.From, r.To, r.Summary)
	}
	return tw.Flush()
}

// WriteMatrixCSV writes the matrix as CSV: from, to, allowed.
func WriteMatrixCSV(w io.Writer, m *Matrix) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"from", "to", "allowed"})
	for _, r := range m.Rows {
		cw.Write([]string{r.From, r.To, r.Summary})
	}
	cw.Flush()
	return cw.Error()
}

// WriteDiffText prints only what changed, one line per change, then a count.
func WriteDiffText(w io.Writer, d *DiffReport) error {
	fmt.Fprintf(w, "diff %s -> %s\n", d.Before, d.After)
	for _, c := range d.Changes {
		switch c.Kind {
		case "forbidden":
			fmt.Fprintf(w, "! forbidden    %s: %s -> %s: %s\n", c.Subject, c.Before, c.After, c.Detail)
		case "matrix":
			sign := "+"
			if c.Change == "newly-denied" {
				sign = "-"
			}
			fmt.Fprintf(w, "%s %-12s %s: %s (before: %s; after: %s)\n", sign, strings.TrimPrefix(c.Change, "newly-"), c.Subject, c.Detail, c.Before, c.After)
		default:
			fmt.Fprintf(w, "~ %-12s %s %q: %s -> %s", c.Change, c.Kind, c.Subject, c.Before, c.After)
			if c.Detail != "" {
				fmt.Fprintf(w, "; %s", c.Detail)
			}
			fmt.Fprintln(w)
		}
	}
	if len(d.Changes) == 0 {
		fmt.Fprintln(w, "no changes")
		return nil
	}
	fmt.Fprintf(w, "%d changes\n", len(d.Changes))
	return nil
}

// WriteAnswerText prints an answer the way dig lays out its sections.
func WriteAnswerText(w io.Writer, a *dnsmock.Answer) error {
	fmt.Fprintf(w, ";; query %s %s from %s\n", a.Name, a.Type, a.From)
	fmt.Fprintln(w, ";; steps")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, s := range a.Steps {
		fmt.Fprintf(tw, "  %2d\t%s\t%s\t%s\n", i+1, s.Action, s.Server, s.Detail)
	}
	tw.Flush()
	fmt.Fprintf(w, ";; status: %s\n", a.Rcode)
	if len(a.Answers) > 0 {
		fmt.Fprintln(w, ";; answer")
		tw = tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
		for _, r := range a.Answers {
			fmt.Fprintf(tw, "%s\t%d\tIN\t%s\t%s\n", r.Name, r.TTL, r.Type, r.Value)
		}
		tw.Flush()
	}
	if f := a.Failure; f != nil {
		fmt.Fprintf(w, ";; failure: %s: %s\n", f.Reason, f.Message)
		if b := f.BlockedBy; b != nil {
			fmt.Fprintf(w, ";; blocked by: %s %s in %s\n", b.Kind, b.Name, b.Resource)
		}
	}
	if g := a.PrivateLinkGap; g != nil {
		fmt.Fprintf(w, ";; private link: %s\n", g.Message)
		if b := g.BlockedBy; b != nil {
			fmt.Fprintf(w, ";; missing: %s %s in %s\n", b.Kind, b.Name, b.Resource)
		}
	}
	return nil
}
