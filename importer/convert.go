package importer

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/importer/arm"
	"github.com/vnetsim/vnetsim/internal/parallel"
	"github.com/vnetsim/vnetsim/spec"
)

// Output is one imported scenario with the comments that say where each
// object came from, by key path (vnets[0].subnets[1]).
type Output struct {
	Scenario *spec.Scenario
	Comments map[string]string // key path -> comment on the object (head) or value (line)
}

// conv converts one set of ARM resources into a scenario.
type conv struct {
	res      []*arm.Resource
	byKey    map[string]*arm.Resource
	byRel    map[string][]*arm.Resource
	byType   map[string][]*arm.Resource
	children map[string][]*arm.Resource // parent key -> child resources
	names    map[*arm.Resource]string
	used     map[string]map[string]bool // namespace -> names taken (lower case)
	consumed map[*arm.Resource]bool     // resources turned into scenario objects
	dropped  map[*arm.Resource]bool     // resources reported as not imported
	probs    []arm.Problem
	sc       *spec.Scenario
	comments map[string]string
	stubs    map[string]*spec.Service          // services known only from a reference, by key
	zones    map[string]int                    // zone name (lower) -> index in sc.PrivateDNSZones
	claims   map[*arm.Resource][]*arm.Resource // public IP -> the NICs, firewalls and NAT gateways that name it
	alloc    *allocator
	more     *more // issue 14's resources (more.go)
}

func (c *conv) problem(r *arm.Resource, kind, path, format string, args ...any) {
	if kind == "resource" && path == r.Node.Path() {
		c.dropped[r] = true // listed whole: its properties are not listed again
	}
	c.probs = append(c.probs, arm.Problem{Kind: kind, Subject: r.Origin, File: r.File, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// convert turns resources into a scenario; later resources with the ID of an
// earlier one replace it (a standalone subnet replaces one inline in its VNet).
func convert(rs []*arm.Resource) (*Output, []arm.Problem) {
	c := &conv{byKey: map[string]*arm.Resource{}, byRel: map[string][]*arm.Resource{}, byType: map[string][]*arm.Resource{}, children: map[string][]*arm.Resource{},
		names: map[*arm.Resource]string{}, dropped: map[*arm.Resource]bool{}, used: map[string]map[string]bool{}, consumed: map[*arm.Resource]bool{},
		sc: &spec.Scenario{APIVersion: spec.APIVersion}, comments: map[string]string{}, stubs: map[string]*spec.Service{}, zones: map[string]int{}, more: newMore()}
	all := explodeAll(rs)
	// sized for the input: growing maps of a large estate costs more than
	// filling them
	c.byKey = make(map[string]*arm.Resource, len(all))
	c.children = make(map[string][]*arm.Resource, len(all)/4)
	c.names = make(map[*arm.Resource]string, len(all))
	c.consumed = make(map[*arm.Resource]bool, len(all))
	c.comments = make(map[string]string, len(all))
	replaced := map[*arm.Resource]bool{}
	for _, r := range all {
		k := r.Key()
		if prev := c.byKey[k]; prev != nil {
			if !(prev.Inline && !r.Inline) && !(prev.Inline && r.Inline) {
				c.problem(prev, "note", prev.Node.Path(), "defined again in %s; the later definition is imported", r.File)
			}
			prev.Node.Use("properties", "name", "id")
			prev.Node.Unused(func(string, any) {})
			c.consumed[prev] = true
			replaced[prev] = true
		}
		c.byKey[k] = r
	}
	c.res = make([]*arm.Resource, 0, len(all)-len(replaced))
	for _, r := range all {
		if !replaced[r] {
			c.res = append(c.res, r)
		}
	}
	c.byRel = make(map[string][]*arm.Resource, len(c.res))
	for _, r := range c.res {
		c.byRel[r.RelKey()] = append(c.byRel[r.RelKey()], r)
		c.byType[r.Type] = append(c.byType[r.Type], r)
		if r.Parent() != "" {
			c.children[r.ParentKey()] = append(c.children[r.ParentKey()], r)
		}
	}
	for t := range c.byType {
		rs := c.byType[t]
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].Key() < rs[j].Key() })
	}
	c.region()
	c.nameAll()
	c.claimPIPs()
	c.alloc = newAllocator()
	c.vnets()
	c.peerings()
	c.nsgs()
	c.asgs()
	c.routeTables()
	c.natGateways()
	c.gateways()
	c.ipGroups()
	c.firewalls()
	c.services()
	c.linkScopes()
	c.dnsZones()
	c.vms()
	c.loadBalancers()
	c.bastions()
	c.unattachedPIPs()
	c.privateEndpoints()
	c.machineLearning()
	c.dnsResolvers()
	c.networkManagers()
	c.endpointPolicies()
	c.flushStubs()
	c.alloc.assign(c)
	c.leftovers()
	return &Output{Scenario: c.sc, Comments: c.comments}, c.probs
}

