package dnsmock

import (
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/vnetsim/vnetsim/topology"
)

// FastPath is the server's fast path, for tests.
type FastPath struct{ f *fastPath }

// NewFastPath returns the fast path a server of h uses.
func NewFastPath(h *Handler) FastPath { return FastPath{newFastPath(h)} }

// Raw answers a query as the UDP read loop does, from its bytes as they
// arrived; false means it is left to the library and the plain path.
func (p FastPath) Raw(b []byte, proto topology.Protocol) ([]byte, bool) {
	return p.AppendRaw(nil, b, proto)
}

// AppendRaw is Raw appending the reply to dst.
func (p FastPath) AppendRaw(dst, b []byte, proto topology.Protocol) ([]byte, bool) {
	q, ok := parseRaw(b)
	if !ok {
		return dst, false
	}
	return p.f.answer(dst, q, proto)
}

// Msg answers a query as the server's handler does, once the library has
// read it; false means it is left to the plain path.
func (p FastPath) Msg(req *dns.Msg, proto topology.Protocol) ([]byte, bool) {
	q, ok := parseMsg(req, nil)
	if !ok {
		return nil, false
	}
	return p.f.answer(nil, q, proto)
}

// Entries returns the number of questions the fast path holds replies for.
func (p FastPath) Entries() int {
	p.f.mu.RLock()
	defer p.f.mu.RUnlock()
	return len(p.f.entries)
}

// KnownNames returns the names the resolver has data for, in c's view or
// any other: public names and patterns (with a label in place of the
// wildcard), the names and apexes of private zones and what their records
// point to, host records of DNS servers and c's hosts file, the managed
// network's names, conditional forwarders' and forwarding rules' domains,
// and a name under each of them; sorted, without trailing dots.
func KnownNames(r *Resolver, c Client) []string {
	set := map[string]bool{}
	add := func(n string) {
		n = topology.CanonicalName(n)
		if n != "" {
			set[n] = true
		}
	}
	under := func(n string) { add(n); add("x-1." + n) }
	for n, s := range r.public {
		add(n)
		add(s.cname)
	}
	for rest, s := range r.patterns {
		under(rest)
		add(strings.TrimPrefix(s.cname, "*."))
	}
	for _, z := range r.zones {
		under(z.name)
		for n, s := range z.sets {
			add(strings.Replace(n, "*", "w1", 1))
			add(s.cname)
		}
		for n := range z.nodes {
			add(n)
		}
	}
	for n := range r.serverHosts {
		add(n)
	}
	if c.NIC != nil {
		for n := range c.NIC.Hosts {
			add(n)
		}
	}
	for _, names := range r.managed {
		for n := range names {
			add(n)
		}
	}
	for _, d := range r.vmOf {
		for _, f := range d.role.Forwarders {
			under(f.Zone)
		}
	}
	for _, rs := range r.t.Rulesets {
		for _, rule := range rs.Rules {
			under(rule.Domain)
		}
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// FastMaxEntries is the most questions the fast path holds replies for.
const FastMaxEntries = fastMaxEntries
