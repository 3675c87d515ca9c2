package arm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
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
}

// Props returns the resource's properties (flattened az output: the object).
func (r *Resource) Props() *Node { return Props(r.Node) }

// Decode parses JSON keeping numbers exact. A large list of resources
// ({"data": [...]} or {"value": [...]}) is decoded on every core.
func Decode(data []byte) (any, error) {
	if len(data) > 1<<20 {
		if v, ok := decodeLarge(data); ok {
			return v, nil
		}
	}
	return decodeOne(data)
}

func decodeLarge(data []byte) (any, bool) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, false
	}
	out := make(map[string]any, len(top))
	for k, raw := range top {
		if (k == "data" || k == "value") && len(raw) > 0 && raw[0] == '[' {
			var items []json.RawMessage
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, false
			}
			vals := make([]any, len(items))
			errs := make([]error, len(items))
			var wg sync.WaitGroup
			workers := runtime.GOMAXPROCS(0)
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := w; i < len(items); i += workers {
						vals[i], errs[i] = decodeOne(items[i])
					}
				}(w)
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					return nil, false
				}
			}
			out[k] = vals
			continue
		}
		v, err := decodeOne(raw)
		if err != nil {
			return nil, false
		}
		out[k] = v
	}
	return out, true
}

func decodeOne(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

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
	var out []*Resource
	var skipped []Problem
	var walk func(path string, v any) error
	walk = func(path string, v any) error {
		switch x := v.(type) {
		case []any:
			for i, e := range x {
				if err := walk(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
					return err
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
						return walk(resp.Path+"."+code+".body", b.M[bk])
					}
				}
				return fmt.Errorf("%s: a REST example without a 200 or 201 body", path)
			}
			if !n.Has("type") && !n.Has("id") {
				for _, k := range []string{"value", "data"} {
					if key, ok := n.find(k); ok {
						if _, isArr := n.M[key].([]any); isArr {
							return walk(path+"."+key, n.M[key])
						}
					}
				}
				skipped = append(skipped, Problem{Kind: "resource", Subject: "(no id)", File: file, Path: path, Msg: "not an ARM resource (no id or type): not imported"})
				return nil
			}
			r, err := NewResource(file, n)
			if err != nil {
				return err
			}
			out = append(out, r)
			return nil
		}
		return fmt.Errorf("%s: not an ARM resource", path)
	}
	err := walk("$", v)
	return out, skipped, err
}

// NewResource makes a Resource of an object with an id and/or a type.
func NewResource(file string, n *Node) (*Resource, error) {
	r := &Resource{Node: n, File: file}
	r.ID = n.Str("id")
	r.Type = n.Str("type")
	r.Name = n.Str("name")
	r.Location = n.Str("location")
	n.Use("etag", "tags", "resourceGroup", "subscriptionId", "tenantId", "apiVersion", "managedBy", "systemData", "kind", "identity", "zones", "extendedLocation", "plan")
	if p, ok := ParseID(r.ID); ok {
		if r.Type == "" {
			r.Type = p.Type()
		}
	} else if r.ID == "" {
		return nil, fmt.Errorf("%s: resource %q of type %s has no id", n.Path, r.Name, r.Type)
	}
	if r.Type == "" {
		return nil, fmt.Errorf("%s: resource %q has no type", n.Path, r.ID)
	}
	r.Type = CanonicalType(r.Type)
	if p, ok := ParseID(r.ID); ok && (r.Name == "" || strings.Contains(r.Name, "/")) {
		r.Name = p.Name()
	}
	r.Origin = r.ID
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
			out = append(out, cr)
		}
	}
	return out
}
