package crosscheck

import (
	"context"
	"fmt"
	"math/rand"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// Options says what Run checks.
type Options struct {
	// Seeds are the scenarios' seeds.
	Seeds []int64
	// Flows is the number of flows per scenario.
	Flows int
	// Prefix starts every namespace name; it must be unique to the run.
	Prefix string
	// Fault, when set, breaks the engine's copy of each scenario on
	// purpose (see Faults), to show that the check catches it.
	Fault string
	// Logf, when set, reports progress.
	Logf func(format string, args ...any)
	// KeepDir, when set, is where the YAML of each scenario with a
	// disagreement is written, for reproducing it.
	KeepDir string
}

// Stats are the counts of a run.
type Stats struct {
	Scenarios, Flows, Allowed, Denied int
	// Reasons counts vnetsim's reasons for the denied flows.
	Reasons       map[string]int
	Disagreements []Disagreement
	Unsupported   []string
	Elapsed       time.Duration
}

// Disagreement is a flow vnetsim and the kernel decide differently.
type Disagreement struct {
	Seed    int64
	Flow    string
	Engine  string // allowed or denied, with the reason
	Kernel  string // delivered or not delivered
	Hops    string // vnetsim's hops, request and reply
	Path    string // the kernel's route from the source's router
	Command string // reproduces it
}

func (d Disagreement) String() string {
	return fmt.Sprintf("seed %d: %s\n  vnetsim: %s\n  kernel:  %s\n  vnetsim hops:\n%s\n  kernel path (ip route get in the source's router):\n    %s\n  reproduce: %s",
		d.Seed, d.Flow, d.Engine, d.Kernel, d.Hops, strings.ReplaceAll(strings.TrimSpace(d.Path), "\n", "\n    "), d.Command)
}

// Summary prints the counts.
func (s *Stats) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "crosscheck: %d scenarios, %d flows: %d allowed, %d denied, %d disagreements, %s\n",
		s.Scenarios, s.Flows, s.Allowed, s.Denied, len(s.Disagreements), s.Elapsed.Round(time.Millisecond))
	var rs []string
	for r := range s.Reasons {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	for _, r := range rs {
		fmt.Fprintf(&b, "  denied %-28s %d\n", r, s.Reasons[r])
	}
	return b.String()
}

