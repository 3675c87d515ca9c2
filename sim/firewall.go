package sim

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// ReasonFirewall is the reason of a flow an Azure Firewall denies.
const ReasonFirewall = "firewall-denied"

// natRecord remembers a translation a stateful device made, so that the
// reply, addressed to the translated address, is handed back through it.
type natRecord struct {
	device *topology.NIC
	before topology.Flow // the flow as it reached the device
}

// destName returns the name the flow's destination was asked for by (the
// TLS SNI or HTTP Host an application rule sees), or "".
func destName(dst *Endpoint) string {
	return dst.FQDN
}

// ruleAppMatches reports whether f speaks one of an application rule's
// protocols, judged by its destination port, and names it.
func ruleAppMatches(r *topology.FirewallRule, f topology.Flow) (string, bool) {
	name, port, ok := ruleAppProtocol(r, f)
	if !ok {
		return "", false
	}
	if name == "" {
		return fmt.Sprintf("port %d", port), true // FQDN tags cover HTTP and HTTPS
	}
	return fmt.Sprintf("%s:%d", name, port), true
}

// ruleAppProtocol is ruleAppMatches before the name is written: the
// protocol's name and port, or "" and the port for an FQDN tag's HTTP or
// HTTPS.
func ruleAppProtocol(r *topology.FirewallRule, f topology.Flow) (string, uint16, bool) {
	if f.Protocol != topology.ProtocolTCP {
		return "", 0, false
	}
	for _, ap := range r.AppProtocols {
		if ap.Port == f.DstPort {
			return ap.Name, ap.Port, true
		}
	}
	if len(r.AppProtocols) == 0 && len(r.FQDNTags) > 0 && (f.DstPort == 80 || f.DstPort == 443) {
		return "", f.DstPort, true
	}
	return "", 0, false
}

func (tr *tracer) fwAddrMatch(ms []topology.AddrMatch, v *topology.VNet, a netip.Addr) bool {
	for i := range ms {
		if tr.t.MatchAddr(&ms[i], a, nil, v) {
			return true
		}
	}
	return false
}

// networkRuleMatches reports whether a network rule of fw matches f, and
// when it matched through an FQDN, which one. FQDNs match by address: the
// firewall resolves them through its own DNS settings and filters on the
// addresses it gets, so a flow addressed by IP matches, and names sharing
// an address are not told apart (FWFQDN).
func (tr *tracer) networkRuleMatches(fw *topology.Firewall, r *topology.FirewallRule, f topology.Flow) (string, bool) {
	if !tr.ruleHeadMatches(fw.NIC.VNet(), r, f) {
		return "", false
	}
	if tr.fwAddrMatch(r.Dst, fw.NIC.VNet(), f.Dst) {
		return "", true
	}
	for _, d := range r.DstFQDNs {
		for _, a := range tr.t.firewallResolves(fw, d) {
			if a == f.Dst {
				return fmt.Sprintf(" (FQDN %s resolves to %s in the firewall's DNS)", d, a), true
			}
		}
	}
	return "", false
}

// ruleMatches reports whether a network-style rule (an appliance's)
// evaluated in VNet v matches f.
func (tr *tracer) ruleMatches(v *topology.VNet, r *topology.FirewallRule, f topology.Flow) bool {
	return tr.ruleHeadMatches(v, r, f) && tr.fwAddrMatch(r.Dst, v, f.Dst)
}

// ruleHeadMatches checks a network-style rule's protocol, source and ports.
func (tr *tracer) ruleHeadMatches(v *topology.VNet, r *topology.FirewallRule, f topology.Flow) bool {
	protoOK := false
	for _, p := range r.Protocols {
		if p == topology.ProtocolAny || p == f.Protocol {
			protoOK = true
		}
	}
	if !protoOK || !tr.fwAddrMatch(r.Src, v, f.Src) {
		return false
	}
	return !f.Protocol.HasPorts() || r.Ports.Contains(f.DstPort)
}

// fwKey names one FQDN as one firewall resolves it.
type fwKey struct {
	fw   *topology.Firewall
	name string
}

