package sim

import (
	"sync"

	"github.com/vnetsim/vnetsim/dnsmock"
	"github.com/vnetsim/vnetsim/topology"
)

// Network is the query engine over one compiled network: traces, intents,
// checks, lint, the matrix and name resolution all start here. It owns the
// network's DNS resolver, built at the first query that needs it. A Network
// is safe for concurrent use; the compiled network it reads is never
// changed.
type Network struct {
	*topology.Topology

	dnsOnce sync.Once
	dns     *dnsmock.Resolver
	// fwNames caches what each firewall resolves the FQDNs of its network
	// rules to (fwKey -> []netip.Addr).
	fwNames sync.Map
}

// New returns the query engine of a compiled network.
func New(t *topology.Topology) *Network { return &Network{Topology: t} }

// Resolver returns the resolver of the network's DNS views; its DNS queries
// are traced as flows (UDP or TCP 53) by TraceEndpoints.
func (t *Network) Resolver() *dnsmock.Resolver {
	t.dnsOnce.Do(func() { t.dns = dnsmock.New(t.Topology, dnsFlow(t)) })
	return t.dns
}
