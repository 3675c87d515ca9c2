package armexpr

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Resource is one resource the template deploys: its evaluated JSON object
// (with "id" added), and where it is declared.
type Resource struct {
	Object map[string]any
	Path   string // JSON path in the template, with the copy index
}

// Problem is something the template evaluation could not do.
type Problem struct {
	Path, Expr, Msg string
}

// Template is one template being expanded, with its nested deployments.
type Template struct {
	file      string
	resources []Resource
	byID      map[string]map[string]any // lower-case ID -> evaluated resource
	outputs   map[string]map[string]any // deployment ID (lower) -> outputs
	problems  []Problem
}

// Expand evaluates a template with parameter values (name -> value, as in a
// parameters file's "parameters" object: {"name": {"value": v}}) and
// returns the resources it deploys.
func Expand(file string, tpl map[string]any, params map[string]any) ([]Resource, []Problem) {
	t := &Template{file: file, byID: map[string]map[string]any{}, outputs: map[string]map[string]any{}}
	given := map[string]any{}
	for k, v := range params {
		if m, ok := v.(map[string]any); ok {
			if val, ok := m["value"]; ok {
				given[strings.ToLower(k)] = normalize(jsonNumbers(val))
				continue
			}
			if _, ok := m["reference"]; ok {
				t.problems = append(t.problems, Problem{Path: "parameters." + k, Msg: "a Key Vault reference: the secret is not read"})
				given[strings.ToLower(k)] = ""
				continue
			}
		}
		given[strings.ToLower(k)] = normalize(jsonNumbers(v))
	}
	s := t.newScope(tpl, given, Location, "$")
	t.deploy(s, tpl, "$", "")
	return t.resources, t.problems
}

func jsonNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = jsonNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = jsonNumbers(x[k])
		}
	}
	return v
}

func (t *Template) problem(path, expr string, err error) {
	t.problems = append(t.problems, Problem{Path: path, Expr: expr, Msg: err.Error()})
}

// newScope evaluates a template's parameters (given values, else defaults).
func (t *Template) newScope(tpl map[string]any, given map[string]any, location, path string) *scope {
	s := &scope{t: t, params: map[string]any{}, varDefs: map[string]any{}, vars: map[string]any{}, varBusy: map[string]bool{}, copies: map[string]int{}, location: location}
	pdefs, _ := get(tpl, "parameters").(map[string]any)
	// parameter defaults may use other parameters: evaluate in declaration
	// (name) order and again until nothing changes
	names := sortedKeys(pdefs)
	for _, name := range names {
		if v, ok := given[strings.ToLower(name)]; ok {
			s.params[strings.ToLower(name)] = v
		}
	}
	for pass := 0; pass < 3; pass++ {
		for _, name := range names {
			if _, ok := s.params[strings.ToLower(name)]; ok {
				continue
			}
			def, _ := pdefs[name].(map[string]any)
			dv, has := def["defaultValue"]
			if !has {
				if pass == 2 {
					t.problem(path+".parameters."+name, "", fmt.Errorf("no value and no default"))
				}
				continue
			}
			var errs []evalError
			v := s.evalValue(dv, path+".parameters."+name+".defaultValue", &errs)
			if len(errs) == 0 {
				s.params[strings.ToLower(name)] = v
			} else if pass == 2 {
				for _, e := range errs {
					t.problem(e.path, e.expr, e.err)
				}
			}
		}
	}
	vdefs, _ := get(tpl, "variables").(map[string]any)
	for k, v := range vdefs {
		if strings.EqualFold(k, "copy") {
			if arr, ok := v.([]any); ok {
				for _, c := range arr {
					if m, ok := c.(map[string]any); ok {
						name, _ := get(m, "name").(string)
						s.varDefs[strings.ToLower(name)] = map[string]any{"$copy": m}
					}
				}
			}
			continue
		}
		s.varDefs[strings.ToLower(k)] = v
	}
	return s
}

// variable evaluates a variable on first use (variables may use each other).
func (s *scope) variable(name string) (any, error) {
	k := strings.ToLower(name)
	if v, ok := s.vars[k]; ok {
		return v, nil
	}
	def, ok := s.varDefs[k]
	if !ok {
		return nil, fmt.Errorf("no variable %s", name)
	}
	if s.varBusy[k] {
		return nil, fmt.Errorf("variable %s refers to itself", name)
	}
	s.varBusy[k] = true
	defer delete(s.varBusy, k)
	var errs []evalError
	var v any
	if m, ok := def.(map[string]any); ok && m["$copy"] != nil {
		out := map[string]any{}
		s.propertyCopy(m["$copy"], "variables.copy", out, &errs)
		v = out[get(m["$copy"].(map[string]any), "name").(string)]
	} else {
		v = s.evalValue(def, "variables."+name, &errs)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("variable %s: %s: %v", name, errs[0].expr, errs[0].err)
	}
	s.vars[k] = v
	return v, nil
}

