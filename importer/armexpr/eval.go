package armexpr

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Stand-ins for what only a real deployment knows.
const (
	Subscription  = "00000000-0000-0000-0000-000000000000"
	ResourceGroup = "rg-imported"
	TenantID      = "00000000-0000-0000-0000-000000000001"
	Location      = "eastus"
)

// scope is what expressions of one template see.
type scope struct {
	t        *Template
	params   map[string]any // lower-case name -> value
	varDefs  map[string]any // lower-case name -> definition
	vars     map[string]any
	varBusy  map[string]bool
	copies   map[string]int // loop name (lower) -> index; "" the resource loop
	loopVar  []string       // loop names, innermost last
	resLoop  string         // the resource copy loop, which copyIndex() without a name means
	location string
}

func (s *scope) child() *scope {
	c := *s
	c.copies = map[string]int{}
	for k, v := range s.copies {
		c.copies[k] = v
	}
	c.loopVar = append([]string(nil), s.loopVar...)
	return &c
}

func (s *scope) withLoop(name string, i int) *scope {
	c := s.child()
	c.copies[strings.ToLower(name)] = i
	c.loopVar = append(c.loopVar, strings.ToLower(name))
	return c
}

// evalString evaluates a JSON string: an expression, or a literal.
func (s *scope) evalString(str string) (any, error) {
	if !IsExpression(str) {
		return Unescape(str), nil
	}
	e, err := Parse(str[1 : len(str)-1])
	if err != nil {
		return nil, err
	}
	return s.eval(e)
}

// evalValue evaluates every string in a JSON value, processing property copy
// loops; errors are collected with their JSON paths.
func (s *scope) evalValue(v any, path string, errs *[]evalError) any {
	switch x := v.(type) {
	case string:
		r, err := s.evalString(x)
		if err != nil {
			*errs = append(*errs, evalError{path, x, err})
			return nil
		}
		return r
	case []any:
		out := make([]any, 0, len(x))
		for i, e := range x {
			out = append(out, s.evalValue(e, fmt.Sprintf("%s[%d]", path, i), errs))
		}
		return out
	case map[string]any:
		out := map[string]any{}
		keys := sortedKeys(x)
		for _, k := range keys {
			if strings.EqualFold(k, "copy") {
				if arr, ok := x[k].([]any); ok {
					for i, c := range arr {
						s.propertyCopy(c, fmt.Sprintf("%s.copy[%d]", path, i), out, errs)
					}
					continue
				}
			}
			out[k] = s.evalValue(x[k], path+"."+k, errs)
		}
		return out
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

// propertyCopy expands {"name", "count", "input"} into out[name].
func (s *scope) propertyCopy(c any, path string, out map[string]any, errs *[]evalError) {
	m, ok := c.(map[string]any)
	if !ok {
		return
	}
	name, _ := get(m, "name").(string)
	n, err := s.count(get(m, "count"))
	if err != nil {
		*errs = append(*errs, evalError{path + ".count", fmt.Sprint(get(m, "count")), err})
		return
	}
	items := []any{}
	for i := 0; i < n; i++ {
		items = append(items, s.withLoop(name, i).evalValue(get(m, "input"), fmt.Sprintf("%s.input[%d]", path, i), errs))
	}
	out[name] = items
}

func (s *scope) count(v any) (int, error) {
	if str, ok := v.(string); ok {
		r, err := s.evalString(str)
		if err != nil {
			return 0, err
		}
		v = r
	}
	n, ok := toInt(v)
	if !ok {
		return 0, fmt.Errorf("copy count %v is not a number", v)
	}
	return int(n), nil
}

type evalError struct {
	path, expr string
	err        error
}

func get(m map[string]any, k string) any {
	if v, ok := m[k]; ok {
		return v
	}
	for key, v := range m {
		if strings.EqualFold(key, k) {
			return v
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *scope) eval(e expr) (any, error) {
	switch x := e.(type) {
	case lit:
		return x.v, nil
	case member:
		v, err := s.eval(x.x)
		if err != nil {
			return nil, err
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("property %s of a %s", x.name, kind(v))
		}
		for k, val := range m {
			if strings.EqualFold(k, x.name) {
				if d, bad := val.(deferredError); bad {
					return nil, fmt.Errorf("the nested deployment's output fails: %s: %v", d.e.expr, d.e.err)
				}
				return val, nil
			}
		}
		return nil, fmt.Errorf("no property %s", x.name)
	case index:
		v, err := s.eval(x.x)
		if err != nil {
			return nil, err
		}
		i, err := s.eval(x.i)
		if err != nil {
			return nil, err
		}
		switch c := v.(type) {
		case []any:
			n, ok := toInt(i)
			if !ok || n < 0 || int(n) >= len(c) {
				return nil, fmt.Errorf("index %v out of range of %d", i, len(c))
			}
			return c[n], nil
		case map[string]any:
			k, _ := i.(string)
			if val := get(c, k); val != nil {
				return val, nil
			}
			return nil, fmt.Errorf("no property %s", k)
		}
		return nil, fmt.Errorf("index of a %s", kind(v))
	case call:
		return s.call(x)
	}
	return nil, fmt.Errorf("bad expression")
}

func kind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return "number"
}

func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case float64:
		return int64(x), x == math.Trunc(x)
	case json.Number:
		i, err := x.Int64()
		return i, err == nil
	case string:
		i, err := strconv.ParseInt(x, 10, 64)
		return i, err == nil
	}
	return 0, false
}

// toString formats a value as string() does.
func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return strings.EqualFold(x, "true")
	}
	return false
}

