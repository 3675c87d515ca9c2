package arm

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vnetsim/vnetsim/internal/parallel"
)

// Resource is one ARM resource read from an input.
type Resource struct {
	ID       string
	Type     string // as canonical as known: Microsoft.Network/virtualNetworks
	Name     string // the name field, or the ID's last segment
	Location string
	Node     *Node  // the whole resource object
	File     string // where it was read
	Origin   string // what it came from, for comments: the resource ID or a Terraform address
	Inline   bool   // a child defined inside its parent (subnets in a VNet)

	keys *keys // Key, RelKey and ParentKey of ID, made once
}

type keys struct {
	id, key, rel, parent, parentKey string
}

// keyed returns r's keys, making them when ID is new.
func (r *Resource) keyed() *keys {
	if k := r.keys; k != nil && k.id == r.ID {
		return k
	}
	p := Parent(r.ID)
	k := &keys{id: r.ID, key: Key(r.ID), parent: p}
	k.rel = relOfKey(k.key)
	// the parent's key is the start of the resource's, when both are ASCII
	if tp := strings.TrimRight(strings.TrimSpace(p), "/"); ascii(tp) && len(tp) <= len(k.key) && strings.EqualFold(k.key[:len(tp)], tp) {
		k.parentKey = k.key[:len(tp)]
	} else {
		k.parentKey = Key(p)
	}
	r.keys = k
	return k
}

// Key is Key(r.ID), RelKey is RelKey(r.ID), Parent is Parent(r.ID) and
// ParentKey is Key(Parent(r.ID)), each worked out once per resource. Once
// made (NewResource and Explode make them), they may be read concurrently.
func (r *Resource) Key() string       { return r.keyed().key }
func (r *Resource) RelKey() string    { return r.keyed().rel }
func (r *Resource) Parent() string    { return r.keyed().parent }
func (r *Resource) ParentKey() string { return r.keyed().parentKey }

// Props returns the resource's properties (flattened az output: the object).
func (r *Resource) Props() *Node { return Props(r.Node) }

// Unwrap returns the body of a REST example ({"responses": {"200": {"body":
// ...}}}) with its JSON path, or v itself.
func Unwrap(v any) (any, string) {
	m, ok := v.(map[string]any)
	if !ok {
		return v, "$"
	}
	n := NewNode("$", m)
	if resp := n.Obj("responses"); resp != nil {
		for _, code := range []string{"200", "201", "202"} {
			if b := resp.Obj(code); b != nil {
				if body, ok := b.Get("body"); ok {
					return body, "$.responses." + code + ".body"
				}
			}
		}
	}
	return v, "$"
}

// Wrapped finds the resources in any wrapper: a bare resource, an array, a
// {"value": [...]} list, Resource Graph {"data": [...]}, a REST example
// {"responses": {"200": {"body": ...}}}. It returns an error for a value that
// holds none of these.
func Wrapped(file string, v any) ([]*Resource, []Problem, error) {
	w := &wrapped{file: file}
	err := w.walk("$", v)
	return w.out, w.skipped, err
}

type wrapped struct {
	file    string
	out     []*Resource
	skipped []Problem
}

// parallelItems is the length from which a list's resources are made on
// every core.
const parallelItems = 512

func (w *wrapped) walk(path string, v any) error {
	switch x := v.(type) {
	case []any:
		if len(x) < parallelItems {
			for i, e := range x {
				if err := w.walk(path+"["+strconv.Itoa(i)+"]", e); err != nil {
					return err
				}
			}
			return nil
		}
		// each item on its own, then put together in order
		parts := make([]wrapped, len(x))
		errs := make([]error, len(x))
		parallel.ForEachSmall(len(x), func(i int) {
			parts[i].file = w.file
			errs[i] = parts[i].walk(path+"["+strconv.Itoa(i)+"]", x[i])
		})
		for i := range parts {
			w.out = append(w.out, parts[i].out...)
			w.skipped = append(w.skipped, parts[i].skipped...)
			if errs[i] != nil {
				return errs[i]
			}
		}
		return nil
	case map[string]any:
		n := NewNode(path, x)
		if n.Has("responses") {
			resp := n.Obj("responses")
			for _, code := range []string{"200", "201", "202"} {
				if b := resp.Obj(code); b != nil && b.Has("body") {
					bk, _ := b.find("body")
					return w.walk(resp.Path()+"."+code+".body", b.M[bk])
				}
			}
			return fmt.Errorf("%s: a REST example without a 200 or 201 body", path)
		}
		if !n.Has("type") && !n.Has("id") {
			for _, k := range []string{"value", "data"} {
				if key, ok := n.find(k); ok {
					if _, isArr := n.M[key].([]any); isArr {
						return w.walk(path+"."+key, n.M[key])
					}
				}
			}
			w.skipped = append(w.skipped, Problem{Kind: "resource", Subject: "(no id)", File: w.file, Path: path, Msg: "not an ARM resource (no id or type): not imported"})
			return nil
		}
		r, err := NewResource(w.file, n)
		if err != nil {
			return err
		}
		w.out = append(w.out, r)
		return nil
	}
	return fmt.Errorf("%s: not an ARM resource", path)
}

