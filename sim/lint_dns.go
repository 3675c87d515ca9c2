package sim

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vnetsim/vnetsim/dnsmock"
	"github.com/vnetsim/vnetsim/topology"
)

// Lint codes of private DNS zone names and of the DNS a workspace's private
// endpoint needs.
const (
	// LintEndpointZoneNotDocumented: a private endpoint's zone group holds a
	// zone that is not a documented zone of its group ID.
	LintEndpointZoneNotDocumented = "private-endpoint-zone-not-documented"
	// LintZoneNotDocumented: a private link zone that no zone group uses is
	// not a documented zone of any service.
	LintZoneNotDocumented = "private-dns-zone-not-documented"
	// LintWorkspacePENoDNS: a workspace private endpoint has neither a zone
	// group nor custom records for its names.
	LintWorkspacePENoDNS = "workspace-pe-without-dns"
)

// endpointZones checks the zones of every private endpoint's zone group
// against the documented zones of its group ID, and then every private
// link zone that no zone group uses against every documented zone. A
// template that builds a zone from the service's public suffix
// (format('privatelink{0}', environment().suffixes.keyvaultDns)) gets
// privatelink.vault.azure.net, which the vault's name never reaches: its
// public CNAME points into privatelink.vaultcore.azure.net.
func (l *linter) endpointZones() {
	used := map[string]bool{}
	for _, pe := range l.t.PrivateEndpoints {
		for _, z := range pe.Zones {
			used[topology.CanonicalName(z)] = true
		}
		if pe.NIC.VNet() == l.managed || len(pe.Zones) == 0 {
			continue
		}
		e := documentedFor(pe.Service.Type, pe.GroupID)
		if e == nil {
			continue
		}
		l.endpointZoneGroup(pe, e)
	}
	for _, z := range l.t.DNSZones {
		if used[z.Name] || !privateLinkNamed(z.Name) || anyDocumented(z.Name) {
			continue
		}
		l.undocumentedZone(z)
	}
}

// endpointZoneGroup reports each zone of pe's group that is not one of e's
// zones, naming the documented zone the group lacks and the names and
// intents that then resolve publicly.
func (l *linter) endpointZoneGroup(pe *topology.PrivateEndpoint, e *plEntry) {
	var missing []string // documented zones the group lacks
	for _, dz := range e.Zones {
		has := false
		for _, z := range pe.Zones {
			has = has || matchPattern(dz, z)
		}
		if !has && !strings.Contains(dz, "{") {
			missing = append(missing, dz)
		}
	}
	for j, zn := range pe.Zones {
		z := topology.CanonicalName(zn)
		if documentedZone(z, e.Zones) != "" {
			continue
		}
		key := fmt.Sprintf("%s.privateDnsZoneGroup[%d]", pe.Path, j)
		line := l.t.LineOf(key)
		if line == 0 {
			line = l.t.LineOf(pe.Path)
		}
		f := Finding{Code: LintEndpointZoneNotDocumented, Severity: SeverityError, Resource: pe.Name, Line: line, Seed: docPrivateEndpointDNS}
		want := ""
		if len(missing) == 1 {
			want = missing[0]
		} else if len(missing) > 1 {
			want = closest(z, missing)
			if want == "" {
				want = missing[0]
			}
		}
		if want == "" {
			f.Severity = SeverityWarning
			f.Message = fmt.Sprintf("private endpoint %s (%s, groupId %s) has %s in its zone group, which is not a documented zone of groupId %s (%s); the group already has those, so no name of %s is written to %s", pe.Name, pe.Service.Name, pe.GroupID, z, pe.GroupID, strings.Join(e.Zones, ", "), pe.Service.Name, z)
			f.Fix = fmt.Sprintf("remove %s from the zone group of %s", z, pe.Name)
			l.add(f)
			continue
		}
		broken := l.namesInZone(pe.Service, pe.GroupID, want)
		f.Message = fmt.Sprintf("private endpoint %s (%s, groupId %s) has %s in its zone group, but the documented zone of %s is %s", pe.Name, pe.Service.Name, pe.GroupID, z, e.Name, want)
		if len(broken) > 0 {
			f.Message += fmt.Sprintf(": %s is a CNAME to %s, which no zone of the group holds", broken[0].FQDN, broken[0].PrivateLink)
			if eff := l.publicEffect(pe.Service, broken); eff != "" {
				f.Message += "; " + eff
			}
		}
		f.Fix = fmt.Sprintf("replace %s with %s in the zone group of %s, and name the private DNS zone %s (with the same virtual network links)", z, want, pe.Name, want)
		l.add(f)
	}
}