// explodeAll is arm.Explode of each resource, in order, on every core when
// no resource is given twice (each call reads only its own resource).
func explodeAll(rs []*arm.Resource) []*arm.Resource {
	seen := make(map[*arm.Resource]bool, len(rs))
	for _, r := range rs {
		if seen[r] {
			var all []*arm.Resource
			for _, r := range rs {
				all = append(all, arm.Explode(r)...)
			}
			return all
		}
		seen[r] = true
	}
	parts := make([][]*arm.Resource, len(rs))
	parallel.ForEachSmall(len(rs), func(i int) { parts[i] = arm.Explode(rs[i]) })
	var all []*arm.Resource
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

// lookup finds a resource by ID (case-insensitively; a relative ID matches
// a full one when only one resource has it).
func (c *conv) lookup(id string) *arm.Resource {
	if id == "" {
		return nil
	}
	if r := c.byKey[arm.Key(id)]; r != nil {
		return r
	}
	if rs := c.byRel[arm.RelKey(id)]; len(rs) == 1 {
		return rs[0]
	}
	return nil
}

// ref resolves the reference {"id": ...} at key of n to a resource of type
// typ, reporting one that is not in the input.
func (c *conv) ref(r *arm.Resource, n *arm.Node, key, typ string) *arm.Resource {
	id := n.ID(key)
	if id == "" {
		if s := n.Str(key); strings.HasPrefix(s, "/") {
			id = s // some shapes give the ID as a plain string
		}
	}
	return c.refID(r, where{n, key, -1}, id, typ)
}

// where is the JSON path of a reference, made only for a problem: the
// object, then a key and an index in it when not empty or -1.
type where struct {
	n   *arm.Node
	key string
	i   int
}

func (w where) String() string {
	p := w.n.Path()
	if w.key != "" {
		p += "." + w.key
	}
	if w.i >= 0 {
		p += "[" + strconv.Itoa(w.i) + "]"
	}
	return p
}

func (c *conv) refID(r *arm.Resource, at where, id, typ string) *arm.Resource {
	if id == "" {
		return nil
	}
	t := c.lookup(id)
	if t == nil {
		c.problem(r, "reference", at.String(), "%s is not in the input; the reference is left out", id)
		return nil
	}
	if typ != "" && !arm.TypeIs(t.Type, typ) {
		c.problem(r, "reference", at.String(), "%s is a %s, not a %s; the reference is left out", id, t.Type, typ)
		return nil
	}
	return t
}

// region picks the scenario's region: the most common location of the
// VNets, else of all resources.
func (c *conv) region() {
	count := func(rs []*arm.Resource) string {
		n := map[string]int{}
		best := ""
		for _, r := range rs {
			l := normRegion(r.Location)
			if l == "" || l == "global" {
				continue
			}
			n[l]++
			if n[l] > n[best] || (n[l] == n[best] && l < best) {
				best = l
			}
		}
		return best
	}
	c.sc.Region = count(c.byType[arm.VirtualNetwork])
	if c.sc.Region == "" {
		c.sc.Region = count(c.res)
	}
	if c.sc.Region == "" {
		c.sc.Region = "eastus"
		c.probs = append(c.probs, arm.Problem{Kind: "note", Subject: "scenario", Msg: "no resource gives a location; region eastus is written"})
	}
}

func normRegion(l string) string { return strings.ToLower(strings.ReplaceAll(l, " ", "")) }

// regionOf returns r's region when it differs from the scenario's.
func (c *conv) regionOf(r *arm.Resource) string {
	if l := normRegion(r.Location); l != "" && l != "global" && l != c.sc.Region {
		return l
	}
	return ""
}

var namespaces = map[string]string{
	arm.VirtualNetwork: "vnet", arm.NSG: "nsg", arm.RouteTable: "rt", arm.NATGateway: "nat", arm.IPGroup: "ipgroup", arm.ASG: "asg",
	arm.VNetGateway: "endpoint", arm.Firewall: "endpoint", arm.PrivateEndpoint: "endpoint", arm.NIC: "endpoint", arm.Compute: "endpoint",
	arm.Storage: "endpoint", arm.KeyVault: "endpoint", arm.Registry: "endpoint", arm.Insights: "endpoint", arm.Workspace: "endpoint",
	arm.Peering: "peering",
}

// nameAll names every resource that becomes a named scenario object: the
// ID's last segment, or with its resource group when that collides.
func (c *conv) nameAll() {
	var order []string
	for t := range namespaces {
		order = append(order, t)
	}
	sort.Strings(order)
	for _, t := range order {
		for _, r := range c.byType[t] {
			p, _ := arm.ParseID(r.ID)
			c.names[r] = c.take(namespaces[t], p.Name(), p.ResourceGroup)
		}
	}
	for _, r := range c.byType[arm.Subnet] {
		p, _ := arm.ParseID(r.ID)
		c.names[r] = p.Name()
	}
}

func (c *conv) take(ns, want, rg string) string {
	if c.used[ns] == nil {
		c.used[ns] = map[string]bool{}
	}
	name := want
	for i := 1; c.used[ns][strings.ToLower(name)]; i++ {
		switch {
		case i == 1 && rg != "":
			name = want + "-" + strings.ToLower(rg)
		default:
			name = fmt.Sprintf("%s-%d", want, i)
		}
	}
	c.used[ns][strings.ToLower(name)] = true
	return name
}

// comment says where an object came from.
func (c *conv) comment(r *arm.Resource) string {
	s := "from " + r.File + ": " + r.Origin
	if r.Name != "" && !strings.EqualFold(r.Name, lastSeg(r.ID)) && !strings.HasSuffix(r.Name, "/"+lastSeg(r.ID)) {
		s += " (name: " + r.Name + ")"
	}
	if n := c.names[r]; n != "" && n != lastSeg(r.ID) {
		s += " (renamed: " + lastSeg(r.ID) + " is taken)"
	}
	return s
}

func lastSeg(id string) string {
	id = strings.TrimRight(id, "/")
	return id[strings.LastIndex(id, "/")+1:]
}

// subnetRef returns "vnet/subnet" for a subnet resource.
func (c *conv) subnetRef(s *arm.Resource) string {
	if s == nil {
		return ""
	}
	v := c.byKey[s.ParentKey()]
	if v == nil {
		return ""
	}
	return c.names[v] + "/" + c.names[s]
}

// subnetOf resolves a subnet reference at key of n to "vnet/subnet".
func (c *conv) subnetOf(r *arm.Resource, n *arm.Node, key string) (string, *arm.Resource) {
	s := c.ref(r, n, key, arm.Subnet)
	ref := c.subnetRef(s)
	if s != nil && ref == "" {
		c.problem(r, "reference", n.Path()+"."+key, "subnet %s is in the input but its VNet is not", s.ID)
		return "", nil
	}
	return ref, s
}

var readOnly = []string{"provisioningState", "resourceGuid", "etag"}

// leftovers lists every resource not turned into a scenario object and every
// property no conversion read.
//
// A resource and the children inline in it share JSON objects, so each such
// family is read in order by one goroutine; families run on every core.
func (c *conv) leftovers() {
	type unused struct {
		path string
		v    any
	}
	found := make([][]unused, len(c.res))
	var families []int // index in c.res where each family starts
	for i, r := range c.res {
		if i == 0 || !r.Inline {
			families = append(families, i)
		}
	}
	parallel.ForEachSmall(len(families), func(f int) {
		end := len(c.res)
		if f+1 < len(families) {
			end = families[f+1]
		}
		for i := families[f]; i < end; i++ {
			r := c.res[i]
			if !c.consumed[r] || c.dropped[r] {
				continue
			}
			r.Node.Use("id", "name", "type", "location")
			r.Props().Use(readOnly...)
			r.Node.Unused(func(path string, v any) {
				found[i] = append(found[i], unused{path, v})
			})
		}
	})
	for i, r := range c.res {
		if !c.consumed[r] {
			if skipQuietly(r.Type) {
				continue
			}
			c.problem(r, "resource", r.Node.Path(), "%s is not imported", r.Type)
			continue
		}
		for _, u := range found[i] {
			c.problem(r, "property", u.path, "not imported%s", shortValue(u.v))
		}
	}
}

// skipQuietly: resources whose content is listed elsewhere.
func skipQuietly(t string) bool { return false }

func shortValue(v any) string {
	s := arm.Scalar(v)
	if s == "" || len(s) > 60 {
		return ""
	}
	return " (" + s + ")"
}

// enum spells a value as documented, matching case-insensitively; an
// unknown value is returned as given, for validation to report.
func enum(v string, values ...string) string {
	for _, x := range values {
		if strings.EqualFold(v, x) {
			return x
		}
	}
	return v
}

func (c *conv) vnets() {
	type item struct {
		r *arm.Resource
		v spec.VNet
		s []*arm.Resource
	}
	var items []item
	for _, r := range c.byType[arm.VirtualNetwork] {
		c.consumed[r] = true
		p := r.Props()
		v := spec.VNet{Name: c.names[r], Region: c.regionOf(r)}
		if id, ok := arm.ParseID(r.ID); ok {
			v.Subscription = id.Subscription
		}
		if as := p.Obj("addressSpace"); as != nil {
			v.AddressSpace = as.Strs("addressPrefixes")
		}
		if d := p.Obj("dhcpOptions"); d != nil {
			v.DNSServers = d.Strs("dnsServers")
		}
		p.Use("subnets", "virtualNetworkPeerings", "enableDdosProtection", "enableVmProtection", "privateEndpointVNetPolicies", "encryption", "flowTimeoutInMinutes")
		var subs []*arm.Resource
		for _, s := range c.children[r.Key()] {
			if arm.TypeIs(s.Type, arm.Subnet) {
				subs = append(subs, s)
			}
		}
		for _, s := range subs {
			v.Subnets = append(v.Subnets, c.subnet(s))
		}
		items = append(items, item{r, v, subs})
	}
	for _, s := range c.byType[arm.Subnet] {
		if c.byKey[s.ParentKey()] == nil {
			c.consumed[s] = true
			s.Node.Use("properties")
			c.problem(s, "resource", s.Node.Path(), "subnet whose VNet %s is not in the input: not imported (a VNet needs its address space)", s.Parent())
		}
	}
	for i, it := range items {
		c.sc.VNets = append(c.sc.VNets, it.v)
		c.comments[fmt.Sprintf("vnets[%d]", i)] = c.comment(it.r)
		for j, s := range it.s {
			c.comments[fmt.Sprintf("vnets[%d].subnets[%d]", i, j)] = c.comment(s)
			c.alloc.subnet(c.subnetRef(s), it.v.Subnets[j].AddressPrefix)
		}
	}
}

func (c *conv) subnet(s *arm.Resource) spec.Subnet {
	c.consumed[s] = true
	p := s.Props()
	out := spec.Subnet{Name: c.names[s]}
	out.AddressPrefix = p.Str("addressPrefix")
	if ps := p.Strs("addressPrefixes"); len(ps) > 0 {
		if out.AddressPrefix == "" {
			out.AddressPrefix = ps[0]
			ps = ps[1:]
		}
		for _, x := range ps {
			if x != out.AddressPrefix {
				c.problem(s, "property", p.Path()+".addressPrefixes", "second prefix %s not imported: vnetsim models one prefix per subnet", x)
			}
		}
	}
	if n := c.ref(s, p, "networkSecurityGroup", arm.NSG); n != nil {
		out.NetworkSecurityGroup = c.names[n]
	}
	if n := c.ref(s, p, "routeTable", arm.RouteTable); n != nil {
		out.RouteTable = c.names[n]
	}
	if n := c.ref(s, p, "natGateway", arm.NATGateway); n != nil {
		out.NATGateway = c.names[n]
	}
	for _, se := range p.Objs("serviceEndpoints") {
		out.ServiceEndpoints = append(out.ServiceEndpoints, se.Str("service"))
		se.Use("locations", "provisioningState", "networkIdentifier")
	}
	for _, d := range p.Objs("delegations") {
		dp := arm.Props(d)
		out.Delegations = append(out.Delegations, dp.Str("serviceName"))
		d.Use("name", "id", "type", "etag")
		dp.Use("actions", "provisioningState")
	}
	if b, ok := p.Bool("defaultOutboundAccess"); ok {
		out.DefaultOutboundAccess = &b
	}
	out.PrivateEndpointNetworkPolicies = enum(p.Str("privateEndpointNetworkPolicies"), "Disabled", "Enabled", "NetworkSecurityGroupEnabled", "RouteTableEnabled")
	out.PrivateLinkServiceNetworkPolicies = enum(p.Str("privateLinkServiceNetworkPolicies"), "Disabled", "Enabled")
	out.ServiceEndpointPolicies = c.policyNames(s, p)
	p.Use("ipConfigurations", "privateEndpoints", "ipConfigurationProfiles", "resourceNavigationLinks", "serviceAssociationLinks", "purpose", "applicationGatewayIPConfigurations", "ipAllocations")
	return out
}

func (c *conv) peerings() {
	for _, r := range c.byType[arm.Peering] {
		c.consumed[r] = true
		p := r.Props()
		from := c.byKey[r.ParentKey()]
		to := c.ref(r, p, "remoteVirtualNetwork", arm.VirtualNetwork)
		if from == nil || to == nil {
			p.Use("allowVirtualNetworkAccess", "allowForwardedTraffic", "allowGatewayTransit", "useRemoteGateways", "remoteAddressSpace", "remoteVirtualNetworkAddressSpace", "peeringState", "peeringSyncLevel", "remoteBgpCommunities", "remoteGateways", "doNotVerifyRemoteGateways")
			if from == nil {
				c.problem(r, "resource", r.Node.Path(), "peering of VNet %s, which is not in the input: not imported", r.Parent())
			} else {
				c.problem(r, "resource", r.Node.Path(), "peering to a VNet not in the input: not imported")
			}
			continue
		}
		out := spec.Peering{Name: r.Name, From: c.names[from], To: c.names[to]}
		if strings.Contains(out.Name, "/") {
			out.Name = lastSeg(r.ID)
		}
		if b, ok := p.Bool("allowVirtualNetworkAccess"); ok {
			out.AllowVirtualNetworkAccess = &b
		}
		out.AllowForwardedTraffic, _ = p.Bool("allowForwardedTraffic")
		out.AllowGatewayTransit, _ = p.Bool("allowGatewayTransit")
		out.UseRemoteGateways, _ = p.Bool("useRemoteGateways")
		if st := p.Str("peeringState"); st != "" && !strings.EqualFold(st, "Connected") {
			c.problem(r, "note", p.Path()+".peeringState", "peering state %s: Azure passes no traffic until the other direction exists; imported as configured", st)
		}
		p.Use("remoteAddressSpace", "remoteVirtualNetworkAddressSpace", "peeringSyncLevel", "doNotVerifyRemoteGateways", "remoteBgpCommunities", "remoteGateways", "routeServiceVips")
		c.comments[fmt.Sprintf("peerings[%d]", len(c.sc.Peerings))] = c.comment(r)
		c.sc.Peerings = append(c.sc.Peerings, out)
	}
}

func (c *conv) asgNames(r *arm.Resource, n *arm.Node, key string) []string {
	var out []string
	for i, o := range n.Objs(key) {
		if a := c.refID(r, where{n, key, i}, o.Str("id"), arm.ASG); a != nil {
			out = append(out, c.names[a])
		}
	}
	return out
}

func (c *conv) nsgs() {
	// Each NSG with its rules is converted on its own, on every core (it
	// reads only its own JSON objects and the read-only indexes; its
	// problems are kept apart), then put in place in order.
	type result struct {
		out      spec.NSG
		rules    []*arm.Resource
		comments []string
		probs    []arm.Problem
		dropped  map[*arm.Resource]bool
	}
	nsgs := c.byType[arm.NSG]
	results := make([]result, len(nsgs))
	parallel.ForEachSmall(len(nsgs), func(k int) {
		r := nsgs[k]
		w := c.apart()
		res := &results[k]
		p := r.Props()
		res.out = spec.NSG{Name: c.names[r]}
		for _, ch := range c.children[r.Key()] {
			if arm.TypeIs(ch.Type, arm.SecurityRule) {
				res.rules = append(res.rules, ch)
			}
		}
		if len(res.rules) > 0 {
			res.out.SecurityRules = make([]spec.SecurityRule, 0, len(res.rules))
			res.comments = make([]string, 0, len(res.rules))
		}
		for _, rr := range res.rules {
			rp := rr.Props()
			sr := spec.SecurityRule{Name: c.ruleName(rr), Description: rp.Str("description")}
			sr.Priority, _ = rp.Int("priority")
			sr.Direction = enum(rp.Str("direction"), "Inbound", "Outbound")
			sr.Access = enum(rp.Str("access"), "Allow", "Deny")
			sr.Protocol = enum(rp.Str("protocol"), "Tcp", "Udp", "Icmp", "Esp", "Ah", "*")
			sr.SourceAddressPrefix = rp.Str("sourceAddressPrefix")
			sr.SourceAddressPrefixes = rp.Strs("sourceAddressPrefixes")
			sr.SourcePortRange = rp.Str("sourcePortRange")
			sr.SourcePortRanges = rp.Strs("sourcePortRanges")
			sr.DestinationAddressPrefix = rp.Str("destinationAddressPrefix")
			sr.DestinationAddressPrefixes = rp.Strs("destinationAddressPrefixes")
			sr.DestinationPortRange = rp.Str("destinationPortRange")
			sr.DestinationPortRanges = rp.Strs("destinationPortRanges")
			sr.SourceApplicationSecurityGroups = w.asgNames(rr, rp, "sourceApplicationSecurityGroups")
			sr.DestinationApplicationSecurityGroups = w.asgNames(rr, rp, "destinationApplicationSecurityGroups")
			// Azure fills both forms: an empty singular beside a plural list
			if len(sr.SourceAddressPrefixes) > 0 && sr.SourceAddressPrefix == "" || len(sr.SourceApplicationSecurityGroups) > 0 {
				sr.SourceAddressPrefix = ""
			}
			if len(sr.DestinationApplicationSecurityGroups) > 0 {
				sr.DestinationAddressPrefix = ""
			}
			res.out.SecurityRules = append(res.out.SecurityRules, sr)
			res.comments = append(res.comments, c.comment(rr))
		}
		// Azure's default rules: vnetsim adds them to every NSG itself.
		p.Use("defaultSecurityRules", "securityRules", "subnets", "networkInterfaces", "flushConnection", "flowLogs")
		res.probs, res.dropped = w.probs, w.dropped
	})
	for k, r := range nsgs {
		res := &results[k]
		c.consumed[r] = true
		i := len(c.sc.NetworkSecurityGroups)
		for j, rr := range res.rules {
			c.consumed[rr] = true
			c.comments["networkSecurityGroups["+strconv.Itoa(i)+"].securityRules["+strconv.Itoa(j)+"]"] = res.comments[j]
		}
		c.probs = append(c.probs, res.probs...)
		for d := range res.dropped {
			c.dropped[d] = true
		}
		c.sc.NetworkSecurityGroups = append(c.sc.NetworkSecurityGroups, res.out)
		c.comments["networkSecurityGroups["+strconv.Itoa(i)+"]"] = c.comment(r)
	}
	for _, rr := range c.byType[arm.SecurityRule] {
		if !c.consumed[rr] {
			c.consumed[rr] = true
			rr.Node.Use("properties")
			c.problem(rr, "resource", rr.Node.Path(), "rule of NSG %s, which is not in the input: not imported", rr.Parent())
		}
	}
}

// apart returns a copy of c for work done on another goroutine: it shares
// the read-only indexes and names, and keeps its problems to itself.
func (c *conv) apart() *conv {
	w := *c
	w.probs, w.dropped = nil, map[*arm.Resource]bool{}
	return &w
}

func (c *conv) ruleName(r *arm.Resource) string {
	if n := r.Name; n != "" && !strings.Contains(n, "/") {
		return n
	}
	return lastSeg(r.ID)
}

func (c *conv) asgs() {
	for i, r := range c.byType[arm.ASG] {
		c.consumed[r] = true
		c.sc.ApplicationSecurityGroups = append(c.sc.ApplicationSecurityGroups, c.names[r])
		c.comments[fmt.Sprintf("applicationSecurityGroups[%d]", i)] = c.comment(r)
		r.Props().Use("ipConfigurations")
	}
}

func (c *conv) routeTables() {
	for _, r := range c.byType[arm.RouteTable] {
		c.consumed[r] = true
		p := r.Props()
		out := spec.RouteTable{Name: c.names[r]}
		out.DisableBgpRoutePropagation, _ = p.Bool("disableBgpRoutePropagation")
		i := len(c.sc.RouteTables)
		j := 0
		for _, ch := range c.children[r.Key()] {
			if !arm.TypeIs(ch.Type, arm.Route) {
				continue
			}
			c.consumed[ch] = true
			rp := ch.Props()
			out.Routes = append(out.Routes, spec.Route{Name: c.ruleName(ch), AddressPrefix: rp.Str("addressPrefix"),
				NextHopType:      enum(rp.Str("nextHopType"), "VirtualAppliance", "VirtualNetworkGateway", "VnetLocal", "Internet", "None"),
				NextHopIPAddress: rp.Str("nextHopIpAddress")})
			rp.Use("hasBgpOverride")
			c.comments[fmt.Sprintf("routeTables[%d].routes[%d]", i, j)] = c.comment(ch)
			j++
		}
		p.Use("routes", "subnets")
		c.sc.RouteTables = append(c.sc.RouteTables, out)
		c.comments[fmt.Sprintf("routeTables[%d]", i)] = c.comment(r)
	}
	for _, rr := range c.byType[arm.Route] {
		if !c.consumed[rr] {
			c.consumed[rr] = true
			rr.Node.Use("properties")
			c.problem(rr, "resource", rr.Node.Path(), "route of route table %s, which is not in the input: not imported", rr.Parent())
		}
	}
}

// publicIP returns the address and SKU of a public IP resource.
func publicIP(r *arm.Resource) (addr, sku string) {
	p := r.Props()
	addr = p.Str("ipAddress")
	if s := r.Node.Obj("sku"); s != nil {
		sku = s.Str("name")
		s.Use("tier")
	}
	p.Use("publicIPAllocationMethod", "publicIPAddressVersion", "idleTimeoutInMinutes", "ipTags", "dnsSettings", "ddosSettings", "natGateway", "ipConfiguration")
	return addr, sku
}

func (c *conv) natGateways() {
	for _, r := range c.byType[arm.NATGateway] {
		c.consumed[r] = true
		p := r.Props()
		out := spec.NATGateway{Name: c.names[r]}
		for i, o := range p.Objs("publicIpAddresses") {
			if pip := c.pipFor(r, p, fmt.Sprintf("publicIpAddresses[%d]", i), o.Str("id")); pip != nil {
				if a, _ := publicIP(pip); a != "" {
					out.PublicIPAddresses = append(out.PublicIPAddresses, a)
				} else {
					c.problem(r, "note", fmt.Sprintf("%s.publicIpAddresses[%d]", p.Path(), i), "public IP %s has no address in the input", pip.ID)
				}
			}
		}
		if len(p.Objs("publicIpPrefixes")) > 0 {
			c.problem(r, "property", p.Path()+".publicIpPrefixes", "public IP prefixes of a NAT gateway are not imported")
		}
		// The subnets a NAT gateway lists are Azure's back-references: an
		// edge is made from the subnet side only, and a disagreement is reported.
		for i, o := range p.Objs("subnets") {
			s := c.lookup(o.Str("id"))
			if s == nil {
				continue
			}
			if ng := arm.Props(s.Node).ID("natGateway"); ng == "" || arm.Key(ng) != r.Key() && c.lookup(ng) != r {
				c.problem(r, "conflict", fmt.Sprintf("%s.subnets[%d]", p.Path(), i), "the NAT gateway lists subnet %s, which does not point back to it; not attached", c.subnetRef(s))
			}
		}
		r.Node.Use("sku")
		p.Use("idleTimeoutInMinutes", "publicIpPrefixes")
		c.comments[fmt.Sprintf("natGateways[%d]", len(c.sc.NATGateways))] = c.comment(r)
		c.sc.NATGateways = append(c.sc.NATGateways, out)
	}
}

func (c *conv) gateways() {
	gwByVNet := map[string]string{}
	for _, r := range c.byType[arm.VNetGateway] {
		c.consumed[r] = true
		p := r.Props()
		out := spec.Gateway{Name: c.names[r], GatewayType: enum(p.Str("gatewayType"), "Vpn", "ExpressRoute")}
		for _, ipc := range p.Objs("ipConfigurations") {
			ip := arm.Props(ipc)
			ref, _ := c.subnetOf(r, ip, "subnet")
			if v, _, ok := strings.Cut(ref, "/"); ok && out.VNet == "" {
				out.VNet = v
			}
			ipc.Use("name", "id", "etag")
			ip.Use("privateIPAllocationMethod", "publicIPAddress", "privateIPAddress")
		}
		if s := p.Obj("sku"); s != nil {
			out.SKU = s.Str("name")
			s.Use("tier", "capacity")
		} else if s := r.Node.Obj("sku"); s != nil {
			out.SKU = s.Str("name")
			s.Use("tier")
		}
		if out.VNet == "" {
			c.problem(r, "resource", r.Node.Path(), "gateway without a subnet in the input: not imported")
			continue
		}
		if prev, dup := gwByVNet[out.VNet]; dup {
			c.problem(r, "resource", r.Node.Path(), "VNet %s already has gateway %s and vnetsim models one gateway per VNet: not imported", out.VNet, prev)
			continue
		}
		gwByVNet[out.VNet] = out.Name
		p.Use("vpnType", "enableBgp", "activeActive", "vpnGatewayGeneration", "bgpSettings", "enablePrivateIpAddress", "disableIPSecReplayProtection", "allowRemoteVnetTraffic", "allowVirtualWanTraffic", "natRules", "enableBgpRouteTranslationForNat", "enableDnsForwarding", "adminState", "resiliencyModel")
		c.comments[fmt.Sprintf("virtualNetworkGateways[%d]", len(c.sc.VirtualNetworkGateways))] = c.comment(r)
		c.sc.VirtualNetworkGateways = append(c.sc.VirtualNetworkGateways, out)
	}
}

func (c *conv) ipGroups() {
	for _, r := range c.byType[arm.IPGroup] {
		c.consumed[r] = true
		p := r.Props()
		p.Use("firewalls", "firewallPolicies")
		c.comments[fmt.Sprintf("ipGroups[%d]", len(c.sc.IPGroups))] = c.comment(r)
		c.sc.IPGroups = append(c.sc.IPGroups, spec.IPGroup{Name: c.names[r], IPAddresses: p.Strs("ipAddresses")})
	}
}

func (c *conv) ipGroupNames(r *arm.Resource, n *arm.Node, key string) []string {
	var out []string
	for i, id := range n.Strs(key) {
		if g := c.refID(r, where{n, key, i}, id, arm.IPGroup); g != nil {
			out = append(out, c.names[g])
		}
	}
	return out
}

func (c *conv) firewalls() {
	for _, r := range c.byType[arm.Firewall] {
		c.consumed[r] = true
		p := r.Props()
		out := spec.Firewall{Name: c.names[r]}
		for i, ipc := range p.Objs("ipConfigurations") {
			ip := arm.Props(ipc)
			ipc.Use("name", "id", "etag", "type")
			if i > 0 {
				ip.Use("publicIPAddress", "subnet", "privateIPAddress")
				continue
			}
			out.Subnet, _ = c.subnetOf(r, ip, "subnet")
			out.PrivateIPAddress = ip.Str("privateIPAddress")
			if pip := c.pipFor(r, ip, "publicIPAddress", ip.ID("publicIPAddress")); pip != nil {
				out.PublicIPAddress, _ = publicIP(pip)
			}
		}
		if len(p.Objs("ipConfigurations")) > 1 {
			c.problem(r, "property", p.Path()+".ipConfigurations", "only the first IP configuration of a firewall is imported")
		}
		if out.Subnet == "" {
			what := "a firewall without an AzureFirewallSubnet in the input"
			if p.Has("virtualHub") {
				what = "a secured virtual hub firewall (Virtual WAN is not modelled)"
			}
			p.Use("virtualHub", "hubIPAddresses", "applicationRuleCollections", "networkRuleCollections", "natRuleCollections", "firewallPolicy", "threatIntelMode", "sku", "additionalProperties", "ipConfigurations", "managementIpConfiguration")
			c.problem(r, "resource", r.Node.Path(), "%s: not imported", what)
			continue
		}
		out.ThreatIntelMode = c.threatIntel(r, p)
		if ap := p.Obj("additionalProperties"); ap != nil {
			if v, ok := ap.Bool("Network.DNS.EnableProxy"); ok {
				out.DNSProxy = v
			}
			if s := ap.Str("Network.DNS.Servers"); s != "" {
				out.DNSServers = splitList(s)
			}
			if s := ap.Str("Network.SNAT.PrivateRanges"); s != "" {
				out.PrivateRanges = ianaRanges(splitList(s))
			}
		}
		out.NetworkRuleCollections = c.classic(r, p, "networkRuleCollections", "network")
		out.ApplicationRuleCollection = c.classic(r, p, "applicationRuleCollections", "application")
		out.NATRuleCollections = c.classic(r, p, "natRuleCollections", "nat")
		if pol := c.ref(r, p, "firewallPolicy", arm.FirewallPolicy); pol != nil {
			c.policy(pol, &out)
		}
		if s := p.Obj("sku"); s != nil {
			s.Use("name", "tier")
		}
		p.Use("hubIPAddresses", "ipGroups", "managementIpConfiguration", "autoscaleConfiguration")
		c.comments[fmt.Sprintf("firewalls[%d]", len(c.sc.Firewalls))] = c.comment(r)
		c.sc.Firewalls = append(c.sc.Firewalls, out)
	}
	for _, r := range c.byType[arm.FirewallPolicy] {
		if !c.consumed[r] {
			c.consumed[r] = true
			r.Node.Use("properties")
			c.problem(r, "resource", r.Node.Path(), "firewall policy that no imported firewall uses: not imported")
		}
	}
	for _, t := range []string{arm.RuleCollectionGroup, arm.RuleGroup} {
		for _, r := range c.byType[t] {
			if !c.consumed[r] {
				c.consumed[r] = true
				r.Node.Use("properties")
				c.problem(r, "resource", r.Node.Path(), "rule collection group of a policy no imported firewall uses: not imported")
			}
		}
	}
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// classic reads the rule collections of a classic firewall.
func (c *conv) classic(r *arm.Resource, p *arm.Node, key, kind string) []spec.FirewallCollection {
	var out []spec.FirewallCollection
	for _, col := range p.Objs(key) {
		cp := arm.Props(col)
		fc := spec.FirewallCollection{Name: col.Str("name")}
		fc.Priority, _ = cp.Int("priority")
		if a := cp.Obj("action"); a != nil {
			fc.Action = enum(a.Str("type"), "Allow", "Deny", "Dnat")
		}
		col.Use("id", "etag")
		cp.Use("provisioningState")
		for _, rn := range cp.Objs("rules") {
			fc.Rules = append(fc.Rules, c.fwRule(r, rn, kind))
		}
		out = append(out, fc)
	}
	return out
}

// fwRule reads one firewall rule of a classic collection or a policy.
func (c *conv) fwRule(r *arm.Resource, rn *arm.Node, kind string) spec.FirewallRule {
	fr := spec.FirewallRule{Name: rn.Str("name")}
	rn.Use("description", "ruleType")
	fr.SourceAddresses = rn.Strs("sourceAddresses")
	fr.SourceIPGroups = c.ipGroupNames(r, rn, "sourceIpGroups")
	fr.DestinationAddresses = rn.Strs("destinationAddresses")
	fr.DestinationIPGroups = c.ipGroupNames(r, rn, "destinationIpGroups")
	fr.DestinationFqdns = rn.Strs("destinationFqdns")
	fr.DestinationPorts = rn.Strs("destinationPorts")
	fr.TargetFqdns = rn.Strs("targetFqdns")
	fr.FqdnTags = rn.Strs("fqdnTags")
	fr.TranslatedAddress = rn.Str("translatedAddress")
	fr.TranslatedPort = rn.Str("translatedPort")
	protos := "protocols"
	if rn.Has("ipProtocols") {
		protos = "ipProtocols"
	}
	if kind == "application" {
		for _, pr := range rn.Objs(protos) {
			t := enum(pr.Str("protocolType"), "Http", "Https", "Mssql")
			if port := pr.Str("port"); port != "" {
				t += ":" + port
			}
			fr.Protocols = append(fr.Protocols, t)
		}
	} else {
		for _, pr := range rn.Strs(protos) {
			fr.Protocols = append(fr.Protocols, enum(pr, "TCP", "UDP", "ICMP", "Any"))
		}
	}
	return fr
}

// policy reads a firewall policy's settings and rule collection groups.
func (c *conv) policy(pol *arm.Resource, out *spec.Firewall) {
	c.consumed[pol] = true
	pp := pol.Props()
	if d := pp.Obj("dnsSettings"); d != nil {
		out.DNSProxy, _ = d.Bool("enableProxy")
		out.DNSServers = d.Strs("servers")
		d.Use("requireProxyForNetworkRules")
	}
	if m := c.threatIntel(pol, pp); m != "" {
		out.ThreatIntelMode = m
	}
	if s := pp.Obj("snat"); s != nil {
		out.PrivateRanges = ianaRanges(s.Strs("privateRanges"))
	}
	if pp.Has("basePolicy") {
		c.problem(pol, "property", pp.Path()+".basePolicy", "the rules of a parent policy are not imported")
	}
	var groups []*arm.Resource
	for _, ch := range c.children[pol.Key()] {
		if arm.TypeIs(ch.Type, arm.RuleCollectionGroup) || arm.TypeIs(ch.Type, arm.RuleGroup) {
			groups = append(groups, ch)
		}
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].Key() < groups[j].Key() })
	for _, g := range groups {
		c.consumed[g] = true
		gp := g.Props()
		rg := spec.RuleCollectionGroup{Name: c.ruleName(g)}
		rg.Priority, _ = gp.Int("priority")
		if arm.TypeIs(g.Type, arm.RuleGroup) {
			// the older ruleGroups shape: rules carry their own action and type
			c.ruleGroup(g, gp, &rg)
		}
		for _, col := range gp.Objs("ruleCollections") {
			fc := spec.FirewallCollection{Name: col.Str("name")}
			fc.Priority, _ = col.Int("priority")
			if a := col.Obj("action"); a != nil {
				fc.Action = enum(a.Str("type"), "Allow", "Deny", "Dnat")
			}
			ct := col.Str("ruleCollectionType")
			kind := ""
			for _, rn := range col.Objs("rules") {
				switch strings.ToLower(rn.Str("ruleType")) {
				case "networkrule":
					kind = "network"
				case "applicationrule":
					kind = "application"
				case "natrule":
					kind = "nat"
				}
				fc.Rules = append(fc.Rules, c.fwRule(g, rn, kind))
			}
			if strings.EqualFold(ct, "FirewallPolicyNatRuleCollection") {
				kind = "nat"
				fc.Action = "Dnat"
			}
			switch kind {
			case "network", "":
				rg.NetworkRuleCollections = append(rg.NetworkRuleCollections, fc)
			case "application":
				rg.ApplicationRuleCollection = append(rg.ApplicationRuleCollection, fc)
			case "nat":
				rg.NATRuleCollections = append(rg.NATRuleCollections, fc)
			}
		}
		out.RuleCollectionGroups = append(out.RuleCollectionGroups, rg)
	}
	pp.Use("ruleCollectionGroups", "ruleGroups", "firewalls", "childPolicies", "sku", "size")
}

