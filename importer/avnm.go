package importer

import (
	"fmt"
	"strings"

	"github.com/vnetsim/vnetsim/importer/arm"
	"github.com/vnetsim/vnetsim/spec"
)

// networkManagers turns Azure Virtual Network Manager resources into
// networkManagers entries: network groups with their static members (VNets)
// and the rule collections of every security admin configuration, whose
// rules take the keys of NSG rules. ARM does not say whether a
// configuration is deployed (a commit is an action, not a property): each
// one is imported as deployed, with a note.
func (c *conv) networkManagers() {
	for _, r := range c.byType[arm.NetworkManager] {
		c.consumed[r] = true
		p := r.Props()
		p.Use("networkManagerScopes", "networkManagerScopeAccesses", "description", "displayName")
		i := len(c.sc.NetworkManagers)
		out := spec.NetworkManager{Name: c.names[r]}
		groups := map[string]string{} // group ID (Key) -> name
		for _, g := range c.childrenOf(r, arm.NetworkGroup) {
			c.consumed[g] = true
			gp := g.Props()
			gp.Use("description", "displayName")
			if mt := gp.Str("memberType"); mt != "" && !strings.EqualFold(mt, "VirtualNetwork") {
				c.problem(g, "resource", g.Node.Path(), "a network group of %s members: vnetsim's network groups hold VNets; not imported", mt)
				for _, m := range c.childrenOf(g, arm.StaticMember) {
					c.consumed[m] = true
					m.Node.Use("properties")
				}
				continue
			}
			ng := spec.NetworkGroup{Name: lastSeg(g.ID)}
			for _, m := range c.childrenOf(g, arm.StaticMember) {
				c.consumed[m] = true
				mp := m.Props()
				mp.Use("region")
				if v := c.refID(m, where{mp, "resourceId", -1}, mp.Str("resourceId"), arm.VirtualNetwork); v != nil {
					ng.Members = append(ng.Members, c.names[v])
				}
			}
			if len(ng.Members) == 0 {
				c.problem(g, "note", g.Node.Path(), "network group %s has no static member in the input (members Azure Policy adds are not in the resource)", ng.Name)
			}
			groups[arm.Key(g.ID)] = ng.Name
			c.comments[fmt.Sprintf("networkManagers[%d].networkGroups[%d]", i, len(out.NetworkGroups))] = c.comment(g)
			out.NetworkGroups = append(out.NetworkGroups, ng)
		}
		cols := map[string]bool{}
		for _, cfg := range c.childrenOf(r, arm.AdminConfig) {
			c.consumed[cfg] = true
			cfg.Props().Use("description", "displayName", "applyOnNetworkIntentPolicyBasedServices", "networkGroupAddressSpaceAggregationOption")
			c.problem(cfg, "note", cfg.Node.Path(), "security admin configuration imported as deployed: whether it is committed to a region is not part of the resource")
			for _, col := range c.childrenOf(cfg, arm.AdminCollection) {
				c.consumed[col] = true
				cp := col.Props()
				cp.Use("description", "displayName")
				name := lastSeg(col.ID)
				for k := 1; cols[strings.ToLower(name)]; k++ {
					name = fmt.Sprintf("%s-%s-%d", lastSeg(col.ID), lastSeg(cfg.ID), k)
				}
				cols[strings.ToLower(name)] = true
				ac := spec.AdminRuleCollection{Name: name}
				for k, a := range cp.Objs("appliesToGroups") {
					path := fmt.Sprintf("%s.appliesToGroups[%d].networkGroupId", cp.Path(), k)
					id := a.Str("networkGroupId")
					if g := groups[arm.Key(id)]; g != "" {
						ac.AppliesToGroups = append(ac.AppliesToGroups, g)
					} else if g := c.lookup(id); g != nil && groups[arm.Key(g.ID)] != "" {
						ac.AppliesToGroups = append(ac.AppliesToGroups, groups[arm.Key(g.ID)])
					} else {
						c.problem(col, "reference", path, "network group %s is not an imported group of this manager; the reference is left out", id)
					}
				}
				if len(ac.AppliesToGroups) == 0 {
					for _, rr := range c.childrenOf(col, arm.AdminRule) {
						c.consumed[rr] = true
						rr.Node.Use("properties", "kind")
					}
					c.problem(col, "resource", col.Node.Path(), "rule collection applied to no imported network group: not imported")
					continue
				}
				for _, rr := range c.childrenOf(col, arm.AdminRule) {
					c.consumed[rr] = true
					if sr, ok := c.adminRule(rr); ok {
						c.comments[fmt.Sprintf("networkManagers[%d].securityAdminRuleCollections[%d].rules[%d]", i, len(out.SecurityAdminRuleCollections), len(ac.Rules))] = c.comment(rr)
						ac.Rules = append(ac.Rules, sr)
					}
				}
				c.comments[fmt.Sprintf("networkManagers[%d].securityAdminRuleCollections[%d]", i, len(out.SecurityAdminRuleCollections))] = c.comment(col)
				out.SecurityAdminRuleCollections = append(out.SecurityAdminRuleCollections, ac)
			}
		}
		c.comments[fmt.Sprintf("networkManagers[%d]", i)] = c.comment(r)
		c.sc.NetworkManagers = append(c.sc.NetworkManagers, out)
	}
	c.orphans("child of", arm.NetworkGroup, arm.StaticMember, arm.AdminConfig, arm.AdminCollection, arm.AdminRule)
}

