package crosscheck

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// privateRanges are the addresses the Internet tag leaves out: RFC 1918,
// RFC 6598, loopback, link-local, multicast, broadcast and unspecified.
var privateRanges = []string{"0.0.0.0/32", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "255.255.255.255/32"}

// nftSets collects the named address sets of one router's table.
type nftSets struct {
	byKey map[string]string
	defs  []string
}

// set returns the name of a set holding elems, declaring it on first use.
func (s *nftSets) set(elems []string) string {
	sort.Strings(elems)
	key := strings.Join(elems, ",")
	if n, ok := s.byKey[key]; ok {
		return n
	}
	n := fmt.Sprintf("s%d", len(s.defs))
	s.byKey[key] = n
	s.defs = append(s.defs, fmt.Sprintf("\tset %s {\n\t\ttype ipv4_addr; flags interval; auto-merge\n\t\telements = { %s }\n\t}\n", n, strings.Join(elems, ", ")))
	return n
}

func v4(ps []netip.Prefix) []string {
	var out []string
	for _, p := range ps {
		if p.Addr().Is4() {
			out = append(out, p.Masked().String())
		}
	}
	return out
}

// routerNFT renders VNet v's router filter: peering access and forwarded
// traffic on the peer veths, and internet egress on each NIC's internet
// veth. It keeps no state: Azure's hosts route every packet on its own.
func (e *Emulation) routerNFT(v *topology.VNet) string {
	sets := &nftSets{byKey: map[string]string{}}
	var fwd []string
	add := func(format string, args ...any) { fwd = append(fwd, "\t\t"+fmt.Sprintf(format, args...)) }

	// Peering access in both directions; forwarded traffic (sent by a NIC
	// that is not its source, from outside v) where the peer's half does
	// not allow it. Hop links to an appliance in the peer cross the
	// peering too; hop links to a gateway (transit) do not.
	space := sets.set(v4(v.AddressSpace))
	for _, p := range v.Peerings {
		if !p.Connected() {
			continue
		}
		outs := []string{fmt.Sprintf("%q", fmt.Sprintf("p%d", e.vnetIdx(p.To)))}
		seen := map[string]bool{}
		for _, h := range e.applianceHops[v] {
			if h.to == p.To && !seen[h.veth] {
				seen[h.veth] = true
				outs = append(outs, fmt.Sprintf("%q", h.veth))
			}
		}
		oif := "{ " + strings.Join(outs, ", ") + " }"
		if !p.AllowVirtualNetworkAccess || !p.Reverse.AllowVirtualNetworkAccess {
			add("oifname %s drop", oif)
			continue
		}
		if !p.Reverse.AllowForwardedTraffic {
			for _, n := range e.nicsOf(v) {
				if n.Kind != topology.KindGateway {
					add("iifname \"n%d\" oifname %s ip saddr != %s ip saddr != @%s drop", e.nicIdx[n], oif, n.IP, space)
				}
			}
		}
	}

	// Internet egress: a NAT gateway, an instance public IP or default
	// outbound access; same-region Storage needs none; only an instance
	// public IP carries ICMP. The gateway is no egress point of its own.
	storage := ""
	if st, ok := e.t.Tags.Lookup("Storage." + v.Region); ok {
		storage = sets.set(v4(st.Prefixes()))
	}
	for _, n := range e.nicsOf(v) {
		i := e.nicIdx[n]
		sub := n.Subnet
		isGW := n.Kind == topology.KindGateway
		pip := !isGW && n.PublicIP.IsValid()
		ok := sub.NATGateway != nil || (!isGW && n.Firewall != nil) || pip || sub.DefaultOutboundAccess
		instance := sub.NATGateway == nil && (isGW || n.Firewall == nil) && pip
		switch {
		case !ok && storage != "":
			add("oifname \"i%d\" ip daddr != @%s drop", i, storage)
		case !ok:
			add("oifname \"i%d\" drop", i)
		case !instance:
			add("oifname \"i%d\" meta l4proto icmp drop", i)
		}
	}
	var b strings.Builder
	b.WriteString("table inet xc {\n")
	for _, d := range sets.defs {
		b.WriteString(d)
	}
	fmt.Fprintf(&b, "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n%s\n\t}\n}\n", strings.Join(fwd, "\n"))
	return b.String()
}

// nicNFT renders the filter of NIC n's own namespace, where Azure keeps a
// NIC's flow state: its NSGs, outbound NIC then subnet for what it sends,
// inbound subnet then NIC for what it receives, and both for what it
// forwards, evaluated in the NIC's VNet; conntrack passes replies. An
// appliance also drops what conntrack finds invalid (a TCP reply or ICMP
// echo reply to a request it never saw) and a flow it saw twice in one
// direction with no reply (its request or its reply went another way).
func (e *Emulation) nicNFT(n *topology.NIC) string {
	sets := &nftSets{byKey: map[string]string{}}
	var chains []string
	nsgChain := func(g *topology.NSG, inbound bool) string {
		dir := "out"
		if inbound {
			dir = "in"
		}
		c := fmt.Sprintf("nsg%d_%s", len(chains), dir)
		var body []string
		for _, r := range g.Rules(inbound) {
			for _, l := range e.ruleNFT(r, n.VNet(), sets) {
				body = append(body, "\t\t"+l+" comment "+fmt.Sprintf("%q", g.Name+" "+r.Name))
			}
		}
		chains = append(chains, fmt.Sprintf("\tchain %s {\n%s\n\t}\n", c, strings.Join(body, "\n")))
		return "\t\tjump " + c
	}
	var out, in []string
	if n.Kind != topology.KindPrivateEndpoint || n.Subnet.PENSGEnabled() {
		for _, g := range []*topology.NSG{n.NSG, n.Subnet.NSG} {
			if g != nil {
				out = append(out, nsgChain(g, false))
			}
		}
		for _, g := range []*topology.NSG{n.Subnet.NSG, n.NSG} {
			if g != nil {
				in = append(in, nsgChain(g, true))
			}
		}
	}
	hook := func(name, hook string, pre []string, jumps ...[]string) string {
		body := append([]string{fmt.Sprintf("\t\ttype filter hook %s priority filter; policy accept;", hook)}, pre...)
		body = append(body, "\t\tct state established accept")
		for _, j := range jumps {
			body = append(body, j...)
		}
		return fmt.Sprintf("\tchain %s {\n%s\n\t}\n", name, strings.Join(body, "\n"))
	}
	var b strings.Builder
	b.WriteString("table inet xc {\n")
	body := hook("output", "output", nil, out) + hook("input", "input", nil, in) +
		hook("forward", "forward", []string{"\t\tct state invalid drop", "\t\tct original packets > 1 ct status & seen-reply == 0 drop"}, in, out)
	for _, d := range sets.defs {
		b.WriteString(d)
	}
	for _, c := range chains {
		b.WriteString(c)
	}
	b.WriteString(body)
	b.WriteString("}\n")
	return b.String()
}

