package dnsmock

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/miekg/dns"

	"github.com/vnetsim/vnetsim/topology"
)

// TTLs of the records vnetsim generates. Explicit records keep their own.
const (
	ttlPublic       = 300  // public CNAMEs and frontends
	ttlZoneGroup    = 10   // A records written by a private endpoint zone group
	ttlRegistration = 10   // autoregistered VMs
	ttlRecord       = 3600 // explicit records without a ttl
	ttlOutside      = 300  // the stand-in answer for a name outside the scenario
)

// maxChain bounds a CNAME chain; a longer one is a loop.
const maxChain = 16

// maxForwarding bounds a chain of DNS servers forwarding to each other.
const maxForwarding = 8

// Failure reasons, the same stable codes traces use.
const (
	ReasonNXDomain    = "dns-nxdomain"
	ReasonNoData      = "dns-nodata"
	ReasonUnreachable = "dns-unreachable"
	ReasonServFail    = "dns-servfail"
	ReasonRefused     = "dns-refused"
	ReasonBadName     = "dns-invalid-name"
)

// FlowFunc traces the DNS query from a client, or from a DNS server that
// forwards it, to a DNS server on port 53 over proto (Udp or Tcp), through
// routes, NSGs, peerings and gateways. server has its NIC set when it is a
// VM, since VNets that are not peered may reuse addresses; otherwise only
// its address (168.63.129.16, on-premises, the internet). Package sim
// provides it.
type FlowFunc func(from, server Client, proto topology.Protocol) Flow

// Flow is the outcome of tracing a DNS query to its server.
type Flow struct {
	Allowed   bool
	Reason    string   // a trace reason code when denied
	Message   string   // why it was denied
	BlockedBy *Blocker // what denied it
	Path      string   // a one-line summary of the hops
}

// Blocker names the resource that decided a failure, as a trace's blockedBy.
type Blocker struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Resource string `json:"resource"`
}

// Client is who asks: a NIC, an address in a subnet, or an address outside
// Azure (Subnet nil).
type Client struct {
	Name   string
	Addr   netip.Addr
	NIC    *topology.NIC
	Subnet *topology.Subnet
}

// VNet returns the client's VNet, or nil outside Azure.
func (c Client) VNet() *topology.VNet {
	if c.Subnet == nil {
		return nil
	}
	return c.Subnet.VNet
}

// Label names the client in steps: its name, else its address.
func (c Client) Label() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Addr.String()
}

// Query is one question.
type Query struct {
	Name string
	// Type is a DNS RR type (dns.TypeA, ...); zero means A.
	Type uint16
	// Protocol is how the query travels: Udp (the default) or Tcp.
	Protocol topology.Protocol
	// Outside, when set, answers a name the scenario does not govern with a
	// stand-in internet address (topology.InternetHost) instead of REFUSED:
	// traces use it to reach names such as pypi.org.
	Outside bool
}

// Record is one answer record.
type Record struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	TTL   uint32 `json:"ttl"`
	Value string `json:"value"`
}

// Step is one thing a resolver, server or zone did with the query.
type Step struct {
	// Server is who acted: the client, 168.63.129.16, a DNS server VM, or
	// "public DNS".
	Server string `json:"server"`
	// Action is hosts, send, unreachable, zone, public, forward, fallback,
	// nxdomain, nodata, servfail, refused, outside or answer.
	Action string `json:"action"`
	Zone   string `json:"zone,omitempty"`
	Name   string `json:"name,omitempty"`
	Detail string `json:"detail"`
}

// Diagnosis explains a failure, or why a name with a private endpoint was
// answered from public DNS.
type Diagnosis struct {
	Reason    string   `json:"reason,omitempty"`
	BlockedBy *Blocker `json:"blockedBy,omitempty"`
	Message   string   `json:"message"`
}

// Answer is the outcome of a query, in the shape `vnetsim dns query -o json`
// prints.
type Answer struct {
	Version int      `json:"version"`
	From    string   `json:"from"`
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Rcode   string   `json:"rcode"`
	Answers []Record `json:"answers"`
	Steps   []Step   `json:"steps"`
	// Failure is set when the query got no address: NXDOMAIN, no data,
	// SERVFAIL, REFUSED.
	Failure *Diagnosis `json:"failure,omitempty"`
	// PrivateLinkGap is set when the chain crossed a privatelink name that
	// was answered from public DNS: it names the missing link, record or
	// forwarder.
	PrivateLinkGap *Diagnosis `json:"privateLinkGap,omitempty"`
	// Outside is set when the name is outside the scenario and the answer
	// is a stand-in internet address.
	Outside bool `json:"outside,omitempty"`

	code int
	rrs  []rr
	// authority is the private DNS zone whose SOA goes in the authority
	// section of a negative answer (RFC 2308 section 3), or "".
	authority string
}

// RcodeValue returns the DNS response code.
func (a *Answer) RcodeValue() int { return a.code }

// Addrs returns the addresses the name resolved to.
func (a *Answer) Addrs() []netip.Addr {
	var out []netip.Addr
	for _, r := range a.rrs {
		if r.addr.IsValid() {
			out = append(out, r.addr)
		}
	}
	return out
}

// rr is an answer record as the server writes it.
type rr struct {
	name  string // canonical, no trailing dot
	ttl   uint32
	cname string
	addr  netip.Addr
	soa   bool // the SOA of the private DNS zone whose apex is name
}

// The SOA record Azure gives every private DNS zone at its apex (the
// Microsoft.Network/privateDnsZones/SOA resource "@"; its host is not
// editable, and vnetsim does not model editing the rest).
const (
	soaTTL     = 3600
	soaHost    = "azureprivatedns.net."
	soaMbox    = "azureprivatedns-host.microsoft.com."
	soaSerial  = 1
	soaRefresh = 3600
	soaRetry   = 300
	soaExpire  = 2419200
	soaMinTTL  = 10
)

