package sim

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// Verdicts.
const (
	Allowed = "allowed"
	Denied  = "denied"
)

// Reasons are stable codes for why a flow is denied.
const (
	ReasonNSG                = "nsg-denied"
	ReasonPublicIPClosed     = "public-ip-closed"
	ReasonNullRoute          = "null-route"
	ReasonNoRoute            = "no-route"
	ReasonLoop               = "loop"
	ReasonIPForwarding       = "ip-forwarding-disabled"
	ReasonPeeringAccess      = "peering-access-disabled"
	ReasonForwardedTraffic   = "forwarded-traffic-denied"
	ReasonAsymmetric         = "asymmetric-return"
	ReasonNoOutbound         = "no-outbound-access"
	ReasonPublicAccess       = "public-access-disabled"
	ReasonServiceFirewall    = "service-firewall-denied"
	ReasonNextHopUnreachable = "next-hop-unreachable"
	ReasonUnreachable        = "unreachable"
)

// Hop is one step of a trace.
type Hop struct {
	Node   string `json:"node"`
	Kind   string `json:"kind"`
	Action string `json:"action"`
	Detail string `json:"detail"`
}

// BlockedBy names what denied a flow.
type BlockedBy struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Resource string `json:"resource"`
}

// Request is one flow to trace.
type Request struct {
	From, To string
	Protocol topology.Protocol
	Port     uint16
	SrcPort  uint16
	// Quiet records no hops, only the verdict and what decided it: for
	// bulk work such as the matrix.
	Quiet bool
}

// Result is a traced flow with its verdict.
type Result struct {
	Version   int        `json:"version"`
	From      string     `json:"from"`
	To        string     `json:"to"`
	Flow      string     `json:"flow"`
	Verdict   string     `json:"verdict"`
	Reason    string     `json:"reason"`
	BlockedBy *BlockedBy `json:"blockedBy,omitempty"`
	Message   string     `json:"message,omitempty"`
	Egress    string     `json:"egress,omitempty"`
	Hops      []Hop      `json:"hops"`
	Reply     []Hop      `json:"reply,omitempty"`
}

// JSONVersion is the version of the JSON documents vnetsim prints.
const JSONVersion = 2

// DefaultSourcePort is the ephemeral source port traces use.
const DefaultSourcePort = 49152

// maxHops bounds a trace; a packet that needs more is in a loop.
const maxHops = 32

// tracer follows one packet.
type tracer struct {
	t    *Network
	res  *Result
	hops *[]Hop
	// appliances are the forwarding devices the packet crossed, in order.
	appliances []*topology.NIC
	// visited names the appliances this tracer reached, to find loops.
	visited []string
	// origin is the flow's source endpoint; the reply is traced back to it.
	origin *Endpoint
	// reply is set while tracing the reply of an allowed flow: NSGs pass it by
	// flow state, and every stateful device must be one the flow crossed.
	reply   bool
	forward []*topology.NIC
	// viaPublicIP is set when the flow entered through a public IP or a
	// public load balancer, so its reply must leave the same way.
	viaPublicIP bool
	// nat lists the translations stateful devices made, newest last.
	nat []natRecord
	// quiet skips recording hops; routed counts route lookups, which bound
	// a trace whether or not it records hops.
	quiet  bool
	routed int
	// obs, when set, makes the trace follow the path every port would
	// take: it lets every filter pass and tells obs what each one would
	// decide (see Reach).
	obs pathObserver
	// state is the trace's allocation, which holds the reply's tracer.
	state *traceState
	// text holds the trace's hop details and messages (see traceText).
	text *traceText
	// Room for the first few appliances and visits, so that most traces
	// allocate no slices for them.
	appliancesBuf [4]*topology.NIC
	visitedBuf    [4]string
}

// traceState is everything one trace allocates up front, in one object:
// its result, its tracer, the tracer of its reply, and its text.
type traceState struct {
	res    Result
	tr     tracer
	rt     tracer
	rtUsed bool
	text   traceText
	// blocked is what res.BlockedBy points at.
	blocked BlockedBy
	// hops, of a full trace, is room for the request's hops, then the
	// reply's (see hopBlock).
	hops []Hop
}

// fullTraceState is a traceState with room for hops, in one allocation.
type fullTraceState struct {
	traceState
	hops [hopBlock]Hop
}

// hopBlock is how many hops a trace has room for before its slices grow,
// requestBlock of them for the request's hops, the rest for its reply's:
// the catalog's traces take up to 17 and 9.
const (
	hopBlock     = 28
	requestBlock = 18
)

