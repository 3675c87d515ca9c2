package importer

import (
	"fmt"
	"strings"

	"github.com/vnetsim/vnetsim/importer/arm"
)

// more is the conversion state of issue 14's resources (load balancers,
// DNS Private Resolver, Virtual Network Manager, service endpoint policies,
// Azure Bastion, Azure Monitor Private Link Scopes).
type more struct {
	vmOf      map[*arm.Resource]string // NIC -> the name of its vms entry
	outbound  map[string]string        // outbound endpoint ID (Key) -> resolver/endpoint
	lbFronts  map[*arm.Resource]bool   // load balancers whose frontends are read
	resolvers map[string]bool          // resolver IDs (Key) imported
}

func newMore() *more {
	return &more{vmOf: map[*arm.Resource]string{}, outbound: map[string]string{}, lbFronts: map[*arm.Resource]bool{}, resolvers: map[string]bool{}}
}

func init() {
	for t, ns := range map[string]string{
		arm.LoadBalancer: "endpoint", arm.Bastion: "endpoint", arm.LinkScope: "endpoint",
		arm.DNSResolver: "resolver", arm.Ruleset: "ruleset", arm.NetworkManager: "networkManager", arm.EndpointPolicy: "endpointPolicy",
	} {
		namespaces[t] = ns
	}
	serviceTypes[arm.LinkScope] = true
}

// claimMorePIPs records the public IPs load balancer frontends and Bastion
// hosts name.
func (c *conv) claimMorePIPs(add func(owner *arm.Resource, id string)) {
	for _, r := range c.byType[arm.LoadBalancer] {
		for _, fe := range r.Props().Objs("frontendIPConfigurations") {
			add(r, arm.Props(fe).ID("publicIPAddress"))
		}
	}
	for _, r := range c.byType[arm.Bastion] {
		for _, ipc := range r.Props().Objs("ipConfigurations") {
			add(r, arm.Props(ipc).ID("publicIPAddress"))
		}
	}
}

// childrenOf returns r's child resources of type typ, in ID order.
func (c *conv) childrenOf(r *arm.Resource, typ string) []*arm.Resource {
	var out []*arm.Resource
	for _, ch := range c.children[arm.Key(r.ID)] {
		if arm.TypeIs(ch.Type, typ) {
			out = append(out, ch)
		}
	}
	return out
}

// orphans lists the resources of the types given that no conversion took:
// children of a parent that is not in the input or was not imported.
func (c *conv) orphans(what string, types ...string) {
	for _, t := range types {
		for _, r := range c.byType[t] {
			if !c.consumed[r] {
				c.consumed[r] = true
				r.Node.Use("properties", "kind")
				c.problem(r, "resource", r.Node.Path(), "%s %s, which is not in the input or not imported: not imported", what, arm.Parent(r.ID))
			}
		}
	}
}

// sameParent reports whether a sub-resource ID (LB/frontendIPConfigurations/fe)
// is a child of r of the kind given, and returns its name.
func sameParent(r *arm.Resource, id, kind string) (string, bool) {
	p, ok := arm.ParseID(id)
	if !ok || len(p.Types) < 2 || !strings.EqualFold(p.Types[len(p.Types)-1], kind) {
		return "", false
	}
	parent := arm.Parent(id)
	if arm.Key(parent) != arm.Key(r.ID) && arm.RelKey(parent) != arm.RelKey(r.ID) {
		return "", false
	}
	return p.Name(), true
}

// sub resolves a reference {"id": ...} at key of n to a named sub-resource
// of r (a frontend, pool or probe of a load balancer) among names.
func (c *conv) sub(r *arm.Resource, n *arm.Node, key, kind string, names map[string]bool) string {
	id := n.ID(key)
	if id == "" {
		return ""
	}
	return c.subID(r, n.Path()+"."+key, id, kind, names)
}

func (c *conv) subID(r *arm.Resource, path, id, kind string, names map[string]bool) string {
	name, ok := sameParent(r, id, kind)
	if !ok {
		c.problem(r, "reference", path, "%s is not a %s of this resource; the reference is left out", id, kind)
		return ""
	}
	for n := range names {
		if strings.EqualFold(n, name) {
			return n
		}
	}
	c.problem(r, "reference", path, "%s %s is not in the input or not imported; the reference is left out", kind, name)
	return ""
}

// prefixBits returns the prefix length of an imported subnet "vnet/subnet".
func (c *conv) prefixBits(ref string) (int, bool) {
	p, ok := c.alloc.prefixes[ref]
	if !ok {
		return 0, false
	}
	return p.Bits(), true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
