package sim

import (
	"fmt"
	"strings"
)

// Reasons of configuration requirements an intent checks.
const (
	ReasonPlacement  = "unsupported-placement"
	ReasonImageBuild = "no-image-build-compute"
)

// Skipped is the verdict of a step that does not apply.
const Skipped = "skipped"

// StepResult is a step with its verdict, the deciding rule and advice.
type StepResult struct {
	Step
	Verdict   string     `json:"verdict"`
	Reason    string     `json:"reason,omitempty"`
	BlockedBy *BlockedBy `json:"blockedBy,omitempty"`
	Message   string     `json:"message,omitempty"`
	// Decided names the rule, route or record that decided the step.
	Decided string  `json:"decided,omitempty"`
	Fix     string  `json:"fix,omitempty"`
	Trace   *Result `json:"trace,omitempty"`
}

// Simulation is an intent run on a scenario.
type Simulation struct {
	Version  int          `json:"version"`
	Scenario string       `json:"scenario"`
	Intent   string       `json:"intent"`
	Summary  string       `json:"summary"`
	Cite     string       `json:"cite"`
	Compute  string       `json:"compute,omitempty"`
	Client   string       `json:"client,omitempty"`
	Verdict  string       `json:"verdict"`
	Failed   int          `json:"failed"`
	Steps    []StepResult `json:"steps"`
}

// FirstFailure returns the first step that failed, or nil.
func (s *Simulation) FirstFailure() *StepResult {
	for i := range s.Steps {
		if s.Steps[i].Verdict == Denied {
			return &s.Steps[i]
		}
	}
	return nil
}

// DefaultClient returns the client a simulation uses when none is given:
// the first VM that is neither an appliance nor a DNS server.
func (t *Network) DefaultClient() string {
	for _, n := range t.VMs {
		if n.IPForwarding || n.DNSServer != nil || n.Appliance != nil {
			continue
		}
		attached := false
		for _, c := range t.Computes {
			attached = attached || c.VM == n.Name
		}
		if !attached {
			return n.Name
		}
	}
	return ""
}

// Simulate expands an intent into its flows and traces each one.
func (t *Network) Simulate(intent, compute, client string) (*Simulation, error) {
	in, ok := LookupIntent(intent)
	if !ok {
		var names []string
		for _, i := range Intents() {
			names = append(names, i.Name)
		}
		return nil, fmt.Errorf("unknown intent %q; vnetsim knows %s", intent, strings.Join(names, ", "))
	}
	if t.ML == nil || t.ML.Workspace == nil {
		return nil, fmt.Errorf("intent %s needs a machineLearning section with a workspace in %s", intent, t.File)
	}
	c := &intentCtx{t: t, ml: t.ML, client: client}
	if compute != "" {
		c.compute = t.Compute(compute)
		if c.compute == nil {
			return nil, fmt.Errorf("compute %q: no such compute in machineLearning.computes", compute)
		}
		c.region = c.compute.Region
	}
	if client == "" {
		c.client = t.DefaultClient()
	} else if _, err := t.ResolveEndpoint(client); err != nil {
		return nil, fmt.Errorf("client: %v", err)
	}
	if c.region == "" {
		c.region = t.ML.Workspace.Region
	}
	steps, err := in.steps(c)
	if err != nil {
		return nil, err
	}
	sim := &Simulation{Version: JSONVersion, Scenario: t.File, Intent: in.Name, Summary: in.Summary, Cite: in.Cite, Client: c.client, Verdict: Allowed}
	if c.compute != nil {
		sim.Compute = c.compute.Name
	}
	for _, st := range steps {
		r := runStep(t, st)
		if r.Verdict == Denied {
			sim.Failed++
			sim.Verdict = Denied
		}
		sim.Steps = append(sim.Steps, r)
	}
	return sim, nil
}

