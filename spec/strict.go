package spec

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Every type of the format decodes through strictDecode: it checks keys as
// KnownFields does (a custom decoder loses that option for the keys below
// it), bounds the width of mappings, and makes numbers exact.
//
// Exact numbers. yaml.v3 truncates a float decoded into an int (priority
// 100.9 becomes 100, port 443.9 becomes 443), so every type with an int
// field decodes through strictDecode, which refuses anything but a whole
// number there, and checks keys as KnownFields does (a custom decoder
// loses it for the keys below).

// strictDecode decodes the mapping n into out, a pointer to a struct type
// without its own UnmarshalYAML; name is the type's name in messages.
func strictDecode(n *yaml.Node, out any, name string) error {
	if n.Kind != yaml.MappingNode {
		return n.Decode(out) // yaml.v3 says what is wrong
	}
	if msg := tooWide(n); msg != "" {
		return &yaml.TypeError{Errors: []string{msg}}
	}
	rt := reflect.TypeOf(out).Elem()
	fields := structFields(rt)
	var problems []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if f, ok := fields[k.Value]; ok && f.Kind() == reflect.Map && v.Kind == yaml.MappingNode {
			if msg := tooWide(v); msg != "" {
				problems = append(problems, msg)
				continue
			}
		}
		f, ok := fields[k.Value]
		if !ok {
			problems = append(problems, fmt.Sprintf("line %d: field %s not found in type %s", k.Line, k.Value, name))
			continue
		}
		if f.Kind() == reflect.Int {
			if msg := wholeNumber(v); msg != "" {
				problems = append(problems, fmt.Sprintf("line %d: field %s: %s", v.Line, k.Value, msg))
			}
		}
	}
	err := n.Decode(out)
	if len(problems) == 0 {
		return err
	}
	// yaml.v3 reports problems in file order; merge ours with its.
	var te *yaml.TypeError
	if errors.As(err, &te) {
		problems = append(problems, te.Errors...)
	} else if err != nil {
		return err
	}
	sort.SliceStable(problems, func(i, j int) bool { return lineOf(problems[i]) < lineOf(problems[j]) })
	return &yaml.TypeError{Errors: problems}
}

// lineOf returns the line a yaml.v3 message names ("line 12: ...").
func lineOf(msg string) int {
	if sm := reLine.FindStringSubmatch(msg); sm != nil {
		n, _ := strconv.Atoi(sm[1])
		return n
	}
	return 0
}

// maxKeys bounds the keys of one mapping: yaml.v3 looks for duplicate keys
// by comparing every pair, so a 1 MB mapping of 100,000 keys would cost
// minutes. No scenario type has more than 30 keys; a hosts map is a few.
const maxKeys = 1000

// tooWide returns a located problem when mapping n has more than maxKeys
// keys, naming the first key over the limit.
func tooWide(n *yaml.Node) string {
	if len(n.Content)/2 <= maxKeys {
		return ""
	}
	k := n.Content[2*maxKeys]
	return fmt.Sprintf("line %d: field %s: more than %d keys in one mapping", k.Line, k.Value, maxKeys)
}

// wholeNumber returns why an int field's value is not a whole number, or "".
func wholeNumber(v *yaml.Node) string {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!float" {
		return "" // an int, or something yaml.v3 refuses with its own message
	}
	return fmt.Sprintf("%s is not a whole number (vnetsim doesn't round)", v.Value)
}

var fieldCache = map[reflect.Type]map[string]reflect.Type{}

func structFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache[t]; ok {
		return m
	}
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k != "" && k != "-" {
			m[k] = t.Field(i).Type
		}
	}
	return m
}

func init() {
	// Built before decoding starts, so that pieces decoded on every core
	// only read the cache.
	for _, v := range []any{SecurityRule{}, RuleCollectionGroup{}, FirewallCollection{}, FirewallRule{}, Record{}, Compute{},
		Scenario{}, VNet{}, Subnet{}, Peering{}, NSG{}, RouteTable{}, Route{}, Gateway{}, OnPremHost{}, NATGateway{}, Firewall{},
		VM{}, Appliance{}, ApplianceRule{}, PublicIP{}, DNSServer{}, Forwarder{}, Service{}, NetworkACLs{}, PrivateEndpoint{},
		DNSZone{}, VNetLink{}, MachineLearning{}, ManagedNetwork{}, OutboundRule{}, IPGroup{}, Variant{}} {
		structFields(reflect.TypeOf(v))
	}
}