// SOA returns the SOA record of the private DNS zone whose apex is zone.
func SOA(zone string, ttl uint32) *dns.SOA {
	return &dns.SOA{Hdr: dns.RR_Header{Name: dns.Fqdn(zone), Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: ttl},
		Ns: soaHost, Mbox: soaMbox, Serial: soaSerial, Refresh: soaRefresh, Retry: soaRetry, Expire: soaExpire, Minttl: soaMinTTL}
}

func (r rr) record() Record {
	switch {
	case r.soa:
		soa := SOA(r.name, r.ttl)
		return Record{Name: r.name + ".", Type: "SOA", TTL: r.ttl, Value: strings.TrimPrefix(soa.String(), soa.Hdr.String())}
	case r.cname != "":
		return Record{Name: r.name + ".", Type: "CNAME", TTL: r.ttl, Value: r.cname + "."}
	case r.addr.Is4():
		return Record{Name: r.name + ".", Type: "A", TTL: r.ttl, Value: r.addr.String()}
	}
	return Record{Name: r.name + ".", Type: "AAAA", TTL: r.ttl, Value: r.addr.String()}
}

// rrset is the records of one name in a zone or in public DNS.
type rrset struct {
	cname  string
	addrs  []netip.Addr
	ttl    uint32
	origin string // where the records come from, for steps
	// For the public records of a privatelink name: the private DNS zone
	// that should answer it instead.
	zone        string
	forwardZone string
	service     *topology.Service
	group       string
}

type link struct {
	redirect     bool
	registration bool
}

type zone struct {
	name  string
	links map[*topology.VNet]link
	sets  map[string]*rrset
	nodes map[string]bool // names that exist, empty non-terminals included
}

func (z *zone) add(name string, s *rrset, overwrite bool) {
	if prev := z.sets[name]; prev != nil && !overwrite {
		return
	}
	z.sets[name] = s
	for n := name; n != "" && topology.InZone(n, z.name); n = parent(n) {
		z.nodes[n] = true
	}
}

// lookup finds name's records: exact, or through a wildcard at the closest
// encloser (RFC 4592). exists reports whether the name exists at all, so
// that nil, true is NODATA and nil, false is NXDOMAIN.
func (z *zone) lookup(name string) (s *rrset, exists bool) {
	if s := z.sets[name]; s != nil {
		return s, true
	}
	if z.nodes[name] || name == z.name {
		return nil, true
	}
	for p := parent(name); p != "" && topology.InZone(p, z.name); p = parent(p) {
		if z.nodes[p] || p == z.name {
			if w := z.sets["*."+p]; w != nil {
				return w, true
			}
			return nil, false
		}
	}
	return nil, false
}

func parent(name string) string {
	_, rest, ok := strings.Cut(name, ".")
	if !ok {
		return ""
	}
	return rest
}

// dnsVM is a VM with a DNS server role.
type dnsVM struct {
	nic   *topology.NIC
	role  *topology.DNSServerRole
	hosts map[string]netip.Addr
}

func (d *dnsVM) client() Client {
	return Client{Name: d.nic.Name, Addr: d.nic.IP, NIC: d.nic, Subnet: d.nic.Subnet}
}

type firewallDNS = topology.FirewallDNS

// Resolver answers queries in the DNS view of any client of one scenario.
// It is built once by New and only read afterwards.
type Resolver struct {
	flow      FlowFunc
	zones     map[string]*zone
	public    map[string]*rrset
	patterns  map[string]*rrset // public wildcards by the suffix after "*."
	catalog   map[*topology.Service][]CatalogName
	plOwner   map[string]*topology.Service // privatelink name → service
	t         *topology.Topology
	vmOf      map[*topology.NIC]*dnsVM
	firewalls map[netip.Addr]*firewallDNS
	vnets     []*topology.VNet
	gateways  []*topology.Gateway
	// serverHosts are the host records DNS server VMs answer.
	serverHosts map[string]bool
	// managed holds the names a workspace's managed network resolves to its
	// own private endpoints (Microsoft manages that DNS; seed 003).
	managed map[*topology.VNet]map[string]netip.Addr
}

// New builds the resolver of a topology. flow traces DNS queries as flows;
// nil lets every query through (for tests of the DNS rules alone).
func New(t *topology.Topology, flow FlowFunc) *Resolver {
	r := &Resolver{
		flow: flow, zones: map[string]*zone{}, public: map[string]*rrset{}, patterns: map[string]*rrset{},
		catalog: map[*topology.Service][]CatalogName{}, plOwner: map[string]*topology.Service{},
		t: t, vmOf: map[*topology.NIC]*dnsVM{}, firewalls: map[netip.Addr]*firewallDNS{},
		vnets: t.VNets, gateways: t.Gateways, serverHosts: map[string]bool{},
	}
	r.buildPublic(t)
	r.buildZones(t)
	for _, n := range t.DNSServerNICs() {
		role, _ := t.DNSServerRole(n)
		d := &dnsVM{nic: n, role: role, hosts: n.Hosts}
		r.vmOf[n] = d
		for h := range n.Hosts {
			r.serverHosts[h] = true
		}
	}
	for _, f := range t.FirewallsDNS() {
		r.firewalls[f.IP] = &f
	}
	r.buildManaged(t)
	return r
}

// buildManaged writes the managed network's DNS: every catalog name of a
// service sub-resource that has a private endpoint in the managed VNet maps
// to that endpoint.
func (r *Resolver) buildManaged(t *topology.Topology) {
	if t.ML == nil || t.ML.Managed == nil || t.ML.Managed.VNet == nil {
		return
	}
	m := t.ML.Managed
	names := map[string]netip.Addr{}
	for pe := range m.Endpoints {
		for _, n := range Catalog(pe.Service, computeInstances(t, pe.Service)) {
			if n.Group == pe.GroupID && !n.Wildcard() {
				names[n.FQDN] = pe.NIC.IP
			}
		}
	}
	r.managed = map[*topology.VNet]map[string]netip.Addr{m.VNet: names}
}

