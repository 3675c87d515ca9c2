package crosscheck

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// Emulation is a compiled scenario rendered as Linux network namespaces:
// the commands that build it and where each endpoint lives. Render only
// writes text; Apply runs it.
//
// The layout:
//
//   - one namespace per NIC (VMs, appliances, the gateway), its address a /32
//     on eth0, its default route to the router of its VNet (169.254.0.1);
//   - one router namespace per VNet (Azure's host routing): a veth n<i> to
//     each of its NICs, a veth p<j> to the router of each connected peer, a
//     veth h<i> to a peer's router for each NIC i of that peer its routes
//     name as a next hop (the peer hands what arrives on it to NIC i), and a
//     veth inet to the internet namespace;
//   - policy routing in the router: what arrives from NIC i is routed by the
//     effective routes of i's subnet (table 1000+subnet); what arrives from
//     a peer is delivered to the router's own NICs (table 100); VnetLocal
//     routes are `throw` into table 100;
//   - the NSGs as nftables chains in the router, on the NIC's veth: outbound
//     (NIC then subnet) when a packet arrives from it, inbound (subnet then
//     NIC) when one leaves to it; conntrack passes replies;
//   - peering access and forwarded traffic as stateless drops on the peer
//     veths; internet egress (NAT gateway, public IP, default outbound
//     access) as drops on the inet veth, with SNAT to an address per NIC so
//     the reply finds its way back to the NIC that sent it;
//   - an appliance is a NIC namespace with ip_forward as its NIC's
//     enableIpForwarding, and conntrack that drops half-open flows (the
//     request or reply went another way);
//   - the gateway's namespace has a second veth to an on-premises namespace
//     holding the gateway's on-premises hosts, which routes to the VNets the
//     gateway advertises.
type Emulation struct {
	t      *topology.Topology
	Prefix string
	// Namespaces lists every namespace, routers first.
	Namespaces []string
	// Links are `ip -batch` lines run in the root namespace (veth pairs).
	Links []string
	// Batch holds `ip -batch` lines per namespace.
	Batch map[string][]string
	// Sysctl and NFT are run in each namespace that has them.
	Sysctl map[string][]string
	NFT    map[string]string

	nicNS    map[*topology.NIC]string
	nicIdx   map[*topology.NIC]int
	routerNS map[*topology.VNet]string
	// Internet is the namespace of the internet; InternetAddrs the addresses it holds.
	Internet      string
	InternetAddrs []netip.Addr
	// OnPrem is the on-premises namespace of each gateway.
	OnPrem map[*topology.Gateway]string

	// Unsupported lists routes the emulation could not express (they drop).
	Unsupported []string

	applianceHops map[*topology.VNet][]hopTo
	made          []string // namespaces Apply created
	macs, links   int
	hopLinks      map[[2]int]netip.Addr // (VNet index, NIC index) -> far address of the hop veth
	peerNext      map[[2]int]netip.Addr // (VNet index, peer index) -> far address of the peering veth
	inetPeer      map[*topology.NIC]netip.Addr
	inetRouter    netip.Addr // the router end of NIC 0's internet link
}

const (
	tableLocal = 100  // the router's own NICs
	tableSub   = 1000 // + NIC index: the effective routes of the NIC's subnet, Internet over the NIC's own link
	tableNIC   = 2000 // + NIC index: everything to NIC i
	routerAddr = "169.254.0.1"
)

// NSOf returns the namespace of NIC n.
func (e *Emulation) NSOf(n *topology.NIC) string { return e.nicNS[n] }

// RouterOf returns the router namespace of VNet v.
func (e *Emulation) RouterOf(v *topology.VNet) string { return e.routerNS[v] }

// NICVeth returns the name of NIC n's veth in its router.
func (e *Emulation) NICVeth(n *topology.NIC) string { return fmt.Sprintf("n%d", e.nicIdx[n]) }

// Render lays out topology t as an emulation whose namespaces start with
// prefix; internet are the addresses the internet namespace answers on.
func Render(t *topology.Topology, prefix string, internet []netip.Addr) *Emulation {
	e := &Emulation{t: t, Prefix: prefix, Batch: map[string][]string{}, Sysctl: map[string][]string{}, NFT: map[string]string{},
		nicNS: map[*topology.NIC]string{}, nicIdx: map[*topology.NIC]int{}, routerNS: map[*topology.VNet]string{},
		OnPrem: map[*topology.Gateway]string{}, hopLinks: map[[2]int]netip.Addr{}, peerNext: map[[2]int]netip.Addr{},
		inetPeer: map[*topology.NIC]netip.Addr{}, InternetAddrs: internet, applianceHops: map[*topology.VNet][]hopTo{}}
	for i, v := range t.VNets {
		ns := fmt.Sprintf("%sr%d", prefix, i)
		e.routerNS[v] = ns
		e.addNS(ns)
		e.Sysctl[ns] = []string{"net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
			"net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0"}
	}
	for i, n := range t.NICs {
		e.nicIdx[n] = i
		e.nicNS[n] = fmt.Sprintf("%sn%d", prefix, i)
		e.addNS(e.nicNS[n])
	}
	e.Internet = prefix + "i"
	e.addNS(e.Internet)
	e.Sysctl[e.Internet] = []string{"net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"}
	for i, g := range t.Gateways {
		e.OnPrem[g] = fmt.Sprintf("%so%d", prefix, i)
		e.addNS(e.OnPrem[g])
	}
	for _, n := range t.NICs {
		e.renderNIC(n)
	}
	e.renderPeerings()
	e.renderInternet()
	for _, g := range t.Gateways {
		e.renderOnPrem(g)
	}
	for _, n := range t.NICs {
		e.renderRoutes(n)
	}
	for _, v := range t.VNets {
		e.NFT[e.routerNS[v]] = e.routerNFT(v)
		r := e.routerNS[v]
		e.Batch[r] = append(e.Batch[r], fmt.Sprintf("rule add pref 20000 lookup %d", tableLocal))
	}
	return e
}