// pathObserver is told of the filters a trace meets when the trace follows
// the path every port would take (it then lets each filter pass). The
// matrix is the observer: it cuts the port range at the rules' boundaries
// and decides each interval from the filters, without tracing again.
type pathObserver interface {
	// nsg is told of an NSG on the path, in one direction.
	nsg(n *topology.NSG, inbound bool)
	// collections is told of firewall or appliance rule collections on the
	// path.
	collections(cols []*topology.FirewallCollection)
	// filter is told how a filter on the path decides each protocol and
	// destination port.
	filter(pass func(p topology.Protocol, port uint16) bool)
	// undecided is told of a filter whose effect is more than pass or deny
	// (a firewall's rule kind decides SNAT and so the reply; the
	// platform's own rules): every interval must then be traced.
	undecided()
}

// hop records a hop whose detail is format with args, as fmt.Sprintf
// would write it.
func (tr *tracer) hop(node, kind, action, format string, args ...any) {
	if tr.quiet {
		return
	}
	tr.hopText(node, kind, action, tr.text.begin().printf(format, args...).done())
}

// hopText records a hop with its detail written; hot paths write details
// with tr.detail() and the typed methods of traceText, without boxing
// arguments for printf.
func (tr *tracer) hopText(node, kind, action, detail string) {
	*tr.hops = append(*tr.hops, Hop{Node: node, Kind: kind, Action: action, Detail: detail})
}

// detail starts the detail of a hop.
func (tr *tracer) detail() *traceText { return tr.text.begin() }

func (tr *tracer) deny(reason string, by *BlockedBy, format string, args ...any) bool {
	return tr.denyText(reason, by, tr.text.begin().printf(format, args...).done())
}

// denyText is deny with its message written. The blocker is copied into
// the trace's state, so that callers' &BlockedBy{...} stay on their stack.
func (tr *tracer) denyText(reason string, by *BlockedBy, msg string) bool {
	var kept *BlockedBy
	if by != nil {
		if tr.state != nil {
			kept = &tr.state.blocked
		} else {
			kept = &BlockedBy{}
		}
		*kept = *by
	}
	tr.res.Verdict = Denied
	tr.res.Reason = reason
	tr.res.BlockedBy = kept
	tr.res.Message = msg
	return false
}

// wasVisited reports whether the tracer reached appliance name before.
func (tr *tracer) wasVisited(name string) bool {
	for _, v := range tr.visited {
		if v == name {
			return true
		}
	}
	return false
}

// Trace follows one flow hop by hop, as Azure would route and filter it, and
// then checks that its reply gets back.
func (t *Network) Trace(req Request) (*Result, error) {
	src, err := t.ResolveEndpoint(req.From)
	if err != nil {
		return nil, err
	}
	dst, err := t.ResolveEndpoint(req.To)
	if err != nil {
		return nil, err
	}
	if req.Protocol == "" {
		req.Protocol = topology.ProtocolTCP
	}
	if req.Protocol == topology.ProtocolAny {
		return nil, fmt.Errorf("a flow has one protocol, not *")
	}
	if req.SrcPort == 0 {
		req.SrcPort = DefaultSourcePort
	}
	if req.Protocol.HasPorts() && req.Port == 0 {
		return nil, fmt.Errorf("%s needs a destination port (--port)", req.Protocol)
	}
	return t.TraceEndpoints(src, dst, req)
}

// TraceEndpoints is Trace for endpoints already resolved.
func (t *Network) TraceEndpoints(src, dst *Endpoint, req Request) (*Result, error) {
	return traceWith(t, src, dst, req, nil)
}

// newTracer returns a tracer of a flow from src in one allocation: its
// result, its state and, for a full trace, room for its hops.
func newTracer(t *Network, src *Endpoint, quiet bool, obs pathObserver) *tracer {
	var st *traceState
	if quiet {
		st = &traceState{}
	} else {
		fs := &fullTraceState{}
		st = &fs.traceState
		st.hops = fs.hops[:]
	}
	res := &st.res
	*res = Result{Version: JSONVersion, Verdict: Allowed, Hops: []Hop{}}
	if !quiet {
		// Most traces take fewer hops, reply included; the reply's hops
		// follow the request's in the same block.
		res.Hops = st.hops[:0:requestBlock]
	}
	tr := &st.tr
	tr.t, tr.res, tr.hops, tr.origin, tr.quiet, tr.obs, tr.text = t, res, &res.Hops, src, quiet, obs, &st.text
	tr.appliances, tr.visited = tr.appliancesBuf[:0], tr.visitedBuf[:0]
	tr.state = st
	st.text.small = quiet
	return tr
}