// UnmarshalYAML decodes a security rule with an exact priority.
func (r *SecurityRule) UnmarshalYAML(n *yaml.Node) error {
	type plain SecurityRule
	return strictDecode(n, (*plain)(r), "spec.SecurityRule")
}

// UnmarshalYAML decodes a rule collection group with an exact priority.
func (g *RuleCollectionGroup) UnmarshalYAML(n *yaml.Node) error {
	type plain RuleCollectionGroup
	return strictDecode(n, (*plain)(g), "spec.RuleCollectionGroup")
}

// UnmarshalYAML decodes a firewall rule collection with an exact priority.
func (c *FirewallCollection) UnmarshalYAML(n *yaml.Node) error {
	type plain FirewallCollection
	return strictDecode(n, (*plain)(c), "spec.FirewallCollection")
}

// UnmarshalYAML decodes a firewall rule strictly (it sits below a
// collection, whose own decoder would otherwise let unknown keys pass).
func (r *FirewallRule) UnmarshalYAML(n *yaml.Node) error {
	type plain FirewallRule
	return strictDecode(n, (*plain)(r), "spec.FirewallRule")
}

// UnmarshalYAML decodes a DNS record with an exact TTL.
func (r *Record) UnmarshalYAML(n *yaml.Node) error {
	type plain Record
	return strictDecode(n, (*plain)(r), "spec.Record")
}

// UnmarshalYAML decodes a compute with an exact maxNodes.
func (c *Compute) UnmarshalYAML(n *yaml.Node) error {
	type plain Compute
	return strictDecode(n, (*plain)(c), "spec.Compute")
}

// The other types of the format decode strictly the same way.

// UnmarshalYAML decodes a Scenario strictly.
func (s *Scenario) UnmarshalYAML(n *yaml.Node) error {
	type plain Scenario
	return strictDecode(n, (*plain)(s), "spec.Scenario")
}

// UnmarshalYAML decodes a VNet strictly.
func (v *VNet) UnmarshalYAML(n *yaml.Node) error {
	type plain VNet
	return strictDecode(n, (*plain)(v), "spec.VNet")
}

// UnmarshalYAML decodes a Subnet strictly.
func (s *Subnet) UnmarshalYAML(n *yaml.Node) error {
	type plain Subnet
	return strictDecode(n, (*plain)(s), "spec.Subnet")
}

// UnmarshalYAML decodes a Peering strictly.
func (p *Peering) UnmarshalYAML(n *yaml.Node) error {
	type plain Peering
	return strictDecode(n, (*plain)(p), "spec.Peering")
}

// UnmarshalYAML decodes a NSG strictly.
func (x *NSG) UnmarshalYAML(n *yaml.Node) error {
	type plain NSG
	return strictDecode(n, (*plain)(x), "spec.NSG")
}

// UnmarshalYAML decodes a RouteTable strictly.
func (r *RouteTable) UnmarshalYAML(n *yaml.Node) error {
	type plain RouteTable
	return strictDecode(n, (*plain)(r), "spec.RouteTable")
}

// UnmarshalYAML decodes a Route strictly.
func (r *Route) UnmarshalYAML(n *yaml.Node) error {
	type plain Route
	return strictDecode(n, (*plain)(r), "spec.Route")
}

// UnmarshalYAML decodes a Gateway strictly.
func (g *Gateway) UnmarshalYAML(n *yaml.Node) error {
	type plain Gateway
	return strictDecode(n, (*plain)(g), "spec.Gateway")
}

// UnmarshalYAML decodes a OnPremHost strictly.
func (o *OnPremHost) UnmarshalYAML(n *yaml.Node) error {
	type plain OnPremHost
	return strictDecode(n, (*plain)(o), "spec.OnPremHost")
}

// UnmarshalYAML decodes a NATGateway strictly.
func (x *NATGateway) UnmarshalYAML(n *yaml.Node) error {
	type plain NATGateway
	return strictDecode(n, (*plain)(x), "spec.NATGateway")
}

