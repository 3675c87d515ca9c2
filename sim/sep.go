package sim

import (
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// ReasonEndpointPolicy is the reason of a flow a service endpoint policy
// denies.
const ReasonEndpointPolicy = "endpoint-policy-denied"

// endpointPolicyAllows applies the service endpoint policies of subnet sub
// to a flow that reached storage through the subnet's service endpoint
// (reference 5.4): with no policy every account is reachable; with
// policies, a storage account of the scenario must be listed by one of
// them, and any other storage address (Microsoft's managed accounts, such
// as Azure Machine Learning's) needs a policy with a service alias
// (docs/scenario-format.md records this reading of the alias).
func (tr *tracer) endpointPolicyAllows(sub *topology.Subnet, dst *Endpoint, f topology.Flow, endpoint string) bool {
	ps := sub.EndpointPolicies
	if len(ps) == 0 || !strings.EqualFold(endpoint, "Microsoft.Storage") {
		return true
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	by := &BlockedBy{Kind: "serviceEndpointPolicy", Name: strings.Join(names, ","), Resource: sub.ID()}
	if svc := dst.Service; dst.Kind == EndpointService && svc != nil {
		if svc.Type != topology.TypeStorage {
			return true
		}
		for _, p := range ps {
			if p.Allows(svc) {
				if !tr.quiet {
					tr.hop(p.Name, "endpointPolicy", "allow", "service endpoint policy %s on %s lists storage account %s", p.Name, sub.ID(), svc.Name)
				}
				return true
			}
		}
		if !tr.quiet {
			tr.hop(names[0], "endpointPolicy", "deny", "no service endpoint policy on %s lists storage account %s", sub.ID(), svc.Name)
		}
		return tr.deny(ReasonEndpointPolicy, by, "the service endpoint policies of %s (%s) don't list storage account %s, so the service endpoint refuses it", sub.ID(), by.Name, svc.Name)
	}
	for _, p := range ps {
		if len(p.Aliases) > 0 {
			if !tr.quiet {
				tr.hop(p.Name, "endpointPolicy", "allow", "service endpoint policy %s on %s: service alias %s admits the storage Microsoft manages for it (%s)", p.Name, sub.ID(), p.Aliases[0], f.Dst)
			}
			return true
		}
	}
	if !tr.quiet {
		tr.hop(names[0], "endpointPolicy", "deny", "%s is a storage address no policy on %s lists", f.Dst, sub.ID())
	}
	return tr.deny(ReasonEndpointPolicy, by, "the service endpoint policies of %s (%s) list no account at %s and no service alias (such as %s)", sub.ID(), by.Name, f.Dst, topology.MLAlias)
}