// undocumentedZone reports a private link zone that no zone group uses and
// no documented list holds, with the zone it most likely stands for.
func (l *linter) undocumentedZone(z *topology.DNSZone) {
	want, e := suggestZone(z.Name)
	f := Finding{Code: LintZoneNotDocumented, Severity: SeverityWarning, Resource: z.Name, Line: l.t.LineOf(z.Path), Seed: docPrivateEndpointDNS}
	if want == "" {
		f.Message = fmt.Sprintf("private DNS zone %s is named as a private link zone, but it is not the documented zone of any service in the public cloud, and no private endpoint's zone group uses it; no service's public name is a CNAME into it", z.Name)
		f.Fix = fmt.Sprintf("rename %s to the documented zone of the service whose names it should resolve (see the document's tables)", z.Name)
		l.add(f)
		return
	}
	f.Message = fmt.Sprintf("private DNS zone %s is not a documented zone; %s's is %s, and no service's public name is a CNAME into %s", z.Name, e.Name, want, z.Name)
	f.Fix = fmt.Sprintf("rename %s to %s (keep its virtual network links and records)", z.Name, want)
	// An error when the scenario has a private endpoint of that row whose
	// names need the zone and whose zone group doesn't provide it: the
	// records meant for it are here, where no one asks.
	for _, pe := range l.t.PrivateEndpoints {
		if pe.NIC.VNet() == l.managed || documentedFor(pe.Service.Type, pe.GroupID) != e {
			continue
		}
		provided := false
		for _, zn := range pe.Zones {
			provided = provided || matchPattern(want, zn)
		}
		if provided {
			continue
		}
		if broken := l.namesInZone(pe.Service, pe.GroupID, want); len(broken) > 0 {
			eff := l.publicEffect(pe.Service, broken)
			if eff == "" {
				continue // a custom record answers them elsewhere
			}
			f.Severity = SeverityError
			f.Message += "; " + eff
			f.Fix += fmt.Sprintf(", or give private endpoint %s a zone group with %s", pe.Name, want)
			break
		}
	}
	l.add(f)
}

// namesInZone returns svc's names served by group whose privatelink name
// is in zone (the compute instance names included), wildcards left out.
func (l *linter) namesInZone(svc *topology.Service, group, zone string) []dnsmock.CatalogName {
	var out []dnsmock.CatalogName
	for _, n := range l.t.Resolver().Catalog(svc) {
		if n.Group == group && n.PrivateLink != "" && !n.Wildcard() && matchPattern(zone, zoneOf(n.PrivateLink, zone)) {
			out = append(out, n)
		}
	}
	return out
}

// zoneOf returns the suffix of name with as many labels as zone.
func zoneOf(name, zone string) string {
	nl := strings.Split(name, ".")
	k := strings.Count(zone, ".") + 1
	if k > len(nl) {
		return name
	}
	return strings.Join(nl[len(nl)-k:], ".")
}