// resourceList returns a template's resources as (symbolic name, object)
// pairs; languageVersion 2.0 keeps them in an object.
func resourceList(tpl map[string]any, path string) ([]map[string]any, []string) {
	var out []map[string]any
	var paths []string
	switch rs := get(tpl, "resources").(type) {
	case []any:
		for i, r := range rs {
			if m, ok := r.(map[string]any); ok {
				out = append(out, m)
				paths = append(paths, fmt.Sprintf("%s.resources[%d]", path, i))
			}
		}
	case map[string]any:
		for _, k := range sortedKeys(rs) {
			if m, ok := rs[k].(map[string]any); ok {
				if m["existing"] == true {
					continue
				}
				out = append(out, m)
				paths = append(paths, fmt.Sprintf("%s.resources.%s", path, k))
			}
		}
	}
	return out, paths
}

// deploy expands the resources of one template (or nested template) in scope s.
func (t *Template) deploy(s *scope, tpl map[string]any, path, parentType string) {
	rs, paths := resourceList(tpl, path)
	// nested deployments first, so that reference() to their outputs works
	order := make([]int, len(rs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return isDeployment(rs[order[a]]) && !isDeployment(rs[order[b]])
	})
	for _, i := range order {
		t.resource(s, rs[i], paths[i], "", "")
	}
	t.outputsOf(s, tpl, path)
}

func isDeployment(r map[string]any) bool {
	typ, _ := get(r, "type").(string)
	return strings.EqualFold(typ, "Microsoft.Resources/deployments")
}

// resource expands one resource declaration (with its copy loop and
// condition); parentType/parentName are set for a child declared inside.
func (t *Template) resource(s *scope, r map[string]any, path, parentType, parentName string) {
	if c, ok := get(r, "copy").(map[string]any); ok {
		name, _ := get(c, "name").(string)
		n, err := s.count(get(c, "count"))
		if err != nil {
			t.problem(path+".copy.count", fmt.Sprint(get(c, "count")), err)
			return
		}
		for i := 0; i < n; i++ {
			ls := s.withLoop(name, i)
			ls.resLoop = strings.ToLower(name)
			t.one(ls, r, fmt.Sprintf("%s(copy %d)", path, i), parentType, parentName)
		}
		return
	}
	t.one(s, r, path, parentType, parentName)
}

func (t *Template) one(s *scope, r map[string]any, path, parentType, parentName string) {
	if cond, ok := r["condition"]; ok {
		var errs []evalError
		v := s.evalValue(cond, path+".condition", &errs)
		if len(errs) > 0 {
			t.problem(errs[0].path, errs[0].expr, fmt.Errorf("%v; the resource is left out", errs[0].err))
			return
		}
		if !truthy(v) {
			return
		}
	}
	var errs []evalError
	obj := map[string]any{}
	for _, k := range sortedKeys(r) {
		switch strings.ToLower(k) {
		case "condition", "copy", "dependson", "resources", "comments", "metadata", "apiversion", "existing", "scope":
			continue
		case "properties":
			if isDeployment(r) {
				continue // evaluated by the nested deployment
			}
		}
		obj[k] = s.evalValue(r[k], path+"."+k, &errs)
	}
	for _, e := range errs {
		t.problem(e.path, e.expr, e.err)
	}
	typ, _ := obj["type"].(string)
	name, _ := obj["name"].(string)
	if typ == "" || name == "" {
		if len(errs) == 0 {
			t.problem(path, "", fmt.Errorf("a resource without a type or a name"))
		}
		return
	}
	if parentType != "" && !strings.Contains(typ, "/") || parentType != "" && !strings.Contains(typ, ".") {
		typ = parentType + "/" + typ
		name = parentName + "/" + name
		obj["type"], obj["name"] = typ, name
	}
	id := resourceIDOf(typ, name)
	obj["id"] = id
	if _, ok := obj["location"]; !ok && !strings.Contains(strings.SplitN(typ, "/", 3)[len(strings.SplitN(typ, "/", 3))-1], "/") {
		// top-level resources without a location are global; leave it out
	}
	if isDeployment(r) {
		t.nested(s, r, obj, path)
		return
	}
	t.byID[strings.ToLower(id)] = obj
	t.resources = append(t.resources, Resource{Object: obj, Path: path})
	if kids, ok := get(r, "resources").([]any); ok {
		for i, k := range kids {
			if m, ok := k.(map[string]any); ok {
				t.resource(s, m, fmt.Sprintf("%s.resources[%d]", path, i), typ, name)
			}
		}
	}
}