// firewallResolves returns the addresses fw resolves name to, once per
// network: the firewall refreshes them continually, so a trace sees the
// answer its DNS settings give now.
func (t *Network) firewallResolves(fw *topology.Firewall, name string) []netip.Addr {
	k := fwKey{fw, strings.ToLower(strings.TrimSuffix(name, "."))}
	if v, ok := t.fwNames.Load(k); ok {
		return v.([]netip.Addr)
	}
	addrs := t.Resolver().FirewallAddrs(fw.NIC.IP, k.name)
	t.fwNames.Store(k, addrs)
	return addrs
}

// appRuleMatches reports whether an application rule matches f to name.
func (tr *tracer) appRuleMatches(fw *topology.Firewall, r *topology.FirewallRule, f topology.Flow, name string) (string, bool) {
	if _, _, ok := ruleAppProtocol(r, f); !ok || name == "" || !tr.fwAddrMatch(r.Src, fw.NIC.VNet(), f.Src) {
		return "", false
	}
	// The protocol's name is written only for a match a full trace shows.
	proto := func() string {
		if tr.quiet {
			return ""
		}
		p, _ := ruleAppMatches(r, f)
		return p
	}
	for _, p := range r.TargetFQDNs {
		if topology.MatchFQDN(p, name) {
			if tr.quiet {
				return "", true
			}
			return fmt.Sprintf("%s %s", proto(), p), true
		}
	}
	for _, tag := range r.FQDNTags {
		for _, p := range topology.FQDNTagHosts[tag] {
			if topology.MatchFQDN(p, name) {
				if tr.quiet {
					return "", true
				}
				return fmt.Sprintf("%s FQDN tag %s (%s)", proto(), tag, p), true
			}
		}
	}
	return "", false
}

// firewallDecision runs a flow through an Azure Firewall's rules in the
// documented order (reference 5.3): network rules, then application rules
// for HTTP, HTTPS and MSSQL, then deny. It returns the allowing rule's kind
// ("network" or "application") or "" when denied (tr.res says why).
func (tr *tracer) firewallDecision(fw *topology.Firewall, f topology.Flow, name string, dnatted bool) string {
	if tr.obs != nil {
		tr.obs.collections(fw.DNAT)
		tr.obs.collections(fw.Network)
		tr.obs.collections(fw.Application)
		tr.obs.undecided() // the rule kind decides SNAT, and so the reply
		return "network"
	}
	for _, col := range fw.Network {
		for _, r := range col.Rules {
			via, ok := tr.networkRuleMatches(fw, r, f)
			if !ok {
				continue
			}
			if !tr.quiet {
				action := "deny"
				if col.Allow {
					action = "allow"
				}
				tr.hopText(fw.Name, "firewall", action, tr.detail().s("network rule ").s(r.Name).s(" in collection ").s(col.Label()).s(via).s(": ").s(col.Action()).done())
			}
			if !col.Allow {
				tr.deny(ReasonFirewall, &BlockedBy{Kind: "firewallRule", Name: r.Name, Resource: fw.Name + "/" + col.Name},
					"Azure Firewall %s denies %s with network rule %s in collection %s", fw.Name, f, r.Name, col.Label())
				return ""
			}
			return "network"
		}
	}
	if dnatted {
		// A DNAT match adds an implicit allow for the translated traffic;
		// application rules don't apply to inbound connections.
		tr.hop(fw.Name, "firewall", "allow", "the DNAT rule's implicit network allow")
		return "network"
	}
	if f.Protocol == topology.ProtocolTCP {
		for _, col := range fw.Application {
			for _, r := range col.Rules {
				what, ok := tr.appRuleMatches(fw, r, f, name)
				if !ok {
					continue
				}
				if !tr.quiet {
					tr.hop(fw.Name, "firewall", strings.ToLower(col.Action()), "application rule %s in collection %s matches %s (%s): %s", r.Name, col.Label(), name, what, col.Action())
				}
				if !col.Allow {
					tr.deny(ReasonFirewall, &BlockedBy{Kind: "firewallRule", Name: r.Name, Resource: fw.Name + "/" + col.Name},
						"Azure Firewall %s denies %s to %s with application rule %s in collection %s", fw.Name, f, name, r.Name, col.Label())
					return ""
				}
				return "application"
			}
		}
	}
	why := "no network or application rule matches"
	if name == "" && len(fw.Application) > 0 {
		why = "no network or application rule matches; application rules need the destination's name (trace to an FQDN or a service)"
	}
	if !tr.quiet {
		tr.hopText(fw.Name, "firewall", "deny", tr.detail().s(why).s(": Azure Firewall denies by default").done())
	}
	tr.denyText(ReasonFirewall, &BlockedBy{Kind: "firewall", Name: "default deny", Resource: fw.Name},
		tr.detail().s("Azure Firewall ").s(fw.Name).s(" denies ").flow(f).s(" by default: ").s(why).done())
	return ""
}