// traceWith traces a flow; with obs, it follows the path every port would
// take and collects the port boundaries of the rules on it.
func traceWith(t *Network, src, dst *Endpoint, req Request, obs pathObserver) (*Result, error) {
	tr := newTracer(t, src, req.Quiet, obs)
	st, res := tr.state, tr.res
	if !req.Quiet {
		res.From = st.text.begin().endpoint(src).done()
	}
	if src.Kind == EndpointService || src.Kind == EndpointFQDN {
		return nil, fmt.Errorf("a flow can't start at %s %q; start it at a VM, compute, subnet, address, service tag or internet", src.Kind, src.Text)
	}
	if dst.needsName() {
		if err := tr.resolveName(src, dst); err != nil {
			return nil, err
		}
		if res.Verdict == Denied {
			res.To = dst.String()
			return res, nil
		}
	}
	if !req.Quiet {
		res.To = st.text.begin().endpoint(dst).done()
	}
	if err := checkFamilies(src, dst); err != nil {
		return nil, err
	}
	f := topology.Flow{Src: src.Addr, Dst: dst.Addr, Protocol: req.Protocol, SrcPort: req.SrcPort, DstPort: req.Port}
	if !req.Protocol.HasPorts() {
		f.SrcPort, f.DstPort = 0, 0
	}
	if !req.Quiet {
		res.Flow = st.text.begin().flow(f).done()
	}

	var ok bool
	switch {
	case src.InVNet():
		ok = tr.fromVNet(src, dst, f)
	case src.Kind == EndpointOnPrem:
		ok = tr.fromOnPremises(src, dst, f)
	case src.Kind == EndpointPlatform:
		ok = tr.fromPlatform(dst, f)
	default:
		ok = tr.fromOutside(src, dst, f)
	}
	if ok {
		res.Verdict, res.Reason, res.BlockedBy = Allowed, "", nil
	} else if !req.Quiet {
		bastionHint(src, dst, res, f)
	}
	return res, nil
}

// srcNIC returns the NIC that sent f, for application security group
// matching: ASG rules match the packet's source address against members.
func (tr *tracer) srcNIC(f topology.Flow) *topology.NIC {
	if o := tr.origin; o != nil && o.NIC != nil && o.NIC.IP == f.Src {
		return o.NIC
	}
	return nil
}

// fromVNet starts a packet at a NIC or address in a subnet.
func (tr *tracer) fromVNet(src, dst *Endpoint, f topology.Flow) bool {
	sub := src.Subnet
	if !tr.quiet {
		tr.hopText(srcNode(src), "source", "send", tr.detail().addr(f.Src).s(" in ").s(sub.ID()).s(" (").s(sub.VNet.Region).s(")").done())
	}
	if f.Dst == topology.AzureDNS || f.Dst == topology.IMDS {
		return tr.toPlatform(src, f)
	}
	if !tr.outboundNSGs(src.NIC, sub, f, dstNIC(dst)) {
		return false
	}
	return tr.route(sub, src.NIC, dst, f, false)
}

func srcNode(e *Endpoint) string {
	if e.NIC != nil {
		return e.NIC.Name
	}
	if e.Subnet != nil {
		return e.Subnet.ID()
	}
	return e.Text
}

func dstNIC(e *Endpoint) *topology.NIC {
	if e.Kind == EndpointPublic {
		return nil
	}
	return e.NIC
}