// publicEffect says what happens to names that a private DNS zone no
// longer answers, as resolved from the first compute (or the default
// client): they resolve to the service's public address, which the service
// may refuse, or to nothing (a linked zone of the right name without the
// record answers NXDOMAIN); and which intents have a step that reaches one
// of them. It returns "" when the names still resolve to a private
// endpoint of svc (a custom record answers them).
func (l *linter) publicEffect(svc *topology.Service, names []dnsmock.CatalogName) string {
	var list []string
	for _, n := range names {
		list = append(list, n.FQDN)
	}
	shown := list
	if len(shown) > 3 {
		shown = append(shown[:3:3], fmt.Sprintf("%d more", len(list)-3))
	}
	refused := svc.PublicNetworkAccess == "Disabled" || (svc.ACLs != nil && svc.ACLs.DefaultAction == "Deny")
	what := fmt.Sprintf("%s resolve%s to the public address of %s", strings.Join(shown, ", "), map[bool]string{true: "s", false: ""}[len(list) == 1], svc.Name)
	fails := refused
	if nic := l.observer(); nic != nil {
		ans := l.t.Resolver().Resolve(dnsmock.Client{Name: nic.Name, Addr: nic.IP, NIC: nic, Subnet: nic.Subnet}, dnsmock.Query{Name: names[0].FQDN, Protocol: topology.ProtocolUDP, Outside: true})
		addrs := ans.Addrs()
		switch {
		case len(addrs) == 0 && ans.Failure != nil:
			return fmt.Sprintf("from %s (%s), %s does not resolve (%s: %s)%s", nic.Name, nic.VNet().Name, names[0].FQDN, ans.Failure.Reason, ans.Failure.Message, l.intentsFail(svc, names, true))
		case len(addrs) > 0 && addrs[0] != svc.PublicIP:
			for _, pe := range svc.PrivateEndpoints {
				if pe.NIC.IP == addrs[0] {
					return ""
				}
			}
		}
		what = fmt.Sprintf("from %s (%s), %s", nic.Name, nic.VNet().Name, what)
	}
	switch {
	case svc.PublicNetworkAccess == "Disabled":
		what += ", whose publicNetworkAccess is Disabled"
	case refused:
		what += ", whose firewall denies by default"
	}
	return what + l.intentsFail(svc, names, fails)
}

// intentsFail names the intents with a step that reaches one of names,
// and whether those steps fail or merely leave the private endpoint unused.
func (l *linter) intentsFail(svc *topology.Service, names []dnsmock.CatalogName, fails bool) string {
	intents := l.intentsReaching(svc, names)
	switch {
	case len(intents) > 0 && fails:
		return fmt.Sprintf("; the steps of %s that reach these names fail", strings.Join(intents, ", "))
	case len(intents) > 0:
		return fmt.Sprintf("; the steps of %s that reach these names bypass the private endpoint", strings.Join(intents, ", "))
	case fails:
		return "; flows to these names fail"
	}
	return ""
}

// observer is the NIC from which publicEffect resolves: the first compute
// in a customer VNet, else the first client VM.
func (l *linter) observer() *topology.NIC {
	for _, c := range l.t.Computes {
		if !c.Managed && c.NIC != nil && c.NIC.VNet() != l.managed {
			return c.NIC
		}
	}
	if name := l.t.DefaultClient(); name != "" {
		return l.t.NIC(name)
	}
	return nil
}

// intentsReaching returns the intents, sorted, with a step (for no compute
// or one of the customer's computes) whose destination is one of names or,
// when its primary name is among them, the service itself.
func (l *linter) intentsReaching(svc *topology.Service, names []dnsmock.CatalogName) []string {
	ml := l.t.ML
	if ml == nil || ml.Workspace == nil {
		return nil
	}
	dest := map[string]bool{}
	for _, n := range names {
		dest[strings.ToLower(n.FQDN)] = true
	}
	if p, ok := l.t.Resolver().PrimaryFQDN(svc); ok && dest[p] {
		dest[strings.ToLower(svc.Name)] = true
	}
	computes := []*topology.Compute{nil}
	for _, c := range l.t.Computes {
		if !c.Managed && c.NIC != nil && c.NIC.VNet() != l.managed {
			computes = append(computes, c)
		}
	}
	client := l.t.DefaultClient()
	var out []string
	for _, in := range Intents() {
		hit := false
		for _, cp := range computes {
			c := &intentCtx{t: l.t, ml: ml, compute: cp, client: client, region: ml.Workspace.Region}
			if cp != nil {
				c.region = cp.Region
			}
			steps, err := in.steps(c)
			if err != nil {
				continue
			}
			for _, st := range steps {
				hit = hit || dest[strings.ToLower(st.To)]
			}
			if hit {
				break
			}
		}
		if hit {
			out = append(out, in.Name)
		}
	}
	sort.Strings(out)
	return out
}