func (e *Emulation) addNS(ns string) {
	e.Namespaces = append(e.Namespaces, ns)
	e.Batch[ns] = append(e.Batch[ns], "link set lo up")
}

func (e *Emulation) mac() string {
	e.macs++
	return fmt.Sprintf("02:00:00:00:%02x:%02x", e.macs>>8, e.macs&0xff)
}

// veth links namespace na (interface an) with nb (bn) and returns the MACs.
func (e *Emulation) veth(na, an, nb, bn string) (string, string) {
	ma, mb := e.mac(), e.mac()
	e.Links = append(e.Links, fmt.Sprintf("link add %s address %s netns %s type veth peer name %s address %s netns %s", an, ma, na, bn, mb, nb))
	e.Batch[na] = append(e.Batch[na], "link set "+an+" up")
	e.Batch[nb] = append(e.Batch[nb], "link set "+bn+" up")
	return ma, mb
}

// p2p links na and nb with a /30 of 169.254.0.0/16 (above 169.254.1.0)
// and static neighbours, and returns the addresses of the a and b ends.
func (e *Emulation) p2p(na, an, nb, bn string) (netip.Addr, netip.Addr) {
	ma, mb := e.veth(na, an, nb, bn)
	e.links++
	base := 256 + 4*e.links
	a := netip.AddrFrom4([4]byte{169, 254, byte(base >> 8), byte(base&0xff) + 1})
	b := a.Next()
	e.Batch[na] = append(e.Batch[na], fmt.Sprintf("addr add %s/30 dev %s", a, an), fmt.Sprintf("neigh replace %s lladdr %s dev %s nud permanent", b, mb, an))
	e.Batch[nb] = append(e.Batch[nb], fmt.Sprintf("addr add %s/30 dev %s", b, bn), fmt.Sprintf("neigh replace %s lladdr %s dev %s nud permanent", a, ma, bn))
	return a, b
}

// renderNIC links NIC n to its VNet's router, and that router to the
// internet namespace on n's behalf (the link n's internet traffic leaves
// by, so the reply comes back to n: the NIC that sent it into its subnet's
// routes is the egress point).
func (e *Emulation) renderNIC(n *topology.NIC) {
	r, ns, i := e.routerNS[n.VNet()], e.nicNS[n], e.nicIdx[n]
	rv := fmt.Sprintf("n%d", i)
	mr, mn := e.veth(r, rv, ns, "eth0")
	e.Batch[ns] = append(e.Batch[ns],
		fmt.Sprintf("addr add %s/32 dev eth0", n.IP),
		fmt.Sprintf("neigh replace %s lladdr %s dev eth0 nud permanent", routerAddr, mr),
		fmt.Sprintf("route add %s/32 dev eth0", routerAddr),
		fmt.Sprintf("route add default via %s dev eth0", routerAddr))
	e.Batch[r] = append(e.Batch[r],
		fmt.Sprintf("addr add %s/32 dev %s", routerAddr, rv),
		fmt.Sprintf("neigh replace %s lladdr %s dev %s nud permanent", n.IP, mn, rv),
		fmt.Sprintf("route add %s/32 dev %s table %d", n.IP, rv, tableLocal),
		fmt.Sprintf("route add default via %s dev %s onlink table %d", n.IP, rv, tableNIC+i),
		fmt.Sprintf("rule add pref %d iif %s lookup %d", 1000+i, rv, tableSub+i))

	in := e.Internet
	ra, ia := e.p2p(r, fmt.Sprintf("i%d", i), in, fmt.Sprintf("x%d", i))
	e.inetPeer[n] = ia
	if i == 0 {
		e.inetRouter = ra
	}
	e.Batch[r] = append(e.Batch[r], fmt.Sprintf("rule add pref 800 iif i%d lookup %d", i, tableNIC+i))
	e.Batch[in] = append(e.Batch[in], fmt.Sprintf("route add default via %s dev x%d table %d", ra, i, tableNIC+i),
		fmt.Sprintf("rule add pref 800 fwmark %d lookup %d", i+1, tableNIC+i))

	if n.IPForwarding || n.Kind == topology.KindGateway {
		e.Sysctl[ns] = append(e.Sysctl[ns], "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
			"net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.eth0.send_redirects=0")
	}
	if n.Kind != topology.KindGateway {
		e.Sysctl[ns] = append(e.Sysctl[ns], "net.netfilter.nf_conntrack_acct=1")
		e.NFT[ns] = e.nicNFT(n)
	}
}