// toPlatform handles traffic to 168.63.129.16 and 169.254.169.254, which
// user routes never affect and NSGs filter only through the platform tags
// AzurePlatformDNS, AzurePlatformIMDS and AzurePlatformLKM (reference 1.7:
// DHCP, DNS, IMDS and health monitoring through these addresses "aren't
// subject to the configured network security groups unless targeted by
// service tags specific to each service").
func (tr *tracer) toPlatform(src *Endpoint, f topology.Flow) bool {
	node := f.Dst.String()
	if f.Dst == topology.IMDS {
		tr.hop(node, "platform", "bypass", "the instance metadata service is link-local to the host: not subject to user-defined routes")
	} else {
		tr.hop(node, "platform", "bypass", "the host's virtual IP is not subject to user-defined routes")
	}
	path := nsgLevels(src.NIC, src.Subnet, false)
	for _, lvl := range path.list() {
		if tr.obs != nil {
			tr.obs.nsg(lvl.nsg, false)
			tr.obs.undecided() // platform rules: evaluate with full traces
			continue
		}
		for _, r := range lvl.nsg.Outbound {
			if r.Default || r.Dst.Tag == "" || !strings.HasPrefix(strings.ToLower(r.Dst.Tag), "azureplatform") {
				continue
			}
			if tr.t.RuleMatches(r, f, src.Subnet.VNet, src.NIC, nil) {
				if !tr.quiet {
					tr.hop(lvl.nsg.Name, "nsg", strings.ToLower(r.Access()), "%s: %s priority %d %s (platform tag %s)", lvl.label(), r.Name, r.Priority, r.Access(), r.Dst.Tag)
				}
				if !r.Allow {
					return tr.deny(ReasonNSG, &BlockedBy{Kind: "nsgRule", Name: r.Name, Resource: lvl.nsg.Name}, "%s denies %s with %s (priority %d)", lvl.nsg.Name, f, r.Name, r.Priority)
				}
				break
			}
		}
	}
	if f.Dst == topology.IMDS {
		tr.hop(node, "destination", "deliver", "Azure Instance Metadata Service; NSGs apply only through the AzurePlatformIMDS tag")
	} else {
		tr.hop(node, "destination", "deliver", "Azure platform services (DNS, DHCP, health probes); NSGs apply only through AzurePlatform* tags")
	}
	return true
}

// nsgLevel is one NSG on a path with where it is attached: to subnet sub,
// or to NIC nic.
type nsgLevel struct {
	nsg *topology.NSG
	sub *topology.Subnet
	nic *topology.NIC
}

// label names where the NSG is attached: "subnet vnet/name" or "NIC name".
func (l nsgLevel) label() string {
	if l.nic != nil {
		return "NIC " + l.nic.Name
	}
	return "subnet " + l.sub.ID()
}

// level writes l.label() without building it.
func (t *traceText) level(l nsgLevel) *traceText {
	if l.nic != nil {
		return t.s("NIC ").s(l.nic.Name)
	}
	return t.s("subnet ").s(l.sub.ID())
}

// nsgLevels lists the NSGs a packet meets in order: inbound subnet then NIC,
// outbound NIC then subnet (reference 1.4). A private endpoint's NSGs apply
// only when its subnet's network policies enable them.
func nsgLevels(nic *topology.NIC, sub *topology.Subnet, inbound bool) nsgPath {
	var p nsgPath
	if nic != nil && nic.Kind == topology.KindPrivateEndpoint && !nic.Subnet.PENSGEnabled() {
		return p
	}
	if inbound && sub != nil && sub.NSG != nil {
		p.add(nsgLevel{nsg: sub.NSG, sub: sub})
	}
	if nic != nil && nic.NSG != nil {
		p.add(nsgLevel{nsg: nic.NSG, nic: nic})
	}
	if !inbound && sub != nil && sub.NSG != nil {
		p.add(nsgLevel{nsg: sub.NSG, sub: sub})
	}
	return p
}

// nsgPath is the NSGs a packet meets at one place, at most two, held by
// value so that listing them allocates nothing.
type nsgPath struct {
	l [2]nsgLevel
	n int
}

func (p *nsgPath) add(l nsgLevel) {
	p.l[p.n] = l
	p.n++
}

// list returns the levels in order.
func (p *nsgPath) list() []nsgLevel { return p.l[:p.n] }

// evalNSG returns the first rule of nsg that matches f.
func (tr *tracer) evalNSG(nsg *topology.NSG, inbound bool, f topology.Flow, v *topology.VNet, srcNIC, dstNIC *topology.NIC) *topology.SecurityRule {
	return nsg.Evaluate(tr.t.Topology, inbound, f, v, srcNIC, dstNIC) // never nil: the default rules match everything
}

