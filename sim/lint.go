package sim

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vnetsim/vnetsim/dnsmock"
	"github.com/vnetsim/vnetsim/topology"
)

// Lint codes: stable names of the documented requirements that Lint checks.
// docs/lint.md lists them with their seeds and fixes.
const (
	LintCIOutsideWorkspaceVNet   = "ci-outside-workspace-vnet"
	LintCIOutsideWorkspaceRegion = "ci-outside-workspace-region"
	LintSubnetDelegated          = "compute-subnet-delegated"
	LintSubnetTooSmall           = "compute-subnet-too-small"
	LintStorageOutsideVNet       = "storage-outside-workspace-vnet"
	LintResourceVNetNotPeered    = "associated-resource-vnet-not-peered"
	LintZoneNotLinked            = "private-dns-zone-not-linked"
	LintCustomDNSNotForwarded    = "custom-dns-not-forwarded"
	LintSharedZoneNotLinked      = "shared-zone-workspace-not-linked"
	LintStorage445Blocked        = "storage-port-445-blocked"
	LintServerlessAllowListNoPE  = "serverless-ip-allow-list-no-pe"
	LintComputeOtherSubscription = "compute-vnet-other-subscription"
	LintRoutingLoop              = "routing-loop"
	LintDNSForwarderLoop         = "dns-forwarder-loop"
)

// LintCodes lists every lint code (JUnit has a case per code);
// TestLintCodesDocumented checks it against the codes the package emits.
var LintCodes = []string{
	LintCIOutsideWorkspaceVNet, LintCIOutsideWorkspaceRegion, LintSubnetDelegated, LintSubnetTooSmall,
	LintStorageOutsideVNet, LintResourceVNetNotPeered, LintZoneNotLinked, LintCustomDNSNotForwarded,
	LintSharedZoneNotLinked, LintStorage445Blocked, LintServerlessAllowListNoPE, LintComputeOtherSubscription,
	LintNoPublicIPNoWorkspacePE, LintManagedNotProvisioned, LintManagedSparkProvisioning, LintManagedPublicAccess,
	LintManagedSparkConda, LintManagedPEAndSE, LintRoutingLoop, LintDNSForwarderLoop, LintEndpointZoneNotDocumented,
	LintZoneNotDocumented, LintWorkspacePENoDNS, LintRegistryNoImageBuild,
}

// Severities of a finding. An error is a documented requirement that is
// not met; a warning is one that is met for computes but not for every
// client, or that vnetsim can only partly judge.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// The seed sections that findings cite (docs/lint.md).
const (
	seedCrossVNet   = "seed 000, Compute cluster in a different VNet/region from workspace"
	seedPrereq      = "seed 000, Prerequisites"
	seedLimitations = "seed 000, Limitations"
	seedPeering     = "seed 000, Scenario: VNet peering"
	seedNoPublicIP  = "seed 000, Compute instance/cluster or serverless compute with no public IP"
	seedSecureWS    = "seed 001, Secure the workspace and associated resources/Limitations"
	seedCustomDNS   = "seed 001, Custom DNS"
	seedSharedZone  = "seed 002, Create a workspace that uses a private endpoint"
	refUDR          = "reference 2.3-2.4, User-defined routes and route selection"
	refCustomDNS    = "reference 3.4, VNet links, custom DNS and forwarding"
)

const (
	zoneAPI       = "privatelink.api.azureml.ms"
	zoneNotebooks = "privatelink.notebooks.azure.net"
	// reservedAddresses are the addresses Azure keeps in every subnet: the
	// network address, the first three and the broadcast address.
	reservedAddresses = 5
)