func (c *conv) ruleGroup(g *arm.Resource, gp *arm.Node, rg *spec.RuleCollectionGroup) {
	for _, rn := range gp.Objs("rules") {
		fc := spec.FirewallCollection{Name: rn.Str("name")}
		fc.Priority, _ = rn.Int("priority")
		if a := rn.Obj("action"); a != nil {
			fc.Action = enum(a.Str("type"), "Allow", "Deny", "Dnat")
		}
		kind := strings.ToLower(rn.Str("ruleType"))
		switch kind {
		case "firewallpolicynatrule":
			fc.Rules = []spec.FirewallRule{c.fwRule(g, rn.Obj("ruleCondition"), "network")}
			fc.Rules[0].TranslatedAddress = rn.Str("translatedAddress")
			fc.Rules[0].TranslatedPort = rn.Str("translatedPort")
			fc.Action = "Dnat"
			rg.NATRuleCollections = append(rg.NATRuleCollections, fc)
		case "firewallpolicyfilterrule":
			for _, cond := range rn.Objs("ruleConditions") {
				k := "network"
				if strings.EqualFold(cond.Str("ruleConditionType"), "ApplicationRuleCondition") {
					k = "application"
				}
				fc.Rules = append(fc.Rules, c.fwRule(g, cond, k))
				cond.Use("ruleConditionType")
			}
			if len(fc.Rules) > 0 && len(fc.Rules[0].TargetFqdns)+len(fc.Rules[0].FqdnTags) > 0 {
				rg.ApplicationRuleCollection = append(rg.ApplicationRuleCollection, fc)
			} else {
				rg.NetworkRuleCollections = append(rg.NetworkRuleCollections, fc)
			}
		default:
			c.problem(g, "property", rn.Path(), "rule type %q of the older ruleGroups shape is not imported", rn.Str("ruleType"))
		}
	}
}