func (tr *tracer) applyNSGs(path nsgPath, inbound bool, f topology.Flow, v *topology.VNet, srcNIC, dstNIC *topology.NIC) bool {
	if tr.reply {
		return true // the flow record lets the reply through (reference 1.3)
	}
	if skip, ok := tr.applyAdmin(v, inbound, f, srcNIC, dstNIC); !ok {
		return false
	} else if skip {
		return true
	}
	if tr.obs != nil {
		// A copy for the closure, so that path stays on the stack.
		levels := make([]nsgLevel, path.n)
		copy(levels, path.l[:path.n])
		for _, lvl := range levels {
			tr.obs.nsg(lvl.nsg, inbound)
		}
		t := tr.t
		tr.obs.filter(func(p topology.Protocol, port uint16) bool {
			g := topology.Flow{Src: f.Src, Dst: f.Dst, Protocol: p, SrcPort: f.SrcPort, DstPort: port}
			for _, lvl := range levels {
				if r := lvl.nsg.Evaluate(t.Topology, inbound, g, v, srcNIC, dstNIC); r != nil && !r.Allow {
					return false
				}
			}
			return true
		})
		return true
	}
	dir := "Outbound"
	if inbound {
		dir = "Inbound"
	}
	for i := 0; i < path.n; i++ {
		lvl := path.l[i]
		r := tr.evalNSG(lvl.nsg, inbound, f, v, srcNIC, dstNIC)
		if !tr.quiet {
			action, access := "deny", "Deny"
			if r.Allow {
				action, access = "allow", "Allow"
			}
			d := tr.detail().level(lvl).s(" ").s(dir).s(": rule ").s(r.Name).s(" (priority ").int(int64(r.Priority)).s(") ").s(access).done()
			tr.hopText(lvl.nsg.Name, "nsg", action, d)
		}
		if !r.Allow {
			return tr.denyText(ReasonNSG, &BlockedBy{Kind: "nsgRule", Name: r.Name, Resource: lvl.nsg.Name},
				tr.detail().s(dir).s(" rule ").s(r.Name).s(" (priority ").int(int64(r.Priority)).s(") on ").level(lvl).s(" denies ").flow(f).done())
		}
	}
	return true
}

func (tr *tracer) outboundNSGs(nic *topology.NIC, sub *topology.Subnet, f topology.Flow, dst *topology.NIC) bool {
	return tr.applyNSGs(nsgLevels(nic, sub, false), false, f, sub.VNet, nic, dst)
}

// route looks up the packet's next hop in the routes of the subnet it is in,
// and follows it. forwarded is true once an appliance has forwarded it.
func (tr *tracer) route(sub *topology.Subnet, at *topology.NIC, dst *Endpoint, f topology.Flow, forwarded bool) bool {
	tr.routed++
	if tr.routed > maxHops {
		return tr.deny(ReasonLoop, &BlockedBy{Kind: "route", Name: "hop limit", Resource: sub.ID()}, "the packet crossed more than %d hops", maxHops)
	}
	r, prefix, ok := sub.Routes.Lookup(f.Dst)
	if !ok {
		if !tr.quiet {
			tr.hop(sub.ID(), "route", "drop", "no route to %s", f.Dst)
		}
		return tr.deny(ReasonNoRoute, &BlockedBy{Kind: "route", Name: "none", Resource: sub.ID()}, "subnet %s has no route to %s", sub.ID(), f.Dst)
	}
	if !tr.quiet {
		d := tr.detail().prefix(prefix).s(" -> ").s(r.NextHopType)
		if r.NextHopIP.IsValid() {
			d.s(" ").addr(r.NextHopIP)
		}
		tr.hopText(sub.ID(), "route", "match", d.s(" (").s(r.Describe()).s(")").done())
	}
	switch r.NextHopType {
	case topology.HopNone:
		return tr.deny(ReasonNullRoute, routeBlocker(r, sub), "%s sends %s to next hop None, which drops it", r.Describe(), f.Dst)
	case topology.HopVnetLocal:
		return tr.deliverInVNet(sub.VNet, dst, f, sub.VNet)
	case topology.HopPeering, topology.HopGlobalPeering:
		if !tr.crossPeering(r.Peering, f, forwarded) {
			return false
		}
		return tr.deliverInVNet(r.Peering.To, dst, f, sub.VNet)
	case topology.HopInterface:
		ep := r.Endpoint
		if ev := ep.NIC.VNet(); ev != sub.VNet {
			if !tr.crossPeering(sub.VNet.PeeringTo(ev), f, forwarded) {
				return false
			}
		}
		return tr.deliverNIC(ep.NIC, f)
	case topology.HopServiceEndpoint:
		return tr.toService(sub, at, dst, f, "service endpoint "+r.Service)
	case topology.HopInternet:
		return tr.toInternet(sub, at, dst, f, r)
	case topology.HopGateway:
		return tr.toGateway(sub, dst, f, r)
	case topology.HopAppliance:
		return tr.toAppliance(sub, dst, f, r)
	}
	return tr.deny(ReasonNoRoute, routeBlocker(r, sub), "next hop type %s is not modelled", r.NextHopType)
}