// renderPeerings links the routers of every connected peering once.
func (e *Emulation) renderPeerings() {
	for _, p := range e.t.Peerings {
		if !p.Connected() || e.vnetIdx(p.From) > e.vnetIdx(p.To) {
			continue
		}
		a, b := e.routerNS[p.From], e.routerNS[p.To]
		fi, ti := e.vnetIdx(p.From), e.vnetIdx(p.To)
		aa, ba := e.p2p(a, fmt.Sprintf("p%d", ti), b, fmt.Sprintf("p%d", fi))
		e.peerNext[[2]int{fi, ti}], e.peerNext[[2]int{ti, fi}] = ba, aa
		e.Batch[a] = append(e.Batch[a], fmt.Sprintf("rule add pref 900 iif p%d lookup %d", e.vnetIdx(p.To), tableLocal))
		e.Batch[b] = append(e.Batch[b], fmt.Sprintf("rule add pref 900 iif p%d lookup %d", e.vnetIdx(p.From), tableLocal))
	}
}

func (e *Emulation) vnetIdx(v *topology.VNet) int {
	for i, x := range e.t.VNets {
		if x == v {
			return i
		}
	}
	return -1
}

// hopLink returns the veth in v's router that leads to NIC n in a peer and
// the address at its far end, creating it on first use: the peer's router
// sends what arrives on it to n.
func (e *Emulation) hopLink(v *topology.VNet, n *topology.NIC) (string, netip.Addr) {
	key := [2]int{e.vnetIdx(v), e.nicIdx[n]}
	name := fmt.Sprintf("h%d", key[1])
	if far, ok := e.hopLinks[key]; ok {
		return name, far
	}
	a, b := e.routerNS[v], e.routerNS[n.VNet()]
	farName := fmt.Sprintf("k%dx%d", key[0], key[1])
	_, far := e.p2p(a, name, b, farName)
	e.Batch[b] = append(e.Batch[b], fmt.Sprintf("rule add pref 900 iif %s lookup %d", farName, tableNIC+key[1]))
	e.hopLinks[key] = far
	return name, far
}

// renderInternet gives the internet namespace its addresses and sends each
// reply back over the link its request came in on.
func (e *Emulation) renderInternet() {
	in := e.Internet
	for _, a := range e.InternetAddrs {
		e.Batch[in] = append(e.Batch[in], fmt.Sprintf("addr add %s/32 dev lo", a))
	}
	// A default route lets a reply's first route lookup succeed; the
	// output chain then marks it and the mark's rule reroutes it.
	if len(e.t.NICs) > 0 {
		e.Batch[in] = append(e.Batch[in], fmt.Sprintf("route add default via %s dev x0", e.inetRouter))
	}
	var marks []string
	for _, n := range e.t.NICs {
		marks = append(marks, fmt.Sprintf("\t\tiifname \"x%d\" ct state new ct mark set %d", e.nicIdx[n], e.nicIdx[n]+1))
	}
	e.NFT[in] = fmt.Sprintf("table inet xc {\n\tchain pre {\n\t\ttype filter hook prerouting priority mangle; policy accept;\n%s\n\t}\n"+
		"\tchain out {\n\t\ttype route hook output priority mangle; policy accept;\n\t\tmeta mark set ct mark\n\t}\n}\n", strings.Join(marks, "\n"))
}

// renderOnPrem links gateway g's NIC to an on-premises namespace that holds
// its hosts and routes to the VNets the gateway advertises.
func (e *Emulation) renderOnPrem(g *topology.Gateway) {
	on, gw := e.OnPrem[g], e.nicNS[g.NIC]
	ga, oa := e.p2p(gw, "onp", on, "gw")
	for _, p := range g.OnPremises {
		if p.Addr().Is4() {
			e.Batch[gw] = append(e.Batch[gw], fmt.Sprintf("route add %s via %s dev onp", p, oa))
		}
	}
	var hosts []string
	for _, a := range g.Hosts {
		hosts = append(hosts, a.String())
	}
	sort.Strings(hosts)
	for _, a := range hosts {
		e.Batch[on] = append(e.Batch[on], fmt.Sprintf("addr add %s/32 dev lo", a))
	}
	for _, v := range e.t.VNets {
		if v != g.VNet && !advertises(g, v) {
			continue
		}
		for _, p := range v.AddressSpace {
			e.Batch[on] = append(e.Batch[on], fmt.Sprintf("route add %s via %s dev gw", p, ga))
		}
	}
}

// advertises reports whether gateway g advertises VNet v on premises: v
// peers with g's VNet using its gateway, which allows gateway transit.
func advertises(g *topology.Gateway, v *topology.VNet) bool {
	for _, p := range v.Peerings {
		if p.Connected() && p.To == g.VNet && p.UseRemoteGateways && p.Reverse.AllowGatewayTransit {
			return true
		}
	}
	return false
}