// computeInstances returns the compute instances of the scenario's
// workspace, which name them.
func computeInstances(t *topology.Topology, svc *topology.Service) []string {
	if t.ML == nil || t.ML.Workspace != svc {
		return nil
	}
	var out []string
	for _, c := range t.Computes {
		if c.Type == "ComputeInstance" {
			out = append(out, c.Name)
		}
	}
	return out
}

func hasEndpoint(svc *topology.Service, group string) bool {
	for _, pe := range svc.PrivateEndpoints {
		if pe.GroupID == group {
			return true
		}
	}
	return false
}

// buildPublic writes public DNS: frontends, then each service's names.
func (r *Resolver) buildPublic(t *topology.Topology) {
	used := map[string]bool{}
	for _, svc := range t.Services {
		names := Catalog(svc, computeInstances(t, svc))
		r.catalog[svc] = names
		fe := label(svc.Name)
		for i := 2; used[fe]; i++ {
			fe = fmt.Sprintf("%s-%d", label(svc.Name), i)
		}
		used[fe] = true
		fe += "." + svc.Region + "." + frontendSuffix
		if svc.PublicIP.IsValid() {
			r.public[fe] = &rrset{addrs: []netip.Addr{svc.PublicIP}, ttl: ttlPublic, origin: "public frontend of " + svc.Name, service: svc}
		}
		for _, n := range names {
			target := fe
			if n.PrivateLink != "" && hasEndpoint(svc, n.Group) {
				target = n.PrivateLink
				if n.Own {
					pl := &rrset{cname: fe, ttl: ttlPublic, origin: "public DNS of " + svc.Name, zone: n.Zone, forwardZone: n.ForwardZone, service: svc, group: n.Group}
					r.putPublic(n.PrivateLink, pl)
					r.plOwner[n.PrivateLink] = svc
				}
			}
			r.putPublic(n.FQDN, &rrset{cname: target, ttl: ttlPublic, origin: "public DNS of " + svc.Name, forwardZone: n.ForwardZone, service: svc, group: n.Group})
		}
	}
}

func (r *Resolver) putPublic(name string, s *rrset) {
	if rest, ok := strings.CutPrefix(name, "*."); ok {
		if r.patterns[rest] == nil {
			r.patterns[rest] = s
		}
		return
	}
	if r.public[name] == nil {
		r.public[name] = s
	}
}

// publicLookup returns name's public records, if public DNS has any.
func (r *Resolver) publicLookup(name string) *rrset {
	if s := r.public[name]; s != nil {
		return s
	}
	first, rest, ok := strings.Cut(name, ".")
	if !ok {
		return nil
	}
	p := r.patterns[rest]
	if p == nil {
		return nil
	}
	s := *p
	if t, ok := strings.CutPrefix(s.cname, "*."); ok {
		s.cname = first + "." + t
	}
	return &s
}

// buildZones writes the private DNS zones: explicit records, autoregistered
// VMs, and the A records of private endpoint zone groups.
func (r *Resolver) buildZones(t *topology.Topology) {
	for _, zs := range t.DNSZones {
		z := &zone{name: zs.Name, links: map[*topology.VNet]link{}, sets: map[string]*rrset{}, nodes: map[string]bool{}}
		z.nodes[z.name] = true
		for _, l := range zs.Links {
			z.links[l.VNet] = link{redirect: l.NxDomainRedirect, registration: l.Registration}
		}
		for _, rec := range zs.Records {
			ttl := uint32(ttlRecord)
			if rec.TTL > 0 {
				ttl = uint32(rec.TTL)
			}
			s := z.sets[rec.Name]
			if s == nil {
				s = &rrset{ttl: ttl, origin: "record " + rec.Label}
			}
			switch rec.Type {
			case "CNAME":
				if len(s.addrs) == 0 && rec.Target != "" {
					s.cname = rec.Target
				}
			default:
				if s.cname != "" {
					continue
				}
				s.addrs = append(s.addrs, rec.Addrs...)
			}
			z.add(rec.Name, s, true)
		}
		for v, l := range z.links {
			if !l.registration {
				continue
			}
			for _, n := range t.NICs {
				if n.Kind == topology.KindVM && n.VNet() == v {
					z.add(label(n.Name)+"."+z.name, &rrset{addrs: []netip.Addr{n.IP}, ttl: ttlRegistration, origin: "autoregistration of VM " + n.Name + " (" + v.Name + ")"}, false)
				}
			}
		}
		r.zones[z.name] = z
	}
	// Zone groups: each private endpoint writes the A record of every
	// privatelink name of its sub-resource into the most specific zone of
	// its group that holds the name. A later endpoint overwrites an earlier
	// one's record; an explicit record is never overwritten.
	for _, pe := range t.PrivateEndpoints {
		for _, n := range r.catalog[pe.Service] {
			if !n.Own || n.PrivateLink == "" || n.Group != pe.GroupID {
				continue
			}
			var best *zone
			for _, zn := range pe.Zones {
				z := r.zones[topology.CanonicalName(zn)]
				if z != nil && topology.InZone(n.PrivateLink, z.name) && (best == nil || len(z.name) > len(best.name)) {
					best = z
				}
			}
			if best == nil {
				continue
			}
			if prev := best.sets[n.PrivateLink]; prev != nil && strings.HasPrefix(prev.origin, "record ") {
				continue
			}
			best.add(n.PrivateLink, &rrset{addrs: []netip.Addr{pe.NIC.IP}, ttl: ttlZoneGroup, origin: "zone group of private endpoint " + pe.Name}, true)
		}
	}
}