func routeBlocker(r *topology.Route, sub *topology.Subnet) *BlockedBy {
	switch r.Source {
	case topology.SourceUser:
		return &BlockedBy{Kind: "route", Name: r.Name, Resource: r.Table}
	}
	return &BlockedBy{Kind: "route", Name: r.Prefixes[0].String() + " " + r.NextHopType, Resource: "System Route (" + sub.ID() + ")"}
}

// crossPeering checks a packet leaving p.From for p.To: both halves must allow
// virtual network access, and traffic that an appliance forwarded from
// outside p.From enters p.To only when p.To's peering back to p.From allows
// forwarded traffic (decision 10).
func (tr *tracer) crossPeering(p *topology.Peering, f topology.Flow, forwarded bool) bool {
	if p == nil {
		return tr.deny(ReasonNoRoute, nil, "no connected peering")
	}
	if !tr.quiet {
		tr.hopText(p.Name, "peering", "cross", tr.detail().s(p.From.Name).s(" -> ").s(p.To.Name).s(" (").s(p.NextHopType()).s(")").done())
	}
	if !p.AllowVirtualNetworkAccess {
		return tr.deny(ReasonPeeringAccess, &BlockedBy{Kind: "peering", Name: p.Name, Resource: p.From.Name}, "peering %s has allowVirtualNetworkAccess: false", p.Name)
	}
	if !p.Reverse.AllowVirtualNetworkAccess {
		return tr.deny(ReasonPeeringAccess, &BlockedBy{Kind: "peering", Name: p.Reverse.Name, Resource: p.To.Name}, "peering %s has allowVirtualNetworkAccess: false", p.Reverse.Name)
	}
	if forwarded && !p.From.Contains(f.Src) && !p.Reverse.AllowForwardedTraffic {
		return tr.deny(ReasonForwardedTraffic, &BlockedBy{Kind: "peering", Name: p.Reverse.Name, Resource: p.To.Name},
			"%s forwarded traffic from %s, which did not originate in %s; peering %s needs allowForwardedTraffic: true", p.From.Name, f.Src, p.From.Name, p.Reverse.Name)
	}
	return true
}

// deliverInVNet hands the packet to the NIC or subnet holding its destination
// in VNet v; from is the VNet whose routes sent it.
func (tr *tracer) deliverInVNet(v *topology.VNet, dst *Endpoint, f topology.Flow, from *topology.VNet) bool {
	if n := v.NICAt(f.Dst); n != nil {
		return tr.deliverNIC(n, f)
	}
	if fe := tr.t.LBFrontendAt(f.Dst); fe != nil && fe.Subnet != nil && fe.Subnet.VNet == v {
		return tr.throughLB(fe, f, false)
	}
	sub := v.SubnetAt(f.Dst)
	if sub == nil {
		if !tr.quiet {
			tr.hop(v.Name, "vnet", "drop", "%s is in the address space of %s but in no subnet", f.Dst, v.Name)
		}
		return tr.deny(ReasonNoRoute, &BlockedBy{Kind: "vnet", Name: v.Name, Resource: v.Name}, "%s is in no subnet of %s", f.Dst, v.Name)
	}
	if !tr.applyNSGs(nsgLevels(nil, sub, true), true, f, sub.VNet, tr.srcNIC(f), nil) {
		return false
	}
	if !tr.quiet {
		tr.hopText(sub.ID(), "destination", "deliver", tr.detail().addr(f.Dst).s(" in ").s(sub.ID()).done())
	}
	return tr.checkReply(sub, nil, f)
}