func equal(a, b any) bool {
	if x, ok := toInt(a); ok {
		if y, ok := toInt(b); ok {
			_, as := a.(string)
			_, bs := b.(string)
			if as == bs {
				return x == y
			}
		}
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if sa, ok := a.(string); ok {
		if sb, ok := b.(string); ok {
			return sa == sb
		}
	}
	return string(ja) == string(jb)
}

// stand-in hash for uniqueString and guid: deterministic, not Azure's.
func digest(args []any) []byte {
	h := sha256.New()
	for _, a := range args {
		h.Write([]byte(toString(a)))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

func (s *scope) call(c call) (any, error) {
	// functions whose arguments are not all evaluated first
	switch c.name {
	case "if":
		if len(c.args) != 3 {
			return nil, fmt.Errorf("if takes 3 arguments")
		}
		cond, err := s.eval(c.args[0])
		if err != nil {
			return nil, err
		}
		if truthy(cond) {
			return s.eval(c.args[1])
		}
		return s.eval(c.args[2])
	}
	args := make([]any, len(c.args))
	for i, a := range c.args {
		v, err := s.eval(a)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	need := func(n int) error {
		if len(args) < n {
			return fmt.Errorf("%s needs %d argument(s)", c.name, n)
		}
		return nil
	}
	str := func(i int) string { return toString(args[i]) }
	switch c.name {
	case "parameters":
		if err := need(1); err != nil {
			return nil, err
		}
		v, ok := s.params[strings.ToLower(str(0))]
		if !ok {
			return nil, fmt.Errorf("no parameter %s", str(0))
		}
		return v, nil
	case "variables":
		if err := need(1); err != nil {
			return nil, err
		}
		return s.variable(str(0))
	case "copyindex":
		name := ""
		offset := int64(0)
		for _, a := range args {
			if n, ok := toInt(a); ok {
				if _, isStr := a.(string); !isStr {
					offset = n
					continue
				}
			}
			name = strings.ToLower(toString(a))
		}
		if name == "" && s.resLoop != "" {
			name = s.resLoop
		}
		if name == "" {
			if len(s.loopVar) == 0 {
				return nil, fmt.Errorf("copyIndex() outside a copy loop")
			}
			name = s.loopVar[len(s.loopVar)-1]
		}
		i, ok := s.copies[name]
		if !ok {
			return nil, fmt.Errorf("copyIndex('%s') outside that loop", name)
		}
		return int64(i) + offset, nil
	case "concat":
		if len(args) > 0 {
			if _, isArr := args[0].([]any); isArr {
				out := []any{}
				for _, a := range args {
					if arr, ok := a.([]any); ok {
						out = append(out, arr...)
					}
				}
				return out, nil
			}
		}
		var b strings.Builder
		for _, a := range args {
			b.WriteString(toString(a))
		}
		return b.String(), nil
	case "format":
		if err := need(1); err != nil {
			return nil, err
		}
		return format(str(0), args[1:])
	case "tolower":
		return strings.ToLower(str(0)), need(1)
	case "toupper":
		return strings.ToUpper(str(0)), need(1)
	case "trim":
		return strings.TrimSpace(str(0)), need(1)
	case "string":
		return str(0), need(1)
	case "replace":
		if err := need(3); err != nil {
			return nil, err
		}
		return strings.ReplaceAll(str(0), str(1), str(2)), nil
	case "split":
		if err := need(2); err != nil {
			return nil, err
		}
		seps := []string{}
		if arr, ok := args[1].([]any); ok {
			for _, a := range arr {
				seps = append(seps, toString(a))
			}
		} else {
			seps = append(seps, str(1))
		}
		parts := []string{str(0)}
		for _, sep := range seps {
			var next []string
			for _, p := range parts {
				next = append(next, strings.Split(p, sep)...)
			}
			parts = next
		}
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = p
		}
		return out, nil
	case "substring":
		if err := need(2); err != nil {
			return nil, err
		}
		s0 := str(0)
		start, _ := toInt(args[1])
		end := int64(len(s0))
		if len(args) > 2 {
			n, _ := toInt(args[2])
			end = start + n
		}
		if start < 0 || end > int64(len(s0)) || start > end {
			return nil, fmt.Errorf("substring out of range")
		}
		return s0[start:end], nil
	case "startswith":
		return strings.HasPrefix(strings.ToLower(str(0)), strings.ToLower(str(1))), need(2)
	case "endswith":
		return strings.HasSuffix(strings.ToLower(str(0)), strings.ToLower(str(1))), need(2)
	case "indexof":
		return int64(strings.Index(strings.ToLower(str(0)), strings.ToLower(str(1)))), need(2)
	case "lastindexof":
		return int64(strings.LastIndex(strings.ToLower(str(0)), strings.ToLower(str(1)))), need(2)
	case "padleft":
		if err := need(2); err != nil {
			return nil, err
		}
		n, _ := toInt(args[1])
		pad := "0"
		if len(args) > 2 {
			pad = str(2)
		}
		s0 := str(0)
		for int64(len(s0)) < n {
			s0 = pad + s0
		}
		return s0, nil
	case "uniquestring":
		b := digest(args)
		return strings.ToLower(base32.StdEncoding.EncodeToString(b))[:13], nil
	case "guid":
		b := digest(args)
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
	case "newguid":
		return nil, fmt.Errorf("newGuid() is different on every deployment")
	case "utcnow":
		return nil, fmt.Errorf("utcNow() depends on the time of deployment")
	case "length":
		if err := need(1); err != nil {
			return nil, err
		}
		switch x := args[0].(type) {
		case string:
			return int64(len(x)), nil
		case []any:
			return int64(len(x)), nil
		case map[string]any:
			return int64(len(x)), nil
		}
		return nil, fmt.Errorf("length of a %s", kind(args[0]))
	case "empty":
		if err := need(1); err != nil {
			return nil, err
		}
		switch x := args[0].(type) {
		case nil:
			return true, nil
		case string:
			return x == "", nil
		case []any:
			return len(x) == 0, nil
		case map[string]any:
			return len(x) == 0, nil
		}
		return false, nil
	case "contains":
		if err := need(2); err != nil {
			return nil, err
		}
		switch x := args[0].(type) {
		case string:
			return strings.Contains(x, str(1)), nil
		case []any:
			for _, e := range x {
				if equal(e, args[1]) {
					return true, nil
				}
			}
			return false, nil
		case map[string]any:
			return get(x, str(1)) != nil, nil
		}
		return false, nil
	case "first", "last":
		if err := need(1); err != nil {
			return nil, err
		}
		switch x := args[0].(type) {
		case string:
			if x == "" {
				return "", nil
			}
			if c.name == "first" {
				return x[:1], nil
			}
			return x[len(x)-1:], nil
		case []any:
			if len(x) == 0 {
				return nil, nil
			}
			if c.name == "first" {
				return x[0], nil
			}
			return x[len(x)-1], nil
		}
		return nil, fmt.Errorf("%s of a %s", c.name, kind(args[0]))
	case "take", "skip":
		if err := need(2); err != nil {
			return nil, err
		}
		n, _ := toInt(args[1])
		switch x := args[0].(type) {
		case string:
			n = max(0, min(n, int64(len(x))))
			if c.name == "take" {
				return x[:n], nil
			}
			return x[n:], nil
		case []any:
			n = max(0, min(n, int64(len(x))))
			if c.name == "take" {
				return x[:n], nil
			}
			return x[n:], nil
		}
		return nil, fmt.Errorf("%s of a %s", c.name, kind(args[0]))
	case "createarray", "array":
		if c.name == "array" && len(args) == 1 {
			if a, ok := args[0].([]any); ok {
				return a, nil
			}
		}
		return append([]any{}, args...), nil
	case "createobject":
		out := map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			out[toString(args[i])] = args[i+1]
		}
		return out, nil
	case "range":
		if err := need(2); err != nil {
			return nil, err
		}
		a, _ := toInt(args[0])
		n, _ := toInt(args[1])
		out := make([]any, 0, n)
		for i := int64(0); i < n; i++ {
			out = append(out, a+i)
		}
		return out, nil
	case "union":
		if len(args) > 0 {
			if _, ok := args[0].(map[string]any); ok {
				out := map[string]any{}
				for _, a := range args {
					if m, ok := a.(map[string]any); ok {
						for k, v := range m {
							out[k] = v
						}
					}
				}
				return out, nil
			}
		}
		out := []any{}
		for _, a := range args {
			arr, _ := a.([]any)
			for _, e := range arr {
				dup := false
				for _, o := range out {
					if equal(o, e) {
						dup = true
					}
				}
				if !dup {
					out = append(out, e)
				}
			}
		}
		return out, nil
	case "intersection":
		if len(args) == 0 {
			return []any{}, nil
		}
		base, _ := args[0].([]any)
		out := []any{}
		for _, e := range base {
			all := true
			for _, a := range args[1:] {
				arr, _ := a.([]any)
				found := false
				for _, x := range arr {
					if equal(x, e) {
						found = true
					}
				}
				all = all && found
			}
			if all {
				out = append(out, e)
			}
		}
		return out, nil
	case "coalesce":
		for _, a := range args {
			if a != nil {
				return a, nil
			}
		}
		return nil, nil
	case "json":
		if err := need(1); err != nil {
			return nil, err
		}
		var v any
		if err := json.Unmarshal([]byte(str(0)), &v); err != nil {
			return nil, fmt.Errorf("json(): %v", err)
		}
		return normalize(v), nil
	case "null":
		return nil, nil
	case "bool":
		return truthy(args[0]) || equal(args[0], int64(1)), need(1)
	case "int":
		if err := need(1); err != nil {
			return nil, err
		}
		n, ok := toInt(args[0])
		if !ok {
			return nil, fmt.Errorf("int(%v)", args[0])
		}
		return n, nil
	case "float":
		f, err := strconv.ParseFloat(str(0), 64)
		return f, err
	case "add", "sub", "mul", "div", "mod":
		if err := need(2); err != nil {
			return nil, err
		}
		a, ok1 := toInt(args[0])
		b, ok2 := toInt(args[1])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s of non-integers", c.name)
		}
		switch c.name {
		case "add":
			return a + b, nil
		case "sub":
			return a - b, nil
		case "mul":
			return a * b, nil
		case "div", "mod":
			if b == 0 {
				return nil, fmt.Errorf("division by zero")
			}
			if c.name == "div" {
				return a / b, nil
			}
			return a % b, nil
		}
	case "min", "max":
		var nums []int64
		for _, a := range args {
			if arr, ok := a.([]any); ok {
				for _, e := range arr {
					n, _ := toInt(e)
					nums = append(nums, n)
				}
				continue
			}
			n, _ := toInt(a)
			nums = append(nums, n)
		}
		if len(nums) == 0 {
			return nil, fmt.Errorf("%s of nothing", c.name)
		}
		r := nums[0]
		for _, n := range nums[1:] {
			if c.name == "min" {
				r = min(r, n)
			} else {
				r = max(r, n)
			}
		}
		return r, nil
	case "equals":
		return equal(args[0], args[1]), need(2)
	case "not":
		return !truthy(args[0]), need(1)
	case "and":
		for _, a := range args {
			if !truthy(a) {
				return false, nil
			}
		}
		return true, nil
	case "or":
		for _, a := range args {
			if truthy(a) {
				return true, nil
			}
		}
		return false, nil
	case "less", "lessorequals", "greater", "greaterorequals":
		if err := need(2); err != nil {
			return nil, err
		}
		var cmp int
		a, ok1 := toInt(args[0])
		b, ok2 := toInt(args[1])
		if ok1 && ok2 {
			cmp = int(a - b)
		} else {
			cmp = strings.Compare(str(0), str(1))
		}
		switch c.name {
		case "less":
			return cmp < 0, nil
		case "lessorequals":
			return cmp <= 0, nil
		case "greater":
			return cmp > 0, nil
		}
		return cmp >= 0, nil
	case "resourcegroup":
		return map[string]any{"id": "/subscriptions/" + Subscription + "/resourceGroups/" + ResourceGroup, "name": ResourceGroup, "location": s.location, "type": "Microsoft.Resources/resourceGroups", "properties": map[string]any{"provisioningState": "Succeeded"}}, nil
	case "subscription":
		return map[string]any{"id": "/subscriptions/" + Subscription, "subscriptionId": Subscription, "tenantId": TenantID, "displayName": "imported"}, nil
	case "tenant":
		return map[string]any{"tenantId": TenantID}, nil
	case "deployment":
		return map[string]any{"name": "imported", "properties": map[string]any{"templateLink": map[string]any{"uri": ""}}}, nil
	case "environment":
		return environment(), nil
	case "resourceid", "subscriptionresourceid", "tenantresourceid", "extensionresourceid":
		return resourceID(c.name, args)
	case "reference":
		if err := need(1); err != nil {
			return nil, err
		}
		return s.t.reference(str(0), len(args) > 2 && strings.EqualFold(toString(args[2]), "full"))
	case "list", "listkeys", "listsecrets", "listaccountsas", "listconnectionstrings":
		return nil, fmt.Errorf("%s() reads secrets from Azure", c.name)
	case "parsecidr":
		if err := need(1); err != nil {
			return nil, err
		}
		return parseCidr(str(0))
	case "cidrsubnet":
		if err := need(3); err != nil {
			return nil, err
		}
		n, _ := toInt(args[1])
		i, _ := toInt(args[2])
		return cidrSubnet(str(0), int(n), int(i))
	case "cidrhost":
		if err := need(2); err != nil {
			return nil, err
		}
		i, _ := toInt(args[1])
		return cidrHost(str(0), int(i))
	case "base64":
		return nil, fmt.Errorf("base64() is not evaluated")
	case "items":
		m, ok := args[0].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("items of a %s", kind(args[0]))
		}
		out := []any{}
		for _, k := range sortedKeys(m) {
			out = append(out, map[string]any{"key": k, "value": m[k]})
		}
		return out, nil
	}
	return nil, fmt.Errorf("function %s() is not supported", c.name)
}