// recordName turns a record name as written in a zone (relative, "@" for
// the apex, or absolute with a trailing dot) into an FQDN.
// linkedZone returns the most specific private zone linked to v that holds name.
func (r *Resolver) linkedZone(v *topology.VNet, name string) (*zone, link) {
	for n := name; n != ""; n = parent(n) {
		if z := r.zones[n]; z != nil {
			if l, ok := z.links[v]; ok {
				return z, l
			}
		}
	}
	return nil, link{}
}

// scenarioZone returns the most specific private zone of the scenario,
// linked or not, that holds name.
func (r *Resolver) scenarioZone(name string) *zone {
	for n := name; n != ""; n = parent(n) {
		if z := r.zones[n]; z != nil {
			return z
		}
	}
	return nil
}

// Governs reports whether the scenario governs name in c's view: a name in
// public DNS as the scenario defines it, under one of its private zones, a
// host record of a DNS server, or in c's hosts file.
func (r *Resolver) Governs(c Client, name string) bool {
	name = topology.CanonicalName(name)
	if c.NIC != nil {
		if _, ok := c.NIC.Hosts[name]; ok {
			return true
		}
	}
	return r.governed(name)
}

func (r *Resolver) governed(name string) bool {
	return r.publicLookup(name) != nil || r.scenarioZone(name) != nil || r.serverHosts[name]
}

// Catalog returns the FQDNs of a service.
func (r *Resolver) Catalog(svc *topology.Service) []CatalogName { return r.catalog[svc] }

// PrimaryFQDN returns the name a client uses for svc: the workspace API,
// the blob endpoint, the vault, the registry login server.
func (r *Resolver) PrimaryFQDN(svc *topology.Service) (string, bool) {
	names := r.catalog[svc]
	if len(names) == 0 {
		return "", false
	}
	return names[0].FQDN, true
}

// typeName returns the mnemonic of an RR type.
func typeName(t uint16) string {
	if s, ok := dns.TypeToString[t]; ok {
		return s
	}
	return fmt.Sprintf("TYPE%d", t)
}

// result is what one server answered.
type result struct {
	code      int
	rrs       []rr
	failure   *Diagnosis
	gap       *Diagnosis
	outside   bool
	authority string // the private zone of a negative answer
}

// failed reports whether a stub resolver would try its next server.
func (res result) failed() bool { return res.code == dns.RcodeServerFailure }

func servfail(reason string, by *Blocker, format string, args ...any) result {
	return result{code: dns.RcodeServerFailure, failure: &Diagnosis{Reason: reason, BlockedBy: by, Message: fmt.Sprintf(format, args...)}}
}

// run is one query being resolved.
type run struct {
	r     *Resolver
	q     Query
	name  string // the question, canonical
	qtype uint16
	steps []Step
	// rulesetHops counts the DNS forwarding rules the query went through.
	rulesetHops int
}

func (rn *run) step(server, action, zone, name, format string, args ...any) {
	rn.steps = append(rn.steps, Step{Server: server, Action: action, Zone: zone, Name: name, Detail: fmt.Sprintf(format, args...)})
}

// Resolve answers q in the DNS view of c, as c's resolver would: its hosts
// file, then its VNet's DNS servers in order (168.63.129.16 when the VNet
// names none), each query traced as a flow; a client outside Azure asks
// public DNS.
func (r *Resolver) Resolve(c Client, q Query) *Answer {
	if q.Type == 0 {
		q.Type = dns.TypeA
	}
	if q.Protocol == "" {
		q.Protocol = topology.ProtocolUDP
	}
	name := topology.CanonicalName(q.Name)
	rn := &run{r: r, q: q, name: name, qtype: q.Type}
	ans := &Answer{Version: 1, From: c.Label(), Name: name + ".", Type: typeName(q.Type), Answers: []Record{}}
	if c.Addr.IsValid() && c.Name != "" && c.Name != c.Addr.String() {
		ans.From = fmt.Sprintf("%s (%s)", c.Name, c.Addr)
	}
	res := rn.resolve(c)
	ans.Steps = rn.steps
	ans.code = res.code
	ans.Rcode = dns.RcodeToString[res.code]
	ans.rrs = res.rrs
	for _, x := range res.rrs {
		ans.Answers = append(ans.Answers, x.record())
	}
	ans.Failure, ans.PrivateLinkGap, ans.Outside, ans.authority = res.failure, res.gap, res.outside, res.authority
	if res.code == dns.RcodeSuccess && !rn.answered(res.rrs) && ans.Failure == nil {
		// NODATA: the name exists (or stands for an internet name) but
		// has no record of the type.
		ans.Failure = &Diagnosis{Reason: ReasonNoData, Message: fmt.Sprintf("%s exists but has no %s record", name, ans.Type)}
	}
	final := ans.Rcode
	if len(ans.Answers) > 0 {
		vals := make([]string, 0, len(ans.Answers))
		for _, a := range ans.Answers {
			vals = append(vals, a.Type+" "+a.Value)
		}
		final += ": " + strings.Join(vals, ", ")
	} else if res.code == dns.RcodeSuccess {
		final += ", no " + ans.Type + " record"
	}
	ans.Steps = append(ans.Steps, Step{Server: c.Label(), Action: "answer", Name: name, Detail: fmt.Sprintf("%s %s: %s", name, ans.Type, final)})
	return ans
}

