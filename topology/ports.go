package topology

import (
	"slices"
	"strings"
)

// PortSet is a set of ports: sorted, disjoint, non-adjacent ranges. It is
// the one port-set type of vnetsim: NSG and firewall rules hold one, and the
// matrix and diff compute with them. The zero value is the empty set; two
// sets are equal when Equal says so, without formatting either.
type PortSet []PortRange

// AllPorts is every port, 0-65535.
var AllPorts = PortSet{{0, 65535}}

// NewPortSet returns the set of the ports in ranges, in any order and
// overlapping or not.
func NewPortSet(ranges ...PortRange) PortSet {
	var s PortSet
	for _, r := range ranges {
		s = s.Add(r)
	}
	return s
}

// Add returns s with r added; s is not changed.
func (s PortSet) Add(r PortRange) PortSet {
	if r.Lo > r.Hi {
		return s
	}
	i, _ := slices.BinarySearchFunc(s, r.Lo, func(x PortRange, lo uint16) int {
		switch {
		case x.Lo < lo:
			return -1
		case x.Lo > lo:
			return 1
		}
		return 0
	})
	out := make(PortSet, 0, len(s)+1)
	out = append(out, s[:i]...)
	out = append(out, r)
	out = append(out, s[i:]...)
	merged := out[:0]
	for _, x := range out {
		if n := len(merged); n > 0 && uint32(x.Lo) <= uint32(merged[n-1].Hi)+1 {
			if x.Hi > merged[n-1].Hi {
				merged[n-1].Hi = x.Hi
			}
			continue
		}
		merged = append(merged, x)
	}
	return merged
}

// Contains reports whether p is in the set. A set of a few ranges (nearly
// every rule's) is scanned; a longer one is searched.
func (s PortSet) Contains(p uint16) bool {
	if len(s) <= 8 {
		for _, r := range s {
			if p <= r.Hi {
				return p >= r.Lo
			}
		}
		return false
	}
	_, found := slices.BinarySearchFunc(s, p, func(x PortRange, p uint16) int {
		switch {
		case x.Hi < p:
			return -1
		case x.Lo > p:
			return 1
		}
		return 0
	})
	return found
}

// Minus returns the ports of s that are not in o.
func (s PortSet) Minus(o PortSet) PortSet {
	var out PortSet
	for _, r := range s {
		lo := uint32(r.Lo)
		for _, x := range o {
			if uint32(x.Hi) < lo || x.Lo > r.Hi {
				continue
			}
			if uint32(x.Lo) > lo {
				out = out.Add(PortRange{Lo: uint16(lo), Hi: x.Lo - 1})
			}
			lo = uint32(x.Hi) + 1
		}
		if lo <= uint32(r.Hi) {
			out = out.Add(PortRange{Lo: uint16(lo), Hi: r.Hi})
		}
	}
	return out
}

// Equal reports whether s and o hold the same ports.
func (s PortSet) Equal(o PortSet) bool { return slices.Equal(s, o) }

// IsEmpty reports whether the set holds no port.
func (s PortSet) IsEmpty() bool { return len(s) == 0 }

// String writes the set as "*", or a comma list of ports and lo-hi ranges.
func (s PortSet) String() string {
	if len(s) == 1 && s[0].Lo == 0 && s[0].Hi == 65535 {
		return "*"
	}
	parts := make([]string, len(s))
	for i, r := range s {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}
