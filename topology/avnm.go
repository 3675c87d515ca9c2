package topology

import (
	"fmt"
	"sort"
	"strings"
)

// AdminRule is an Azure Virtual Network Manager security admin rule, as
// deployed to a VNet. Admin rules are evaluated before NSGs: Allow goes on
// to the NSGs, AlwaysAllow delivers without them, Deny stops the traffic
// (reference 1.4; learn.microsoft.com/azure/virtual-network-manager/
// concept-security-admins).
type AdminRule struct {
	*SecurityRule
	// Always is set for AlwaysAllow.
	Always bool
	// Manager and Collection name where the rule comes from.
	Manager, Collection string
}

// Action returns Allow, AlwaysAllow or Deny.
func (r *AdminRule) Action() string {
	if r.Always {
		return "AlwaysAllow"
	}
	return r.Access()
}

// AdminRules returns the security admin rules deployed to v in one
// direction, in priority order.
func (v *VNet) AdminRules(inbound bool) []*AdminRule {
	if inbound {
		return v.adminIn
	}
	return v.adminOut
}

func (c *compiler) compileNetworkManagers() {
	for i := range c.sc.NetworkManagers {
		nm := &c.sc.NetworkManagers[i]
		path := fmt.Sprintf("networkManagers[%d]", i)
		if nm.Name == "" {
			c.errAt(path, "missing name")
			continue
		}
		groups := map[string][]*VNet{}
		for j, g := range nm.NetworkGroups {
			gp := fmt.Sprintf("%s.networkGroups[%d]", path, j)
			if g.Name == "" {
				c.errAt(gp, "missing name")
				continue
			}
			for k, m := range g.Members {
				v := c.t.vnets[m]
				if v == nil {
					c.errAt(fmt.Sprintf("%s.members[%d]", gp, k), "unknown VNet %q", m)
					continue
				}
				groups[g.Name] = append(groups[g.Name], v)
			}
		}
		prios := map[string]string{}
		for j := range nm.SecurityAdminRuleCollections {
			col := &nm.SecurityAdminRuleCollections[j]
			cp := fmt.Sprintf("%s.securityAdminRuleCollections[%d]", path, j)
			if col.Name == "" {
				c.errAt(cp, "missing name")
			}
			var targets []*VNet
			for k, g := range col.AppliesToGroups {
				vs, ok := groups[g]
				if !ok {
					c.errAt(fmt.Sprintf("%s.appliesToGroups[%d]", cp, k), "unknown network group %q", g)
				}
				targets = append(targets, vs...)
			}
			if len(col.AppliesToGroups) == 0 {
				c.errAt(cp+".appliesToGroups", "missing: a rule collection applies to network groups")
			}
			for k := range col.Rules {
				r := &col.Rules[k]
				rp := fmt.Sprintf("%s.rules[%d]", cp, k)
				ar := &AdminRule{SecurityRule: &SecurityRule{Name: r.Name, NSG: nm.Name + "/" + col.Name, Priority: r.Priority}, Manager: nm.Name, Collection: col.Name}
				if r.Name == "" {
					c.errAt(rp, "missing name")
				}
				switch {
				case strings.EqualFold(r.Direction, "Inbound"):
					ar.Direction = DirInbound
				case strings.EqualFold(r.Direction, "Outbound"):
					ar.Direction = DirOutbound
				default:
					c.errAt(rp+".direction", "%q: want Inbound or Outbound", r.Direction)
				}
				switch strings.ToLower(r.Access) {
				case "allow":
					ar.Allow = true
				case "alwaysallow":
					ar.Allow, ar.Always = true, true
				case "deny":
				default:
					c.errAt(rp+".access", "%q: want Allow, AlwaysAllow or Deny", r.Access)
				}
				if r.Priority < 1 || r.Priority > 4096 {
					c.errAt(rp+".priority", "%d is outside 1-4096", r.Priority)
				} else if ar.Direction != DirNone {
					k := fmt.Sprintf("%s/%d", ar.Direction, r.Priority)
					if prev, dup := prios[k]; dup {
						c.errAt(rp+".priority", "priority %d is already used by %s rule %q of %s", r.Priority, ar.Direction, prev, nm.Name)
					}
					prios[k] = r.Name
				}
				if len(r.SourceApplicationSecurityGroups)+len(r.DestinationApplicationSecurityGroups) > 0 {
					c.errAt(rp, "security admin rules match addresses and service tags, not application security groups")
				}
				proto, err := ParseProtocol(r.Protocol)
				if err != nil {
					c.errAt(rp+".protocol", "%q: want Tcp, Udp, Icmp, Esp, Ah or *", r.Protocol)
				}
				ar.Protocol = proto
				ar.Src = c.parseAddrSide(rp, "source", r.SourceAddressPrefix, r.SourceAddressPrefixes, nil)
				ar.Dst = c.parseAddrSide(rp, "destination", r.DestinationAddressPrefix, r.DestinationAddressPrefixes, nil)
				ar.SrcPorts = c.parsePorts(rp, "source", r.SourcePortRange, r.SourcePortRanges)
				ar.DstPorts = c.parsePorts(rp, "destination", r.DestinationPortRange, r.DestinationPortRanges)
				for _, v := range targets {
					if ar.Direction == DirInbound {
						v.adminIn = append(v.adminIn, ar)
					} else if ar.Direction == DirOutbound {
						v.adminOut = append(v.adminOut, ar)
					}
				}
			}
		}
	}
	for _, v := range c.t.VNets {
		for _, list := range [][]*AdminRule{v.adminIn, v.adminOut} {
			sort.SliceStable(list, func(a, b int) bool { return list[a].Priority < list[b].Priority })
		}
	}
}
