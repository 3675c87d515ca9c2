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
	rest, more := strings.Trim(id, "/"), true
	// segments are taken off rest one by one, without splitting it all
	next := func() (string, bool) {
		if rest == "" && !more {
			return "", false
		}
		seg, after, found := strings.Cut(rest, "/")
		rest, more = after, found
		return seg, true
	}
	for {
		k, ok := next()
		if !ok {
			return out, false
		}
		v, ok := next()
		if !ok {
			return out, false
		}
		switch {
		case lowerIs(k, "subscriptions"):
			out.Subscription = v
			continue
		case lowerIs(k, "resourcegroups"):
			out.ResourceGroup = v
			continue
		case lowerIs(k, "providers"):
			out.Namespace = v
			n := strings.Count(rest, "/") / 2 // type/name pairs left, about
			out.Types, out.Names = make([]string, 0, n+1), make([]string, 0, n+1)
			for {
				t, ok := next()
				if !ok {
					return out, len(out.Types) > 0
				}
				name, ok := next()
				if !ok {
					return out, false // a type without a name
				}
				if strings.EqualFold(t, "providers") { // an extension resource: keep the last provider
					out.Namespace = name
					out.Types, out.Names = out.Types[:0], out.Names[:0]
					continue
				}
				out.Types = append(out.Types, t)
				out.Names = append(out.Names, name)
			}
		}
		return out, false
	}
}

// lowerIs reports whether strings.ToLower(s) == w for a lower-case ASCII w,
// without making the lower-case string.
func lowerIs(s, w string) bool {
	if len(s) != len(w) || !ascii(s) {
		return strings.ToLower(s) == w // İ lowers to i: rare, done the long way
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
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
	return relOfKey(Key(id))
}

func relOfKey(k string) string {
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