// throughFirewall sends a packet through an Azure Firewall that a route
// pointed at, then on towards its destination.
func (tr *tracer) throughFirewall(fwNIC *topology.NIC, dst *Endpoint, f topology.Flow) bool {
	fw := fwNIC.Firewall
	if tr.reply {
		if !tr.quiet {
			tr.hopText(fw.Name, "firewall", "forward", tr.detail().s("the reply matches the session Azure Firewall ").s(fw.Name).s(" holds").done())
		}
		tr.appliances = append(tr.appliances, fwNIC)
		return tr.route(fwNIC.Subnet, fwNIC, dst, f, true)
	}
	name := destName(dst)
	kind := tr.firewallDecision(fw, f, name, false)
	if kind == "" {
		return false
	}
	tr.appliances = append(tr.appliances, fwNIC)
	// Application rules always SNAT to the firewall's private address (a
	// transparent proxy); network rules SNAT to it for private destinations
	// outside the firewall's private ranges and, in forced tunneling mode,
	// for internet-bound traffic; otherwise public destinations are SNATed
	// to the public IP on egress (Azure Firewall SNAT private IP ranges).
	var why string
	switch {
	case kind == "application":
		why = "application rules always SNAT (transparent proxy)"
	case fw.PrivateRanges.Contains(f.Dst):
	case topology.IsPrivate(f.Dst):
		why = f.Dst.String() + " is outside the firewall's private ranges, so network rules SNAT"
	case fw.ForcedTunnel:
		why = "forced tunneling: internet-bound traffic is SNATed to a private address of the firewall"
	}
	if why != "" {
		tr.nat = append(tr.nat, natRecord{device: fwNIC, before: f})
		if !tr.quiet {
			tr.hop(fw.Name, "firewall", "snat", "%s: source %s becomes %s", why, f.Src, fwNIC.IP)
		}
		f.Src = fwNIC.IP
	}
	return tr.route(fwNIC.Subnet, fwNIC, dst, f, true)
}

