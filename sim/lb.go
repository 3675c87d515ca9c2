package sim

import (
	"fmt"

	"github.com/vnetsim/vnetsim/topology"
)

// ReasonNoHealthyBackend is the reason of a flow whose load-balancing rule
// has no backend whose health probe succeeds.
const ReasonNoHealthyBackend = "no-healthy-backend"

// lbRule returns the load-balancing rule of frontend fe that f uses.
func lbRule(fe *topology.LBFrontend, f topology.Flow) *topology.LBRule {
	for _, r := range fe.LB.Rules {
		if r.Frontend == fe && r.Matches(f) {
			return r
		}
	}
	return nil
}

// healthyMember returns the first member of the rule's pool whose health
// probe succeeds: probes come from 168.63.129.16 (the AzureLoadBalancer
// tag) and the member's NSGs decide them (reference 1.5 and 1.7). The
// choice is deterministic, so a flow and its reply through an internal
// load balancer meet the same backend, as the load balancer's flow
// affinity keeps them. why explains a pool with none.
func (tr *tracer) healthyMember(r *topology.LBRule) (*topology.NIC, string) {
	if len(r.Pool.Members) == 0 {
		return nil, fmt.Sprintf("backend pool %s is empty", r.Pool.Name)
	}
	if r.Probe == nil {
		return r.Pool.Members[0], ""
	}
	why := ""
	probe := &Endpoint{Text: "AzureLoadBalancer", Kind: EndpointPlatform, Tag: "AzureLoadBalancer", Addr: topology.AzureDNS}
	for _, m := range r.Pool.Members {
		dst := &Endpoint{Text: m.Name, Kind: EndpointNIC, NIC: m, Subnet: m.Subnet, Addr: m.IP}
		res, err := tr.t.TraceEndpoints(probe, dst, Request{Protocol: r.Probe.Protocol, Port: r.Probe.Port, SrcPort: DefaultSourcePort, Quiet: true})
		if err == nil && res.Verdict == Allowed {
			return m, ""
		}
		if why == "" && res != nil {
			why = fmt.Sprintf("health probe %s (%s %d from AzureLoadBalancer) to %s is denied: %s", r.Probe.Name, r.Probe.Kind, r.Probe.Port, m.Name, res.Message)
		}
	}
	return nil, why
}

// pickBackend finds the rule and healthy backend for f at frontend fe, or
// denies the flow.
func (tr *tracer) pickBackend(fe *topology.LBFrontend, f topology.Flow) (*topology.LBRule, *topology.NIC, bool) {
	lb := fe.LB
	r := lbRule(fe, f)
	if tr.obs != nil {
		// The rule depends on the port: cut at every rule's frontend port,
		// follow the path of any rule, and trace each interval.
		cut := &topology.NSG{}
		for _, x := range lb.Rules {
			if x.Frontend != fe {
				continue
			}
			ports := topology.AllPorts
			if !x.HAPorts {
				ports = topology.PortSet{{Lo: x.FrontendPort, Hi: x.FrontendPort}}
			}
			cut.Inbound = append(cut.Inbound, &topology.SecurityRule{DstPorts: ports})
			if r == nil {
				r = x
			}
		}
		tr.obs.nsg(cut, true)
		tr.obs.undecided()
	}
	if r == nil {
		if !tr.quiet {
			tr.hop(lb.Name, "loadBalancer", "drop", "no load-balancing rule of %s covers %s %d on frontend %s", lb.Name, f.Protocol, f.DstPort, fe.Name)
		}
		return nil, nil, tr.deny(ReasonUnreachable, &BlockedBy{Kind: "loadBalancer", Name: fe.Name, Resource: lb.Name},
			"load balancer %s has no load-balancing rule for %s on frontend %s (%s)", lb.Name, f, fe.Name, fe.IP)
	}
	m, why := tr.healthyMember(r)
	if m == nil {
		if !tr.quiet {
			tr.hop(lb.Name, "loadBalancer", "drop", "rule %s: no healthy backend in pool %s", r.Name, r.Pool.Name)
		}
		by := &BlockedBy{Kind: "loadBalancerRule", Name: r.Name, Resource: lb.Name}
		if r.Probe != nil {
			by = &BlockedBy{Kind: "lbProbe", Name: r.Probe.Name, Resource: lb.Name}
		}
		return nil, nil, tr.deny(ReasonNoHealthyBackend, by, "load balancer %s rule %s has no healthy backend: %s", lb.Name, r.Name, why)
	}
	if !tr.quiet {
		ports := fmt.Sprintf("%d -> %d", r.FrontendPort, r.BackendPort)
		if r.HAPorts {
			ports = "HA ports"
		}
		probe := "no health probe"
		if r.Probe != nil {
			probe = fmt.Sprintf("health probe %s %s %d succeeds", r.Probe.Name, r.Probe.Kind, r.Probe.Port)
		}
		if !tr.quiet {
			tr.hop(lb.Name, "loadBalancer", "forward", "rule %s (%s): frontend %s %s -> backend %s %s (%s)", r.Name, ports, fe.Name, fe.IP, m.Name, m.IP, probe)
		}
	}
	return r, m, true
}

// throughLB balances a flow addressed to a frontend onto a backend: from
// outside Azure through a public frontend (the backend's NSGs see the
// client's address and must allow the flow: Standard load balancers are
// closed by default), or inside the VNet to an internal frontend.
func (tr *tracer) throughLB(fe *topology.LBFrontend, f topology.Flow, outside bool) bool {
	r, m, ok := tr.pickBackend(fe, f)
	if !ok {
		return false
	}
	g := f
	g.Dst = m.IP
	if !r.HAPorts {
		g.DstPort = r.BackendPort
	}
	if !outside {
		return tr.deliverNIC(m, g)
	}
	tr.viaPublicIP = true
	levels := nsgLevels(m, m.Subnet, true)
	if levels.n == 0 {
		tr.hop(m.Name, "loadBalancer", "deny", "a Standard load balancer is closed to inbound traffic unless an NSG allows it")
		return tr.deny(ReasonPublicIPClosed, &BlockedBy{Kind: "loadBalancer", Name: fe.Name, Resource: fe.LB.Name},
			"%s has no NSG on its NIC or subnet; a Standard load balancer's frontend is closed to inbound traffic until an NSG allows it", m.Name)
	}
	if !tr.applyNSGs(levels, true, g, m.VNet(), nil, m) {
		return false
	}
	if !tr.quiet {
		tr.hop(m.Name, "destination", "deliver", "%s %s at %s:%d in %s", m.Kind, m.Name, m.IP, g.DstPort, m.Subnet.ID())
	}
	return tr.checkReply(m.Subnet, m, g)
}

// lbNextHop resolves a route whose next hop is an internal load balancer's
// frontend (a pair of appliances behind HA ports) to the backend appliance
// the flow is balanced to.
func (tr *tracer) lbNextHop(fe *topology.LBFrontend, f topology.Flow) *topology.NIC {
	_, m, ok := tr.pickBackend(fe, f)
	if !ok {
		return nil
	}
	return m
}