// adminRule reads a security admin rule: sources and destinations
// [{addressPrefix, addressPrefixType}] become the address prefixes of an
// NSG rule, and protocol Any is "*". A rule whose sources, destinations or
// ports are empty, or that names a network group, is listed, not guessed.
func (c *conv) adminRule(rr *arm.Resource) (spec.SecurityRule, bool) {
	rp := rr.Props()
	rr.Node.Use("kind")
	rp.Use("description", "displayName", "flag")
	sr := spec.SecurityRule{Name: lastSeg(rr.ID), Description: rp.Str("description")}
	sr.Priority, _ = rp.Int("priority")
	sr.Direction = enum(rp.Str("direction"), "Inbound", "Outbound")
	sr.Access = enum(rp.Str("access"), "Allow", "AlwaysAllow", "Deny")
	sr.Protocol = enum(rp.Str("protocol"), "Tcp", "Udp", "Icmp", "Esp", "Ah", "Any")
	if sr.Protocol == "Any" {
		sr.Protocol = "*"
	}
	side := func(key string) ([]string, bool) {
		var out []string
		for _, a := range rp.Objs(key) {
			t := a.Str("addressPrefixType")
			if strings.EqualFold(t, "NetworkGroup") {
				c.problem(rr, "resource", rr.Node.Path(), "a rule whose %s name a network group: not imported", key)
				return nil, false
			}
			out = append(out, a.Str("addressPrefix"))
		}
		if len(out) == 0 {
			c.problem(rr, "resource", rr.Node.Path(), "a rule without %s: not imported (vnetsim does not guess what an empty list matches)", key)
			return nil, false
		}
		return out, true
	}
	src, ok1 := side("sources")
	dst, ok2 := side("destinations")
	sp, dp := rp.Strs("sourcePortRanges"), rp.Strs("destinationPortRanges")
	if !ok1 || !ok2 {
		return sr, false
	}
	if len(sp) == 0 || len(dp) == 0 {
		c.problem(rr, "resource", rr.Node.Path(), "a rule without source or destination port ranges: not imported (vnetsim does not guess what an empty list matches)")
		return sr, false
	}
	one := func(l []string, single *string, many *[]string) {
		if len(l) == 1 {
			*single = l[0]
		} else {
			*many = l
		}
	}
	one(src, &sr.SourceAddressPrefix, &sr.SourceAddressPrefixes)
	one(dst, &sr.DestinationAddressPrefix, &sr.DestinationAddressPrefixes)
	one(sp, &sr.SourcePortRange, &sr.SourcePortRanges)
	one(dp, &sr.DestinationPortRange, &sr.DestinationPortRanges)
	return sr, true
}
