package topology

import (
	"math/rand"
	"testing"
)

func TestPortSet(t *testing.T) {
	cases := []struct {
		name string
		in   []PortRange
		want string
	}{
		{"empty", nil, ""},
		{"one", []PortRange{{443, 443}}, "443"},
		{"sorted and merged", []PortRange{{445, 445}, {80, 80}, {443, 443}, {444, 444}}, "80,443-445"},
		{"overlapping", []PortRange{{1000, 2000}, {1500, 3000}, {10, 20}}, "10-20,1000-3000"},
		{"all", []PortRange{{0, 100}, {101, 65535}}, "*"},
		{"inverted range ignored", []PortRange{{20, 10}}, ""},
		{"adjacent and overlapping", []PortRange{{443, 443}, {80, 80}, {81, 90}, {444, 444}, {8000, 9000}, {8500, 9500}}, "80-90,443-444,8000-9500"},
	}
	for _, c := range cases {
		if got := NewPortSet(c.in...).String(); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	a := NewPortSet(PortRange{0, 65535})
	b := NewPortSet(PortRange{443, 443}, PortRange{8000, 8010})
	if got := a.Minus(b).String(); got != "0-442,444-7999,8011-65535" {
		t.Errorf("Minus: %s", got)
	}
	if !a.Equal(AllPorts) || a.Equal(b) || !NewPortSet().Equal(nil) {
		t.Error("Equal")
	}
}

// TestPortSetAgainstBitmap checks Add, Contains and Minus against a plain
// bitmap of 65,536 ports over random sets.
func TestPortSetAgainstBitmap(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	randSet := func() (PortSet, *[65536]bool) {
		var s PortSet
		var bits [65536]bool
		for range rng.Intn(24) { // up to 8 ranges are scanned, more searched
			lo := uint16(rng.Intn(65536))
			hi := lo + uint16(rng.Intn(300))
			if hi < lo {
				hi = 65535
			}
			s = s.Add(PortRange{lo, hi})
			for p := uint32(lo); p <= uint32(hi); p++ {
				bits[p] = true
			}
		}
		return s, &bits
	}
	for range 200 {
		a, ab := randSet()
		b, bb := randSet()
		d := a.Minus(b)
		for p := 0; p < 65536; p++ {
			if a.Contains(uint16(p)) != ab[p] {
				t.Fatalf("%s contains %d: %v", a, p, !ab[p])
			}
			if want := ab[p] && !bb[p]; d.Contains(uint16(p)) != want {
				t.Fatalf("%s minus %s contains %d: %v", a, b, p, !want)
			}
		}
		for i := 1; i < len(a); i++ {
			if uint32(a[i].Lo) <= uint32(a[i-1].Hi)+1 {
				t.Fatalf("%v is not sorted, disjoint and non-adjacent", a)
			}
		}
	}
}