func runStep(t *Network, st Step) StepResult {
	r := StepResult{Step: st}
	switch {
	case st.Skip != "":
		r.Verdict = Skipped
		return r
	case st.check != nil:
		reason, msg, fix := st.check()
		if reason == "" {
			r.Verdict = Allowed
			return r
		}
		r.Verdict, r.Reason, r.Message, r.Fix = Denied, reason, msg, fix
		return r
	}
	src, err := t.ResolveEndpoint(st.From)
	if err == nil {
		var dst *Endpoint
		dst, err = t.ResolveEndpoint(st.To)
		if err == nil {
			if st.Host != "" {
				dst.FQDN = st.Host
			}
			var res *Result
			res, err = t.TraceEndpoints(src, dst, Request{Protocol: st.Protocol, Port: st.Port, SrcPort: DefaultSourcePort})
			if err == nil {
				r.Trace = res
				r.Verdict, r.Reason, r.BlockedBy, r.Message = res.Verdict, res.Reason, res.BlockedBy, res.Message
				r.Decided = decidedBy(res)
				if res.Verdict == Allowed && st.after != nil {
					if msg, fix := st.after(res); msg != "" {
						r.Verdict, r.Reason, r.Message, r.Fix = Denied, ReasonWrongAddress, msg, fix
					}
				}
				if r.Verdict == Denied && r.Fix == "" {
					r.Fix = advise(t, st, res)
				}
				return r
			}
		}
	}
	r.Verdict, r.Reason, r.Message = Denied, ReasonUnreachable, err.Error()
	r.Fix = "check the scenario: the step's endpoints could not be resolved"
	return r
}

// ReasonWrongAddress is the reason of a name that resolves, but not to the
// private endpoint it must reach.
const ReasonWrongAddress = "dns-wrong-address"

// decidedBy names what decided an allowed flow: the last NSG rule, firewall
// rule or route of the forward path.
func decidedBy(res *Result) string {
	if res.BlockedBy != nil {
		return fmt.Sprintf("%s %s in %s", res.BlockedBy.Kind, res.BlockedBy.Name, res.BlockedBy.Resource)
	}
	var parts []string
	for _, h := range res.Hops {
		switch h.Kind {
		case "route", "firewall", "appliance", "egress":
			parts = append(parts, h.Detail)
		case "nsg":
			parts = append(parts, h.Node+": "+h.Detail)
		}
	}
	if len(parts) > 3 {
		parts = parts[len(parts)-3:]
	}
	return strings.Join(parts, "; ")
}

