package topology

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"
)

// Lazy is a value derived from a Topology by another package, built at
// first use and only read afterwards. Topology.DNS holds the DNS resolver
// that package sim builds: package dnsmock imports topology, so topology
// can't name its type.
type Lazy struct {
	once sync.Once
	v    any
}

// Get returns the value, building it with build on first use. Concurrent
// first uses build it once.
func (l *Lazy) Get(build func() any) any {
	l.once.Do(func() { l.v = build() })
	return l.v
}

// DNSServerRole is a VM's custom DNS server role (vms[].dnsServer), parsed:
// where it forwards each query.
type DNSServerRole struct {
	// Forwarders are the conditional forwarders, the longest zone first, so
	// that the first one whose zone holds a name is the one that applies.
	Forwarders []Forwarder
	// DefaultForwarder receives the names no conditional forwarder covers.
	// When it is not valid, the server resolves those names itself from the
	// root servers, that is from public DNS.
	DefaultForwarder netip.Addr
}

// Forwarder is a conditional forwarder: queries for Zone and the names under
// it go to Target.
type Forwarder struct {
	Zone   string // lower case, no trailing dot
	Target netip.Addr
}

// ForwarderFor returns the conditional forwarder whose zone holds name (the
// longest such zone), if any.
func (r *DNSServerRole) ForwarderFor(name string) (Forwarder, bool) {
	for _, f := range r.Forwarders {
		if InZone(name, f.Zone) {
			return f, true
		}
	}
	return Forwarder{}, false
}

// InZone reports whether name is zone or a name under it. Both are compared
// case-insensitively and without a trailing dot.
func InZone(name, zone string) bool {
	name = CanonicalName(name)
	zone = CanonicalName(zone)
	if zone == "" {
		return true
	}
	return name == zone || strings.HasSuffix(name, "."+zone)
}

// CanonicalName lower-cases a DNS name and removes its trailing dot.
func CanonicalName(s string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))
}

// DNSServerRole returns the DNS server role of the VM that owns nic.
func (t *Topology) DNSServerRole(nic *NIC) (*DNSServerRole, bool) {
	if nic == nil || nic.Kind != KindVM {
		return nil, false
	}
	for i := range t.Spec.VMs {
		vs := &t.Spec.VMs[i]
		if vs.Name != nic.Name || vs.DNSServer == nil {
			continue
		}
		role, err := ParseDNSServerRole(vs.DNSServer)
		if err != nil {
			return nil, false // unreachable: Load validated it
		}
		return role, true
	}
	return nil, false
}

// DNSServerNICs returns the NICs of the VMs that have a DNS server role, in
// file order.
func (t *Topology) DNSServerNICs() []*NIC {
	var out []*NIC
	for i := range t.Spec.VMs {
		vs := &t.Spec.VMs[i]
		if vs.DNSServer == nil {
			continue
		}
		if n := t.NIC(vs.Name); n != nil && n.Kind == KindVM {
			out = append(out, n)
		}
	}
	return out
}

// FirewallDNS is an Azure Firewall seen as a DNS server.
type FirewallDNS struct {
	Name     string
	IP       netip.Addr
	Subnet   *Subnet
	DNSProxy bool
	// Servers is where the DNS proxy forwards; empty means Azure DNS.
	Servers []netip.Addr
}

// FirewallsDNS lists the firewalls of the scenario with their private
// address, as DNS servers (reference 5.3: DNS proxy).
func (t *Topology) FirewallsDNS() []FirewallDNS {
	var out []FirewallDNS
	for _, f := range t.Firewalls {
		if f.NIC == nil || !f.NIC.IP.IsValid() {
			continue
		}
		out = append(out, FirewallDNS{Name: f.Name, IP: f.NIC.IP, Subnet: f.NIC.Subnet, DNSProxy: f.DNSProxy, Servers: f.DNSServers})
	}
	return out
}

