package picture

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// Live is what the served page adds to a report: the variant shown, the
// form, and the flow or intent the reader picked with its paths.
type Live struct {
	File, Stamp string
	Variants    []VariantLink
	Variant     string
	Errors      []string
	// Scenario is the variant shown, nil when the file does not load.
	Scenario *ScenarioView
	// Runs maps an outcome's ID to the URL that traces it.
	Runs map[string]template.URL

	Endpoints, Intents, Computes, Protocols   []string
	From, To, Protocol, Port, Intent, Compute string

	Problem       string
	ResultTitle   string
	ResultVerdict string
	Paths         []*PathView
}

// VariantLink is a link to one variant.
type VariantLink struct {
	Label   string
	URL     template.URL
	Current bool
}

// Server serves the live page of one scenario file. It reloads the file
// when Stamp changes and never writes anything.
type Server struct {
	// File is the scenario as the user named it.
	File string
	// Load loads the scenario and its variants (the scenario first).
	Load func() ([]*sim.Network, error)
	// Stamp changes when the file does (its modification time and size).
	Stamp func() string

	mu    sync.Mutex
	stamp string
	nets  []*sim.Network
	err   error
	svgs  map[string]template.HTML
}

// current returns the loaded networks, reloading them if the file changed.
func (s *Server) current() (string, []*sim.Network, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.Stamp()
	if st != s.stamp || (s.nets == nil && s.err == nil) {
		s.stamp = st
		s.nets, s.err = s.Load()
		s.svgs = map[string]template.HTML{}
	}
	return s.stamp, s.nets, s.err
}

// picture returns the inline SVG of a network, drawn once per load.
func (s *Server) picture(n *sim.Network, id string) template.HTML {
	s.mu.Lock()
	defer s.mu.Unlock()
	if svg, ok := s.svgs[n.File]; ok {
		return svg
	}
	var out template.HTML
	if b, err := Topology(n.Topology).SVG(); err == nil {
		out = template.HTML(accessibleSVG(b, "Topology of "+n.Name+": VNets, subnets, peerings, routes, private endpoints and DNS zones", id))
	}
	s.svgs[n.File] = out
	return out
}

// ServeHTTP answers GET and HEAD only: / is the page, /stamp what the page
// polls to follow the file.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "read-only: only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	switch r.URL.Path {
	case "/stamp":
		st, _, _ := s.current()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, st)
	case "/":
		s.page(w, r)
	default:
		http.NotFound(w, r)
	}
}

func variantName(file string) string {
	if i := strings.LastIndexByte(file, '#'); i >= 0 {
		return file[i+1:]
	}
	return ""
}

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	stamp, nets, err := s.current()
	l := &Live{File: s.File, Stamp: stamp, Variant: q.Get("variant"), Protocols: []string{"Tcp", "Udp", "Icmp", "Esp", "Ah"},
		From: q.Get("from"), To: q.Get("to"), Protocol: q.Get("protocol"), Port: q.Get("port"), Intent: q.Get("intent"), Compute: q.Get("compute"), Runs: map[string]template.URL{}}
	if l.Protocol == "" {
		l.Protocol = "Tcp"
	}
	if l.Port == "" {
		l.Port = "443"
	}
	rep := &Report{Title: "vnetsim: " + s.File, Live: l, Graphviz: HaveGraphviz()}
	if err != nil {
		var el topology.ErrorList
		var pe *topology.Error
		switch {
		case errors.As(err, &el):
			for _, e := range el {
				l.Errors = append(l.Errors, e.Error())
			}
		case errors.As(err, &pe):
			l.Errors = []string{pe.Error()}
		default:
			l.Errors = []string{err.Error()}
		}
		s.write(w, rep)
		return
	}
	n := nets[0]
	for _, m := range nets {
		v := variantName(m.File)
		if v == l.Variant {
			n = m
		}
		label := v
		if v == "" {
			label = "the scenario"
		}
		u := url.Values{}
		for k, vs := range q {
			u[k] = vs
		}
		u.Set("variant", v)
		l.Variants = append(l.Variants, VariantLink{Label: label, URL: template.URL("/?" + u.Encode())})
	}
	l.Variant = variantName(n.File)
	for i := range l.Variants {
		l.Variants[i].Current = variantName(nets[i].File) == l.Variant
	}
	rep.Title = "vnetsim: " + n.Name
	if l.Variant != "" {
		rep.Title += " (variant " + l.Variant + ")"
	}
	l.Endpoints = endpoints(n)
	for _, in := range sim.Intents() {
		l.Intents = append(l.Intents, in.Name)
	}
	for _, c := range n.Computes {
		l.Computes = append(l.Computes, c.Name)
	}
	if l.Intent == "" && len(l.Intents) > 0 {
		l.Intent = l.Intents[0]
	}

	// The scenario view of this variant: its expectations and picture.
	sv := &ScenarioView{ID: "live", File: n.File, Name: n.Name, Description: n.Description}
	g := Topology(n.Topology)
	sv.Outline = NewOutline(g)
	sv.Picture = s.picture(n, "live-pic")
	var cr sim.CheckReport
	n.Check(&cr)
	vv := &VariantView{Name: n.File}
	for k, o := range cr.Outcomes {
		ov := &OutcomeView{Outcome: o, ID: fmt.Sprintf("e%d", k+1)}
		vv.Outcomes = append(vv.Outcomes, ov)
		if k < len(n.Expectations) {
			l.Runs[ov.ID] = runURL(l.Variant, n.Expectations[k])
		}
	}
	sv.Variants = []*VariantView{vv}
	l.Scenario = sv

	switch {
	case q.Get("from") != "" || q.Get("to") != "":
		s.trace(n, l)
	case q.Has("intent"):
		sm, err := n.Simulate(l.Intent, l.Compute, "")
		if err != nil {
			l.Problem = "simulate: " + err.Error()
			break
		}
		l.ResultTitle = fmt.Sprintf("intent %s on %s: %s", sm.Intent, sm.Compute, sm.Summary)
		l.ResultVerdict = sm.Verdict
		l.Paths = SimulationPaths(sm)
	}
	s.write(w, rep)
}