// advise says, in plain words, which setting fixes a denied step.
func advise(t *Network, st Step, res *Result) string {
	by := res.BlockedBy
	name := func() string {
		if by != nil {
			return by.Name
		}
		return ""
	}
	where := func() string {
		if by != nil {
			return by.Resource
		}
		return ""
	}
	flow := fmt.Sprintf("%s %d from %s to %s", st.Protocol, st.Port, st.From, st.To)
	if fix := adviseManaged(t, st, res); fix != "" {
		return fix
	}
	switch res.Reason {
	case ReasonNSG:
		return fmt.Sprintf("add an Allow rule for %s to NSG %s with a priority number below the rule %s that denies it", flow, where(), name())
	case ReasonPublicIPClosed:
		return fmt.Sprintf("attach an NSG to %s's subnet or NIC that allows %s (a Standard public IP is closed to inbound traffic until an NSG allows it)", where(), flow)
	case ReasonAsymmetric:
		tag := strings.SplitN(st.From, ".", 2)[0]
		if by != nil && by.Kind == "route" {
			return fmt.Sprintf("add a user route with addressPrefix %s and nextHopType Internet to route table %s, so the reply leaves the way the request came in (%s)", tag, by.Resource, cite004PIP)
		}
		return "make the reply come back through the same appliance or firewall: route the destination's replies to it, or SNAT at the appliance"
	case ReasonPublicAccess:
		if by != nil && by.Kind == "dnsZone" {
			return fmt.Sprintf("link private DNS zone %s to VNet %s (%s)", by.Name, by.Resource, cite000Peering)
		}
		if by != nil && by.Kind == "dnsRecord" {
			return fmt.Sprintf("add the private endpoint's record to zone %s, or a private DNS zone group on the endpoint", by.Resource)
		}
		if by != nil && by.Kind == "dnsForwarder" {
			return fmt.Sprintf("forward the public zone to 168.63.129.16 on DNS server %s (reference 3.4)", by.Resource)
		}
		return "reach the service through a private endpoint whose name resolves in the source's DNS view, or enable public network access"
	case ReasonDNSNXDomain:
		return "add the missing record to the private DNS zone linked to the source's VNet, or set resolutionPolicy: NxDomainRedirect on the link"
	case ReasonDNSNoData:
		return "give the name an A record (or a CNAME to one) in the private DNS zone linked to the source's VNet; it exists but has no address"
	case ReasonDNSUnreachable, ReasonDNSServFail:
		return "make the source's DNS server reachable on UDP/TCP 53 and give it a forwarder to 168.63.129.16 (reference 3.4)"
	case ReasonFirewall:
		if st.Host != "" && (st.Port == 80 || st.Port == 443) {
			return fmt.Sprintf("add an application rule for %s (Https:%d) or a network rule for %s %d to %s in firewall %s (%s)", st.Host, st.Port, st.Protocol, st.Port, st.To, firewallOf(where()), `seed 004, "Scenario: Third party firewall or Azure Firewall without service tags"`)
		}
		return fmt.Sprintf("add a network rule for %s %d to %s in firewall %s; FQDNs on ports other than 80 and 443 need network rules (%s)", st.Protocol, st.Port, st.To, firewallOf(where()), `seed 004, "Scenario: Third party firewall or Azure Firewall without service tags"`)
	case ReasonNoOutbound:
		return fmt.Sprintf("give subnet %s an explicit outbound method: a NAT gateway, or a 0.0.0.0/0 route to a firewall (%s)", where(), cite004Basic)
	case ReasonNullRoute, ReasonNoRoute:
		return fmt.Sprintf("add a peering or route so that %s reaches %s; %s %s drops it", st.From, st.To, name(), where())
	case ReasonPeeringAccess:
		return fmt.Sprintf("set allowVirtualNetworkAccess: true on peering %s", name())
	case ReasonForwardedTraffic:
		return fmt.Sprintf("set allowForwardedTraffic: true on peering %s", name())
	case ReasonIPForwarding:
		return fmt.Sprintf("set enableIpForwarding: true on %s", name())
	case ReasonServiceFirewall:
		return fmt.Sprintf("allow the source in %s's networkAcls (a virtual network rule with a service endpoint, or an IP rule), or use a private endpoint", where())
	case ReasonUnreachable:
		return fmt.Sprintf("%s can't be reached from %s: give it a public IP, or use a private path", st.To, st.From)
	case ReasonAppliance:
		return fmt.Sprintf("allow %s in appliance %s's rules", flow, where())
	}
	return ""
}

func firewallOf(resource string) string {
	fw, _, _ := strings.Cut(resource, "/")
	return fw
}

// adviseManaged says which managed network outbound rule a step needs when
// the managed network's NSG or firewall denied it (seed 003).
func adviseManaged(t *Network, st Step, res *Result) string {
	if t.ML == nil || t.ML.Managed == nil || res.BlockedBy == nil {
		return ""
	}
	m := t.ML.Managed
	res0 := res.BlockedBy.Resource
	ours := res0 == m.Workspace.Name+"-managed-nsg" || (m.Firewall != nil && firewallOf(res0) == m.Firewall.Name)
	if !ours {
		return ""
	}
	const cite = `seed 003, "Workspace Managed Virtual Network Isolation"`
	_, isTag := t.CanonicalTag(st.To)
	if isTag && st.Host != "" && (st.Port == 80 || st.Port == 443) {
		return fmt.Sprintf("add a managed network outbound rule: type service_tag with service_tag %s, protocol %s, port_ranges %d, or type fqdn with destination %s (%s)", st.To, st.Protocol, st.Port, st.Host, cite)
	}
	if !isTag && (st.Port == 80 || st.Port == 443) {
		return fmt.Sprintf("add a managed network outbound rule of type fqdn with destination %s (FQDN rules carry ports 80 and 443 only; %s)", st.To, cite)
	}
	if !isTag {
		return fmt.Sprintf("%s on %s %d can't use an FQDN rule (ports 80 and 443 only): add a service_tag rule for the service's tag, or a private_endpoint rule (%s)", st.To, st.Protocol, st.Port, cite)
	}
	return fmt.Sprintf("add a managed network outbound rule of type service_tag with service_tag %s, protocol %s, port_ranges %d (%s)", st.To, st.Protocol, st.Port, cite)
}