var serviceTypes = map[string]bool{arm.Storage: true, arm.KeyVault: true, arm.Registry: true, arm.Insights: true, arm.Workspace: true}

func (c *conv) services() {
	var types []string
	for t := range serviceTypes {
		types = append(types, t)
	}
	sort.Strings(types)
	var all []*arm.Resource
	for _, t := range types {
		all = append(all, c.byType[t]...)
	}
	sort.SliceStable(all, func(i, j int) bool { return c.names[all[i]] < c.names[all[j]] })
	for _, r := range all {
		c.consumed[r] = true
		p := r.Props()
		out := spec.Service{Name: c.names[r], Type: r.Type, Region: c.regionOf(r)}
		if id, ok := arm.ParseID(r.ID); ok {
			out.Subscription = id.Subscription
		}
		out.PublicNetworkAccess = enum(p.Str("publicNetworkAccess"), "Enabled", "Disabled")
		switch r.Type {
		case arm.Storage, arm.KeyVault:
			if a := p.Obj("networkAcls"); a != nil {
				out.NetworkACLs = c.acls(r, a, "virtualNetworkRules", "ipRules", "bypass")
			}
		case arm.Registry:
			if a := p.Obj("networkRuleSet"); a != nil {
				out.NetworkACLs = c.acls(r, a, "virtualNetworkRules", "ipRules", "")
				if b := p.Str("networkRuleBypassOptions"); b != "" && out.NetworkACLs != nil {
					out.NetworkACLs.Bypass = b
				}
			}
		case arm.Workspace:
			out.WorkspaceID = p.Str("workspaceId")
		}
		c.comments[fmt.Sprintf("services[%d]", len(c.sc.Services))] = c.comment(r)
		c.sc.Services = append(c.sc.Services, out)
	}
}

