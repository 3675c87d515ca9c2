package dnsmock

import (
	"fmt"
	"net/netip"

	"github.com/vnetsim/vnetsim/topology"
)

// This file is Azure DNS Private Resolver in the resolution chain
// (learn.microsoft.com/azure/dns/private-resolver-endpoints-rulesets):
//
//   - Azure DNS (168.63.129.16) queried from a VNet linked to a DNS
//     forwarding ruleset first looks for the rule whose domain is the longest
//     suffix of the name; a match sends the query out of the ruleset's
//     outbound endpoint to the rule's target servers, in order, and their
//     answer is Azure DNS's answer. Names no rule covers go on to the private
//     zones linked to the VNet, then public DNS (docs/dns.md, "DNS Private
//     Resolver", records this order as a project decision).
//   - An inbound endpoint answers queries sent to its address as Azure DNS
//     does from the resolver's VNet.
//
// Every forwarded query is traced as a flow (UDP 53) from the outbound
// endpoint to the target, so NSGs, routes and peerings decide it.

// maxRulesetHops bounds rulesets forwarding to inbound endpoints whose VNet
// forwards again.
const maxRulesetHops = 4

// forwardByRuleset applies the forwarding ruleset linked to v to name cur,
// in the middle of a CNAME chase that has collected res so far. ok is
// false when no rule covers cur.
func (rn *run) forwardByRuleset(v *topology.VNet, cur string, res result) (result, bool) {
	if rn.r.t == nil {
		return result{}, false
	}
	rule := rn.r.t.ForwardingRuleFor(v, cur)
	if rule == nil {
		return result{}, false
	}
	rs := rule.Ruleset
	domain := rule.Domain
	if domain == "" {
		domain = "."
	}
	server := topology.AzureDNS.String()
	if rn.rulesetHops >= maxRulesetHops {
		rn.step(server, "servfail", domain, cur, "forwarding loop: ruleset %s sends %s back through resolvers more than %d times", rs.Name, cur, maxRulesetHops)
		return servfailKeep(res, ReasonServFail, &Blocker{Kind: "dnsForwardingRule", Name: rule.Name, Resource: rs.Name}, "DNS forwarding loop through ruleset %s (rule %s for %s)", rs.Name, rule.Name, domain), true
	}
	if len(rs.Outbound) == 0 {
		return servfailKeep(res, ReasonUnreachable, &Blocker{Kind: "dnsForwardingRuleset", Name: rs.Name, Resource: v.Name}, "ruleset %s has no outbound endpoint", rs.Name), true
	}
	out := rs.Outbound[0]
	rn.step(server, "forward", domain, cur, "DNS forwarding ruleset %s (linked to %s), rule %s for %s: forward %s through outbound endpoint %s to %s",
		rs.Name, v.Name, rule.Name, domain, cur, out.Name, joinAddrs(rule.Targets))
	rn.rulesetHops++
	defer func() { rn.rulesetHops-- }()
	saved := rn.name
	rn.name = cur
	defer func() { rn.name = saved }()
	from := Client{Name: out.Name, Addr: out.NIC.IP, NIC: out.NIC, Subnet: out.NIC.Subnet}
	var first result
	for i, target := range rule.Targets {
		got := rn.ask(from, target, nil)
		if !got.failed() {
			got.rrs = append(append([]rr(nil), res.rrs...), got.rrs...)
			if got.gap == nil {
				got.gap = res.gap
			}
			return got, true
		}
		if i == 0 {
			first = got
		}
	}
	if first.failure != nil {
		first.failure.Message = fmt.Sprintf("ruleset %s forwards %s (rule %s) to %s, which gave no answer: %s", rs.Name, cur, rule.Name, joinAddrs(rule.Targets), first.failure.Message)
	}
	first.rrs = res.rrs
	return first, true
}

func joinAddrs[T fmt.Stringer](as []T) string {
	s := ""
	for i, a := range as {
		if i > 0 {
			s += ", "
		}
		s += a.String()
	}
	return s
}

// inboundServer returns the server at a when a is a resolver's inbound
// endpoint.
func (r *Resolver) inboundServer(a netip.Addr) (server, bool) {
	if r.t == nil {
		return server{}, false
	}
	if e := r.t.InboundEndpointAt(a); e != nil {
		return server{kind: serverResolver, in: e}, true
	}
	return server{}, false
}