func normalize(v any) any {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) {
			return int64(x)
		}
	case []any:
		for i := range x {
			x[i] = normalize(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = normalize(x[k])
		}
	}
	return v
}

// format implements format('{0}-{1:D3}', ...).
func format(f string, args []any) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case '{':
			if i+1 < len(f) && f[i+1] == '{' {
				b.WriteByte('{')
				i++
				continue
			}
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("format: unclosed {")
			}
			spec := f[i+1 : i+end]
			idx, fmtSpec, _ := strings.Cut(spec, ":")
			n, err := strconv.Atoi(strings.TrimSpace(idx))
			if err != nil || n >= len(args) {
				return "", fmt.Errorf("format: bad placeholder {%s}", spec)
			}
			val := toString(args[n])
			if strings.HasPrefix(strings.ToUpper(fmtSpec), "D") {
				w, _ := strconv.Atoi(fmtSpec[1:])
				for len(val) < w {
					val = "0" + val
				}
			}
			b.WriteString(val)
			i += end
		case '}':
			if i+1 < len(f) && f[i+1] == '}' {
				i++
			}
			b.WriteByte('}')
		default:
			b.WriteByte(f[i])
		}
	}
	return b.String(), nil
}

func resourceID(fn string, args []any) (string, error) {
	var strs []string
	for _, a := range args {
		strs = append(strs, toString(a))
	}
	sub, rg := Subscription, ResourceGroup
	if fn == "extensionresourceid" {
		if len(strs) < 3 {
			return "", fmt.Errorf("extensionResourceId needs a scope, a type and a name")
		}
		return strings.TrimRight(strs[0], "/") + "/providers/" + idTail(strs[1], strs[2:]), nil
	}
	// the type is the first argument that holds a '/'
	ti := -1
	for i, s := range strs {
		if strings.Contains(s, "/") && strings.Contains(s, ".") {
			ti = i
			break
		}
	}
	if ti < 0 {
		return "", fmt.Errorf("%s without a resource type", fn)
	}
	pre := strs[:ti]
	switch fn {
	case "resourceid":
		if len(pre) == 2 {
			sub, rg = pre[0], pre[1]
		} else if len(pre) == 1 {
			rg = pre[0]
		}
		return "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/" + idTail(strs[ti], strs[ti+1:]), nil
	case "subscriptionresourceid":
		if len(pre) == 1 {
			sub = pre[0]
		}
		return "/subscriptions/" + sub + "/providers/" + idTail(strs[ti], strs[ti+1:]), nil
	}
	return "/providers/" + idTail(strs[ti], strs[ti+1:]), nil
}