func (rn *run) resolve(c Client) result {
	if err := topology.CheckDNSName(rn.name); err != nil || strings.HasPrefix(rn.name, "*") {
		rn.step(c.Label(), "refused", "", rn.name, "%q is not a valid host name", rn.name)
		return result{code: dns.RcodeFormatError, failure: &Diagnosis{Reason: ReasonBadName, Message: fmt.Sprintf("%q is not a valid host name", rn.name)}}
	}
	if c.NIC != nil {
		if a, ok := c.NIC.Hosts[rn.name]; ok && rn.addrType(a) {
			rn.step(c.Label(), "hosts", "", rn.name, "hosts file of %s: %s -> %s", c.Label(), rn.name, a)
			return result{code: dns.RcodeSuccess, rrs: []rr{{name: rn.name, addr: a}}}
		}
	}
	if v := c.VNet(); v != nil {
		if a, ok := rn.r.managed[v][rn.name]; ok && rn.addrType(a) {
			rn.step("managed network DNS", "managed", "", rn.name, "the managed network of the workspace resolves %s to its private endpoint %s", rn.name, a)
			return result{code: dns.RcodeSuccess, rrs: []rr{{name: rn.name, addr: a}}}
		}
	}
	if !rn.q.Outside && !rn.r.Governs(c, rn.name) {
		rn.step(c.Label(), "refused", "", rn.name, "%s is not a name this scenario governs (no service, private DNS zone, host record or hosts entry has it); vnetsim never resolves it on the real internet", rn.name)
		return result{code: dns.RcodeRefused, failure: &Diagnosis{Reason: ReasonRefused, Message: fmt.Sprintf("%s is not a name this scenario governs", rn.name)}}
	}
	v := c.VNet()
	if v == nil {
		rn.step("public DNS", "query", "", rn.name, "%s is outside Azure and resolves %s with public DNS (its own DNS servers are not part of the scenario)", c.Label(), rn.name)
		return rn.chase(nil, &publicContext{server: "public DNS", blocker: nil, why: c.Label() + " is outside Azure and resolves with public DNS"}, rn.name)
	}
	servers := v.DNSServers
	if len(servers) == 0 {
		servers = []netip.Addr{topology.AzureDNS}
	}
	var first result
	for i, s := range servers {
		res := rn.ask(c, s, nil)
		if !res.failed() {
			return res
		}
		if i == 0 {
			first = res
		}
		if i+1 < len(servers) {
			rn.step(c.Label(), "retry", "", rn.name, "%s failed (%s); trying the next DNS server of %s, %s", s, res.failure.Reason, v.Name, servers[i+1])
		}
	}
	return first
}

// answered reports whether rrs hold a record of the query's type.
func (rn *run) answered(rrs []rr) bool {
	for _, r := range rrs {
		switch {
		case r.soa:
			if rn.qtype == dns.TypeSOA {
				return true
			}
		case r.cname != "":
			if rn.qtype == dns.TypeCNAME {
				return true
			}
		case rn.addrType(r.addr):
			return true
		}
	}
	return false
}

// addrType reports whether a is an answer to the query's type.
func (rn *run) addrType(a netip.Addr) bool {
	return rn.qtype == dns.TypeA && a.Is4() || rn.qtype == dns.TypeAAAA && a.Is6()
}

// serverKind says what listens at a DNS server address.
type serverKind int

const (
	serverNone serverKind = iota
	serverAzure
	serverVM
	serverFirewall
	serverResolver // a DNS private resolver's inbound endpoint
	serverOnPrem
	serverInternet
)

type server struct {
	kind serverKind
	vm   *dnsVM
	fw   *firewallDNS
	in   *topology.ResolverEndpoint
	gw   *topology.Gateway
	why  string // for serverNone
}

// serverAt finds what listens at a, preferring a DNS server VM in near, then
// in a connected peer of near (VNets that are not peered may reuse addresses).
func (r *Resolver) serverAt(a netip.Addr, near *topology.VNet) server {
	if a == topology.AzureDNS {
		return server{kind: serverAzure}
	}
	if n := r.t.DNSServerAt(a, near); n != nil {
		return server{kind: serverVM, vm: r.vmOf[n]}
	}
	if s, ok := r.inboundServer(a); ok {
		return s
	}
	if f := r.firewalls[a]; f != nil {
		if !f.DNSProxy {
			return server{kind: serverNone, why: fmt.Sprintf("firewall %s does not listen on port 53 (dnsProxy: false)", f.Name)}
		}
		return server{kind: serverFirewall, fw: f}
	}
	for _, v := range r.vnets {
		if v.Contains(a) {
			if n := v.NICAt(a); n != nil {
				return server{kind: serverNone, why: fmt.Sprintf("%s is %s %s, which has no dnsServer role", a, n.Kind, n.Name)}
			}
			return server{kind: serverNone, why: fmt.Sprintf("no DNS server listens at %s in %s", a, v.Name)}
		}
	}
	for _, g := range r.gateways {
		if g.ReachesOnPremises(a) {
			return server{kind: serverOnPrem, gw: g}
		}
	}
	if !topology.IsPrivate(a) {
		return server{kind: serverInternet}
	}
	return server{kind: serverNone, why: fmt.Sprintf("%s is a private address in no VNet and behind no gateway", a)}
}

// client returns the server as the destination of a flow.
func (s server) client(a netip.Addr) Client {
	switch s.kind {
	case serverVM:
		return s.vm.client()
	case serverFirewall:
		return Client{Name: s.fw.Name, Addr: a, Subnet: s.fw.Subnet}
	case serverResolver:
		return Client{Name: s.in.Name, Addr: a, NIC: s.in.NIC, Subnet: s.in.NIC.Subnet}
	}
	return Client{Name: a.String(), Addr: a}
}

func (s server) describe(a netip.Addr) string {
	switch s.kind {
	case serverAzure:
		return "168.63.129.16 (Azure-provided DNS)"
	case serverVM:
		return fmt.Sprintf("%s (DNS server VM %s)", a, s.vm.nic.Name)
	case serverFirewall:
		return fmt.Sprintf("%s (DNS proxy of firewall %s)", a, s.fw.Name)
	case serverResolver:
		return fmt.Sprintf("%s (inbound endpoint %s of DNS private resolver in %s)", a, s.in.Name, s.in.Resolver.VNet.Name)
	case serverOnPrem:
		return fmt.Sprintf("%s (on-premises DNS server behind %s)", a, s.gw.Name)
	case serverInternet:
		return fmt.Sprintf("%s (a public resolver on the internet)", a)
	}
	return a.String()
}