func (c *conv) acls(r *arm.Resource, a *arm.Node, vnetKey, ipKey, bypassKey string) *spec.NetworkACLs {
	out := &spec.NetworkACLs{DefaultAction: enum(a.Str("defaultAction"), "Allow", "Deny")}
	for _, vr := range a.Objs(vnetKey) {
		id := vr.Str("id")
		if id == "" {
			id = vr.Str("virtualNetworkResourceId")
		}
		if s := c.refID(r, where{vr, "", -1}, id, arm.Subnet); s != nil {
			if ref := c.subnetRef(s); ref != "" {
				out.VirtualNetworkRules = append(out.VirtualNetworkRules, ref)
			}
		}
		if b, _ := vr.Bool("ignoreMissingVnetServiceEndpoint"); b {
			out.IgnoreMissingVnetServiceEndpoint = true
		}
		vr.Use("action", "state")
	}
	for _, ir := range a.Objs(ipKey) {
		v := ir.Str("value")
		if v == "" {
			v = ir.Str("iPAddressOrRange")
		}
		out.IPRules = append(out.IPRules, v)
		ir.Use("action")
	}
	if bypassKey != "" {
		out.Bypass = a.Str(bypassKey)
	}
	for i, rr := range a.Objs("resourceAccessRules") {
		c.problem(r, "property", fmt.Sprintf("%s.resourceAccessRules[%d]", a.Path(), i), "resource instance rule for %s not imported", rr.Str("resourceId"))
		rr.Use("resourceId", "tenantId")
	}
	return out
}

// service returns the name of the service with ID id, adding a service
// known only from this reference when it is not in the input.
func (c *conv) service(r *arm.Resource, path, id string) string {
	if id == "" {
		return ""
	}
	if s := c.lookup(id); s != nil && serviceTypes[s.Type] {
		return c.names[s]
	}
	p, ok := arm.ParseID(id)
	t := arm.CanonicalType(p.Type())
	if !ok || !serviceTypes[t] {
		c.problem(r, "reference", path, "%s is not a service vnetsim models", id)
		return ""
	}
	k := arm.Key(id)
	if s := c.stubs[k]; s != nil {
		return s.Name
	}
	s := &spec.Service{Name: c.take("endpoint", p.Name(), p.ResourceGroup), Type: t, Subscription: p.Subscription}
	c.stubs[k] = s
	c.probs = append(c.probs, arm.Problem{Kind: "note", Subject: id, File: r.File, Path: path, Msg: fmt.Sprintf("service %s is known only from this reference; it is imported with default network settings", s.Name)})
	return s.Name
}