// resourceIDOf makes the ID of a resource of the deployment's resource group.
func resourceIDOf(typ, name string) string {
	names := strings.Split(name, "/")
	return "/subscriptions/" + Subscription + "/resourceGroups/" + ResourceGroup + "/providers/" + idTail(typ, names)
}

// nested expands an inline nested deployment.
func (t *Template) nested(s *scope, r, obj map[string]any, path string) {
	props, _ := get(r, "properties").(map[string]any)
	if get(props, "templateLink") != nil {
		t.problem(path+".properties.templateLink", "", fmt.Errorf("a linked template is not fetched; its resources are left out"))
		return
	}
	inner, ok := get(props, "template").(map[string]any)
	if !ok {
		t.problem(path+".properties", "", fmt.Errorf("a nested deployment without an inline template"))
		return
	}
	scopeOpt := "outer"
	if eo, ok := get(props, "expressionEvaluationOptions").(map[string]any); ok {
		if sc, ok := get(eo, "scope").(string); ok {
			scopeOpt = strings.ToLower(sc)
		}
	}
	if rg, ok := obj["resourceGroup"].(string); ok && rg != "" && !strings.EqualFold(rg, ResourceGroup) {
		t.problem(path+".resourceGroup", rg, fmt.Errorf("another resource group: its resources get IDs in %s", ResourceGroup))
	}
	ip := path + ".properties.template"
	var ns *scope
	if scopeOpt == "inner" {
		given := map[string]any{}
		pv, _ := get(props, "parameters").(map[string]any)
		for _, k := range sortedKeys(pv) {
			m, _ := pv[k].(map[string]any)
			if v, ok := m["value"]; ok {
				var errs []evalError
				val := s.evalValue(v, path+".properties.parameters."+k+".value", &errs)
				for _, e := range errs {
					t.problem(e.path, e.expr, e.err)
				}
				if len(errs) == 0 {
					given[strings.ToLower(k)] = val
				}
			}
		}
		ns = t.newScope(inner, given, s.location, ip)
	} else {
		ns = s.child()
	}
	before := len(t.outputs)
	_ = before
	t.deployInto(ns, inner, ip, obj["id"].(string))
}

// deployInto expands a nested template and records its outputs under the
// deployment's ID.
func (t *Template) deployInto(s *scope, tpl map[string]any, path, deploymentID string) {
	rs, paths := resourceList(tpl, path)
	order := make([]int, len(rs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return isDeployment(rs[order[a]]) && !isDeployment(rs[order[b]]) })
	for _, i := range order {
		t.resource(s, rs[i], paths[i], "", "")
	}
	t.outputs[strings.ToLower(deploymentID)] = t.outputsOf(s, tpl, path)
}

// outputsOf evaluates a template's outputs; one that fails is left out
// (reported only if something references it).
func (t *Template) outputsOf(s *scope, tpl map[string]any, path string) map[string]any {
	out := map[string]any{}
	defs, _ := get(tpl, "outputs").(map[string]any)
	for _, k := range sortedKeys(defs) {
		d, _ := defs[k].(map[string]any)
		var errs []evalError
		v := s.evalValue(get(d, "value"), path+".outputs."+k, &errs)
		if len(errs) == 0 {
			out[k] = map[string]any{"type": get(d, "type"), "value": v}
		} else {
			out[k] = outputError{errs[0]}
		}
	}
	return out
}

type outputError struct{ e evalError }

// reference answers reference(): a nested deployment's outputs, or the
// declared object of a resource of this template.
func (t *Template) reference(target string, full bool) (any, error) {
	id := strings.ToLower(target)
	if !strings.HasPrefix(id, "/") {
		// a bare name: a deployment or a resource of this template by name
		for k := range t.outputs {
			if strings.HasSuffix(k, "/deployments/"+id) {
				id = k
			}
		}
		for k := range t.byID {
			if strings.HasSuffix(k, "/"+id) {
				id = k
			}
		}
	}
	if outs, ok := t.outputs[id]; ok {
		clean := map[string]any{}
		for k, v := range outs {
			if oe, bad := v.(outputError); bad {
				clean[k] = map[string]any{"value": deferredError{oe.e}}
				continue
			}
			clean[k] = v
		}
		res := map[string]any{"outputs": clean}
		if full {
			return map[string]any{"properties": res}, nil
		}
		return res, nil
	}
	if obj, ok := t.byID[id]; ok {
		if full {
			return obj, nil
		}
		p, _ := obj["properties"].(map[string]any)
		if p == nil {
			p = map[string]any{}
		}
		return p, nil
	}
	return nil, fmt.Errorf("reference to %s, which this template does not deploy (a runtime value)", target)
}

// deferredError stands for an output that failed: using it fails.
type deferredError struct{ e evalError }