// Run builds, emulates and checks the scenario of every seed in turn.
func Run(ctx context.Context, o Options) (*Stats, error) {
	start := time.Now()
	st := &Stats{Reasons: map[string]int{}}
	for i, seed := range o.Seeds {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if err := checkScenario(ctx, o, fmt.Sprintf("%ss%d", o.Prefix, i), seed, st); err != nil {
			return st, fmt.Errorf("seed %d: %w", seed, err)
		}
		if o.Logf != nil && (i+1)%10 == 0 {
			o.Logf("%d/%d scenarios, %d flows, %d disagreements, %s", i+1, len(o.Seeds), st.Flows, len(st.Disagreements), time.Since(start).Round(time.Second))
		}
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

// flow is one flow with both its names for vnetsim and its probe.
type flow struct {
	from, to string
	probe    Probe
}

func (f flow) String() string {
	tf := topology.Flow{Src: f.probe.Src, Dst: f.probe.Dst, Protocol: f.probe.Protocol, SrcPort: f.probe.SrcPort, DstPort: f.probe.DstPort}
	return fmt.Sprintf("%s -> %s: %s", f.from, f.to, tf)
}

func checkScenario(ctx context.Context, o Options, prefix string, seed int64, st *Stats) error {
	sc, err := Build(seed)
	if err != nil {
		return err
	}
	engine := sc.Topo
	if o.Fault != "" {
		// The engine traces its own copy, broken on purpose.
		broken, err := Build(seed)
		if err != nil {
			return err
		}
		if err := breakEngine(broken.Topo, o.Fault); err != nil {
			return err
		}
		engine = broken.Topo
	}
	rng := rand.New(rand.NewSource(seed ^ 0x5eed))
	internet := internetAddrs(sc.Topo, rng)
	em := Render(sc.Topo, prefix, internet)
	st.Unsupported = append(st.Unsupported, em.Unsupported...)
	defer em.Remove()
	if err := em.Apply(ctx); err != nil {
		return err
	}
	flows := pickFlows(sc.Topo, em, rng, o.Flows)
	keys := map[listenKey]bool{}
	for _, f := range flows {
		if f.probe.Protocol != topology.ProtocolICMP {
			keys[listenKey{f.probe.DstNS, f.probe.Dst, f.probe.Protocol, f.probe.DstPort}] = true
		}
	}
	ls, err := startListeners(keys)
	if err != nil {
		return err
	}
	defer ls.Close()

	results := make([]*sim.Result, len(flows))
	net := sim.New(engine)
	for i, f := range flows {
		res, err := net.Trace(sim.Request{From: f.from, To: f.to, Protocol: f.probe.Protocol, Port: f.probe.DstPort, SrcPort: f.probe.SrcPort})
		if err != nil {
			return fmt.Errorf("vnetsim trace %s: %v", f, err)
		}
		results[i] = res
	}
	delivered := make([]bool, len(flows))
	errs := make([]error, len(flows))
	var wg sync.WaitGroup
	for i := range flows {
		wg.Add(1)
		go func() {
			defer wg.Done()
			delivered[i], errs[i] = flows[i].probe.Send()
		}()
	}
	wg.Wait()

	st.Scenarios++
	var keep bool
	for i, f := range flows {
		if errs[i] != nil {
			return fmt.Errorf("probe %s: %v", f, errs[i])
		}
		res := results[i]
		st.Flows++
		if res.Verdict == sim.Allowed {
			st.Allowed++
		} else {
			st.Denied++
			st.Reasons[res.Reason]++
		}
		if res.Verdict == sim.Allowed && !delivered[i] {
			// A packet that is lost can only be late: under load, 60
			// probes at once can miss their deadline. Send it again,
			// alone, before calling it a disagreement (a delivery can't
			// be faked, so only this direction is retried).
			for try := 0; try < 2 && !delivered[i]; try++ {
				if delivered[i], errs[i] = f.probe.Send(); errs[i] != nil {
					return fmt.Errorf("probe %s: %v", f, errs[i])
				}
			}
		}
		if (res.Verdict == sim.Allowed) == delivered[i] {
			continue
		}
		keep = true
		st.Disagreements = append(st.Disagreements, disagreement(o, em, sc, f, res, delivered[i]))
	}
	if keep && o.KeepDir != "" {
		os.WriteFile(filepath.Join(o.KeepDir, fmt.Sprintf("crosscheck-seed-%d.yaml", seed)), sc.YAML, 0o644)
	}
	return nil
}

func disagreement(o Options, em *Emulation, sc *Scenario, f flow, res *sim.Result, delivered bool) Disagreement {
	d := Disagreement{Seed: sc.Seed, Flow: f.String(), Engine: res.Verdict, Kernel: "not delivered"}
	if res.Verdict == sim.Denied {
		d.Engine += " (" + res.Reason + ": " + res.Message + ")"
	}
	if delivered {
		d.Kernel = "delivered (both rounds answered)"
	}
	var hops []string
	for _, h := range res.Hops {
		hops = append(hops, fmt.Sprintf("    %-10s %-12s %-9s %s", h.Kind, h.Node, h.Action, h.Detail))
	}
	for _, h := range res.Reply {
		hops = append(hops, fmt.Sprintf("    reply %-10s %-12s %-9s %s", h.Kind, h.Node, h.Action, h.Detail))
	}
	d.Hops = strings.Join(hops, "\n")
	if n := sc.Topo.NIC(f.from); n != nil {
		args := []string{"-n", em.RouterOf(n.VNet()), "route", "get", f.probe.Dst.String(), "from", f.probe.Src.String(), "iif", em.NICVeth(n)}
		out, err := run(context.Background(), "", "ip", args...)
		if err != nil {
			out = err.Error()
		}
		d.Path = "ip " + strings.Join(args, " ") + "\n" + out
	} else {
		d.Path = "(the source is outside the VNets)"
	}
	d.Command = fmt.Sprintf("go test ./internal/crosscheck -run TestCrosscheck -v -crosscheck.seed=%d -crosscheck.flows=%d", sc.Seed, o.Flows)
	if o.Fault != "" {
		d.Command += " -crosscheck.fault=" + o.Fault
	}
	d.Command += fmt.Sprintf("; vnetsim trace <scenario> --from %s --to %s --protocol %s", f.from, f.to, f.probe.Protocol)
	if f.probe.Protocol.HasPorts() {
		d.Command += fmt.Sprintf(" --port %d", f.probe.DstPort)
	}
	return d
}

// internetAddrs are the addresses the internet namespace answers on: the
// internet endpoint and one address in each of a few service tags the
// scenario's rules and routes name.
func internetAddrs(t *topology.Topology, rng *rand.Rand) []netip.Addr {
	out := []netip.Addr{topology.InternetHost}
	for _, tag := range []string{"Storage." + t.Region, "AzureMachineLearning", "BatchNodeManagement." + t.Region, "AzureMonitor", "AzureActiveDirectory"} {
		st, ok := t.Tags.Lookup(tag)
		if !ok {
			continue
		}
		ps := v4(st.Prefixes())
		if len(ps) == 0 {
			continue
		}
		p := netip.MustParsePrefix(ps[rng.Intn(len(ps))])
		a := p.Addr().As4()
		if p.Bits() < 31 {
			a[3] |= 1 // not the network address
		}
		addr := netip.AddrFrom4(a)
		if t.NICByPublicIP(addr) == nil {
			out = append(out, addr)
		}
	}
	return out
}

// endpoint is a place flows start or end.
type endpoint struct {
	name    string // as vnetsim names it
	ns      string
	addr    netip.Addr
	outside bool // on premises or the internet
}

var dstPorts = []uint16{22, 25, 53, 80, 443, 445, 1433, 1500, 3389, 5000, 5831, 8080, 8085, 8090, 18881, 44224, 60000, 65000}

// pickFlows picks n random flows among the scenario's NICs, the internet
// and on-premises hosts: TCP, UDP and ICMP, random ports. Source ports are
// unique 30000-49999 and no destination port is in that range, so no two
// flows share conntrack entries; some flows leave from a service port
// towards a port above 50000, like a reply that opens a new flow.
func pickFlows(t *topology.Topology, em *Emulation, rng *rand.Rand, n int) []flow {
	var srcs, dsts []endpoint
	for _, nic := range t.NICs {
		if nic.Kind == topology.KindGateway {
			continue
		}
		e := endpoint{nic.Name, em.NSOf(nic), nic.IP, false}
		srcs = append(srcs, e)
		dsts = append(dsts, e)
	}
	for _, g := range t.Gateways {
		var names []string
		for h := range g.Hosts {
			names = append(names, h)
		}
		sort.Strings(names)
		for _, h := range names {
			e := endpoint{h, em.OnPrem[g], g.Hosts[h], true}
			srcs = append(srcs, e)
			dsts = append(dsts, e)
		}
	}
	for i, a := range em.InternetAddrs {
		name := a.String()
		if i == 0 {
			name = "internet"
		}
		dsts = append(dsts, endpoint{name, em.Internet, a, true})
	}
	var out []flow
	used := map[listenKey]bool{} // source ports taken
	srcPort := uint16(30000 + rng.Intn(1000))
	replyPort := uint16(50000)
	icmpID := uint16(rng.Intn(1000) + 1)
	for tries := 0; len(out) < n && tries < 20*n; tries++ {
		s, d := srcs[rng.Intn(len(srcs))], dsts[rng.Intn(len(dsts))]
		if s.ns == d.ns || (s.outside && d.outside) {
			continue // on premises routes only the VNets to its gateway
		}
		p := Probe{SrcNS: s.ns, DstNS: d.ns, Src: s.addr, Dst: d.addr}
		switch r := rng.Intn(10); {
		case r < 5:
			p.Protocol = topology.ProtocolTCP
		case r < 8:
			p.Protocol = topology.ProtocolUDP
		default:
			p.Protocol = topology.ProtocolICMP
			p.ICMPID = icmpID
			icmpID++
		}
		if p.Protocol.HasPorts() {
			if rng.Intn(100) < 15 {
				// From a service port to a high port.
				p.SrcPort = dstPorts[rng.Intn(len(dstPorts))]
				p.DstPort = replyPort
				replyPort++
				k := listenKey{s.ns, s.addr, p.Protocol, p.SrcPort}
				if used[k] || listensOn(out, k) {
					continue
				}
				used[k] = true
			} else {
				p.SrcPort = srcPort
				srcPort++
				p.DstPort = dstPorts[rng.Intn(len(dstPorts))]
				if used[listenKey{d.ns, d.addr, p.Protocol, p.DstPort}] {
					continue // a flow leaves from that port there
				}
			}
		}
		out = append(out, flow{from: s.name, to: d.name, probe: p})
	}
	return out
}

func listensOn(flows []flow, k listenKey) bool {
	for _, f := range flows {
		if f.probe.DstNS == k.ns && f.probe.Dst == k.addr && f.probe.Protocol == k.proto && f.probe.DstPort == k.port {
			return true
		}
	}
	return false
}

// Faults are the ways breakEngine can break vnetsim's copy of a scenario.
var Faults = []string{"nic-nsg-ignored", "subnet-nsg-ignored"}

// breakEngine damages the compiled network the engine traces, as an engine
// that skipped one of the two NSG levels would: the NICs' own NSGs vanish,
// or the subnets'. The emulation keeps the real network.
func breakEngine(t *topology.Topology, fault string) error {
	switch fault {
	case "nic-nsg-ignored":
		for _, n := range t.NICs {
			n.NSG = nil
		}
	case "subnet-nsg-ignored":
		for _, v := range t.VNets {
			for _, s := range v.Subnets {
				s.NSG = nil
			}
		}
	default:
		return fmt.Errorf("unknown fault %q (want one of %s)", fault, strings.Join(Faults, ", "))
	}
	return nil
}
