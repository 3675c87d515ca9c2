package arm

import (
	"strings"
)

// ID is a parsed resource ID:
// /subscriptions/S/resourceGroups/G/providers/NS/T1/N1/T2/N2...
// Relative IDs (starting at resourceGroups/ or providers/) parse too.
type ID struct {
	Subscription  string
	ResourceGroup string
	Namespace     string   // Microsoft.Network
	Types         []string // virtualNetworks, subnets
	Names         []string // vnet1, default
}

// ParseID parses a resource ID; ok is false when it is not one.
func ParseID(id string) (ID, bool) {
	var out ID
	segs := strings.Split(strings.Trim(id, "/"), "/")
	i := 0
	for i+1 < len(segs) {
		switch strings.ToLower(segs[i]) {
		case "subscriptions":
			out.Subscription = segs[i+1]
			i += 2
			continue
		case "resourcegroups":
			out.ResourceGroup = segs[i+1]
			i += 2
			continue
		case "providers":
			out.Namespace = segs[i+1]
			i += 2
			for i+1 < len(segs) {
				if strings.EqualFold(segs[i], "providers") { // an extension resource: keep the last provider
					out.Namespace = segs[i+1]
					out.Types, out.Names = nil, nil
					i += 2
					continue
				}
				out.Types = append(out.Types, segs[i])
				out.Names = append(out.Names, segs[i+1])
				i += 2
			}
			return out, len(out.Types) > 0 && i == len(segs)
		}
		return out, false
	}
	return out, false
}

// Type returns the full resource type, e.g. Microsoft.Network/virtualNetworks/subnets.
func (id ID) Type() string {
	if id.Namespace == "" {
		return ""
	}
	return id.Namespace + "/" + strings.Join(id.Types, "/")
}

// Name returns the last name segment.
func (id ID) Name() string {
	if len(id.Names) == 0 {
		return ""
	}
	return id.Names[len(id.Names)-1]
}

// Key is the form IDs are compared in: lower case, without a trailing slash,
// as Azure compares them.
func Key(id string) string {
	return lower(strings.TrimRight(strings.TrimSpace(id), "/"))
}

// lower is strings.ToLower without allocating for ASCII already in lower case.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

// RelKey is Key from resourceGroups/ on, for matching relative IDs.
func RelKey(id string) string {
	k := Key(id)
	if i := strings.Index(k, "resourcegroups/"); i >= 0 {
		return k[i:]
	}
	return strings.TrimLeft(k, "/")
}

// Parent returns the ID of the parent resource (the ID without its last
// type/name pair), or "" for a top-level resource.
func Parent(id string) string {
	p, ok := ParseID(id)
	if !ok || len(p.Types) < 2 {
		return ""
	}
	id = strings.TrimRight(id, "/")
	for range 2 {
		id = id[:strings.LastIndex(id, "/")]
	}
	return id
}

// Build makes a resource ID from its parts; names and types pair up.
func Build(sub, rg, typ string, names ...string) string {
	ns, rest, _ := strings.Cut(typ, "/")
	types := strings.Split(rest, "/")
	var b strings.Builder
	if sub != "" {
		b.WriteString("/subscriptions/" + sub)
	}
	if rg != "" {
		b.WriteString("/resourceGroups/" + rg)
	}
	b.WriteString("/providers/" + ns)
	for i, t := range types {
		b.WriteString("/" + t)
		if i < len(names) {
			b.WriteString("/" + names[i])
		}
	}
	return b.String()
}

// TypeIs reports whether a resource type equals want, ignoring case.
func TypeIs(typ, want string) bool { return strings.EqualFold(typ, want) }