// ask sends the query from `from` to the server at addr and returns what it
// answers. chain holds the DNS server VMs the query already went through.
func (rn *run) ask(from Client, addr netip.Addr, chain []string) result {
	srv := rn.r.serverAt(addr, from.VNet())
	who := from.Label()
	if srv.kind == serverNone {
		rn.step(who, "unreachable", "", rn.name, "%s: %s", addr, srv.why)
		return servfail(ReasonUnreachable, &Blocker{Kind: "dnsServer", Name: addr.String(), Resource: vnetName(from)}, "%s sends DNS queries to %s, but %s", who, addr, srv.why)
	}
	if srv.kind == serverVM {
		for _, c := range chain {
			if c == srv.vm.nic.Name {
				loop := strings.Join(append(chain, c), " -> ")
				rn.step(who, "servfail", "", rn.name, "forwarding loop: %s", loop)
				return servfail(ReasonServFail, &Blocker{Kind: "dnsForwarder", Name: addr.String(), Resource: who}, "DNS forwarding loop: %s", loop)
			}
		}
		if len(chain) >= maxForwarding {
			rn.step(who, "servfail", "", rn.name, "more than %d DNS servers forward the query", maxForwarding)
			return servfail(ReasonServFail, &Blocker{Kind: "dnsForwarder", Name: addr.String(), Resource: who}, "the query was forwarded through more than %d DNS servers", maxForwarding)
		}
	}
	if srv.kind == serverAzure && from.VNet() == nil {
		rn.step(who, "unreachable", "", rn.name, "168.63.129.16 answers only queries from inside a VNet")
		return servfail(ReasonUnreachable, &Blocker{Kind: "dnsServer", Name: addr.String(), Resource: who}, "%s is outside Azure and can't query 168.63.129.16", who)
	}
	desc := srv.describe(addr)
	local := from.NIC != nil && srv.kind == serverVM && srv.vm.nic == from.NIC
	switch {
	case local:
		rn.step(who, "send", "", rn.name, "query %s %s to itself (%s)", rn.name, typeName(rn.qtype), desc)
	case rn.r.flow != nil:
		fl := rn.r.flow(from, srv.client(addr), rn.q.Protocol)
		if !fl.Allowed {
			rn.step(who, "unreachable", "", rn.name, "query %s to %s over %s 53 is denied (%s): %s", rn.name, desc, rn.q.Protocol, fl.Reason, fl.Message)
			return servfail(ReasonUnreachable, fl.BlockedBy, "the DNS query from %s to %s over %s 53 is denied: %s", who, desc, rn.q.Protocol, fl.Message)
		}
		path := ""
		if fl.Path != "" {
			path = ": " + fl.Path
		}
		rn.step(who, "send", "", rn.name, "query %s %s to %s over %s 53: allowed%s", rn.name, typeName(rn.qtype), desc, rn.q.Protocol, path)
	default:
		rn.step(who, "send", "", rn.name, "query %s %s to %s", rn.name, typeName(rn.qtype), desc)
	}
	switch srv.kind {
	case serverAzure:
		return rn.chase(from.VNet(), nil, rn.name)
	case serverVM:
		return rn.custom(srv.vm, append(chain, srv.vm.nic.Name))
	case serverFirewall:
		return rn.proxy(srv.fw, chain)
	case serverResolver:
		v := srv.in.Resolver.VNet
		rn.step(srv.in.Name, "resolve", "", rn.name, "inbound endpoint %s resolves %s as Azure DNS does from %s", srv.in.Name, rn.name, v.Name)
		return rn.chase(v, nil, rn.name)
	case serverOnPrem:
		who := addr.String() + " (on-premises)"
		rn.step(who, "public", "", rn.name, "an on-premises DNS server: its own configuration is outside the scenario, so it resolves %s from public DNS", rn.name)
		return rn.chase(nil, &publicContext{server: who, blocker: &Blocker{Kind: "dnsServer", Name: addr.String(), Resource: vnetName(from)},
			why: fmt.Sprintf("%s sends the query to on-premises DNS server %s, which resolves it from public DNS", clientText(from), addr)}, rn.name)
	default:
		who := addr.String()
		return rn.chase(nil, &publicContext{server: who, blocker: &Blocker{Kind: "dnsServer", Name: addr.String(), Resource: vnetName(from)},
			why: fmt.Sprintf("%s sends the query to %s, a public resolver", clientText(from), addr)}, rn.name)
	}
}

// clientText names a client in a sentence: "VM dns1", "compute c1", an address.
func clientText(c Client) string {
	if c.NIC != nil {
		if c.NIC.Kind == topology.KindVM {
			return "VM " + c.NIC.Name
		}
		return string(c.NIC.Kind) + " " + c.NIC.Name
	}
	return c.Label()
}

func vnetName(c Client) string {
	if v := c.VNet(); v != nil {
		return v.Name
	}
	return c.Label()
}