func (c *conv) flushStubs() {
	keys := make([]string, 0, len(c.stubs))
	for k := range c.stubs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c.comments[fmt.Sprintf("services[%d]", len(c.sc.Services))] = "known only from references to " + k
		c.sc.Services = append(c.sc.Services, *c.stubs[k])
	}
}

func (c *conv) dnsZones() {
	for _, r := range c.byType[arm.PrivateDNSZone] {
		c.consumed[r] = true
		name := strings.TrimSuffix(lastSeg(r.ID), ".")
		if _, dup := c.zones[strings.ToLower(name)]; dup {
			c.problem(r, "conflict", r.Node.Path(), "a second private DNS zone named %s (another resource group): not imported", name)
			r.Node.Use("properties")
			continue
		}
		i := len(c.sc.PrivateDNSZones)
		c.zones[strings.ToLower(name)] = i
		z := spec.DNSZone{Name: name}
		j := 0
		for _, ch := range c.children[r.Key()] {
			cp := ch.Props()
			switch ch.Type {
			case arm.VNetLink:
				c.consumed[ch] = true
				v := c.ref(ch, cp, "virtualNetwork", arm.VirtualNetwork)
				if v == nil {
					cp.Use("registrationEnabled", "resolutionPolicy", "virtualNetworkLinkState")
					continue
				}
				l := spec.VNetLink{VNet: c.names[v]}
				l.RegistrationEnabled, _ = cp.Bool("registrationEnabled")
				l.ResolutionPolicy = enum(cp.Str("resolutionPolicy"), "Default", "NxDomainRedirect")
				cp.Use("virtualNetworkLinkState")
				c.comments[fmt.Sprintf("privateDnsZones[%d].virtualNetworkLinks[%d]", i, len(z.VirtualNetworkLinks))] = c.comment(ch)
				z.VirtualNetworkLinks = append(z.VirtualNetworkLinks, l)
			case arm.RecordA, arm.RecordAAAA, arm.RecordCNAME:
				c.consumed[ch] = true
				rec := spec.Record{Name: c.ruleName(ch)}
				rec.TTL, _ = cp.Int("ttl")
				switch ch.Type {
				case arm.RecordA:
					rec.Type = "A"
					for _, a := range cp.Objs("aRecords") {
						rec.Values = append(rec.Values, a.Str("ipv4Address"))
					}
				case arm.RecordAAAA:
					rec.Type = "AAAA"
					for _, a := range cp.Objs("aaaaRecords") {
						rec.Values = append(rec.Values, a.Str("ipv6Address"))
					}
				default:
					rec.Type = "CNAME"
					if cn := cp.Obj("cnameRecord"); cn != nil {
						rec.Values = []string{cn.Str("cname")}
					}
				}
				cp.Use("fqdn", "isAutoRegistered", "metadata")
				c.comments[fmt.Sprintf("privateDnsZones[%d].records[%d]", i, j)] = c.comment(ch)
				z.Records = append(z.Records, rec)
				j++
			}
		}
		r.Props().Use("numberOfRecordSets", "maxNumberOfRecordSets", "maxNumberOfVirtualNetworkLinks", "maxNumberOfVirtualNetworkLinksWithRegistration", "numberOfVirtualNetworkLinks", "numberOfVirtualNetworkLinksWithRegistration", "internalId")
		c.comments[fmt.Sprintf("privateDnsZones[%d]", i)] = c.comment(r)
		c.sc.PrivateDNSZones = append(c.sc.PrivateDNSZones, z)
	}
	for _, t := range []string{arm.VNetLink, arm.RecordA, arm.RecordAAAA, arm.RecordCNAME} {
		for _, r := range c.byType[t] {
			if !c.consumed[r] {
				c.consumed[r] = true
				r.Node.Use("properties")
				c.problem(r, "resource", r.Node.Path(), "child of private DNS zone %s, which is not in the input: not imported", r.Parent())
			}
		}
	}
}

// zone returns the zone name for a zone ID, adding a zone known only from
// this reference (its name is the ID's last segment).
func (c *conv) zone(r *arm.Resource, path, id string) string {
	p, ok := arm.ParseID(id)
	if !ok || !arm.TypeIs(p.Type(), arm.PrivateDNSZone) {
		c.problem(r, "reference", path, "%q is not a private DNS zone ID", id)
		return ""
	}
	name := strings.TrimSuffix(p.Name(), ".")
	if _, ok := c.zones[strings.ToLower(name)]; !ok {
		c.zones[strings.ToLower(name)] = len(c.sc.PrivateDNSZones)
		c.comments[fmt.Sprintf("privateDnsZones[%d]", len(c.sc.PrivateDNSZones))] = "known only from references to " + arm.Key(id)
		c.sc.PrivateDNSZones = append(c.sc.PrivateDNSZones, spec.DNSZone{Name: name})
		c.probs = append(c.probs, arm.Problem{Kind: "note", Subject: id, File: r.File, Path: path, Msg: "private DNS zone " + name + " is known only from this reference; it is imported without VNet links"})
	}
	return name
}

// vms turns NICs into vms entries, named after their VM when it has one NIC.
func (c *conv) vms() {
	owner := map[*arm.Resource]*arm.Resource{}
	nicCount := map[*arm.Resource]int{}
	for _, vm := range c.byType[arm.VM] {
		vp := vm.Props()
		np := vp.Obj("networkProfile")
		for i, o := range np.Objs("networkInterfaces") {
			if nic := c.refID(vm, where{np, "networkInterfaces", i}, o.Str("id"), arm.NIC); nic != nil {
				owner[nic] = vm
				nicCount[vm]++
			}
			o.Use("properties")
		}
		c.consumed[vm] = true
		vm.Node.Use("properties", "resources")
	}
	for _, nic := range c.byType[arm.NIC] {
		c.consumed[nic] = true
		p := nic.Props()
		if p.Has("privateEndpoint") || p.Has("privateLinkService") {
			p.Use("privateEndpoint", "privateLinkService", "ipConfigurations", "dnsSettings", "enableAcceleratedNetworking", "enableIPForwarding", "nicType", "macAddress", "primary", "vnetEncryptionSupported", "hostedWorkloads", "tapConfigurations", "disableTcpStateTracking", "auxiliaryMode", "auxiliarySku", "location", "virtualMachine", "networkSecurityGroup")
			continue // the private endpoint's own entry covers it
		}
		name := c.names[nic]
		if vm := owner[nic]; vm != nil && nicCount[vm] == 1 {
			if vmName := c.take("endpoint", lastSeg(vm.ID), ""); vmName == lastSeg(vm.ID) {
				c.used["endpoint"][strings.ToLower(name)] = false
				name = vmName
			}
		}
		out := spec.VM{Name: name}
		ipcs := p.Objs("ipConfigurations")
		var primary *arm.Node
		for _, ipc := range ipcs {
			if b, _ := arm.Props(ipc).Bool("primary"); b || primary == nil {
				primary = ipc
			}
		}
		for _, ipc := range ipcs {
			ip := arm.Props(ipc)
			ipc.Use("name", "id", "etag", "type")
			ip.Use("primary", "privateIPAddressVersion", "provisioningState", "loadBalancerBackendAddressPools", "loadBalancerInboundNatRules", "applicationGatewayBackendAddressPools", "privateLinkConnectionProperties", "gatewayLoadBalancer", "virtualNetworkTaps")
			if ipc != primary {
				c.problem(nic, "property", ipc.Path(), "secondary IP configuration not imported: vnetsim gives a NIC one address")
				ip.Use("subnet", "privateIPAddress", "privateIPAllocationMethod", "publicIPAddress", "applicationSecurityGroups")
				continue
			}
			out.Subnet, _ = c.subnetOf(nic, ip, "subnet")
			out.PrivateIPAddress = ip.Str("privateIPAddress")
			method := ip.Str("privateIPAllocationMethod")
			out.ApplicationSecurityGroups = c.asgNames(nic, ip, "applicationSecurityGroups")
			if pip := c.pipFor(nic, ip, "publicIPAddress", ip.ID("publicIPAddress")); pip != nil {
				a, sku := publicIP(pip)
				out.PublicIPAddress = &spec.PublicIP{SKU: enum(sku, "Standard", "Basic"), IPAddress: a}
			}
			if out.PrivateIPAddress == "" && out.Subnet != "" {
				c.alloc.want(out.Subnet, len(c.sc.VMs), "vms", &out.PrivateIPAddress, fmt.Sprintf("vms[%d].privateIpAddress", len(c.sc.VMs)), method)
			} else if out.PrivateIPAddress != "" {
				c.alloc.taken(out.Subnet, out.PrivateIPAddress)
			}
		}
		if out.Subnet == "" {
			c.problem(nic, "resource", nic.Node.Path(), "NIC without a subnet in the input: not imported")
			continue
		}
		if n := c.ref(nic, p, "networkSecurityGroup", arm.NSG); n != nil {
			out.NetworkSecurityGroup = c.names[n]
		}
		out.EnableIPForwarding, _ = p.Bool("enableIPForwarding")
		p.Use("dnsSettings", "enableAcceleratedNetworking", "macAddress", "primary", "virtualMachine", "nicType", "vnetEncryptionSupported", "hostedWorkloads", "tapConfigurations", "disableTcpStateTracking", "auxiliaryMode", "auxiliarySku", "defaultOutboundConnectivityEnabled", "location")
		cm := c.comment(nic)
		if vm := owner[nic]; vm != nil {
			cm += "; VM " + vm.ID
		}
		c.comments[fmt.Sprintf("vms[%d]", len(c.sc.VMs))] = cm
		c.more.vmOf[nic] = out.Name
		c.sc.VMs = append(c.sc.VMs, out)
	}
}