// NewResource makes a Resource of an object with an id and/or a type.
func NewResource(file string, n *Node) (*Resource, error) {
	r := &Resource{Node: n, File: file}
	r.ID = n.Str("id")
	r.Type = n.Str("type")
	r.Name = n.Str("name")
	r.Location = n.Str("location")
	n.Use("etag", "tags", "resourceGroup", "subscriptionId", "tenantId", "apiVersion", "managedBy", "systemData", "kind", "identity", "zones", "extendedLocation", "plan")
	p, parsed := ParseID(r.ID)
	if parsed {
		if r.Type == "" {
			r.Type = p.Type()
		}
	} else if r.ID == "" {
		return nil, fmt.Errorf("%s: resource %q of type %s has no id", n.Path(), r.Name, r.Type)
	}
	if r.Type == "" {
		return nil, fmt.Errorf("%s: resource %q has no type", n.Path(), r.ID)
	}
	r.Type = CanonicalType(r.Type)
	if parsed && (r.Name == "" || strings.Contains(r.Name, "/")) {
		r.Name = p.Name()
	}
	r.Origin = r.ID
	r.keyed()
	return r, nil
}

// Types the importer knows, in their documented spelling.
const (
	VirtualNetwork       = "Microsoft.Network/virtualNetworks"
	Subnet               = "Microsoft.Network/virtualNetworks/subnets"
	Peering              = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"
	NSG                  = "Microsoft.Network/networkSecurityGroups"
	SecurityRule         = "Microsoft.Network/networkSecurityGroups/securityRules"
	ASG                  = "Microsoft.Network/applicationSecurityGroups"
	RouteTable           = "Microsoft.Network/routeTables"
	Route                = "Microsoft.Network/routeTables/routes"
	NIC                  = "Microsoft.Network/networkInterfaces"
	PublicIP             = "Microsoft.Network/publicIPAddresses"
	NATGateway           = "Microsoft.Network/natGateways"
	VNetGateway          = "Microsoft.Network/virtualNetworkGateways"
	Firewall             = "Microsoft.Network/azureFirewalls"
	FirewallPolicy       = "Microsoft.Network/firewallPolicies"
	RuleCollectionGroup  = "Microsoft.Network/firewallPolicies/ruleCollectionGroups"
	RuleGroup            = "Microsoft.Network/firewallPolicies/ruleGroups"
	IPGroup              = "Microsoft.Network/ipGroups"
	PrivateEndpoint      = "Microsoft.Network/privateEndpoints"
	DNSZoneGroup         = "Microsoft.Network/privateEndpoints/privateDnsZoneGroups"
	PrivateDNSZone       = "Microsoft.Network/privateDnsZones"
	VNetLink             = "Microsoft.Network/privateDnsZones/virtualNetworkLinks"
	RecordA              = "Microsoft.Network/privateDnsZones/A"
	RecordAAAA           = "Microsoft.Network/privateDnsZones/AAAA"
	RecordCNAME          = "Microsoft.Network/privateDnsZones/CNAME"
	VM                   = "Microsoft.Compute/virtualMachines"
	Storage              = "Microsoft.Storage/storageAccounts"
	KeyVault             = "Microsoft.KeyVault/vaults"
	Registry             = "Microsoft.ContainerRegistry/registries"
	Insights             = "Microsoft.Insights/components"
	Workspace            = "Microsoft.MachineLearningServices/workspaces"
	Compute              = "Microsoft.MachineLearningServices/workspaces/computes"
	OutboundRule         = "Microsoft.MachineLearningServices/workspaces/outboundRules"
	Deployment           = "Microsoft.Resources/deployments"
	ResourceGroupType    = "Microsoft.Resources/resourceGroups"
	privateDNSRecordBase = "Microsoft.Network/privateDnsZones/"
)

var canonical = map[string]string{}

func init() {
	for _, t := range []string{VirtualNetwork, Subnet, Peering, NSG, SecurityRule, ASG, RouteTable, Route, NIC, PublicIP, NATGateway, VNetGateway, Firewall, FirewallPolicy, RuleCollectionGroup, RuleGroup, IPGroup, PrivateEndpoint, DNSZoneGroup, PrivateDNSZone, VNetLink, RecordA, RecordAAAA, RecordCNAME, VM, Storage, KeyVault, Registry, Insights, Workspace, Compute, OutboundRule, Deployment, ResourceGroupType} {
		canonical[strings.ToLower(t)] = t
	}
}

// CanonicalType spells a known type as documented (Resource Graph lowercases
// types); unknown types are returned as given.
func CanonicalType(t string) string {
	if c, ok := canonical[strings.ToLower(t)]; ok {
		return c
	}
	return t
}

// Children are the inline child arrays of a parent type: the property and
// the child type.
var Children = map[string][]struct{ Prop, Type string }{
	VirtualNetwork: {{"subnets", Subnet}, {"virtualNetworkPeerings", Peering}},
	NSG:            {{"securityRules", SecurityRule}},
	RouteTable:     {{"routes", Route}},
}

// Explode returns r followed by its inline children (subnets of a VNet, rules
// of an NSG, routes of a route table) as resources of their own, with IDs
// made from the parent's when they have none. The parent's arrays are marked
// used; the children's own keys are read from the children.
func Explode(r *Resource) []*Resource {
	out := []*Resource{r}
	for _, c := range Children[r.Type] {
		for _, cn := range r.Props().Objs(c.Prop) {
			name := cn.Str("name")
			id := cn.Str("id")
			if id == "" || strings.HasPrefix(id, "[") {
				if name == "" {
					continue
				}
				_, child, _ := strings.Cut(c.Type[len(r.Type):], "/")
				id = strings.TrimRight(r.ID, "/") + "/" + child + "/" + name
			}
			cn.Use("etag", "type")
			origin := id
			if r.Origin != r.ID { // a Terraform address: name the block
				origin = r.Origin + " " + c.Prop + " " + name
			}
			cr := &Resource{ID: id, Type: c.Type, Name: name, Location: r.Location, Node: cn, File: r.File, Origin: origin, Inline: true}
			if cr.Name == "" {
				p, _ := ParseID(id)
				cr.Name = p.Name()
			}
			cr.keyed()
			out = append(out, cr)
		}
	}
	return out
}