func idTail(typ string, names []string) string {
	ns, rest, _ := strings.Cut(typ, "/")
	types := strings.Split(rest, "/")
	var b strings.Builder
	b.WriteString(ns)
	for i, t := range types {
		b.WriteString("/" + t)
		if i < len(names) {
			b.WriteString("/" + names[i])
		}
	}
	return b.String()
}

// environment() of the Azure public cloud.
func environment() map[string]any {
	return map[string]any{
		"name":                    "AzureCloud",
		"gallery":                 "https://gallery.azure.com/",
		"graph":                   "https://graph.windows.net/",
		"portal":                  "https://portal.azure.com",
		"graphAudience":           "https://graph.windows.net/",
		"activeDirectoryDataLake": "https://datalake.azure.net/",
		"batch":                   "https://batch.core.windows.net/",
		"media":                   "https://rest.media.azure.net",
		"sqlManagement":           "https://management.core.windows.net:8443/",
		"vmImageAliasDoc":         "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/main/arm-compute/quickstart-templates/aliases.json",
		"resourceManager":         "https://management.azure.com/",
		"authentication": map[string]any{
			"loginEndpoint": "https://login.microsoftonline.com/", "audiences": []any{"https://management.core.windows.net/", "https://management.azure.com/"},
			"tenant": "common", "identityProvider": "AAD",
		},
		"suffixes": map[string]any{
			"acrLoginServer":                      ".azurecr.io",
			"azureDatalakeAnalyticsCatalogAndJob": "azuredatalakeanalytics.net",
			"azureDatalakeStoreFileSystem":        "azuredatalakestore.net",
			"azureFrontDoorEndpointSuffix":        "azurefd.net",
			"keyvaultDns":                         ".vault.azure.net",
			"sqlServerHostname":                   ".database.windows.net",
			"storage":                             "core.windows.net",
		},
	}
}