// ParseDNSServerRole parses and checks a DNS server role. Its error names the
// key that is wrong, relative to the role (forwarders[1].target).
func ParseDNSServerRole(s *DNSServerSpec) (*DNSServerRole, error) {
	role := &DNSServerRole{}
	seen := map[string]int{}
	for j, f := range s.Forwarders {
		key := fmt.Sprintf("forwarders[%d]", j)
		zone := CanonicalName(f.Zone)
		if zone == "" {
			return nil, &keyError{key + ".zone", "missing: the zone to forward (for the default forwarder use defaultForwarder)"}
		}
		if err := CheckDNSName(zone); err != nil {
			return nil, &keyError{key + ".zone", err.Error()}
		}
		if prev, dup := seen[zone]; dup {
			return nil, &keyError{key + ".zone", fmt.Sprintf("zone %s already has forwarder forwarders[%d]", zone, prev)}
		}
		seen[zone] = j
		a, err := parseDNSTarget(f.Target)
		if err != nil {
			return nil, &keyError{key + ".target", err.Error()}
		}
		role.Forwarders = append(role.Forwarders, Forwarder{Zone: zone, Target: a})
	}
	if s.DefaultForwarder != "" {
		a, err := parseDNSTarget(s.DefaultForwarder)
		if err != nil {
			return nil, &keyError{"defaultForwarder", err.Error()}
		}
		role.DefaultForwarder = a
	}
	sort.SliceStable(role.Forwarders, func(i, j int) bool {
		return strings.Count(role.Forwarders[i].Zone, ".") > strings.Count(role.Forwarders[j].Zone, ".")
	})
	return role, nil
}

// keyError is an error at a key below the one being checked.
type keyError struct{ key, msg string }

func (e *keyError) Error() string { return e.key + ": " + e.msg }

func parseDNSTarget(s string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, fmt.Errorf("missing: the IP address of a DNS server")
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%q is not a valid IP address", s)
	}
	return a.Unmap(), nil
}

// CheckDNSName checks the syntax of a DNS name (without a trailing dot): at
// most 253 characters, labels of 1-63 letters, digits, hyphens or
// underscores; a leading "*" label is allowed.
func CheckDNSName(name string) error {
	if name == "" {
		return fmt.Errorf("empty DNS name")
	}
	if len(name) > 253 {
		return fmt.Errorf("%q is longer than 253 characters", name)
	}
	for i, l := range strings.Split(name, ".") {
		if l == "*" && i == 0 {
			continue
		}
		if l == "" || len(l) > 63 {
			return fmt.Errorf("%q is not a valid DNS name (label %q)", name, l)
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return fmt.Errorf("%q is not a valid DNS name (%q in label %q)", name, r, l)
			}
		}
	}
	return nil
}

