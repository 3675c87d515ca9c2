package sim

import (
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// ReasonAdminRule is the reason of a flow an Azure Virtual Network Manager
// security admin rule denies.
const ReasonAdminRule = "admin-rule-denied"

// applyAdmin evaluates the security admin rules deployed to VNet v for a
// packet leaving (outbound) or entering (inbound) a NIC or subnet of v,
// before its NSGs (reference 1.4): the first matching rule decides; Deny
// stops the packet, AlwaysAllow delivers it without the NSGs (skip), Allow
// hands it to the NSGs. Admin rules don't apply to private endpoints
// (learn.microsoft.com/azure/virtual-network-manager/concept-security-admins,
// limitations), and replies pass by flow state.
func (tr *tracer) applyAdmin(v *topology.VNet, inbound bool, f topology.Flow, srcNIC, dstNIC *topology.NIC) (skip, ok bool) {
	if v == nil || tr.reply {
		return false, true
	}
	nic := srcNIC
	if inbound {
		nic = dstNIC
	}
	if nic != nil && nic.Kind == topology.KindPrivateEndpoint {
		return false, true
	}
	rules := v.AdminRules(inbound)
	if len(rules) == 0 {
		return false, true
	}
	if tr.obs != nil {
		// The rules' port boundaries cut the range; AlwaysAllow skips the
		// NSGs for some ports only, so every interval is traced.
		cut := &topology.NSG{}
		for _, r := range rules {
			cut.Inbound = append(cut.Inbound, r.SecurityRule)
		}
		tr.obs.nsg(cut, true)
		tr.obs.undecided()
		return false, true
	}
	dir := "Outbound"
	if inbound {
		dir = "Inbound"
	}
	for _, r := range rules {
		if !tr.t.RuleMatches(r.SecurityRule, f, v, srcNIC, dstNIC) {
			continue
		}
		if !tr.quiet {
			tr.hop(r.Manager, "adminRule", strings.ToLower(r.Action()), "security admin rule %s in %s/%s (%s, priority %d) on %s: %s", r.Name, r.Manager, r.Collection, dir, r.Priority, v.Name, adminEffect(r))
		}
		switch {
		case !r.Allow:
			return false, tr.deny(ReasonAdminRule, &BlockedBy{Kind: "adminRule", Name: r.Name, Resource: r.Manager + "/" + r.Collection},
				"security admin rule %s (priority %d) of network manager %s denies %s in %s before any NSG", r.Name, r.Priority, r.Manager, f, v.Name)
		case r.Always:
			return true, true
		}
		return false, true
	}
	return false, true
}

func adminEffect(r *topology.AdminRule) string {
	switch {
	case r.Always:
		return "AlwaysAllow, so the NSGs are not evaluated"
	case r.Allow:
		return "Allow, the NSGs decide next"
	}
	return "Deny"
}