// custom answers as a DNS server VM: its host records, then the conditional
// forwarder of the longest zone that holds the name, then its default
// forwarder, else recursion from the root servers (public DNS). A forwarder
// resolves the whole CNAME chain and the server returns it as it is.
func (rn *run) custom(d *dnsVM, chain []string) result {
	who := d.nic.Name
	if a, ok := d.hosts[rn.name]; ok {
		if !rn.addrType(a) {
			rn.step(who, "nodata", "", rn.name, "host record on %s: %s -> %s, no %s record", who, rn.name, a, typeName(rn.qtype))
			return result{code: dns.RcodeSuccess}
		}
		rn.step(who, "answer", "", rn.name, "host record on %s: %s -> %s", who, rn.name, a)
		return result{code: dns.RcodeSuccess, rrs: []rr{{name: rn.name, ttl: ttlRecord, addr: a}}}
	}
	var target netip.Addr
	if f, ok := d.role.ForwarderFor(rn.name); ok {
		rn.step(who, "forward", f.Zone, rn.name, "conditional forwarder for %s: %s -> %s", f.Zone, rn.name, f.Target)
		target = f.Target
	} else if d.role.DefaultForwarder.IsValid() {
		rn.step(who, "forward", "", rn.name, "no conditional forwarder covers %s; default forwarder %s", rn.name, d.role.DefaultForwarder)
		target = d.role.DefaultForwarder
	} else {
		rn.step(who, "public", "", rn.name, "no conditional forwarder covers %s and there is no default forwarder: %s resolves it from the root servers (public DNS)", rn.name, who)
		return rn.chase(nil, &publicContext{server: who, blocker: &Blocker{Kind: "dnsForwarder", Name: rn.r.forwardZone(rn.name), Resource: who},
			why: fmt.Sprintf("DNS server %s has no forwarder for %s and resolves it from public DNS", who, rn.name)}, rn.name)
	}
	res := rn.ask(d.client(), target, chain)
	if res.failed() && res.failure != nil && !strings.HasPrefix(res.failure.Message, who+" ") {
		res.failure.Message = fmt.Sprintf("%s can't get an answer from its forwarder %s: %s", who, target, res.failure.Message)
	}
	return res
}

// proxy answers as an Azure Firewall DNS proxy: it forwards to its first DNS
// server, or to Azure DNS from the firewall's VNet.
func (rn *run) proxy(f *firewallDNS, chain []string) result {
	target := topology.AzureDNS
	if len(f.Servers) > 0 {
		target = f.Servers[0]
	}
	rn.step(f.Name, "forward", "", rn.name, "DNS proxy of firewall %s forwards %s to %s", f.Name, rn.name, target)
	return rn.ask(Client{Name: f.Name, Addr: f.IP, Subnet: f.Subnet}, target, chain)
}

// forwardZone is the public zone to forward for name: the catalog's, else
// the name's parent.
func (r *Resolver) forwardZone(name string) string {
	if s := r.publicLookup(name); s != nil && s.forwardZone != "" {
		return s.forwardZone
	}
	if p := parent(name); p != "" {
		return p
	}
	return name
}

// publicContext says who resolves from public DNS and why, to name the
// missing forwarder when a privatelink name gets a public answer.
type publicContext struct {
	server  string
	blocker *Blocker
	why     string
}

// chase follows the CNAME chain of the question: in Azure DNS's view of v
// (private zones linked to v, then public DNS), or in public DNS when v is
// nil (pc says who resolves publicly).
func (rn *run) chase(v *topology.VNet, pc *publicContext, name string) result {
	var res result
	server := "public DNS"
	if v != nil {
		server = topology.AzureDNS.String()
	} else if pc != nil {
		server = pc.server
	}
	seen := map[string]bool{}
	for cur := name; ; {
		if seen[cur] || len(seen) >= maxChain {
			rn.step(server, "servfail", "", cur, "CNAME loop: %s comes back to %s", name, cur)
			return servfailKeep(res, ReasonServFail, &Blocker{Kind: "dnsRecord", Name: cur, Resource: server}, "the CNAME chain of %s loops at %s", name, cur)
		}
		seen[cur] = true
		var set *rrset
		var setZone *zone
		public, fellBack := true, false
		if v != nil {
			if fwd, ok := rn.forwardByRuleset(v, cur, res); ok {
				return fwd
			}
			if z, l := rn.r.linkedZone(v, cur); z != nil {
				s, exists := z.lookup(cur)
				switch {
				case cur == z.name && rn.qtype == dns.TypeSOA:
					rn.step(server, "zone", z.name, cur, "%s: private DNS zone %s (linked to %s): SOA %s %s (the zone apex)", cur, z.name, v.Name, soaHost, soaMbox)
					res.code = dns.RcodeSuccess
					res.rrs = append(res.rrs, rr{name: cur, ttl: soaTTL, soa: true})
					return res
				case s != nil:
					set, setZone, public = s, z, false
					rn.step(server, "zone", z.name, cur, "%s: private DNS zone %s (linked to %s): %s (%s)", cur, z.name, v.Name, rrText(s), s.origin)
				case exists:
					rn.step(server, "nodata", z.name, cur, "%s exists in private DNS zone %s (linked to %s) but has no %s record", cur, z.name, v.Name, typeName(rn.qtype))
					return result{code: dns.RcodeSuccess, rrs: res.rrs, gap: res.gap, authority: z.name,
						failure: &Diagnosis{Reason: ReasonNoData, BlockedBy: &Blocker{Kind: "dnsRecord", Name: z.name, Resource: v.Name},
							Message: fmt.Sprintf("%s exists in private DNS zone %s (linked to %s) but has no %s record", cur, z.name, v.Name, typeName(rn.qtype))}}
				case l.redirect && (rn.qtype == dns.TypeA || rn.qtype == dns.TypeAAAA || rn.qtype == dns.TypeCNAME):
					rn.step(server, "fallback", z.name, cur, "private DNS zone %s (linked to %s with NxDomainRedirect) has no record for %s: falling back to public DNS", z.name, v.Name, cur)
					fellBack = true
					if res.gap == nil {
						res.gap = &Diagnosis{BlockedBy: &Blocker{Kind: "dnsRecord", Name: z.name, Resource: v.Name},
							Message: fmt.Sprintf("private DNS zone %s is linked to %s with NxDomainRedirect but has no record for %s%s, so Azure DNS answered from public DNS", z.name, v.Name, cur, rn.r.recordHint(cur, z.name))}
					}
				default:
					rn.step(server, "nxdomain", z.name, cur, "%s: private DNS zone %s (linked to %s) has no record for it: NXDOMAIN", cur, z.name, v.Name)
					res.code, res.authority = dns.RcodeNameError, z.name
					res.failure = &Diagnosis{Reason: ReasonNXDomain, BlockedBy: &Blocker{Kind: "dnsRecord", Name: z.name, Resource: v.Name},
						Message: fmt.Sprintf("private DNS zone %s is linked to %s but has no record for %s%s, so Azure DNS answers NXDOMAIN", z.name, v.Name, cur, rn.r.recordHint(cur, z.name))}
					return res
				}
			}
		}
		if public {
			set = rn.r.publicLookup(cur)
			if set == nil {
				if rn.q.Outside && !rn.r.governed(cur) {
					rn.step(server, "outside", "", cur, "%s is outside the scenario: it stands for an internet address, %s", cur, topology.InternetHost)
					res.code, res.outside = dns.RcodeSuccess, true
					if rn.qtype == dns.TypeA {
						res.rrs = append(res.rrs, rr{name: cur, ttl: ttlOutside, addr: topology.InternetHost})
					}
					return res
				}
				rn.step(server, "nxdomain", "", cur, "%s: public DNS has no record for it: NXDOMAIN", cur)
				res.code = dns.RcodeNameError
				res.failure = &Diagnosis{Reason: ReasonNXDomain, BlockedBy: &Blocker{Kind: "dnsRecord", Name: cur, Resource: "public DNS"}, Message: fmt.Sprintf("public DNS has no record for %s", cur)}
				if z := rn.r.scenarioZone(cur); z != nil && v != nil {
					res.failure.Message = fmt.Sprintf("%s is in private DNS zone %s, which is not linked to %s; public DNS has no record for it", cur, z.name, v.Name)
					res.failure.BlockedBy = &Blocker{Kind: "dnsZone", Name: z.name, Resource: v.Name}
				}
				return res
			}
			where := "public DNS"
			switch {
			case fellBack:
				where = "public DNS (NxDomainRedirect fallback)"
			case v != nil:
				where = "no private DNS zone linked to " + v.Name + " holds it; public DNS"
			}
			rn.step(server, "public", set.zone, cur, "%s: %s: %s", cur, where, rrText(set))
			if set.zone != "" && res.gap == nil {
				res.gap = rn.r.gap(v, pc, cur, set, rn.name)
			}
		}
		if set.cname != "" {
			res.rrs = append(res.rrs, rr{name: cur, ttl: set.ttl, cname: set.cname})
			if rn.qtype == dns.TypeCNAME {
				res.code = dns.RcodeSuccess
				return res
			}
			cur = set.cname
			continue
		}
		res.code = dns.RcodeSuccess
		for _, a := range set.addrs {
			if rn.addrType(a) {
				res.rrs = append(res.rrs, rr{name: cur, ttl: set.ttl, addr: a})
			}
		}
		if !rn.answered(res.rrs) {
			res.failure = &Diagnosis{Reason: ReasonNoData, BlockedBy: &Blocker{Kind: "dnsRecord", Name: cur, Resource: "public DNS"},
				Message: fmt.Sprintf("%s has %s in public DNS but no %s record", cur, rrText(set), typeName(rn.qtype))}
			if setZone != nil {
				res.authority = setZone.name
				res.failure.BlockedBy = &Blocker{Kind: "dnsRecord", Name: setZone.name, Resource: v.Name}
				res.failure.Message = fmt.Sprintf("%s has %s in private DNS zone %s (linked to %s) but no %s record", cur, rrText(set), setZone.name, v.Name, typeName(rn.qtype))
			}
		}
		return res
	}
}