func (e *Emulation) nicsOf(v *topology.VNet) []*topology.NIC {
	var out []*topology.NIC
	for _, n := range e.t.NICs {
		if n.VNet() == v {
			out = append(out, n)
		}
	}
	return out
}

// ruleNFT renders one NSG rule evaluated in VNet v: none, one or two nft
// rules that return (Allow) or drop (Deny).
func (e *Emulation) ruleNFT(r *topology.SecurityRule, v *topology.VNet, sets *nftSets) []string {
	verdict := "drop"
	if r.Allow {
		verdict = "return"
	}
	src, ok1 := e.addrNFT("saddr", &r.Src, v, sets)
	dst, ok2 := e.addrNFT("daddr", &r.Dst, v, sets)
	if !ok1 || !ok2 {
		return nil // a side that matches no address
	}
	addrs := strings.TrimSpace(src + " " + dst)
	ports := strings.TrimSpace(portsNFT("sport", r.SrcPorts) + " " + portsNFT("dport", r.DstPorts))
	join := func(parts ...string) string {
		var out []string
		for _, p := range parts {
			if p != "" {
				out = append(out, p)
			}
		}
		return strings.Join(out, " ")
	}
	switch r.Protocol {
	case topology.ProtocolTCP, topology.ProtocolUDP:
		return []string{join("meta l4proto "+strings.ToLower(string(r.Protocol)), ports, addrs, verdict)}
	case topology.ProtocolICMP:
		return []string{join("meta l4proto icmp", addrs, verdict)}
	case topology.ProtocolESP, topology.ProtocolAH:
		return []string{join("meta l4proto "+strings.ToLower(string(r.Protocol)), addrs, verdict)}
	}
	if ports == "" {
		return []string{join(addrs, verdict)}
	}
	// Any protocol with ports: the ports bind TCP and UDP only.
	return []string{
		join("meta l4proto { tcp, udp }", ports, addrs, verdict),
		join("meta l4proto != { tcp, udp }", addrs, verdict),
	}
}

func portsNFT(field string, rs []topology.PortRange) string {
	var parts []string
	for _, r := range rs {
		if r.Lo == 0 && r.Hi == 65535 {
			return ""
		}
		if r.Lo == r.Hi {
			parts = append(parts, fmt.Sprint(r.Lo))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", r.Lo, r.Hi))
		}
	}
	return fmt.Sprintf("th %s { %s }", field, strings.Join(parts, ", "))
}

// addrNFT renders one side of a rule; ok is false when it matches nothing.
func (e *Emulation) addrNFT(field string, m *topology.AddrMatch, v *topology.VNet, sets *nftSets) (string, bool) {
	ip := "ip " + field
	switch {
	case m.Any:
		return "", true
	case m.ASG != "":
		var members []string
		for _, n := range e.t.NICs {
			if n.ASGs[m.ASG] {
				members = append(members, n.IP.String())
			}
		}
		if len(members) == 0 {
			return "", false
		}
		return fmt.Sprintf("%s @%s", ip, sets.set(members)), true
	case m.Tag != "":
		switch strings.ToLower(m.Tag) {
		case "virtualnetwork":
			return fmt.Sprintf("%s @%s", ip, sets.set(v4(v.VirtualNetworkTag.Prefixes()))), true
		case "internet":
			return fmt.Sprintf("%s != @%s %s != @%s %s != %s", ip, sets.set(append([]string(nil), privateRanges...)), ip,
				sets.set(v4(v.VirtualNetworkTag.Prefixes())), ip, topology.AzureDNS), true
		case "azureloadbalancer", "azureplatformdns":
			return fmt.Sprintf("%s %s", ip, topology.AzureDNS), true
		case "azureplatformimds":
			return fmt.Sprintf("%s %s", ip, topology.IMDS), true
		case "azureplatformlkm":
			return "", false
		}
		st, ok := e.t.Tags.Lookup(m.Tag)
		if !ok || len(v4(st.Prefixes())) == 0 {
			return "", false
		}
		return fmt.Sprintf("%s @%s", ip, sets.set(v4(st.Prefixes()))), true
	}
	ps := v4(m.Prefixes.Prefixes())
	if len(ps) == 0 {
		return "", false
	}
	return fmt.Sprintf("%s @%s", ip, sets.set(ps)), true
}