// trace runs the flow the reader picked.
func (s *Server) trace(n *sim.Network, l *Live) {
	if l.From == "" || l.To == "" {
		l.Problem = "give both a source (From) and a destination (To)"
		return
	}
	p, err := topology.ParseProtocol(l.Protocol)
	if err != nil || p == topology.ProtocolAny {
		l.Problem = fmt.Sprintf("protocol %q: want Tcp, Udp, Icmp, Esp or Ah", l.Protocol)
		return
	}
	port, err := strconv.ParseUint(l.Port, 10, 16)
	if err != nil {
		l.Problem = fmt.Sprintf("port %q: want a number from 0 to 65535", l.Port)
		return
	}
	res, err := n.Trace(sim.Request{From: l.From, To: l.To, Protocol: p, Port: uint16(port)})
	if err != nil {
		l.Problem = "trace: " + err.Error()
		return
	}
	l.ResultTitle = fmt.Sprintf("trace %s -> %s", res.From, res.To)
	l.Paths = []*PathView{NewPathView("", res)}
}

func (s *Server) write(w http.ResponseWriter, rep *Report) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := rep.WriteHTML(w); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// runURL is the URL that traces an expectation.
func runURL(variant string, e *topology.Expectation) template.URL {
	u := url.Values{}
	u.Set("variant", variant)
	if e.Intent != "" {
		u.Set("intent", e.Intent)
		u.Set("compute", e.Compute)
	} else {
		u.Set("from", e.From)
		u.Set("to", e.To)
		proto := e.Protocol
		if proto == "" {
			proto = "Tcp"
		}
		u.Set("protocol", proto)
		u.Set("port", strconv.Itoa(e.Port))
	}
	return template.URL("/?" + u.Encode())
}

// endpoints lists names a reader can trace from or to: VMs, computes,
// private endpoints, subnets, services, on-premises hosts, the service tags
// the scenario uses, and the internet.
func endpoints(n *sim.Network) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, nic := range n.VMs {
		add(nic.Name)
	}
	for _, c := range n.Computes {
		add(c.Name)
	}
	for _, pe := range n.PrivateEndpoints {
		add(pe.Name)
	}
	for _, v := range n.VNets {
		for _, sub := range v.Subnets {
			add(sub.ID())
		}
	}
	for _, svc := range n.Services {
		add(svc.Name)
	}
	for _, gw := range n.Gateways {
		for h := range sortedHosts(gw.Hosts) {
			add(h)
		}
	}
	for _, t := range n.TagNames() {
		add(t)
	}
	for _, e := range n.Expectations {
		add(e.From)
		add(e.To)
	}
	add("internet")
	return out
}