func servfailKeep(res result, reason string, by *Blocker, format string, args ...any) result {
	out := servfail(reason, by, format, args...)
	out.gap = res.gap
	return out
}

func rrText(s *rrset) string {
	if s.cname != "" {
		return "CNAME " + s.cname
	}
	parts := make([]string, len(s.addrs))
	for i, a := range s.addrs {
		t := "A"
		if a.Is6() {
			t = "AAAA"
		}
		parts[i] = t + " " + a.String()
	}
	return strings.Join(parts, ", ")
}

// gap explains why a privatelink name was answered from public DNS.
func (r *Resolver) gap(v *topology.VNet, pc *publicContext, name string, set *rrset, question string) *Diagnosis {
	want := set.zone
	if z := r.scenarioZone(name); z != nil {
		want = z.name
	}
	fz := r.forwardZone(question)
	if v == nil {
		if pc == nil || pc.blocker == nil {
			return nil // a client outside Azure: no link or forwarder of the scenario is missing
		}
		return &Diagnosis{BlockedBy: pc.blocker, Message: fmt.Sprintf("%s; %s is answered from public DNS instead of private DNS zone %s. Forward %s to 168.63.129.16 from a VNet linked to %s", pc.why, name, want, fz, want)}
	}
	if z := r.zones[want]; z != nil {
		return &Diagnosis{BlockedBy: &Blocker{Kind: "dnsZone", Name: want, Resource: v.Name},
			Message: fmt.Sprintf("private DNS zone %s is not linked to VNet %s, so Azure DNS answers %s from public DNS; link the zone to %s", want, v.Name, name, v.Name)}
	}
	return &Diagnosis{BlockedBy: &Blocker{Kind: "dnsZone", Name: want, Resource: v.Name},
		Message: fmt.Sprintf("the scenario has no private DNS zone %s, so Azure DNS answers %s from public DNS; create the zone, add it to the private endpoint's privateDnsZoneGroup and link it to %s", want, name, v.Name)}
}

// recordHint says why a zone may lack a privatelink record.
func (r *Resolver) recordHint(name, zone string) string {
	svc := r.plOwner[name]
	if svc == nil {
		return ""
	}
	set := r.public[name]
	var pes []string
	for _, pe := range svc.PrivateEndpoints {
		if set != nil && pe.GroupID == set.group {
			pes = append(pes, pe.Name)
		}
	}
	sort.Strings(pes)
	if len(pes) == 0 {
		return ""
	}
	return fmt.Sprintf(" (add %s to the privateDnsZoneGroup of %s, or add the record)", zone, strings.Join(pes, " or "))
}