// compileDNS validates and resolves the DNS parts of a scenario that
// compileZones does not: custom DNS server roles on VMs, their forwarders,
// hosts-file overrides, and VNet dnsServers. It runs after the NICs,
// gateways and services are compiled.
func (c *compiler) compileDNS() {
	roles := map[netip.Addr][]string{} // address → VMs with a DNS server role there
	plain := map[netip.Addr]string{}   // address → a VM without one
	for i := range c.sc.VMs {
		vs := &c.sc.VMs[i]
		path := fmt.Sprintf("vms[%d]", i)
		n := c.t.nics[vs.Name]
		if n != nil && n.Kind != KindVM {
			n = nil // the name belongs to something else; claim() reported it
		}
		if vs.DNSServer != nil {
			role, err := ParseDNSServerRole(vs.DNSServer)
			if err != nil {
				ke := err.(*keyError)
				c.errAt(path+".dnsServer."+ke.key, "%s", ke.msg)
			} else if n != nil {
				for j, f := range role.Forwarders {
					if f.Target == n.IP {
						c.errAt(fmt.Sprintf("%s.dnsServer.forwarders[%d].target", path, j), "%s is this VM's own address; a server can't forward to itself", f.Target)
					}
				}
				if role.DefaultForwarder == n.IP {
					c.errAt(path+".dnsServer.defaultForwarder", "%s is this VM's own address; a server can't forward to itself", role.DefaultForwarder)
				}
			}
			if n != nil {
				roles[n.IP] = append(roles[n.IP], vs.Name)
			}
		} else if n != nil {
			plain[n.IP] = vs.Name
		}
		if len(vs.Hosts) > 0 {
			hosts := map[string]netip.Addr{}
			for _, name := range sortedKeys(vs.Hosts) {
				key := path + ".hosts." + name
				cn := CanonicalName(name)
				if err := CheckDNSName(cn); err != nil || strings.HasPrefix(cn, "*") {
					c.errAt(key, "%q is not a host name", name)
					continue
				}
				a, err := netip.ParseAddr(strings.TrimSpace(vs.Hosts[name]))
				if err != nil {
					c.errAt(key, "%q is not a valid IP address", vs.Hosts[name])
					continue
				}
				if _, dup := hosts[cn]; dup {
					c.errAt(key, "host name %s is given twice", cn)
					continue
				}
				hosts[cn] = a.Unmap()
			}
			if n != nil {
				n.Hosts = hosts
			}
		}
	}
	firewalls := map[netip.Addr]string{}
	for _, f := range c.t.FirewallsDNS() {
		firewalls[f.IP] = f.Name
	}
	for i, vs := range c.sc.VNets {
		v := c.t.vnets[vs.Name]
		if v == nil {
			continue
		}
		// compileVNets parsed the addresses and reported the invalid ones;
		// match the parsed ones back to their keys by text.
		for j, ds := range vs.DNSServers {
			a, err := netip.ParseAddr(strings.TrimSpace(ds))
			if err != nil {
				continue
			}
			a = a.Unmap()
			key := fmt.Sprintf("vnets[%d].dnsServers[%d]", i, j)
			switch {
			case a == AzureDNS, len(roles[a]) > 0, firewalls[a] != "", c.onPremises(a):
			case plain[a] != "":
				c.errAt(key, "%s is VM %s, which has no dnsServer role; give the VM a dnsServer role or use 168.63.129.16", a, plain[a])
			default:
				c.errAt(key, "%s is neither 168.63.129.16, a VM with a dnsServer role, an on-premises address behind a gateway nor a firewall", a)
			}
		}
	}
}

// onPremises reports whether a lies in the on-premises prefixes of a gateway.
func (c *compiler) onPremises(a netip.Addr) bool {
	for _, g := range c.t.Gateways {
		if g.ReachesOnPremises(a) {
			return true
		}
	}
	return false
}

// PrivateDNSZone is an Azure private DNS zone with its virtual network links
// and the records written in it. The records that private endpoints' zone
// groups write are not among Records: package dnsmock derives them.
type PrivateDNSZone struct {
	Name    string // lower case, no trailing dot
	Links   []*ZoneLink
	Records []*ZoneRecord
	// Path is the key path of the zone in the scenario file
	// (privateDnsZones[i]), for LineOf.
	Path string
}

// ZoneLink is a virtual network link of a private DNS zone.
type ZoneLink struct {
	VNet                *VNet
	RegistrationEnabled bool
	ResolutionPolicy    string // Default | NxDomainRedirect
}

// ZoneRecord is a record written in a private DNS zone.
type ZoneRecord struct {
	// Name is the record's FQDN, lower case, without a trailing dot.
	Name   string
	Type   string // A | AAAA | CNAME
	TTL    int
	Values []string
	// Path is the key path of the record (privateDnsZones[i].records[j]).
	Path string
}

// LinkTo returns the zone's link to v, or nil.
func (z *PrivateDNSZone) LinkTo(v *VNet) *ZoneLink {
	for _, l := range z.Links {
		if l.VNet == v {
			return l
		}
	}
	return nil
}

// RecordName turns a record name as written in a zone (relative, "@" or ""
// for the apex, or absolute with a trailing dot) into an FQDN.
func RecordName(name, zone string) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "" || name == "@":
		return CanonicalName(zone)
	case strings.HasSuffix(name, "."):
		return CanonicalName(name)
	}
	return strings.ToLower(name) + "." + CanonicalName(zone)
}
