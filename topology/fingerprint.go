package topology

import (
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"unsafe"
)

// AddressRefs is every address and prefix a compiled network holds, and
// which subnets, NICs and NSGs it refers to from somewhere other than where
// they are attached. The matrix uses it to decide when two source addresses
// are interchangeable (sim/matrix_class.go): an address can only be told
// apart from another by a prefix or address the network names somewhere.
//
// It is gathered by walking the whole compiled network by reflection, so a
// field added to any type of this package is seen without changing this
// file. Types of other packages (tries, locks) are not entered: they index
// values that are held elsewhere too.
type AddressRefs struct {
	// Prefixes are the prefixes (and addresses, as host prefixes) held
	// anywhere, except the ones listed apart below.
	Prefixes map[netip.Prefix]struct{}
	// NSGPrefixes are the prefixes of each NSG's rules, apart.
	NSGPrefixes map[*NSG][]netip.Prefix
	// Subnet prefixes and NIC addresses are left out of Prefixes; the
	// caller adds the ones it needs (Subnet.Prefix, NIC.IP).

	// ASGs are the application security groups rules name outside NSGs,
	// and NSGASGs the ones each NSG's rules name.
	ASGs    map[string]bool
	NSGASGs map[*NSG]map[string]bool

	// SubnetRefs, NICRefs and NSGRefs are the subnets, NICs and NSGs that
	// something refers to other than by the usual attachment: a subnet
	// from its VNet or a NIC, a NIC from the NIC list or its VNet's address
	// index, an NSG from the NSG list or the subnet or NIC it is attached
	// to (a service firewall that allows a subnet, a load balancer's
	// backend NIC, and so on).
	SubnetRefs map[*Subnet]bool
	NICRefs    map[*NIC]bool
	NSGRefs    map[*NSG]bool
}

// AddressRefs walks the network (see the type).
func (t *Topology) AddressRefs() *AddressRefs {
	w := &refWalker{
		out: &AddressRefs{
			Prefixes:    map[netip.Prefix]struct{}{},
			NSGPrefixes: map[*NSG][]netip.Prefix{},
			SubnetRefs:  map[*Subnet]bool{},
			NICRefs:     map[*NIC]bool{},
			NSGRefs:     map[*NSG]bool{},
			ASGs:        map[string]bool{},
			NSGASGs:     map[*NSG]map[string]bool{},
		},
		seen: map[refKey]bool{},
	}
	w.value(reflect.ValueOf(t), "", nil)
	return w.out
}

type refKey struct {
	p   unsafe.Pointer
	t   reflect.Type
	ctx *NSG
}

type refWalker struct {
	out  *AddressRefs
	seen map[refKey]bool
	ctx  *NSG // the NSG whose rules are being walked, if any
}

var (
	typPrefix    = reflect.TypeFor[netip.Prefix]()
	typAddr      = reflect.TypeFor[netip.Addr]()
	typSubnet    = reflect.TypeFor[Subnet]()
	typNIC       = reflect.TypeFor[NIC]()
	typNSG       = reflect.TypeFor[NSG]()
	typTopology  = reflect.TypeFor[Topology]()
	typVNet      = reflect.TypeFor[VNet]()
	typPrefixSet = reflect.TypeFor[PrefixSet]()
	typAddrMatch = reflect.TypeFor[AddrMatch]()
	pkgPath      = typTopology.PkgPath()
)

// usual says whether a pointer to elem reached through field of parent is
// the usual attachment (see AddressRefs).
func usual(parent reflect.Type, field string, elem reflect.Type) bool {
	switch elem {
	case typSubnet:
		return parent == typVNet && field == "Subnets" || parent == typNIC && field == "Subnet" || parent == typTopology && field == "subnets"
	case typNIC:
		return parent == typTopology && (field == "NICs" || field == "VMs" || field == "nics") || parent == typVNet && field == "nicAt"
	case typNSG:
		return parent == typTopology && (field == "NSGs" || field == "nsgs") || (parent == typSubnet || parent == typNIC) && field == "NSG"
	}
	return true
}

func (w *refWalker) add(p netip.Prefix) {
	if !p.IsValid() {
		return
	}
	p = p.Masked()
	if w.ctx != nil {
		w.out.NSGPrefixes[w.ctx] = append(w.out.NSGPrefixes[w.ctx], p)
		return
	}
	w.out.Prefixes[p] = struct{}{}
}