// dnat handles a packet from outside to a firewall's public IP: DNAT rules
// first, then the translated packet through the network rules.
func (tr *tracer) dnat(fwNIC *topology.NIC, f topology.Flow) bool {
	fw := fwNIC.Firewall
	if !tr.quiet {
		tr.hop(fw.Name, "firewall", "receive", "public IP %s", fw.PublicIP)
	}
	for _, col := range fw.DNAT {
		for _, r := range col.Rules {
			if _, ok := tr.networkRuleMatches(fw, r, topology.Flow{Src: f.Src, Dst: fw.PublicIP, Protocol: f.Protocol, SrcPort: f.SrcPort, DstPort: f.DstPort}); !ok {
				continue
			}
			before := f
			before.Dst = fw.PublicIP
			if !tr.quiet {
				tr.hop(fw.Name, "firewall", "dnat", "NAT rule %s in collection %s: %s:%d -> %s:%d, source SNAT to %s", r.Name, col.Label(), fw.PublicIP, f.DstPort, r.Translated, r.TranslatedPort, fwNIC.IP)
			}
			tr.nat = append(tr.nat, natRecord{device: fwNIC, before: before})
			g := topology.Flow{Src: fwNIC.IP, Dst: r.Translated, Protocol: f.Protocol, SrcPort: f.SrcPort, DstPort: r.TranslatedPort}
			// An explicit network deny can override the DNAT's implicit allow.
			if tr.firewallDecision(fw, g, "", true) == "" {
				return false
			}
			tr.appliances = append(tr.appliances, fwNIC)
			dst, err := tr.t.ResolveEndpoint(r.Translated.String())
			if err != nil {
				return tr.deny(ReasonUnreachable, &BlockedBy{Kind: "firewallRule", Name: r.Name, Resource: fw.Name + "/" + col.Name}, "DNAT target %s: %v", r.Translated, err)
			}
			tr.res.Flow += fmt.Sprintf(" (DNAT to %s:%d)", r.Translated, r.TranslatedPort)
			return tr.route(fwNIC.Subnet, fwNIC, dst, g, true)
		}
	}
	if !tr.quiet {
		tr.hop(fw.Name, "firewall", "deny", "no DNAT rule matches %s:%d", fw.PublicIP, f.DstPort)
	}
	return tr.deny(ReasonFirewall, &BlockedBy{Kind: "firewall", Name: "default deny", Resource: fw.Name},
		"Azure Firewall %s has no DNAT rule for %s %s:%d", fw.Name, f.Protocol, fw.PublicIP, f.DstPort)
}

// unNAT hands a reply that reached a translating device back towards the
// flow's origin, with the addresses before the translation.
func (tr *tracer) unNAT(n *topology.NIC, f topology.Flow) (bool, bool) {
	for i := len(tr.nat) - 1; i >= 0; i-- {
		rec := tr.nat[i]
		if rec.device != n {
			continue
		}
		tr.nat = tr.nat[:i]
		back := rec.before.Reply()
		if !tr.quiet {
			tr.hop(n.Name, "firewall", "unnat", "the reply matches the session; %s -> %s", f.Dst, back.Dst)
		}
		tr.appliances = append(tr.appliances, n)
		return true, tr.route(n.Subnet, n, tr.origin, back, true)
	}
	return false, false
}

// ReasonAppliance is the reason of a flow an appliance's own rules deny.
const ReasonAppliance = "appliance-denied"

// applianceAllows applies a network virtual appliance's own rules.
func (tr *tracer) applianceAllows(nva *topology.NIC, f topology.Flow) bool {
	ar := nva.Appliance
	if ar == nil || tr.reply {
		return true
	}
	if tr.obs != nil {
		tr.obs.collections(ar.Rules)
		vnet := nva.VNet()
		tr.obs.filter(func(p topology.Protocol, port uint16) bool {
			g := topology.Flow{Src: f.Src, Dst: f.Dst, Protocol: p, SrcPort: f.SrcPort, DstPort: port}
			for _, col := range ar.Rules {
				if tr.ruleMatches(vnet, col.Rules[0], g) {
					return col.Allow
				}
			}
			return ar.DefaultAllow
		})
		return true
	}
	for _, col := range ar.Rules {
		if !tr.ruleMatches(nva.VNet(), col.Rules[0], f) {
			continue
		}
		if !tr.quiet {
			tr.hop(nva.Name, "appliance", strings.ToLower(col.Action()), "appliance rule %s: %s", col.Name, col.Action())
		}
		if !col.Allow {
			return tr.deny(ReasonAppliance, &BlockedBy{Kind: "applianceRule", Name: col.Name, Resource: nva.Name}, "appliance %s denies %s with its rule %s", nva.Name, f, col.Name)
		}
		return true
	}
	if !ar.DefaultAllow {
		tr.hop(nva.Name, "appliance", "deny", "no appliance rule matches; the default action is Deny")
		return tr.deny(ReasonAppliance, &BlockedBy{Kind: "applianceRule", Name: "default deny", Resource: nva.Name}, "appliance %s denies %s by default", nva.Name, f)
	}
	return true
}