// deliverNIC applies the destination's inbound NSGs and delivers, unless the
// NIC is an appliance the packet is not addressed to.
func (tr *tracer) deliverNIC(n *topology.NIC, f topology.Flow) bool {
	if tr.reply {
		if handled, ok := tr.unNAT(n, f); handled {
			return ok
		}
	}
	if n.Kind == topology.KindPrivateEndpoint && !n.Subnet.PENSGEnabled() {
		if !tr.quiet {
			tr.hop(n.Subnet.ID(), "nsg", "bypass", "private endpoint %s: network policies are %s on %s, so NSGs do not apply", n.Name, n.Subnet.PrivateEndpointNetworkPolicies, n.Subnet.ID())
		}
	}
	if !tr.applyNSGs(nsgLevels(n, n.Subnet, true), true, f, n.VNet(), tr.srcNIC(f), n) {
		return false
	}
	if !tr.quiet {
		d := tr.detail()
		if n.PrivateEndpoint != nil {
			d.s("private endpoint ").s(n.Name).s(" (").s(n.PrivateEndpoint.Service.Name).s(" ").s(n.PrivateEndpoint.GroupID).s(")")
			if r := managedRule(tr.t, n.PrivateEndpoint); r != nil {
				d.s(", made by ").s(r.Describe())
			}
		} else {
			d.s(string(n.Kind)).s(" ").s(n.Name)
		}
		tr.hopText(n.Name, "destination", "deliver", d.s(" at ").addr(n.IP).s(" in ").s(n.Subnet.ID()).done())
	}
	return tr.checkReply(n.Subnet, n, f)
}

// toAppliance forwards the packet to a VirtualAppliance next hop.
func (tr *tracer) toAppliance(sub *topology.Subnet, dst *Endpoint, f topology.Flow, r *topology.Route) bool {
	nva, nvaVNet := sub.VNet.NICInReach(r.NextHopIP)
	if fe := tr.t.LBFrontendAt(r.NextHopIP); nva == nil && fe != nil && fe.Subnet != nil && sub.VNet.Reaches(fe.Subnet.VNet) {
		if !tr.quiet {
			tr.hop(fe.Name, "loadBalancer", "receive", "next hop %s is the frontend of internal load balancer %s", r.NextHopIP, fe.LB.Name)
		}
		if nva = tr.lbNextHop(fe, f); nva == nil {
			return false
		}
		nvaVNet = nva.VNet()
	}
	if nva == nil {
		if !tr.quiet {
			tr.hop(r.NextHopIP.String(), "appliance", "drop", "no NIC has %s in %s or a peered VNet", r.NextHopIP, sub.VNet.Name)
		}
		return tr.deny(ReasonNextHopUnreachable, routeBlocker(r, sub), "%s points at %s, which no NIC in %s or a peered VNet holds", r.Describe(), r.NextHopIP, sub.VNet.Name)
	}
	if f.Dst == nva.IP && nva.Firewall == nil {
		// Addressed to the appliance itself: delivered like to any NIC. It
		// forwards nothing, so neither its IP forwarding nor its flow state
		// decide (found by the kernel cross-check, seeds 13 and 15).
		if nvaVNet != sub.VNet && !tr.crossPeering(sub.VNet.PeeringTo(nvaVNet), f, len(tr.appliances) > 0) {
			return false
		}
		return tr.deliverNIC(nva, f)
	}
	if tr.wasVisited(nva.Name) {
		if !tr.quiet {
			tr.hop(nva.Name, "appliance", "drop", "the packet came back to %s", nva.Name)
		}
		return tr.deny(ReasonLoop, routeBlocker(r, sub), "routing loop: the packet reached appliance %s twice (%s)", nva.Name, r.Describe())
	}
	tr.visited = append(tr.visited, nva.Name)
	if tr.reply && !slices.Contains(tr.forward, nva) {
		if !tr.quiet {
			tr.hop(nva.Name, "appliance", "drop", "the reply reaches appliance %s, which did not see the flow", nva.Name)
		}
		return tr.deny(ReasonAsymmetric, routeBlocker(r, sub), "the reply to %s is routed by %s through appliance %s, which never saw the request; the return path is asymmetric", f.Dst, r.Describe(), nva.Name)
	}
	if nvaVNet != sub.VNet {
		if !tr.crossPeering(sub.VNet.PeeringTo(nvaVNet), f, len(tr.appliances) > 0) {
			return false
		}
	}
	if nva.Firewall != nil {
		return tr.throughFirewall(nva, dst, f)
	}
	// Inbound NSGs of the appliance see the packet as addressed.
	if !tr.applyNSGs(nsgLevels(nva, nva.Subnet, true), true, f, nvaVNet, tr.srcNIC(f), nva) {
		return false
	}
	if !nva.IPForwarding {
		tr.hop(nva.Name, "appliance", "drop", "NIC %s has enableIpForwarding: false", nva.Name)
		return tr.deny(ReasonIPForwarding, &BlockedBy{Kind: "nic", Name: nva.Name, Resource: nva.Subnet.ID()}, "%s is the next hop but its NIC does not enable IP forwarding", nva.Name)
	}
	if !tr.applianceAllows(nva, f) {
		return false
	}
	if !tr.quiet {
		tr.hopText(nva.Name, "appliance", "forward", tr.detail().s("virtual appliance ").s(nva.Name).s(" (").addr(nva.IP).s(") forwards ").addr(f.Dst).done())
	}
	tr.appliances = append(tr.appliances, nva)
	if !tr.applyNSGs(nsgLevels(nva, nva.Subnet, false), false, f, nvaVNet, tr.srcNIC(f), dstNIC(dst)) {
		return false
	}
	return tr.route(nva.Subnet, nva, dst, f, true)
}