func (w *refWalker) addAddr(a netip.Addr) {
	if a.IsValid() {
		a = a.Unmap()
		w.add(netip.PrefixFrom(a, a.BitLen()))
	}
}

// value walks v, reached through field of parent.
func (w *refWalker) value(v reflect.Value, field string, parent reflect.Type) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		elem := v.Type().Elem()
		p := v.UnsafePointer()
		if !usual(parent, field, elem) {
			switch elem {
			case typSubnet:
				w.out.SubnetRefs[(*Subnet)(p)] = true
			case typNIC:
				w.out.NICRefs[(*NIC)(p)] = true
			case typNSG:
				w.out.NSGRefs[(*NSG)(p)] = true
			}
		}
		k := refKey{p, elem, w.ctx}
		if elem == typNSG {
			k.ctx = (*NSG)(p)
		}
		if w.seen[k] {
			return
		}
		w.seen[k] = true
		// A fresh value from the address reads unexported fields too.
		e := reflect.NewAt(elem, p).Elem()
		if elem == typNSG {
			outer := w.ctx
			w.ctx = k.ctx
			w.value(e, field, parent)
			w.ctx = outer
			return
		}
		w.value(e, field, parent)
	case reflect.Struct:
		t := v.Type()
		switch {
		case t == typPrefix || t == typAddr:
			if !v.CanAddr() {
				return // a map key or value of an unexported map: held elsewhere too (the address indexes)
			}
			if t == typPrefix {
				w.add(*(*netip.Prefix)(v.Addr().UnsafePointer()))
			} else {
				w.addAddr(*(*netip.Addr)(v.Addr().UnsafePointer()))
			}
			return
		case t == typPrefixSet:
			if v.CanAddr() {
				for _, p := range (*PrefixSet)(v.Addr().UnsafePointer()).prefixes {
					w.add(p)
				}
			}
			return
		case t == typAddrMatch:
			asgs := w.out.ASGs
			if w.ctx != nil {
				if asgs = w.out.NSGASGs[w.ctx]; asgs == nil {
					asgs = map[string]bool{}
					w.out.NSGASGs[w.ctx] = asgs
				}
			}
			if g := v.FieldByName("ASG").String(); g != "" {
				asgs[g] = true
			}
		case t.PkgPath() != pkgPath || strings.HasPrefix(t.Name(), "PrefixMap["):
			return // tries and indexes of other packages: their contents are held elsewhere
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if t == typSubnet && f.Name == "Prefix" || t == typNIC && f.Name == "IP" || t == typTopology && f.Name == "Tags" {
				// Subnet prefixes and NIC addresses: the caller's; the
				// service tags database: only the tags the scenario names
				// matter, and those are in tagSets.
				continue
			}
			if t == typAddrMatch && f.Name == "tagSet" {
				continue // a service tag resolved at compile: the tag's set, in tagSets
			}
			w.value(v.Field(i), f.Name, t)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			w.value(v.Index(i), field, parent)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			w.value(it.Key(), field, parent)
			w.value(it.Value(), field, parent)
		}
	case reflect.Interface:
		if !v.IsNil() {
			w.value(v.Elem(), field, parent)
		}
	}
}

// Fingerprint is the content of the route set, as far as a trace can tell:
// every route's source, state, prefixes, tag, next hop, peering, gateway,
// private endpoint, service and rank, in order, without the names of the
// route tables and routes the user routes came from (which only label
// hops). Two route sets with equal fingerprints route every packet alike.
func (rs *RouteSet) Fingerprint() string {
	if rs == nil {
		return "-"
	}
	var b strings.Builder
	one := func(r *Route) {
		fmt.Fprintf(&b, "%s %s %v %q %s %s %p %p %p %q %d %d %p;", r.Source, r.State, r.Prefixes, r.Tag, r.NextHopType, r.NextHopIP, r.Peering, r.Gateway, r.Endpoint, r.Service, r.rank, r.tagRank, r.set)
	}
	for _, r := range rs.Routes {
		one(r)
	}
	b.WriteString("|tag ")
	for _, r := range rs.tagRoutes {
		one(r)
	}
	b.WriteString("|se ")
	for _, r := range rs.serviceEndpoints {
		one(r)
	}
	return b.String()
}