func parseCidr(s string) (any, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return nil, fmt.Errorf("parseCidr: %v", err)
	}
	p = p.Masked()
	last := lastAddr(p)
	first, lastUsable := p.Addr(), last
	if p.Addr().Is4() && p.Bits() < 31 {
		first = first.Next()
		lastUsable = last.Prev()
	}
	return map[string]any{"network": p.Addr().String(), "netmask": maskString(p), "broadcast": last.String(), "firstUsable": first.String(), "lastUsable": lastUsable.String(), "cidr": int64(p.Bits())}, nil
}

func maskString(p netip.Prefix) string {
	if !p.Addr().Is4() {
		return ""
	}
	m := uint32(0xffffffff) << (32 - p.Bits())
	if p.Bits() == 0 {
		m = 0
	}
	return fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&0xff, m>>8&0xff, m&0xff)
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	host := len(b)*8 - p.Bits()
	for i := len(b) - 1; i >= 0 && host > 0; i-- {
		n := min(host, 8)
		b[i] |= byte(1<<n - 1)
		host -= n
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// cidrSubnet('10.0.0.0/16', 24, 3) = 10.0.3.0/24
func cidrSubnet(s string, bits, i int) (any, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return nil, fmt.Errorf("cidrSubnet: %v", err)
	}
	p = p.Masked()
	if bits < p.Bits() || bits > p.Addr().BitLen() {
		return nil, fmt.Errorf("cidrSubnet: /%d is not inside %s", bits, p)
	}
	if i < 0 || (bits-p.Bits() < 62 && i >= 1<<(bits-p.Bits())) {
		return nil, fmt.Errorf("cidrSubnet: %s has no subnet %d of /%d", p, i, bits)
	}
	b := p.Addr().AsSlice()
	// add i << (len-bits) to the address
	carry := uint64(i)
	shift := len(b)*8 - bits
	for k := len(b) - 1; k >= 0 && (carry > 0 || shift > 0); k-- {
		if shift >= 8 {
			shift -= 8
			continue
		}
		v := uint64(b[k]) + (carry << shift)
		b[k] = byte(v)
		carry = v >> 8
		shift = 0
	}
	a, _ := netip.AddrFromSlice(b)
	return netip.PrefixFrom(a, bits).String(), nil
}

func cidrHost(s string, i int) (any, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return nil, fmt.Errorf("cidrHost: %v", err)
	}
	a := p.Masked().Addr()
	for k := 0; k <= i; k++ { // hosts count from the first usable address
		a = a.Next()
	}
	if !p.Contains(a) {
		return nil, fmt.Errorf("cidrHost: %s has no host %d", p, i)
	}
	return a.String(), nil
}