// toGateway sends the packet to the VNet's gateway (its own or a peer's).
func (tr *tracer) toGateway(sub *topology.Subnet, dst *Endpoint, f topology.Flow, r *topology.Route) bool {
	gw := r.Gateway
	if gw == nil {
		gw = sub.VNet.Gateway
		if gw == nil {
			for _, p := range sub.VNet.Peerings {
				if p.Connected() && p.UseRemoteGateways && p.To.Gateway != nil {
					gw = p.To.Gateway
				}
			}
		}
	}
	if gw == nil {
		if !tr.quiet {
			tr.hop(sub.ID(), "gateway", "drop", "no virtual network gateway in reach")
		}
		return tr.deny(ReasonNextHopUnreachable, routeBlocker(r, sub), "%s sends to VirtualNetworkGateway, but %s has no gateway", r.Describe(), sub.VNet.Name)
	}
	if r.Source == topology.SourceUser && gw.Type == "ExpressRoute" {
		return tr.deny(ReasonNextHopUnreachable, routeBlocker(r, sub), "%s sends to an ExpressRoute gateway, which can't be a user route's next hop", r.Describe())
	}
	if !tr.quiet {
		tr.hop(gw.Name, "gateway", "forward", "%s gateway %s in %s", gw.Type, gw.Name, gw.VNet.Name)
	}
	onPrem := gw.ReachesOnPremises(f.Dst)
	if tr.reply && onPrem {
		if !tr.quiet {
			tr.hop("on-premises", "reply", "deliver", "the reply returns to %s through %s", f.Dst, gw.Name)
		}
		return true
	}
	if onPrem {
		if !tr.quiet {
			tr.hop("on-premises", "destination", "deliver", "%s via %s", f.Dst, gw.Name)
		}
		return tr.replyFromGateway(gw, f)
	}
	// A VPN gateway routes between the VNets that use it, so a spoke can
	// reach another spoke through the hub gateway with a user route
	// (reference 4); the gateway needs no allowForwardedTraffic. It routes
	// without keeping flow state, so replies may take another path.
	if v := vnetOf(tr.t, f.Dst); v != nil && (v == gw.VNet || usesGateway(v, gw)) {
		gsub := gw.VNet.SubnetAt(gw.IP)
		return tr.route(gsub, gw.NIC, dst, f, false)
	}
	if !tr.quiet {
		tr.hop("on-premises", "destination", "deliver", "%s is outside the gateway's on-premises prefixes; forced tunneling hands it to on-premises, whose own devices decide", f.Dst)
	}
	if !tr.reply {
		tr.res.Egress = "forced tunneling to on-premises through " + gw.Name
	}
	return true
}

// replyFromGateway traces the reply of a flow delivered on-premises: it
// comes back through the gateway and the GatewaySubnet's routes.
func (tr *tracer) replyFromGateway(gw *topology.Gateway, f topology.Flow) bool {
	if tr.reply {
		return true
	}
	rt := tr.replyTracer()
	if !rt.quiet {
		rt.hop(gw.Name, "reply", "receive", "the reply from %s comes back through %s", f.Dst, gw.Name)
	}
	return tr.finishReply(rt, rt.route(gw.VNet.SubnetAt(gw.IP), gw.NIC, tr.origin, f.Reply(), false), f)
}

// vnetOf returns the VNet whose address space holds a, when exactly one does.
func vnetOf(t *Network, a netip.Addr) *topology.VNet {
	if vs := t.VNetsContaining(a); len(vs) == 1 {
		return vs[0]
	}
	return nil
}

// managedRule returns the managed network outbound rule that made a private
// endpoint, or nil.
func managedRule(t *Network, pe *topology.PrivateEndpoint) *topology.OutboundRule {
	if t.ML == nil || t.ML.Managed == nil {
		return nil
	}
	return t.ML.Managed.Endpoints[pe]
}