// Finding is one documented configuration requirement that a scenario does
// not meet.
type Finding struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Resource string `json:"resource"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Message  string `json:"message"`
	Seed     string `json:"seed"`
	Fix      string `json:"fix"`
	// Origin is where the object the finding points at came from when an
	// importer wrote the scenario: "FILE: resource ID or Terraform address".
	Origin string `json:"origin,omitempty"`
}

// LintReport is the result of linting some scenarios.
type LintReport struct {
	Version  int       `json:"version"`
	Findings []Finding `json:"findings"`
	// Started is when the lint began, and Scenarios the scenarios and
	// variants it linted, in order (for JUnit).
	Started   time.Time `json:"-"`
	Scenarios []string  `json:"-"`
}

// Count returns how many findings have the given severity.
func (r *LintReport) Count(severity string) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == severity {
			n++
		}
	}
	return n
}

// Add adds the findings of a scenario and its variants (ts[0] is the
// scenario): a variant's finding that the scenario itself already has is
// reported once, on the scenario.
func (r *LintReport) Add(ts []*Network) {
	if r.Started.IsZero() {
		r.Started = time.Now()
	}
	base := map[[3]string]bool{}
	for i, t := range ts {
		r.Scenarios = append(r.Scenarios, t.File)
		for _, fd := range t.Lint() {
			k := [3]string{fd.Code, fd.Resource, fd.Message}
			if i > 0 && base[k] {
				continue
			}
			if i == 0 {
				base[k] = true
			}
			r.Findings = append(r.Findings, fd)
		}
	}
}

// WriteLintText writes one finding per line with its fix on the next, then
// a summary line.
func WriteLintText(w io.Writer, r *LintReport) error {
	for _, f := range r.Findings {
		loc := f.File
		if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d", f.File, f.Line)
		}
		fmt.Fprintf(w, "%s: %s: %s: %s (%s)\n", loc, f.Severity, f.Code, f.Message, f.Seed)
		if f.Origin != "" {
			fmt.Fprintf(w, "    from: %s\n", f.Origin)
		}
		fmt.Fprintf(w, "    fix: %s\n", f.Fix)
	}
	_, err := fmt.Fprintf(w, "%s, %s\n", plural(r.Count(SeverityError), "error"), plural(r.Count(SeverityWarning), "warning"))
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Lint checks the documented Azure Machine Learning requirements that are
// configuration rather than reachability: where compute instances may be,
// subnet delegation and size, where the workspace's associated resources
// are, the VNet links of private DNS zones, port 445 to the default
// storage (traced), the private endpoint a no-public-IP serverless compute
// needs with an IP allow list, and the compute VNets' subscription. The
// findings are sorted by line, then code and resource.
func (t *Network) Lint() []Finding {
	l := newLinter(t)
	if t.ML != nil {
		l.computeInstances()
		l.computeSubnets()
		l.associatedResources()
		l.port445()
		l.serverlessAllowList()
		l.noPublicIPWorkspacePE()
		l.subscriptions()
		l.managedNetwork()
		l.registryImageBuild()
	}
	l.endpointZones()
	l.workspaceEndpointDNS()
	l.sharedZones()
	l.zoneLinks()
	l.loops()
	sort.SliceStable(l.out, func(i, j int) bool {
		a, b := l.out[i], l.out[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Resource < b.Resource
	})
	return l.out
}

type linter struct {
	t   *Network
	out []Finding
	// wsVNets are the VNets of the workspace's private endpoints.
	wsVNets []*topology.VNet
	// zones are the scenario's private DNS zones by canonical name, with
	// the names of the VNets linked to each and their index in the file.
	zones    map[string]map[string]bool
	zonePath map[string]string
	// reported are the (zone, VNet) pairs a shared-zone finding covers.
	reported map[[2]string]bool
	// writers are the private endpoints that write into each zone.
	writers map[string][]zoneWriter
	// managed is the workspace's managed VNet, which Microsoft manages:
	// its computes, private endpoints and DNS are not the customer's
	// configuration, so Lint leaves them out.
	managed *topology.VNet
}

func newLinter(t *Network) *linter {
	l := &linter{t: t, zones: map[string]map[string]bool{}, zonePath: map[string]string{}, reported: map[[2]string]bool{}}
	for _, z := range t.DNSZones {
		links := map[string]bool{}
		for _, lk := range z.Links {
			links[lk.VNet.Name] = true
		}
		l.zones[z.Name] = links
		l.zonePath[z.Name] = z.Path
	}
	if t.ML != nil && t.ML.Managed != nil {
		l.managed = t.ML.Managed.VNet
	}
	if t.ML != nil && t.ML.Workspace != nil {
		l.wsVNets = l.peVNets(t.ML.Workspace)
	}
	l.writers = l.zoneWriters()
	return l
}

func (l *linter) add(f Finding) {
	f.File = l.t.File
	f.Origin = l.t.OriginAt(f.Line)
	if strings.HasPrefix(f.Origin, f.File+": ") {
		// The scenario was written in memory from this file (an ARM
		// export, a template, a plan): its lines are not the file's, so
		// the finding names the resource instead.
		f.Line = 0
	}
	l.out = append(l.out, f)
}

// endpoints returns a service's private endpoints outside the managed VNet.
func (l *linter) endpoints(svc *topology.Service) []*topology.PrivateEndpoint {
	var out []*topology.PrivateEndpoint
	for _, pe := range svc.PrivateEndpoints {
		if pe.NIC.VNet() != l.managed {
			out = append(out, pe)
		}
	}
	return out
}

// peVNets returns the VNets of a service's private endpoints outside the
// managed VNet, in file order.
func (l *linter) peVNets(svc *topology.Service) []*topology.VNet {
	var out []*topology.VNet
	for _, pe := range l.endpoints(svc) {
		if v := pe.NIC.VNet(); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func vnetNames(list []*topology.VNet) string {
	var out []string
	for _, v := range list {
		out = append(out, v.Name)
	}
	return strings.Join(out, ", ")
}

// vmComputes are the computes whose nodes are created in a subnet of a
// customer VNet (not attached VMs, not managed computes), in file order.
func (l *linter) vmComputes() []*topology.Compute {
	var out []*topology.Compute
	for _, c := range l.t.Computes {
		if !c.Attached() && !c.Managed && c.NIC != nil && c.NIC.VNet() != l.managed {
			out = append(out, c)
		}
	}
	return out
}

// Key paths, for the lines findings point at.

func (l *linter) computeLine(c *topology.Compute) int {
	if c.Path != "" {
		return l.t.LineOf(c.Path)
	}
	return l.t.LineOf("machineLearning")
}

func (l *linter) subnetPath(s *topology.Subnet) string {
	if s.Path == "" {
		return "vnets"
	}
	return s.Path
}

func (l *linter) pePath(pe *topology.PrivateEndpoint) string {
	if pe.Path == "" {
		return "privateEndpoints"
	}
	return pe.Path
}

func (l *linter) zoneLine(zone string) int {
	if p, ok := l.zonePath[zone]; ok {
		return l.t.LineOf(p)
	}
	return l.t.LineOf("privateDnsZones")
}

// 1. Compute instances are in the workspace's VNet and region (seed 000:
// "You can't create a compute instance in a different region/VNet, only a
// compute cluster").
func (l *linter) computeInstances() {
	ws := l.t.ML.Workspace
	if ws == nil {
		return
	}
	for _, c := range l.vmComputes() {
		if c.Type != "ComputeInstance" {
			continue
		}
		v := c.NIC.VNet()
		otherRegion := !strings.EqualFold(c.Region, ws.Region)
		switch {
		case len(l.wsVNets) > 0 && !slices.Contains(l.wsVNets, v):
			msg := fmt.Sprintf("compute instance %s is in VNet %s (%s), but workspace %s has its private endpoints in VNet %s", c.Name, v.Name, c.Region, ws.Name, vnetNames(l.wsVNets))
			if otherRegion {
				msg += fmt.Sprintf(" and is in region %s", ws.Region)
			}
			l.add(Finding{Code: LintCIOutsideWorkspaceVNet, Severity: SeverityError, Resource: c.Name, Line: l.computeLine(c),
				Message: msg + "; only a compute cluster may be in another VNet or region",
				Seed:    seedCrossVNet,
				Fix:     fmt.Sprintf("create %s in a subnet of %s (region %s), or make it a compute cluster (AmlCompute)", c.Name, l.wsVNets[0].Name, ws.Region)})
		case otherRegion:
			l.add(Finding{Code: LintCIOutsideWorkspaceRegion, Severity: SeverityError, Resource: c.Name, Line: l.computeLine(c),
				Message: fmt.Sprintf("compute instance %s is in region %s (VNet %s), but workspace %s is in region %s; only a compute cluster may be in another region", c.Name, c.Region, v.Name, ws.Name, ws.Region),
				Seed:    seedCrossVNet,
				Fix:     fmt.Sprintf("create %s in a VNet in %s that holds the workspace's private endpoint, or make it a compute cluster (AmlCompute)", c.Name, ws.Region)})
		}
	}
}

// nodes returns the addresses a compute takes in its subnet: one per
// compute instance, maxNodes for a cluster or serverless compute (1 when
// maxNodes is not given, and defaulted is then true).
func nodes(c *topology.Compute) (n int, defaulted bool) {
	if c.Type == "ComputeInstance" {
		return 1, false
	}
	if c.MaxNodes <= 0 {
		return 1, true
	}
	return c.MaxNodes, false
}

// 2 and 3. A subnet that holds computes is not delegated and has an
// address for every node (seed 000, Prerequisites).
func (l *linter) computeSubnets() {
	var subnets []*topology.Subnet
	bySubnet := map[*topology.Subnet][]*topology.Compute{}
	for _, c := range l.vmComputes() {
		s := c.NIC.Subnet
		if bySubnet[s] == nil {
			subnets = append(subnets, s)
		}
		bySubnet[s] = append(bySubnet[s], c)
	}
	for _, s := range subnets {
		cs := bySubnet[s]
		var names []string
		for _, c := range cs {
			names = append(names, c.Name)
		}
		path := l.subnetPath(s)
		if len(s.Delegations) > 0 {
			l.add(Finding{Code: LintSubnetDelegated, Severity: SeverityError, Resource: s.ID(), Line: l.t.LineOf(path + ".delegations"),
				Message: fmt.Sprintf("subnet %s holds computes (%s) but is delegated to %s", s.ID(), strings.Join(names, ", "), strings.Join(s.Delegations, ", ")),
				Seed:    seedPrereq,
				Fix:     fmt.Sprintf("remove the delegation from %s, or move the computes to a subnet that isn't delegated", s.ID())})
		}
		l.subnetSize(s, cs, path)
	}
}

func (l *linter) subnetSize(s *topology.Subnet, cs []*topology.Compute, path string) {
	hostBits := s.Prefix.Addr().BitLen() - s.Prefix.Bits()
	if hostBits >= 31 {
		return // an IPv6 subnet or a huge one never runs out
	}
	size := 1 << hostBits
	need := reservedAddresses
	var parts, defaulted []string
	for _, c := range cs {
		n, def := nodes(c)
		need += n
		unit := "node"
		if n != 1 {
			unit = "nodes"
		}
		parts = append(parts, fmt.Sprintf("%s %d %s", c.Name, n, unit))
		if def {
			defaulted = append(defaulted, c.Name)
		}
	}
	others := 0
	for _, n := range l.t.NICs {
		if n.Subnet == s && n.Kind != topology.KindCompute {
			others++
		}
	}
	need += others
	if need <= size {
		return
	}
	bits := s.Prefix.Addr().BitLen()
	for bits > 0 && 1<<(s.Prefix.Addr().BitLen()-bits) < need {
		bits--
	}
	nics := "NICs"
	if others == 1 {
		nics = "NIC"
	}
	msg := fmt.Sprintf("subnet %s (%s) has %d addresses but needs %d: %d reserved by Azure, %s, and %d other %s", s.ID(), s.Prefix, size, need, reservedAddresses, strings.Join(parts, ", "), others, nics)
	if len(defaulted) > 0 {
		msg += fmt.Sprintf(" (%s %s no maxNodes, counted as 1 node)", strings.Join(defaulted, ", "), map[bool]string{true: "has", false: "have"}[len(defaulted) == 1])
	}
	l.add(Finding{Code: LintSubnetTooSmall, Severity: SeverityError, Resource: s.ID(), Line: l.t.LineOf(path + ".addressPrefix"),
		Message: msg,
		Seed:    seedPrereq,
		Fix:     fmt.Sprintf("make %s a /%d or larger, or lower maxNodes so that every node gets an address", s.ID(), bits)})
}

// 4. The default storage is in the workspace's VNet; the key vault and
// the registry are in it or in a VNet peered with it (seed 001, Secure
// the workspace and associated resources, Limitations). Only private
// endpoints place a service in a VNet.
func (l *linter) associatedResources() {
	ml := l.t.ML
	if ml.Workspace == nil || len(l.wsVNets) == 0 {
		return
	}
	if st := ml.Storage; st != nil && len(l.endpoints(st)) > 0 {
		sv := l.peVNets(st)
		same := false
		for _, v := range sv {
			same = same || slices.Contains(l.wsVNets, v)
		}
		if !same {
			l.add(Finding{Code: LintStorageOutsideVNet, Severity: SeverityError, Resource: st.Name, Line: l.t.LineOf(l.pePath(l.endpoints(st)[0])),
				Message: fmt.Sprintf("default storage %s has private endpoints in VNet %s, but workspace %s is in VNet %s; they must be in the same VNet (subnets may differ)", st.Name, vnetNames(sv), ml.Workspace.Name, vnetNames(l.wsVNets)),
				Seed:    seedSecureWS,
				Fix:     fmt.Sprintf("add private endpoints for %s in a subnet of %s", st.Name, l.wsVNets[0].Name)})
		}
	}
	for _, svc := range []*topology.Service{ml.KeyVault, ml.Registry} {
		if svc == nil || len(l.endpoints(svc)) == 0 {
			continue
		}
		sv := l.peVNets(svc)
		ok := false
		for _, v := range sv {
			for _, w := range l.wsVNets {
				ok = ok || v.Reaches(w)
			}
		}
		if ok {
			continue
		}
		kind := "key vault"
		if svc.Type == topology.TypeRegistry {
			kind = "container registry"
		}
		l.add(Finding{Code: LintResourceVNetNotPeered, Severity: SeverityError, Resource: svc.Name, Line: l.t.LineOf(l.pePath(l.endpoints(svc)[0])),
			Message: fmt.Sprintf("%s %s has private endpoints in VNet %s, which is neither the workspace's VNet (%s) nor peered with it", kind, svc.Name, vnetNames(sv), vnetNames(l.wsVNets)),
			Seed:    seedSecureWS,
			Fix:     fmt.Sprintf("add a private endpoint for %s in %s (recommended), or peer %s with %s in both directions", svc.Name, l.wsVNets[0].Name, sv[0].Name, l.wsVNets[0].Name)})
	}
}

// 7. TCP 445 from every compute to the default storage's file endpoint is
// allowed when the storage has a private file endpoint (seed 000,
// Limitations: port 445 must be open for private communication between
// computes and the default storage). The flow is traced.
func (l *linter) port445() {
	st := l.t.ML.Storage
	if st == nil || !l.hasGroup(st, "file") {
		return
	}
	fqdn := ""
	for _, n := range l.t.Resolver().Catalog(st) {
		if n.Group == "file" {
			fqdn = n.FQDN
			break
		}
	}
	if fqdn == "" {
		return
	}
	for _, c := range l.vmComputes() {
		res, err := l.t.Trace(Request{From: c.Name, To: fqdn, Protocol: topology.ProtocolTCP, Port: 445})
		if err != nil || res.Verdict == Allowed {
			continue
		}
		msg := fmt.Sprintf("TCP 445 from %s (%s) to %s is denied (%s)", c.Name, c.NIC.Subnet.ID(), fqdn, res.Reason)
		if b := res.BlockedBy; b != nil {
			msg += fmt.Sprintf(" by %s %s in %s", b.Kind, b.Name, b.Resource)
		}
		if res.Message != "" {
			msg += ": " + res.Message
		}
		l.add(Finding{Code: LintStorage445Blocked, Severity: SeverityError, Resource: c.Name, Line: l.computeLine(c),
			Message: msg,
			Seed:    seedLimitations,
			Fix:     fix445(c, st, fqdn, res)})
	}
}

func fix445(c *topology.Compute, st *topology.Service, fqdn string, res *Result) string {
	what := "the rule that denies it"
	if b := res.BlockedBy; b != nil {
		what = fmt.Sprintf("%s %s in %s", b.Kind, b.Name, b.Resource)
	}
	switch res.Reason {
	case ReasonDNSNXDomain, ReasonDNSNoData, ReasonDNSUnreachable, ReasonDNSServFail, ReasonPublicAccess:
		return fmt.Sprintf("make %s resolve to the private file endpoint of %s from %s (%s), then allow TCP 445 to it", fqdn, st.Name, c.Name, what)
	}
	return fmt.Sprintf("allow TCP 445 from %s to the private file endpoint of %s: change %s (trace it with `vnetsim trace --from %s --to %s --port 445`)", c.NIC.Subnet.ID(), st.Name, what, c.Name, fqdn)
}

func (l *linter) hasGroup(svc *topology.Service, group string) bool {
	for _, pe := range l.endpoints(svc) {
		if pe.GroupID == group {
			return true
		}
	}
	return false
}

// 8. A no-public-IP serverless compute reaches a workspace that has an IP
// allow list through a workspace private endpoint in its VNet or a VNet
// peered with it (seed 000, no public IP section, Important note).
func (l *linter) serverlessAllowList() {
	ws := l.t.ML.Workspace
	if ws == nil || len(l.t.ML.IPAllowList) == 0 {
		return
	}
	for _, c := range l.vmComputes() {
		if c.Type != "Serverless" || c.PublicIP {
			continue
		}
		v := c.NIC.VNet()
		if l.reachesWorkspacePE(v) {
			continue
		}
		l.add(Finding{Code: LintServerlessAllowListNoPE, Severity: SeverityError, Resource: c.Name, Line: l.computeLine(c),
			Message: fmt.Sprintf("serverless compute %s has no public IP and workspace %s has an IP allow list, but no private endpoint of %s is in VNet %s or a VNet peered with it; its default outbound IP is dynamic and can't be allowed", c.Name, ws.Name, ws.Name, v.Name),
			Seed:    seedNoPublicIP,
			Fix:     fmt.Sprintf("add a private endpoint to %s (groupId amlworkspace) in %s, with its privatelink.api.azureml.ms and privatelink.notebooks.azure.net records", ws.Name, v.Name)})
	}
}

// 9. Compute VNets are in the workspace's subscription (seed 000,
// Prerequisites), when both subscriptions are given.
func (l *linter) subscriptions() {
	ws := l.t.ML.Workspace
	if ws == nil || ws.Subscription == "" {
		return
	}
	for _, c := range l.vmComputes() {
		v := c.NIC.VNet()
		if v.Subscription == "" || strings.EqualFold(v.Subscription, ws.Subscription) {
			continue
		}
		l.add(Finding{Code: LintComputeOtherSubscription, Severity: SeverityError, Resource: c.Name, Line: l.computeLine(c),
			Message: fmt.Sprintf("compute %s is in VNet %s of subscription %s, but workspace %s is in subscription %s", c.Name, v.Name, v.Subscription, ws.Name, ws.Subscription),
			Seed:    seedPrereq,
			Fix:     fmt.Sprintf("create %s in a VNet of subscription %s", c.Name, ws.Subscription)})
	}
}

// zoneWriter is a private endpoint whose zone group writes records into a
// zone, with the public name clients resolve to reach it.
type zoneWriter struct {
	pe   *topology.PrivateEndpoint
	name dnsmock.CatalogName
}

// zoneWriters maps each zone to the private endpoints whose zone groups
// write its records, in file order (as dnsmock builds them: the most
// specific zone of the group that holds the privatelink name).
func (l *linter) zoneWriters() map[string][]zoneWriter {
	r := l.t.Resolver()
	out := map[string][]zoneWriter{}
	for _, pe := range l.t.PrivateEndpoints {
		if pe.NIC.VNet() == l.managed {
			continue
		}
		seen := map[string]bool{}
		for _, n := range r.Catalog(pe.Service) {
			if !n.Own || n.PrivateLink == "" || n.Group != pe.GroupID || n.Wildcard() {
				continue
			}
			best := ""
			for _, zn := range pe.Zones {
				z := topology.CanonicalName(zn)
				if _, ok := l.zones[z]; ok && topology.InZone(n.PrivateLink, z) && len(z) > len(best) {
					best = z
				}
			}
			if best != "" && !seen[best] {
				seen[best] = true
				out[best] = append(out[best], zoneWriter{pe, n})
			}
		}
	}
	return out
}

// resolution is where the names a VNet's clients ask for are answered from
// private zones: the VNet from which a query reaches 168.63.129.16.
type resolution struct {
	vnet *topology.VNet
	// via describes the custom DNS servers on the way, "" for Azure DNS.
	via string
	// public is set when the chain ends in public DNS: a custom DNS server
	// that doesn't forward name's zone to 168.63.129.16.
	public string
	// server is the custom DNS server that resolves publicly.
	server string
}

// resolve follows v's first DNS server and its forwarders for name, as
// configured (package dnsmock decides). It returns nil when vnetsim can't
// judge: an on-premises server, a firewall without DNS proxy, or a host
// record that answers.
func (l *linter) resolve(v *topology.VNet, name string) *resolution {
	f := l.t.Resolver().Forward(v, name)
	if f == nil {
		return nil
	}
	res := &resolution{vnet: f.VNet, via: f.Via, server: f.PublicServer}
	if f.PublicServer != "" {
		res.public = name
	}
	return res
}

// 6. Several workspaces writing into one zone: only the first workspace's
// VNet was linked when the zone was created, so every VNet that holds a
// later workspace's private endpoint, or its computes, needs its own link
// (seed 002, Create a workspace that uses a private endpoint).
func (l *linter) sharedZones() {
	writers := l.writers
	for _, zone := range slices.Sorted(maps.Keys(writers)) {
		var order []*topology.Service
		first := map[*topology.Service]zoneWriter{}
		for _, w := range writers[zone] {
			svc := w.pe.Service
			if svc.Type != topology.TypeWorkspace {
				continue
			}
			if _, ok := first[svc]; !ok {
				first[svc] = w
				order = append(order, svc)
			}
		}
		if len(order) < 2 {
			continue
		}
		for _, ws := range order[1:] {
			vnets := l.peVNets(ws)
			if l.t.ML != nil && l.t.ML.Workspace == ws {
				for _, c := range l.vmComputes() {
					if v := c.NIC.VNet(); !slices.Contains(vnets, v) {
						vnets = append(vnets, v)
					}
				}
			}
			for _, v := range vnets {
				res := l.resolve(v, first[ws].name.FQDN)
				if res == nil || res.public != "" || l.zones[zone][res.vnet.Name] {
					continue
				}
				key := [2]string{zone, res.vnet.Name}
				if l.reported[key] {
					continue
				}
				l.reported[key] = true
				msg := fmt.Sprintf("zone %s holds the records of workspaces %s and %s, but VNet %s, which holds %s's private endpoint or computes, is not linked to it (only the first workspace's VNet is linked automatically)", zone, order[0].Name, ws.Name, v.Name, ws.Name)
				if res.vnet != v {
					msg = fmt.Sprintf("zone %s holds the records of workspaces %s and %s; VNet %s, which holds %s's private endpoint or computes, resolves through %s, but %s is not linked to %s (only the first workspace's VNet is linked automatically)", zone, order[0].Name, ws.Name, v.Name, ws.Name, res.via, zone, res.vnet.Name)
				}
				l.add(Finding{Code: LintSharedZoneNotLinked, Severity: SeverityError, Resource: zone, Line: l.zoneLine(zone),
					Message: msg,
					Seed:    seedSharedZone,
					Fix:     fmt.Sprintf("add a virtual network link from %s to %s", zone, res.vnet.Name)})
			}
		}
	}
}

// need is a VNet that needs a zone, and why.
type need struct {
	vnet     *topology.VNet
	severity string
	who      []string
}

// 5. Private DNS zones are linked to every VNet whose computes or clients
// resolve their names, or, when that VNet uses a custom DNS server, to
// the VNet from which the server's forwarders reach 168.63.129.16 (seed
// 000, Scenario: VNet peering, steps 4 and 5; seed 001, Custom DNS;
// reference 3.4). Computes need the workspace's zones and those of its
// associated resources (errors); clients, VMs that are neither appliances
// nor DNS servers, need the zones of the private endpoints in their VNet
// or a VNet peered with it (warnings).
func (l *linter) zoneLinks() {
	writers := l.writers
	needed := map[string]bool{}
	for z := range writers {
		needed[z] = true
	}
	var ws *topology.Service
	if l.t.ML != nil && l.t.ML.Workspace != nil && len(l.endpoints(l.t.ML.Workspace)) > 0 {
		ws = l.t.ML.Workspace
		for _, z := range []string{zoneAPI, zoneNotebooks} {
			if _, ok := l.zones[z]; ok {
				needed[z] = true
			}
		}
	}
	ml := map[*topology.Service]bool{}
	if l.t.ML != nil {
		for _, s := range []*topology.Service{l.t.ML.Workspace, l.t.ML.Storage, l.t.ML.KeyVault, l.t.ML.Registry, l.t.ML.Insights} {
			if s != nil {
				ml[s] = true
			}
		}
	}
	computes := l.computeVNets()
	clients := l.clientVNets()
	type key struct{ zone, vnet, public string }
	type agg struct {
		res      *resolution
		severity string
		who      []string
	}
	found := map[key]*agg{}
	var keys []key
	for _, zone := range slices.Sorted(maps.Keys(needed)) {
		name, ok := l.zoneName(zone, writers[zone], ws)
		if !ok {
			continue
		}
		forML := zone == zoneAPI || zone == zoneNotebooks
		var vnetSvcs []*topology.VNet // VNets holding a private endpoint that writes here
		for _, w := range writers[zone] {
			forML = forML || ml[w.pe.Service]
			if v := w.pe.NIC.VNet(); !slices.Contains(vnetSvcs, v) {
				vnetSvcs = append(vnetSvcs, v)
			}
		}
		var needs []need
		if forML {
			needs = append(needs, computes...)
		}
		for _, c := range clients {
			reaches := false
			for _, v := range vnetSvcs {
				reaches = reaches || c.vnet.Reaches(v)
			}
			if reaches {
				needs = append(needs, c)
			}
		}
		for _, n := range needs {
			res := l.resolve(n.vnet, name)
			if res == nil {
				continue
			}
			k := key{zone: zone, vnet: res.vnet.Name, public: res.server}
			if res.public == "" && (l.zones[zone][res.vnet.Name] || l.reported[[2]string{zone, res.vnet.Name}]) {
				continue
			}
			a := found[k]
			if a == nil {
				a = &agg{res: res, severity: SeverityWarning}
				found[k] = a
				keys = append(keys, k)
			}
			if n.severity == SeverityError {
				a.severity = SeverityError
			}
			for _, w := range n.who {
				a.who = append(a.who, fmt.Sprintf("%s in %s", w, n.vnet.Name))
			}
		}
	}
	for _, k := range keys {
		a := found[k]
		who := strings.Join(dedupe(a.who), ", ")
		if a.res.public != "" {
			fix := fmt.Sprintf("on DNS server %s, forward %s to 168.63.129.16", a.res.server, l.forwardZone(k.zone, writers[k.zone], ws))
			if !l.zones[k.zone][k.vnet] {
				fix += fmt.Sprintf(" and link %s to %s", k.zone, k.vnet)
			}
			l.add(Finding{Code: LintCustomDNSNotForwarded, Severity: a.severity, Resource: k.zone, Line: l.zoneLine(k.zone),
				Message: fmt.Sprintf("names in zone %s resolve to public addresses for %s: they ask %s, which resolves %s from public DNS", k.zone, who, a.res.via, a.res.public),
				Seed:    seedCustomDNS,
				Fix:     fix})
			continue
		}
		msg := fmt.Sprintf("zone %s is not linked to VNet %s, so its names resolve to public addresses for %s", k.zone, k.vnet, who)
		if a.res.via != "" {
			msg = fmt.Sprintf("zone %s is not linked to VNet %s, from which %s asks 168.63.129.16, so its names resolve to public addresses for %s", k.zone, k.vnet, a.res.via, who)
		}
		seed := seedPeering
		if a.res.via != "" {
			seed = seedCustomDNS
		}
		l.add(Finding{Code: LintZoneNotLinked, Severity: a.severity, Resource: k.zone, Line: l.zoneLine(k.zone),
			Message: msg,
			Seed:    seed,
			Fix:     fmt.Sprintf("add a virtual network link from %s to %s", k.zone, k.vnet)})
	}
}

// zoneName returns a public name whose privatelink name is in zone: the
// first one a zone group writes there, else (for the workspace's zones
// when its endpoint has no zone group) one of the workspace's names.
func (l *linter) zoneName(zone string, ws []zoneWriter, wsSvc *topology.Service) (string, bool) {
	if len(ws) > 0 {
		return ws[0].name.FQDN, true
	}
	if wsSvc == nil {
		return "", false
	}
	for _, n := range l.t.Resolver().Catalog(wsSvc) {
		if n.Own && !n.Wildcard() && topology.CanonicalName(n.Zone) == zone {
			return n.FQDN, true
		}
	}
	return "", false
}

func (l *linter) forwardZone(zone string, ws []zoneWriter, wsSvc *topology.Service) string {
	if len(ws) > 0 {
		return ws[0].name.ForwardZone
	}
	if wsSvc != nil {
		for _, n := range l.t.Resolver().Catalog(wsSvc) {
			if n.Own && topology.CanonicalName(n.Zone) == zone {
				return n.ForwardZone
			}
		}
	}
	return strings.TrimPrefix(zone, "privatelink.")
}

// computeVNets are the customer VNets that hold computes (attached VMs
// included).
func (l *linter) computeVNets() []need {
	var out []need
	idx := map[*topology.VNet]int{}
	for _, c := range l.t.Computes {
		if c.NIC == nil || c.Managed || c.NIC.VNet() == l.managed {
			continue
		}
		v := c.NIC.VNet()
		i, ok := idx[v]
		if !ok {
			i = len(out)
			idx[v] = i
			out = append(out, need{vnet: v, severity: SeverityError})
		}
		out[i].who = append(out[i].who, "compute "+c.Name)
	}
	return out
}

// clientVNets are the VNets that hold clients: VMs that are neither
// appliances, DNS servers nor attached computes.
func (l *linter) clientVNets() []need {
	attached := map[*topology.NIC]bool{}
	for _, c := range l.t.Computes {
		if c.Attached() {
			attached[c.NIC] = true
		}
	}
	var out []need
	idx := map[*topology.VNet]int{}
	for _, n := range l.t.NICs {
		if n.Kind != topology.KindVM || n.IPForwarding || n.Appliance != nil || attached[n] || n.VNet() == l.managed {
			continue
		}
		if _, ok := l.t.DNSServerRole(n); ok {
			continue
		}
		v := n.VNet()
		i, ok := idx[v]
		if !ok {
			i = len(out)
			idx[v] = i
			out = append(out, need{vnet: v, severity: SeverityWarning})
		}
		out[i].who = append(out[i].who, "VM "+n.Name)
	}
	return out
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