// unattachedPIPs lists the public IPs no conversion attached.
func (c *conv) unattachedPIPs() {
	for _, pip := range c.byType[arm.PublicIP] {
		if !c.consumed[pip] {
			c.consumed[pip] = true
			pip.Node.Use("properties", "sku")
			c.problem(pip, "resource", pip.Node.Path(), "public IP not attached to an imported NIC, firewall or NAT gateway: not imported")
		}
	}
}

func (c *conv) privateEndpoints() {
	for _, r := range c.byType[arm.PrivateEndpoint] {
		c.consumed[r] = true
		p := r.Props()
		out := spec.PrivateEndpoint{Name: c.names[r]}
		out.Subnet, _ = c.subnetOf(r, p, "subnet")
		var conns []*arm.Node
		conns = append(conns, p.Objs("privateLinkServiceConnections")...)
		conns = append(conns, p.Objs("manualPrivateLinkServiceConnections")...)
		for i, con := range conns {
			cp := arm.Props(con)
			con.Use("name", "id", "etag", "type")
			cp.Use("privateLinkServiceConnectionState", "requestMessage", "provisioningState")
			if i > 0 {
				cp.Use("privateLinkServiceId", "groupIds")
				c.problem(r, "property", con.Path(), "only the first connection of a private endpoint is imported")
				continue
			}
			out.Service = c.service(r, cp.Path()+".privateLinkServiceId", cp.Str("privateLinkServiceId"))
			if g := cp.Strs("groupIds"); len(g) > 0 {
				out.GroupID = strings.ToLower(g[0])
			}
		}
		for _, d := range p.Objs("customDnsConfigs") {
			if ips := d.Strs("ipAddresses"); len(ips) > 0 && out.PrivateIPAddress == "" {
				out.PrivateIPAddress = ips[0]
			}
			d.Use("fqdn")
		}
		for _, ipc := range p.Objs("ipConfigurations") {
			ip := arm.Props(ipc)
			if a := ip.Str("privateIPAddress"); a != "" && out.PrivateIPAddress == "" {
				out.PrivateIPAddress = a
			}
			ipc.Use("name", "etag", "type")
			ip.Use("groupId", "memberName")
		}
		for _, n := range p.Objs("networkInterfaces") {
			if nic := c.lookup(n.Str("id")); nic != nil && out.PrivateIPAddress == "" {
				for _, ipc := range arm.Props(nic.Node).Objs("ipConfigurations") {
					if a := arm.Props(ipc).Str("privateIPAddress"); a != "" {
						out.PrivateIPAddress = a
						break
					}
				}
			}
		}
		// zone groups: child resources, or inline in some shapes
		var groups []*arm.Node
		var groupRes []*arm.Resource
		for _, ch := range c.children[r.Key()] {
			if arm.TypeIs(ch.Type, arm.DNSZoneGroup) {
				c.consumed[ch] = true
				groups = append(groups, ch.Props())
				groupRes = append(groupRes, ch)
			}
		}
		for _, g := range p.Objs("privateDnsZoneGroups") {
			groups = append(groups, arm.Props(g))
			groupRes = append(groupRes, r)
			g.Use("name", "id")
		}
		for gi, g := range groups {
			for _, zc := range g.Objs("privateDnsZoneConfigs") {
				zp := arm.Props(zc)
				if z := c.zone(groupRes[gi], zp.Path()+".privateDnsZoneId", zp.Str("privateDnsZoneId")); z != "" {
					out.PrivateDNSZoneGroup = append(out.PrivateDNSZoneGroup, z)
				}
				zc.Use("name")
				zp.Use("recordSets")
			}
		}
		p.Use("networkInterfaces", "customNetworkInterfaceName", "applicationSecurityGroups", "ipVersionType")
		if out.Subnet == "" || out.Service == "" {
			c.problem(r, "resource", r.Node.Path(), "private endpoint without a subnet and a modelled service in the input: not imported")
			continue
		}
		i := len(c.sc.PrivateEndpoints)
		if out.PrivateIPAddress == "" {
			c.alloc.want(out.Subnet, i, "privateEndpoints", &c.sc.PrivateEndpoints, fmt.Sprintf("privateEndpoints[%d].privateIpAddress", i), "Dynamic")
		} else {
			c.alloc.taken(out.Subnet, out.PrivateIPAddress)
		}
		c.comments[fmt.Sprintf("privateEndpoints[%d]", i)] = c.comment(r)
		c.sc.PrivateEndpoints = append(c.sc.PrivateEndpoints, out)
	}
	for _, r := range c.byType[arm.DNSZoneGroup] {
		if !c.consumed[r] {
			c.consumed[r] = true
			r.Node.Use("properties")
			c.problem(r, "resource", r.Node.Path(), "DNS zone group of private endpoint %s, which is not in the input: not imported", r.Parent())
		}
	}
}

func (c *conv) machineLearning() {
	ws := c.byType[arm.Workspace]
	computes := c.byType[arm.Compute]
	if len(ws) == 0 && len(computes) == 0 {
		return
	}
	ml := &spec.MachineLearning{}
	var w *arm.Resource
	if len(ws) == 0 {
		// computes of a workspace that is not in the input
		r := computes[0]
		ml.Workspace = c.service(r, r.Node.Path()+".id", r.Parent())
	}
	if len(ws) > 0 {
		w = ws[0]
		ml.Workspace = c.names[w]
		p := w.Props()
		ml.StorageAccount = c.service(w, p.Path()+".storageAccount", p.Str("storageAccount"))
		ml.KeyVault = c.service(w, p.Path()+".keyVault", p.Str("keyVault"))
		ml.ContainerRegistry = c.service(w, p.Path()+".containerRegistry", p.Str("containerRegistry"))
		ml.ApplicationInsights = c.service(w, p.Path()+".applicationInsights", p.Str("applicationInsights"))
		ml.ImageBuildCompute = p.Str("imageBuildCompute")
		if ib := ml.ImageBuildCompute; ib != "" && c.lookup(w.ID+"/computes/"+ib) == nil {
			c.problem(w, "reference", p.Path()+".imageBuildCompute", "compute %s is not in the input; left out", ib)
			ml.ImageBuildCompute = ""
		}
		ml.IPAllowList = p.Strs("ipAllowlist")
		if mn := p.Obj("managedNetwork"); mn != nil {
			m := &spec.ManagedNetwork{IsolationMode: enum(mn.Str("isolationMode"), "Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound")}
			if st := mn.Obj("status"); st != nil {
				m.Status = st.Str("status")
				st.Use("sparkReady")
			}
			m.FirewallSKU = mn.Str("firewallSku")
			if rules := mn.Obj("outboundRules"); rules != nil {
				keys := make([]string, 0, len(rules.M))
				for k := range rules.M {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					m.OutboundRules = append(m.OutboundRules, c.outboundRule(w, k, rules.Obj(k)))
				}
			}
			mn.Use("networkId", "changeableIsolationModes")
			if m.IsolationMode != "" || len(m.OutboundRules) > 0 {
				ml.ManagedNetwork = m
			}
		}
		for _, ch := range c.children[w.Key()] {
			if arm.TypeIs(ch.Type, arm.OutboundRule) {
				c.consumed[ch] = true
				if ml.ManagedNetwork == nil {
					ml.ManagedNetwork = &spec.ManagedNetwork{}
				}
				ml.ManagedNetwork.OutboundRules = append(ml.ManagedNetwork.OutboundRules, c.outboundRule(ch, c.ruleName(ch), ch.Props()))
			}
		}
		p.Use("workspaceId", "publicNetworkAccess", "friendlyName", "description", "discoveryUrl", "hbiWorkspace", "mlFlowTrackingUri", "notebookInfo", "privateLinkCount", "storageHnsEnabled", "tenantId", "serviceProvisionedResourceGroup", "privateEndpointConnections", "v1LegacyMode", "allowPublicAccessWhenBehindVnet", "enableDataIsolation", "systemDatastoresAuthMode", "provisionNetworkNow", "sharedPrivateLinkResources", "keyVaults", "storageAccounts", "containerRegistries", "existingWorkspaces", "associatedWorkspaces", "featureStoreSettings", "softDeleteRetentionInDays", "enableSoftwareBillOfMaterials", "enableServiceSideCMKEncryption", "serverlessComputeSettings", "workspaceHubConfig", "hubResourceId", "encryption", "primaryUserAssignedIdentity", "serviceManagedResourcesSettings")
		for _, other := range ws[1:] {
			c.problem(other, "note", other.Node.Path(), "a second workspace: a scenario describes one workspace's computes; imported as a service only")
		}
	}
	for _, r := range computes {
		c.consumed[r] = true
		if (w != nil && r.ParentKey() != w.Key()) || (w == nil && r.ParentKey() != computes[0].ParentKey()) {
			r.Node.Use("properties")
			c.problem(r, "resource", r.Node.Path(), "compute of another workspace: not imported")
			continue
		}
		p := r.Props()
		cp := p.Obj("properties")
		out := spec.Compute{Name: c.names[r], Type: enum(p.Str("computeType"), "AmlCompute", "ComputeInstance", "Kubernetes", "Databricks", "VirtualMachine", "HDInsight"), Region: c.regionOf(r)}
		if strings.EqualFold(out.Type, "AKS") {
			out.Type = "Kubernetes"
		}
		if cp != nil {
			out.Subnet, _ = c.subnetOf(r, cp, "subnet")
			if an := cp.Obj("aksNetworkingConfiguration"); an != nil && out.Subnet == "" {
				if s := c.refID(r, where{an, "subnetId", -1}, an.Str("subnetId"), arm.Subnet); s != nil {
					out.Subnet = c.subnetRef(s)
				}
				an.Use("serviceCidr", "dnsServiceIP", "dockerBridgeCidr")
			}
			if b, ok := cp.Bool("enableNodePublicIp"); ok {
				out.EnableNodePublicIP = &b
			}
			if ss := cp.Obj("scaleSettings"); ss != nil {
				out.MaxNodes, _ = ss.Int("maxNodeCount")
				ss.Use("minNodeCount", "nodeIdleTimeBeforeScaleDown")
			}
			cp.Use("vmSize", "vmPriority", "osType", "remoteLoginPortPublicAccess", "isolatedNetwork", "userAccountCredentials", "currentNodeCount", "targetNodeCount", "allocationState", "allocationStateTransitionTime", "nodeStateCounts", "errors", "virtualMachineImage", "propertyBag", "applicationSharingPolicy", "sshSettings", "computeInstanceAuthorizationType", "personalComputeInstanceSettings", "setupScripts", "schedules", "enableOSPatching", "enableRootAccess", "enableSSO", "idleTimeBeforeShutdown", "customServices", "state", "connectivityEndpoints", "applications", "createdBy", "lastOperation", "versions", "dataMounts", "osImageMetadata", "containers", "computeInstanceAuthorizationType")
		}
		if out.Subnet == "" && ml.ManagedNetwork != nil && ml.ManagedNetwork.IsolationMode != "" && ml.ManagedNetwork.IsolationMode != "Disabled" && (out.Type == "AmlCompute" || out.Type == "ComputeInstance") {
			out.Managed = true // in the workspace's managed VNet
		} else if out.Subnet == "" && (out.Type == "AmlCompute" || out.Type == "ComputeInstance") {
			c.problem(r, "resource", r.Node.Path(), "a compute in no VNet subnet and no managed network: not imported (vnetsim models computes in a VNet or a managed network)")
			continue
		}
		if out.Subnet == "" && cp != nil && (cp.Has("subnet") || cp.Has("aksNetworkingConfiguration")) {
			c.problem(r, "resource", r.Node.Path(), "compute in a subnet that is not in the input: not imported")
			continue
		}
		p.Use("computeLocation", "description", "provisioningState", "createdOn", "modifiedOn", "isAttachedCompute", "disableLocalAuth", "resourceId", "provisioningErrors")
		if out.Region == c.sc.Region {
			out.Region = ""
		}
		c.comments[fmt.Sprintf("machineLearning.computes[%d]", len(ml.Computes))] = c.comment(r)
		ml.Computes = append(ml.Computes, out)
	}
	c.sc.MachineLearning = ml
}

