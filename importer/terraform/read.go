// Package terraform reads Terraform plans and state (`terraform show -json`,
// decoded with github.com/hashicorp/terraform-json, and raw terraform.tfstate
// version 4) and turns the azurerm resources the importer models into ARM
// resources of the same shape Azure returns, so that one conversion serves
// both. It never evaluates HCL: a value unknown at plan time is resolved
// through the plan's configuration references where it names another
// resource, and reported otherwise.
package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/vnetsim/vnetsim/importer/arm"
)

// Result is what one Terraform file holds: the state after the change (or
// the state), and for a plan the state before it.
type Result struct {
	After     []*arm.Resource
	Before    []*arm.Resource // prior state of a plan
	HasBefore bool            // a plan: Before is meaningful even when empty
	Problems  []arm.Problem
}

// Kind names the shape of a Terraform JSON document, or "" if it is none.
func Kind(v map[string]any) string {
	switch {
	case v["planned_values"] != nil || v["resource_changes"] != nil:
		return "terraform-plan"
	case v["values"] != nil && v["format_version"] != nil:
		return "terraform-state"
	case v["version"] != nil && v["resources"] != nil && v["terraform_version"] != nil:
		return "tfstate"
	case v["child_modules"] != nil || (v["resources"] != nil && v["address"] != nil):
		return "terraform-module"
	}
	return ""
}

// tfres is one resource instance read from Terraform.
type tfres struct {
	addr    string // full address, module path included
	module  string // module address prefix ("" for root), e.g. module.x
	typ     string
	vals    *arm.Node
	unknown any                           // after_unknown of this instance
	expr    map[string]*tfjson.Expression // its configuration expressions
}

// Read reads one Terraform JSON file of the given Kind.
func Read(file string, data []byte, kind string) (*Result, error) {
	res := &Result{}
	switch kind {
	case "terraform-plan":
		var p tfjson.Plan
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, err
		}
		cfg := configExprs(p.Config)
		unknown := map[string]any{}
		for _, rc := range p.ResourceChanges {
			if rc.Change != nil && rc.Mode == tfjson.ManagedResourceMode {
				unknown[rc.Address] = rc.Change.AfterUnknown
			}
		}
		var after []*tfres
		if p.PlannedValues != nil {
			after = collectModule(p.PlannedValues.RootModule, "$.planned_values.root_module", unknown, cfg)
		}
		// resources being created whose planned values were not written
		// (older formats) come from resource_changes
		seen := map[string]bool{}
		for _, r := range after {
			seen[r.addr] = true
		}
		for i, rc := range p.ResourceChanges {
			if seen[rc.Address] || rc.Change == nil || rc.Change.Actions.Delete() || rc.Mode != tfjson.ManagedResourceMode {
				continue
			}
			if m, ok := rc.Change.After.(map[string]any); ok {
				after = append(after, newRes(rc.Address, rc.ModuleAddress, rc.Type, fmt.Sprintf("$.resource_changes[%d].change.after", i), m, rc.Change.AfterUnknown, cfg))
			}
		}
		res.HasBefore = true
		var before []*tfres
		if p.PriorState != nil && p.PriorState.Values != nil {
			before = collectModule(p.PriorState.Values.RootModule, "$.prior_state.values.root_module", nil, cfg)
		}
		res.After = convert(file, after, &res.Problems)
		var discard []arm.Problem
		res.Before = convert(file, before, &discard)
	case "terraform-state":
		var s tfjson.State
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, err
		}
		if s.Values != nil {
			res.After = convert(file, collectModule(s.Values.RootModule, "$.values.root_module", nil, nil), &res.Problems)
		}
	case "terraform-module":
		var m tfjson.StateModule
		d := json.NewDecoder(bytes.NewReader(data))
		if err := d.Decode(&m); err != nil {
			return nil, err
		}
		res.After = convert(file, collectModule(&m, "$", nil, nil), &res.Problems)
	case "tfstate":
		rs, err := readRaw(data)
		if err != nil {
			return nil, err
		}
		res.After = convert(file, rs, &res.Problems)
	default:
		return nil, fmt.Errorf("not a Terraform plan or state")
	}
	return res, nil
}

// configExprs indexes the configuration's resource expressions by address
// (module path included, without instance keys).
func configExprs(c *tfjson.Config) map[string]map[string]*tfjson.Expression {
	out := map[string]map[string]*tfjson.Expression{}
	if c == nil || c.RootModule == nil {
		return out
	}
	var walk func(prefix string, m *tfjson.ConfigModule)
	walk = func(prefix string, m *tfjson.ConfigModule) {
		for _, r := range m.Resources {
			out[prefix+r.Address] = r.Expressions
		}
		for name, mc := range m.ModuleCalls {
			if mc.Module != nil {
				walk(prefix+"module."+name+".", mc.Module)
			}
		}
	}
	walk("", c.RootModule)
	return out
}

// collectModule lists the managed resources of a module and its children.
func collectModule(m *tfjson.StateModule, path string, unknown map[string]any, cfg map[string]map[string]*tfjson.Expression) []*tfres {
	var out []*tfres
	var walk func(m *tfjson.StateModule, path string)
	walk = func(m *tfjson.StateModule, path string) {
		if m == nil {
			return
		}
		for i, r := range m.Resources {
			if r.Mode != tfjson.ManagedResourceMode && r.Mode != "" {
				continue
			}
			mod := m.Address
			out = append(out, newRes(r.Address, mod, r.Type, fmt.Sprintf("%s.resources[%d].values", path, i), r.AttributeValues, unknown[r.Address], cfg))
		}
		for i, c := range m.ChildModules {
			walk(c, fmt.Sprintf("%s.child_modules[%d]", path, i))
		}
	}
	walk(m, path)
	return out
}

func newRes(addr, module, typ, path string, vals map[string]any, unknown any, cfg map[string]map[string]*tfjson.Expression) *tfres {
	return &tfres{addr: addr, module: module, typ: typ, vals: arm.NewNode(path, vals), unknown: unknown, expr: cfg[configAddr(addr)]}
}

// configAddr strips instance keys: module.a["x"].azurerm_subnet.s[0] -> module.a.azurerm_subnet.s
func configAddr(addr string) string {
	var b strings.Builder
	depth := 0
	for _, c := range addr {
		switch {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// raw terraform.tfstate version 4
type rawState struct {
	Version   int `json:"version"`
	Resources []struct {
		Module    string `json:"module"`
		Mode      string `json:"mode"`
		Type      string `json:"type"`
		Name      string `json:"name"`
		Instances []struct {
			IndexKey   any            `json:"index_key"`
			Attributes map[string]any `json:"attributes"`
		} `json:"instances"`
	} `json:"resources"`
}

func readRaw(data []byte) ([]*tfres, error) {
	var s rawState
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	if s.Version != 4 {
		return nil, fmt.Errorf("terraform.tfstate version %d: only version 4 is read", s.Version)
	}
	var out []*tfres
	for i, r := range s.Resources {
		if r.Mode != "managed" {
			continue
		}
		for j, in := range r.Instances {
			addr := r.Type + "." + r.Name
			if r.Module != "" {
				addr = r.Module + "." + addr
			}
			switch k := in.IndexKey.(type) {
			case string:
				addr += fmt.Sprintf("[%q]", k)
			case float64:
				addr += fmt.Sprintf("[%d]", int(k))
			}
			out = append(out, newRes(addr, r.Module, r.Type, fmt.Sprintf("$.resources[%d].instances[%d].attributes", i, j), in.Attributes, nil, nil))
		}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
