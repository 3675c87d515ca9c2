package topology

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/vnetsim/vnetsim/spec"
)

// DNSServerRole is a VM's custom DNS server role (vms[].dnsServer), parsed:
// where it forwards each query.
type DNSServerRole struct {
	// Path is where the role is written: vms[i].dnsServer.
	Path string
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
	// Index is its place in the role's forwarders list as written.
	Index int
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
	if nic == nil || nic.Kind != KindVM || nic.DNSServer == nil {
		return nil, false
	}
	return nic.DNSServer, true
}

// DNSServerNICs returns the NICs of the VMs that have a DNS server role, in
// file order.
func (t *Topology) DNSServerNICs() []*NIC { return t.dnsServerNICs }

// DNSZone is a private DNS zone, compiled: its links and explicit records.
type DNSZone struct {
	Name    string // lower case, no trailing dot
	Path    string // its key path in the scenario file: privateDnsZones[i]
	Links   []ZoneLink
	Records []DNSRecord // in file order
}

// ZoneLink links a private DNS zone to a VNet.
type ZoneLink struct {
	VNet             *VNet
	Registration     bool
	NxDomainRedirect bool // resolutionPolicy NxDomainRedirect
}

// DNSRecord is one explicit record of a private DNS zone.
type DNSRecord struct {
	Name   string // the owner name, absolute: lower case, no trailing dot
	Label  string // the name as written, "@" for the apex
	Type   string // A, AAAA or CNAME
	TTL    int    // 0 when not given
	Addrs  []netip.Addr
	Target string // CNAME target, lower case, no trailing dot
}

// recordName is a record's owner name: @ or empty is the apex, a name with
// a trailing dot is absolute, any other is relative to the zone.
func recordName(name, zone string) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "" || name == "@":
		return zone
	case strings.HasSuffix(name, "."):
		return CanonicalName(name)
	}
	return strings.ToLower(name) + "." + zone
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
func ParseDNSServerRole(s *spec.DNSServer) (*DNSServerRole, error) {
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
		role.Forwarders = append(role.Forwarders, Forwarder{Zone: zone, Target: a, Index: j})
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
				if err == nil {
					role.Path = path + ".dnsServer"
					n.DNSServer = role
					c.t.dnsServerNICs = append(c.t.dnsServerNICs, n)
				}
			}
		} else if n != nil {
			plain[n.IP] = vs.Name
		}
		if len(vs.Hosts) > 0 {
			hosts := map[string]netip.Addr{}
			for _, name := range slices.Sorted(maps.Keys(vs.Hosts)) {
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