func (c *conv) outboundRule(r *arm.Resource, name string, n *arm.Node) spec.OutboundRule {
	out := spec.OutboundRule{Name: name}
	if n == nil {
		return out
	}
	out.Type = n.Str("type")
	out.Category = n.Str("category")
	n.Use("status", "parentRuleNames", "errorInformation")
	if d, ok := n.Get("destination"); ok {
		var node yaml.Node
		if err := node.Encode(d); err == nil {
			out.Destination = node
		}
	}
	return out
}

// allocator gives dynamic private IPs as Azure does: the first free address
// from .4 of the subnet, in declaration order, after every static address.
type allocator struct {
	prefixes map[string]netip.Prefix
	usedIPs  map[string]map[netip.Addr]bool
	wants    []want
}

type want struct {
	subnet, path, method string
	set                  func(string)
}

func newAllocator() *allocator {
	return &allocator{prefixes: map[string]netip.Prefix{}, usedIPs: map[string]map[netip.Addr]bool{}}
}

func (a *allocator) subnet(ref, prefix string) {
	if p, err := netip.ParsePrefix(prefix); err == nil {
		a.prefixes[ref] = p.Masked()
	}
}

func (a *allocator) taken(ref, ip string) {
	if addr, err := netip.ParseAddr(ip); err == nil {
		if a.usedIPs[ref] == nil {
			a.usedIPs[ref] = map[netip.Addr]bool{}
		}
		a.usedIPs[ref][addr] = true
	}
}

// want records an address to allocate; target is a *string or the private
// endpoint slice (whose element is set once it exists).
func (a *allocator) want(ref string, i int, kind string, target any, path, method string) {
	w := want{subnet: ref, path: path, method: method}
	switch t := target.(type) {
	case *string:
		// the VM is appended after this call: set through the slice later
		_ = t
	}
	w.set = nil
	a.wants = append(a.wants, w)
}

func (a *allocator) assign(c *conv) {
	for _, w := range a.wants {
		p, ok := a.prefixes[w.subnet]
		if !ok {
			continue
		}
		if a.usedIPs[w.subnet] == nil {
			a.usedIPs[w.subnet] = map[netip.Addr]bool{}
		}
		addr := p.Addr()
		for range 4 {
			addr = addr.Next()
		}
		for ; p.Contains(addr) && p.Contains(addr.Next()); addr = addr.Next() {
			if !a.usedIPs[w.subnet][addr] {
				break
			}
		}
		if !p.Contains(addr) || !p.Contains(addr.Next()) {
			c.probs = append(c.probs, arm.Problem{Kind: "note", Subject: w.path, Msg: "subnet " + w.subnet + " is full: no address allocated"})
			continue
		}
		a.usedIPs[w.subnet][addr] = true
		var kind string
		var idx int
		fmt.Sscanf(strings.NewReplacer("[", " ", "]", " ").Replace(w.path), "%s %d", &kind, &idx)
		switch kind {
		case "vms":
			c.sc.VMs[idx].PrivateIPAddress = addr.String()
		case "privateEndpoints":
			c.sc.PrivateEndpoints[idx].PrivateIPAddress = addr.String()
		}
		what := "dynamic"
		if w.method != "" {
			what = strings.ToLower(w.method)
		}
		c.comments[w.path] = "allocated by vnetsim: the input gives no address (" + what + "), Azure gives the first free one from .4"
	}
}

// claimPIPs records which resources name each public IP.
func (c *conv) claimPIPs() {
	c.claims = map[*arm.Resource][]*arm.Resource{}
	add := func(owner *arm.Resource, id string) {
		if pip := c.lookup(id); pip != nil {
			c.claims[pip] = append(c.claims[pip], owner)
		}
	}
	for _, t := range []string{arm.NIC, arm.Firewall} {
		for _, r := range c.byType[t] {
			for _, ipc := range r.Props().Objs("ipConfigurations") {
				add(r, arm.Props(ipc).ID("publicIPAddress"))
			}
		}
	}
	for _, r := range c.byType[arm.NATGateway] {
		for _, o := range r.Props().Objs("publicIpAddresses") {
			add(r, o.Str("id"))
		}
	}
	c.claimMorePIPs(add)
}

// pipFor returns the public IP at key of n if owner may have it: the IP's
// own back-reference (ipConfiguration, natGateway) names owner, or it has
// none and owner alone names it. A contradiction is reported, not guessed.
func (c *conv) pipFor(owner *arm.Resource, n *arm.Node, key, id string) *arm.Resource {
	pip := c.refID(owner, where{n, key, -1}, id, arm.PublicIP)
	if pip == nil {
		return nil
	}
	c.consumed[pip] = true
	pp := pip.Props()
	var back []string
	if ipc := pp.ID("ipConfiguration"); ipc != "" {
		back = append(back, arm.Parent(ipc))
	}
	if ng := pp.ID("natGateway"); ng != "" {
		back = append(back, ng)
	}
	if len(back) > 0 {
		for _, b := range back {
			if c.lookup(b) == owner || arm.RelKey(b) == owner.RelKey() {
				return pip
			}
		}
		c.problem(owner, "conflict", n.Path()+"."+key, "public IP %s says it belongs to %s, not to this %s; not attached", pip.ID, strings.Join(back, ", "), lastSeg(arm.Parent(owner.ID+"/x/y")))
		return nil
	}
	if cl := c.claims[pip]; len(cl) > 1 {
		var who []string
		for _, o := range cl {
			who = append(who, o.ID)
		}
		c.problem(owner, "conflict", n.Path()+"."+key, "public IP %s is named by %s; attached to none", pip.ID, strings.Join(who, " and "))
		return nil
	}
	return pip
}

// threatIntel reads threatIntelMode: Alert only logs, so it is left out
// with a note; Deny blocks known-malicious addresses, which vnetsim does not
// model, so it is left out and listed.
func (c *conv) threatIntel(r *arm.Resource, p *arm.Node) string {
	m := enum(p.Str("threatIntelMode"), "Off", "Alert", "Deny")
	switch m {
	case "Alert":
		c.problem(r, "note", p.Path()+".threatIntelMode", "Alert only logs: left out, it decides no flow")
		return ""
	case "Deny":
		c.problem(r, "property", p.Path()+".threatIntelMode", "Deny (threat intelligence filtering) is not modelled: left out")
		return ""
	}
	return m
}

// ianaRanges expands IANAPrivateRanges, the ranges Azure Firewall never
// SNATs by default (RFC 1918 and RFC 6598).
func ianaRanges(in []string) []string {
	var out []string
	for _, r := range in {
		if strings.EqualFold(r, "IANAPrivateRanges") {
			out = append(out, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
			continue
		}
		out = append(out, r)
	}
	return out
}