// UnmarshalYAML decodes a Firewall strictly.
func (f *Firewall) UnmarshalYAML(n *yaml.Node) error {
	type plain Firewall
	return strictDecode(n, (*plain)(f), "spec.Firewall")
}

// UnmarshalYAML decodes a VM strictly.
func (v *VM) UnmarshalYAML(n *yaml.Node) error {
	type plain VM
	return strictDecode(n, (*plain)(v), "spec.VM")
}

// UnmarshalYAML decodes a Appliance strictly.
func (a *Appliance) UnmarshalYAML(n *yaml.Node) error {
	type plain Appliance
	return strictDecode(n, (*plain)(a), "spec.Appliance")
}

// UnmarshalYAML decodes a ApplianceRule strictly.
func (a *ApplianceRule) UnmarshalYAML(n *yaml.Node) error {
	type plain ApplianceRule
	return strictDecode(n, (*plain)(a), "spec.ApplianceRule")
}

// UnmarshalYAML decodes a PublicIP strictly.
func (p *PublicIP) UnmarshalYAML(n *yaml.Node) error {
	type plain PublicIP
	return strictDecode(n, (*plain)(p), "spec.PublicIP")
}

// UnmarshalYAML decodes a DNSServer strictly.
func (d *DNSServer) UnmarshalYAML(n *yaml.Node) error {
	type plain DNSServer
	return strictDecode(n, (*plain)(d), "spec.DNSServer")
}

// UnmarshalYAML decodes a Forwarder strictly.
func (f *Forwarder) UnmarshalYAML(n *yaml.Node) error {
	type plain Forwarder
	return strictDecode(n, (*plain)(f), "spec.Forwarder")
}

// UnmarshalYAML decodes a Service strictly.
func (s *Service) UnmarshalYAML(n *yaml.Node) error {
	type plain Service
	return strictDecode(n, (*plain)(s), "spec.Service")
}

// UnmarshalYAML decodes a NetworkACLs strictly.
func (x *NetworkACLs) UnmarshalYAML(n *yaml.Node) error {
	type plain NetworkACLs
	return strictDecode(n, (*plain)(x), "spec.NetworkACLs")
}

// UnmarshalYAML decodes a PrivateEndpoint strictly.
func (p *PrivateEndpoint) UnmarshalYAML(n *yaml.Node) error {
	type plain PrivateEndpoint
	return strictDecode(n, (*plain)(p), "spec.PrivateEndpoint")
}

// UnmarshalYAML decodes a DNSZone strictly.
func (d *DNSZone) UnmarshalYAML(n *yaml.Node) error {
	type plain DNSZone
	return strictDecode(n, (*plain)(d), "spec.DNSZone")
}

// UnmarshalYAML decodes a VNetLink strictly.
func (v *VNetLink) UnmarshalYAML(n *yaml.Node) error {
	type plain VNetLink
	return strictDecode(n, (*plain)(v), "spec.VNetLink")
}

// UnmarshalYAML decodes a MachineLearning strictly.
func (m *MachineLearning) UnmarshalYAML(n *yaml.Node) error {
	type plain MachineLearning
	return strictDecode(n, (*plain)(m), "spec.MachineLearning")
}

// UnmarshalYAML decodes a ManagedNetwork strictly.
func (m *ManagedNetwork) UnmarshalYAML(n *yaml.Node) error {
	type plain ManagedNetwork
	return strictDecode(n, (*plain)(m), "spec.ManagedNetwork")
}

// UnmarshalYAML decodes a OutboundRule strictly.
func (o *OutboundRule) UnmarshalYAML(n *yaml.Node) error {
	type plain OutboundRule
	return strictDecode(n, (*plain)(o), "spec.OutboundRule")
}

// UnmarshalYAML decodes a IPGroup strictly.
func (i *IPGroup) UnmarshalYAML(n *yaml.Node) error {
	type plain IPGroup
	return strictDecode(n, (*plain)(i), "spec.IPGroup")
}

// UnmarshalYAML decodes a Variant strictly.
func (v *Variant) UnmarshalYAML(n *yaml.Node) error {
	type plain Variant
	return strictDecode(n, (*plain)(v), "spec.Variant")
}