// workspaceEndpointDNS reports a workspace private endpoint whose names
// (the workspace API, its certificate name and its notebooks name) neither
// its zone group writes nor a record in a private DNS zone or on a custom
// DNS server answers: with manual approval, or a template without a zone
// group, clients and computes resolve the workspace publicly (seed 001,
// Custom DNS: "you must add host records for your workspace"). An endpoint
// whose zone group holds an undocumented zone is left to
// LintEndpointZoneNotDocumented. The names count as answered when the zone
// group of any of the workspace's endpoints writes them.
func (l *linter) workspaceEndpointDNS() {
	for _, svc := range l.t.Services {
		if svc.Type != topology.TypeWorkspace {
			continue
		}
		var pes []*topology.PrivateEndpoint
		skip := false
		for _, pe := range l.endpoints(svc) {
			if pe.GroupID == "amlworkspace" {
				pes = append(pes, pe)
				skip = skip || l.hasUndocumentedZone(pe)
			}
		}
		if len(pes) == 0 || skip {
			continue
		}
		// A name is answered when the zone group of any of the workspace's
		// endpoints writes it (clients then reach that endpoint) or a
		// custom record does.
		var missing []dnsmock.CatalogName
		for _, n := range l.t.Resolver().Catalog(svc) {
			if !n.Own || n.Group != "amlworkspace" || n.PrivateLink == "" || n.Wildcard() {
				continue
			}
			written := false
			for _, pe := range pes {
				written = written || l.zoneGroupWrites(pe, n)
			}
			if !written && !l.customRecord(n) {
				missing = append(missing, n)
			}
		}
		if len(missing) == 0 {
			continue
		}
		pe := pes[0]
		what := "has no private DNS zone group"
		if len(pe.Zones) > 0 {
			what = fmt.Sprintf("has a zone group (%s) without %s", strings.Join(pe.Zones, ", "), missing[0].Zone)
		}
		var zones []string
		for _, n := range missing {
			if !containsString(zones, n.Zone) {
				zones = append(zones, n.Zone)
			}
		}
		msg := fmt.Sprintf("private endpoint %s of workspace %s %s, and no private DNS zone or DNS server has a record for %s, so clients and computes don't resolve the workspace to the endpoint", pe.Name, svc.Name, what, joinNames(missing))
		if eff := l.publicEffect(svc, missing); eff != "" {
			msg += ": " + eff
		}
		l.add(Finding{Code: LintWorkspacePENoDNS, Severity: SeverityError, Resource: pe.Name, Line: l.t.LineOf(pe.Path),
			Message: msg,
			Seed:    seedCustomDNS,
			Fix:     fmt.Sprintf("give %s a private DNS zone group with %s (linked to the VNets of the computes and clients), or add A records for %s to your DNS pointing at %s (for an endpoint approved manually, once it is approved)", pe.Name, strings.Join(zones, " and "), joinNames(missing), pe.NIC.IP)})
	}
}

func (l *linter) hasUndocumentedZone(pe *topology.PrivateEndpoint) bool {
	e := documentedFor(pe.Service.Type, pe.GroupID)
	for _, z := range pe.Zones {
		if e != nil && documentedZone(z, e.Zones) == "" {
			return true
		}
	}
	return false
}

// zoneGroupWrites reports whether pe's zone group writes n's privatelink
// name: one of its zones holds it.
func (l *linter) zoneGroupWrites(pe *topology.PrivateEndpoint, n dnsmock.CatalogName) bool {
	for _, z := range pe.Zones {
		if _, ok := l.zones[topology.CanonicalName(z)]; ok && topology.InZone(n.PrivateLink, z) {
			return true
		}
	}
	return false
}

// customRecord reports whether a record in a private DNS zone, or a host
// record of a custom DNS server, answers n's public or privatelink name.
func (l *linter) customRecord(n dnsmock.CatalogName) bool {
	names := []string{topology.CanonicalName(n.FQDN), topology.CanonicalName(n.PrivateLink)}
	for _, z := range l.t.DNSZones {
		for _, r := range z.Records {
			if containsString(names, r.Name) {
				return true
			}
		}
	}
	for _, nic := range l.t.DNSServerNICs() {
		for _, name := range names {
			if _, ok := nic.Hosts[name]; ok {
				return true
			}
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func joinNames(names []dnsmock.CatalogName) string {
	var out []string
	for _, n := range names {
		out = append(out, n.FQDN)
	}
	return strings.Join(out, ", ")
}
