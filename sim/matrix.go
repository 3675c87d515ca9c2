package sim

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"

	"github.com/vnetsim/vnetsim/internal/parallel"
	"github.com/vnetsim/vnetsim/topology"
)

// PortSet is a set of ports (topology's one port-set type).
type PortSet = topology.PortSet

// Access is what one source may send one destination: per protocol, the
// destination ports allowed (protocols without ports: all or nothing).
type Access struct {
	TCP, UDP      PortSet
	ICMP, ESP, AH bool
	// Reasons counts why the rest was denied, by reason code.
	Reasons map[string]int `json:"-"`
}

// Empty reports whether nothing is allowed.
func (a *Access) Empty() bool {
	return len(a.TCP) == 0 && len(a.UDP) == 0 && !a.ICMP && !a.ESP && !a.AH
}

// String prints the access compactly: "Tcp 443,445; Udp 5831", or "none".
func (a *Access) String() string {
	var parts []string
	if len(a.TCP) > 0 {
		parts = append(parts, "Tcp "+a.TCP.String())
	}
	if len(a.UDP) > 0 {
		parts = append(parts, "Udp "+a.UDP.String())
	}
	for _, p := range []struct {
		ok   bool
		name string
	}{{a.ICMP, "Icmp"}, {a.ESP, "Esp"}, {a.AH, "Ah"}} {
		if p.ok {
			parts = append(parts, p.name)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

// mainReason is the reason most traces were denied for (the first in
// order on a tie), or "unreachable" when none was recorded.
func (a *Access) mainReason() string {
	best, n := "", 0
	for r, c := range a.Reasons {
		if r != "" && (c > n || c == n && r < best) {
			best, n = r, c
		}
	}
	if best == "" {
		return ReasonUnreachable
	}
	return best
}

// Equal reports whether two accesses allow the same.
func (a *Access) Equal(b *Access) bool {
	return a.TCP.Equal(b.TCP) && a.UDP.Equal(b.UDP) && a.ICMP == b.ICMP && a.ESP == b.ESP && a.AH == b.AH
}

// portCuts collects port boundaries: a port range [lo, hi] cuts at lo and
// at hi+1.
type portCuts struct {
	at map[uint32]bool
	// filters are the port filters met on the path, in order; with them
	// a port's verdict needs no new trace.
	filters []func(p topology.Protocol, port uint16) bool
	// retrace is set when the path meets something filters can't stand
	// for (a firewall, whose rule kind decides SNAT and so the reply; the
	// platform's own rules): every interval is then traced.
	retrace bool
}

func newPortCuts() *portCuts { return &portCuts{at: map[uint32]bool{0: true, 65536: true}} }

func (c *portCuts) add(r topology.PortRange) {
	c.at[uint32(r.Lo)] = true
	c.at[uint32(r.Hi)+1] = true
}

func (c *portCuts) nsg(n *topology.NSG, inbound bool) {
	for _, r := range n.Rules(inbound) {
		for _, pr := range r.DstPorts {
			c.add(pr)
		}
	}
}

func (c *portCuts) collections(cols []*topology.FirewallCollection) {
	for _, col := range cols {
		for _, r := range col.Rules {
			for _, pr := range r.Ports {
				c.add(pr)
			}
			for _, ap := range r.AppProtocols {
				c.add(topology.PortRange{Lo: ap.Port, Hi: ap.Port})
			}
			if len(r.FQDNTags) > 0 {
				c.add(topology.PortRange{Lo: 80, Hi: 80})
				c.add(topology.PortRange{Lo: 443, Hi: 443})
			}
		}
	}
}

func (c *portCuts) filter(pass func(p topology.Protocol, port uint16) bool) {
	c.filters = append(c.filters, pass)
}

func (c *portCuts) undecided() { c.retrace = true }

func (c *portCuts) firewall(fw *topology.Firewall) {
	c.collections(fw.DNAT)
	c.collections(fw.Network)
	c.collections(fw.Application)
}

// intervals returns the partition of 0-65535 at the collected cuts.
func (c *portCuts) intervals() []topology.PortRange {
	sorted := make([]uint32, 0, len(c.at))
	for x := range c.at {
		sorted = append(sorted, x)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	out := make([]topology.PortRange, 0, len(sorted)-1)
	for i := 0; i+1 < len(sorted); i++ {
		out = append(out, topology.PortRange{Lo: uint16(sorted[i]), Hi: uint16(sorted[i+1] - 1)})
	}
	return out
}

// portIntervals partitions 0-65535 at every port boundary any rule of the
// scenario names (NSG rules, firewall and appliance rules, DNAT ports).
func portIntervals(t *Network) []topology.PortRange {
	c := newPortCuts()
	for _, n := range t.NSGs {
		c.nsg(n, true)
		c.nsg(n, false)
	}
	for _, fw := range t.Firewalls {
		c.firewall(fw)
	}
	for _, n := range t.NICs {
		if n.Appliance != nil {
			c.collections(n.Appliance.Rules)
		}
	}
	return c.intervals()
}

// pathIntervals partitions 0-65535 at the port boundaries of the rules a
// flow from src to dst can meet: it follows the path letting every filter
// pass, so it sees every NSG, firewall and appliance any port could reach.
func pathIntervals(t *Network, src, dst *Endpoint, p topology.Protocol) (*portCuts, *Result, error) {
	d := *dst
	c := newPortCuts()
	res, err := traceWith(t, src, &d, Request{Protocol: p, Port: 1, SrcPort: DefaultSourcePort, Quiet: true}, c)
	if err != nil {
		return nil, nil, err
	}
	return c, res, nil
}

// Reach computes what src may send dst, exactly, over every protocol and
// destination port (the source port is the ephemeral one traces use).
//
// Every decision vnetsim makes on a port depends on it only through the port
// ranges of the rules the flow meets, so all ports of one interval between
// those ranges' boundaries get the same verdict: one trace per interval
// decides the whole interval, and the result is exact, not sampled. The
// intervals come from the rules on the flow's own path (pathIntervals);
// intervals, when given, are used instead.
func (t *Network) Reach(src, dst *Endpoint, intervals []topology.PortRange) (*Access, error) {
	return reach(t, src, dst, intervals, nil)
}

// nameCache keeps the answers of names resolved for the matrix, by source
// subnet and NIC NSG (what a DNS query's own flow depends on), for sources
// without a hosts file.
type nameCache struct {
	sync.Mutex
	m map[nameKey]nameAnswer
}

type nameKey struct {
	sub  *topology.Subnet
	nsg  *topology.NSG
	name string
	// class, when set, is the source's DNS class (classifier.dnsKey),
	// instead of sub and nsg.
	class string
}

type nameAnswer struct {
	dst    Endpoint
	reason string
}

func reach(t *Network, src, dst *Endpoint, intervals []topology.PortRange, names *nameCache) (*Access, error) {
	a, _, err := reachTraced(t, src, dst, intervals, names)
	return a, err
}

// reachTraced is reach; traced reports whether the ports were traced one
// interval at a time, so that the reasons counted depend on the intervals.
func reachTraced(t *Network, src, dst *Endpoint, intervals []topology.PortRange, names *nameCache) (a *Access, traced bool, err error) {
	a = &Access{Reasons: map[string]int{}}
	d := *dst // resolution by name rewrites the endpoint; keep the caller's
	var key nameKey
	cacheable := names != nil && d.needsName() && src.Subnet != nil && (src.NIC == nil || len(src.NIC.Hosts) == 0)
	if cacheable {
		key = nameKey{sub: src.Subnet, name: d.Text}
		if src.NIC != nil {
			key.nsg = src.NIC.NSG
		}
		names.Lock()
		ans, ok := names.m[key]
		names.Unlock()
		if ok {
			if ans.reason != "" {
				a.Reasons[ans.reason]++
				return a, traced, nil
			}
			d = ans.dst
		}
	}
	if d.needsName() {
		// Resolve the name once in the source's view; every port shares it.
		res, err := t.TraceEndpoints(src, &d, Request{Protocol: topology.ProtocolTCP, Port: 443, SrcPort: DefaultSourcePort, Quiet: true})
		if err != nil {
			return nil, false, err
		}
		if !d.resolved {
			a.Reasons[res.Reason]++
			if cacheable {
				names.Lock()
				names.m[key] = nameAnswer{reason: res.Reason}
				names.Unlock()
			}
			return a, traced, nil // the name does not resolve: nothing passes
		}
		if cacheable {
			names.Lock()
			names.m[key] = nameAnswer{dst: d}
			names.Unlock()
		}
	}
	trace := func(p topology.Protocol, port uint16) (bool, error) {
		dd := d
		res, err := t.TraceEndpoints(src, &dd, Request{Protocol: p, Port: port, SrcPort: DefaultSourcePort, Quiet: true})
		if err != nil {
			return false, err
		}
		if res.Verdict != Allowed {
			a.Reasons[res.Reason]++
		}
		return res.Verdict == Allowed, nil
	}
	ivs := intervals
	var cuts *portCuts
	if ivs == nil {
		// One trace that lets every filter pass finds the rules on the
		// path (the same for every protocol: routes don't look at it).
		var res *Result
		if cuts, res, err = pathIntervals(t, src, &d, topology.ProtocolTCP); err != nil {
			return nil, false, err
		}
		ivs = cuts.intervals()
		// Denied even with every filter passing: a reason no port or
		// protocol changes (a route, a peering, egress, DNS), except an
		// asymmetric reply, which can depend on the kind of firewall rule
		// that allows the flow.
		if res.Verdict == Denied && res.Reason != ReasonAsymmetric {
			a.Reasons[res.Reason]++
			return a, traced, nil
		}
		if res.Verdict != Allowed {
			cuts.retrace = true
		}
	}
	for _, p := range []topology.Protocol{topology.ProtocolTCP, topology.ProtocolUDP} {
		var set PortSet
		for _, iv := range ivs {
			var ok bool
			if cuts != nil && !cuts.retrace {
				// The path passes with every filter open: the port's
				// verdict is its filters'.
				ok = true
				for _, f := range cuts.filters {
					if !f(p, iv.Lo) {
						ok = false
						break
					}
				}
			} else {
				var err error
				traced = true
				if ok, err = trace(p, iv.Lo); err != nil {
					return nil, false, err
				}
			}
			if ok {
				set = set.Add(iv)
			}
		}
		if p == topology.ProtocolTCP {
			a.TCP = set
		} else {
			a.UDP = set
		}
	}
	if a.ICMP, err = trace(topology.ProtocolICMP, 0); err != nil {
		return nil, false, err
	}
	if a.ESP, err = trace(topology.ProtocolESP, 0); err != nil {
		return nil, false, err
	}
	if a.AH, err = trace(topology.ProtocolAH, 0); err != nil {
		return nil, false, err
	}
	return a, traced, nil
}

// MatrixRow is what one group of source addresses may send one destination.
type MatrixRow struct {
	From string `json:"from"`
	// Addresses are the source addresses the row stands for.
	Addresses []string            `json:"addresses"`
	To        string              `json:"to"`
	Allowed   map[string][]string `json:"allowed"`
	Summary   string              `json:"summary"`
	// Reason says why nothing passes (a trace reason code such as
	// dns-nxdomain or nsg-denied), when nothing does.
	Reason string `json:"reason,omitempty"`
	access *Access
}

// Matrix is the reachability of every source to every destination.
type Matrix struct {
	Version  int         `json:"version"`
	Scenario string      `json:"scenario"`
	Rows     []MatrixRow `json:"rows"`
	// Shard is set on one shard of a matrix split with --shard; the
	// merged matrix has none.
	Shard *MatrixShard `json:"shard,omitempty"`
	// classes counts the cells computed (one per equivalence class, and
	// every cell of a class of its own).
	classes int
}

// MatrixSource is a source of the matrix: a subnet, VM or compute, with the
// addresses that stand for it.
type matrixSource struct {
	name string
	// subnet is set on a subnet's source: its addresses may share classes
	// (matrix_class.go).
	subnet *topology.Subnet
	addrs  []*Endpoint
	// dsts, when set, are this source's own destinations (the public
	// endpoints, for the internet and on-premises).
	dsts []*Endpoint
	// external marks the internet and on-premises sources.
	external bool
}

// Selectors: a comma list of names (VM, compute, vnet/subnet, service, tag,
// internet, an FQDN) or the words subnets, vms, computes, services, all.
func selectSources(t *Network, sel string) ([]matrixSource, error) {
	if sel == "" {
		sel = "subnets"
	}
	var out []matrixSource
	for _, s := range splitList(sel) {
		switch s {
		case "subnets", "all":
			for _, v := range t.VNets {
				for _, sub := range v.Subnets {
					if sub.Name == "GatewaySubnet" || sub.Name == "AzureFirewallSubnet" || sub.Name == "AzureFirewallManagementSubnet" {
						continue
					}
					out = append(out, subnetSource(t, sub))
				}
			}
		case "vms":
			for _, vm := range t.VMs {
				if e, err := t.ResolveEndpoint(vm.Name); err == nil {
					out = append(out, matrixSource{name: vm.Name, addrs: []*Endpoint{e}})
				}
			}
		case "computes":
			for _, c := range t.Computes {
				if e, err := t.ResolveEndpoint(c.Name); err == nil {
					out = append(out, matrixSource{name: c.Name, addrs: []*Endpoint{e}})
				}
			}
		default:
			if sub := t.Subnet(s); sub != nil {
				out = append(out, subnetSource(t, sub))
				continue
			}
			e, err := t.ResolveEndpoint(s)
			if err != nil {
				return nil, fmt.Errorf("--from: %v", err)
			}
			if e.Kind == EndpointService || e.Kind == EndpointFQDN {
				return nil, fmt.Errorf("--from %q: a flow can't start at a service or name", s)
			}
			out = append(out, matrixSource{name: s, addrs: []*Endpoint{e}})
		}
	}
	return out, nil
}

// subnetSource stands a subnet for every NIC in it and for its first free
// address, so that NICs that differ (ASGs, rules on single addresses) get
// rows of their own.
func subnetSource(t *Network, sub *topology.Subnet) matrixSource {
	ms := matrixSource{name: sub.ID(), subnet: sub}
	seen := map[string]bool{}
	for _, n := range t.NICs {
		// Private endpoints, gateways and firewalls don't start flows.
		if n.Kind == topology.KindPrivateEndpoint || n.Kind == topology.KindGateway || n.Kind == topology.KindFirewall ||
			n.Kind == topology.KindResolverInbound || n.Kind == topology.KindResolverOutbound {
			seen[n.IP.String()] = true
			continue
		}
		if n.Subnet == sub && !seen[n.IP.String()] {
			seen[n.IP.String()] = true
			ms.addrs = append(ms.addrs, &Endpoint{Text: n.Name, Kind: EndpointNIC, Addr: n.IP, NIC: n, Subnet: sub})
		}
	}
	a := sub.FirstUsable()
	for ; sub.Prefix.Contains(a) && (seen[a.String()] || sub.VNet.NICAt(a) != nil); a = a.Next() {
	}
	if sub.Prefix.Contains(a) {
		ms.addrs = append(ms.addrs, &Endpoint{Text: a.String(), Kind: EndpointAddress, Addr: a, Subnet: sub})
	}
	return ms
}

func selectDestinations(t *Network, sel string) ([]*Endpoint, error) {
	if sel == "" {
		sel = "subnets,services,tags,internet"
	}
	var out []*Endpoint
	for _, s := range splitList(sel) {
		switch s {
		case "subnets", "all":
			for _, v := range t.VNets {
				for _, sub := range v.Subnets {
					if sub.Name == "GatewaySubnet" || sub.Name == "AzureFirewallSubnet" || sub.Name == "AzureFirewallManagementSubnet" {
						continue
					}
					e, _ := t.ResolveEndpoint(sub.ID())
					out = append(out, e)
				}
			}
			if s == "all" {
				out = append(out, mustEndpoints(t, "services", "internet")...)
			}
		case "services":
			out = append(out, mustEndpoints(t, "services")...)
		case "tags":
			for _, tag := range t.TagNames() {
				if e, err := t.ResolveEndpoint(tag); err == nil {
					out = append(out, e)
				}
			}
		case "vms":
			for _, vm := range t.VMs {
				if e, err := t.ResolveEndpoint(vm.Name); err == nil {
					out = append(out, e)
				}
			}
		default:
			e, err := t.ResolveEndpoint(s)
			if err != nil {
				return nil, fmt.Errorf("--to: %v", err)
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// exposureSources are the sources outside Azure the default matrix adds:
// the internet, to every publicly reachable endpoint, and each gateway's
// on-premises network, to those and to every subnet (subnetDsts), so that
// a change that opens something to the outside shows in the matrix and in
// diff.
func exposureSources(t *Network, subnetDsts []*Endpoint) []matrixSource {
	pub := publicEndpoints(t)
	var out []matrixSource
	if len(pub) > 0 {
		e, _ := t.ResolveEndpoint("internet")
		out = append(out, matrixSource{name: "internet", addrs: []*Endpoint{e}, dsts: pub, external: true})
	}
	var onPremDsts []*Endpoint
	for _, d := range subnetDsts {
		if d.Kind == EndpointSubnet {
			onPremDsts = append(onPremDsts, d)
		}
	}
	onPremDsts = append(onPremDsts, pub...)
	for _, g := range t.Gateways {
		name, a, ok := onPremSource(g)
		if !ok || len(onPremDsts) == 0 {
			continue
		}
		e, err := t.ResolveEndpoint(a.String())
		if err != nil || e.Kind != EndpointOnPrem {
			continue
		}
		e.Text = name
		out = append(out, matrixSource{name: name, addrs: []*Endpoint{e}, dsts: onPremDsts, external: true})
	}
	return out
}

// onPremSource is the address that stands for a gateway's on-premises
// network in the matrix: its first named host, else the first address of
// its first prefix.
func onPremSource(g *topology.Gateway) (string, netip.Addr, bool) {
	if len(g.Hosts) > 0 {
		names := sortedHostNames(g.Hosts)
		return names[0], g.Hosts[names[0]], true
	}
	if len(g.OnPremises) == 0 {
		return "", netip.Addr{}, false
	}
	a := g.OnPremises[0].Masked().Addr().Next()
	return "on-premises " + a.String(), a, true
}

func sortedHostNames(m map[string]netip.Addr) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// publicEndpoints lists what the internet can address: VMs and computes
// with public IPs, firewalls with DNAT rules, public load balancer
// frontends with rules, and services whose public network access is not
// disabled.
func publicEndpoints(t *Network) []*Endpoint {
	var out []*Endpoint
	for _, n := range t.NICs {
		if !n.PublicIP.IsValid() {
			continue
		}
		switch {
		case n.Kind == topology.KindFirewall && len(n.Firewall.DNAT) == 0:
			continue
		case n.Kind == topology.KindVM, n.Kind == topology.KindCompute, n.Kind == topology.KindFirewall, n.Kind == topology.KindBastion:
		default:
			continue
		}
		if e, err := t.ResolveEndpoint(n.Name); err == nil {
			out = append(out, e)
		}
	}
	for _, lb := range t.LoadBalancers {
		for _, fe := range lb.Frontends {
			if fe.Subnet == nil && len(lb.Rules) > 0 {
				if e, err := t.ResolveEndpoint(fe.Name); err == nil {
					out = append(out, e)
				}
			}
		}
	}
	for _, svc := range t.Services {
		if svc.PublicNetworkAccess == "Disabled" {
			continue
		}
		if e, err := t.ResolveEndpoint(svc.Name); err == nil {
			out = append(out, e)
		}
	}
	return out
}

func mustEndpoints(t *Network, what ...string) []*Endpoint {
	var out []*Endpoint
	for _, w := range what {
		switch w {
		case "services":
			for _, svc := range t.Services {
				e, _ := t.ResolveEndpoint(svc.Name)
				out = append(out, e)
			}
		case "internet":
			e, _ := t.ResolveEndpoint("internet")
			out = append(out, e)
		}
	}
	return out
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ComputeMatrix computes the reachability matrix between the selected
// sources and destinations, on every core. progress, when set, is called
// after each source.
func (t *Network) Matrix(from, to string, progress func(done, total int)) (*Matrix, error) {
	return t.MatrixShard(from, to, MatrixShard{Index: 1, Of: 1}, progress)
}

// MatrixShard computes shard.Index of shard.Of shards of the matrix: the
// rows of one contiguous block of the sources, in order, so that merging
// the shards in order (MergeMatrices) gives the matrix of one run.
func (t *Network) MatrixShard(from, to string, shard MatrixShard, progress func(done, total int)) (*Matrix, error) {
	return t.MatrixWith(from, to, MatrixOptions{Shard: shard}, progress)
}

// MatrixOptions are the options of MatrixWith.
type MatrixOptions struct {
	// Shard is the shard to compute; the zero value is the whole matrix.
	Shard MatrixShard
	// NoClasses computes every cell on its own instead of once per
	// equivalence class (matrix_class.go): the reference the classes are
	// tested against, and the way out should they ever be wrong.
	NoClasses bool
}

// MatrixWith is MatrixShard with options.
func (t *Network) MatrixWith(from, to string, opts MatrixOptions, progress func(done, total int)) (*Matrix, error) {
	shard := opts.Shard
	if shard == (MatrixShard{}) {
		shard = MatrixShard{Index: 1, Of: 1}
	}
	if shard.Of < 1 || shard.Index < 1 || shard.Index > shard.Of {
		return nil, fmt.Errorf("--shard %d/%d: want i/n with 1 <= i <= n", shard.Index, shard.Of)
	}
	srcs, err := selectSources(t, from)
	if err != nil {
		return nil, err
	}
	dsts, err := selectDestinations(t, to)
	if err != nil {
		return nil, err
	}
	if from == "" && to == "" {
		srcs = append(srcs, exposureSources(t, dsts)...)
	}
	for i := range srcs {
		if srcs[i].dsts == nil {
			srcs[i].dsts = dsts
		}
	}
	m := &Matrix{Version: JSONVersion, Scenario: t.File, Rows: []MatrixRow{}}
	if shard.Of > 1 {
		lo, hi := shard.block(len(srcs))
		srcs = srcs[lo:hi]
		sh := shard
		m.Shard = &sh
	}
	// Every (source address, destination) pair is independent: compute
	// them on every core, then group and order the rows as the sources and
	// destinations were given.
	type job struct{ s, a, d int }
	var jobs []job
	for si, s := range srcs {
		for di := range s.dsts {
			for ai := range s.addrs {
				jobs = append(jobs, job{si, ai, di})
			}
		}
	}
	names := &nameCache{m: map[nameKey]nameAnswer{}}
	results := make([]*Access, len(jobs))
	errs := make([]error, len(jobs))
	var done sync.Mutex
	finished, perSource := 0, map[int]int{}
	sourceDone := func(s int) {
		if progress != nil {
			done.Lock()
			perSource[s]++
			if perSource[s] == len(srcs[s].dsts)*len(srcs[s].addrs) {
				finished++
				progress(finished, len(srcs))
			}
			done.Unlock()
		}
	}
	if opts.NoClasses {
		parallel.ForEach(len(jobs), func(i int) {
			j := jobs[i]
			results[i], errs[i] = reach(t, srcs[j.s].addrs[j.a], srcs[j.s].dsts[j.d], nil, names)
			sourceDone(j.s)
		})
	} else {
		// Resolve every cell's destination in its source's view and key
		// it; compute one cell per class and give its answer to the rest.
		c := newClassifier(t)
		keys := make([]string, len(jobs))
		cutsOf := make([]string, len(jobs))
		dsts := make([]Endpoint, len(jobs))
		parallel.ForEach(len(jobs), func(i int) {
			j := jobs[i]
			src := srcs[j.s].addrs[j.a]
			var dk string
			if srcs[j.s].dsts[j.d].needsName() {
				dk = c.dnsKey(srcs[j.s].subnet, src)
			}
			dd, reason, err := resolveCached(t, src, srcs[j.s].dsts[j.d], names, dk)
			if err != nil {
				errs[i] = err
				return
			}
			if reason != "" {
				results[i] = &Access{Reasons: map[string]int{reason: 1}}
				return
			}
			dsts[i] = dd
			keys[i], cutsOf[i] = c.key(srcs[j.s].subnet, src, &dd)
		})
		// Round one computes a cell per class; a cell whose ports were
		// traced interval by interval counted its reasons per interval, so
		// round two computes a cell per class and port boundaries for the
		// members whose boundaries differ from it.
		rep := make([]int, len(jobs)) // the cell each cell takes its answer from
		traced := make([]bool, len(jobs))
		for round := 1; round <= 2; round++ {
			first := map[string]int{}
			var todo []int
			for i := range jobs {
				if errs[i] != nil || results[i] != nil {
					continue
				}
				key := keys[i]
				if round == 2 {
					if r := rep[i]; r == i || !traced[r] || cutsOf[r] == cutsOf[i] {
						continue // already computed, or its class's answer holds
					}
					key += "\x00" + cutsOf[i]
				}
				rep[i] = i
				if keys[i] != "" {
					if r, ok := first[key]; ok {
						rep[i] = r
						continue
					}
					first[key] = i
				}
				todo = append(todo, i)
			}
			m.classes += len(todo)
			parallel.ForEach(len(todo), func(k int) {
				i := todo[k]
				j := jobs[i]
				results[i], traced[i], errs[i] = reachTraced(t, srcs[j.s].addrs[j.a], &dsts[i], nil, nil)
			})
		}
		for i, j := range jobs {
			if results[i] == nil && errs[i] == nil {
				results[i], errs[i] = results[rep[i]], errs[rep[i]]
			}
			sourceDone(j.s)
		}
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	k := 0
	for _, s := range srcs {
		for _, d := range s.dsts {
			type group struct {
				acc   *Access
				addrs []string
			}
			var groups []*group
			for _, a := range s.addrs {
				acc := results[k]
				k++
				found := false
				for _, g := range groups {
					if g.acc.Equal(acc) {
						g.addrs = append(g.addrs, a.Addr.String())
						found = true
					}
				}
				if !found {
					groups = append(groups, &group{acc: acc, addrs: []string{a.Addr.String()}})
				}
			}
			for _, g := range groups {
				from := s.name
				if len(groups) > 1 {
					from = fmt.Sprintf("%s [%s]", s.name, strings.Join(g.addrs, " "))
				}
				row := MatrixRow{From: from, Addresses: g.addrs, To: d.Text, Allowed: g.acc.byProtocol(), Summary: g.acc.String(), access: g.acc}
				if g.acc.Empty() {
					row.Reason = g.acc.mainReason()
					row.Summary = fmt.Sprintf("none (%s)", row.Reason)
				}
				m.Rows = append(m.Rows, row)
			}
		}
	}
	return m, nil
}

func (a *Access) byProtocol() map[string][]string {
	out := map[string][]string{}
	for _, p := range []struct {
		name string
		set  PortSet
	}{{"Tcp", a.TCP}, {"Udp", a.UDP}} {
		if len(p.set) > 0 {
			out[p.name] = strings.Split(p.set.String(), ",")
		}
	}
	for _, p := range []struct {
		name string
		ok   bool
	}{{"Icmp", a.ICMP}, {"Esp", a.ESP}, {"Ah", a.AH}} {
		if p.ok {
			out[p.name] = []string{}
		}
	}
	return out
}

var _ pathObserver = (*portCuts)(nil)
