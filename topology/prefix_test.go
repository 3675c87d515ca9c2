package topology

import (
	"math/rand"
	"net/netip"
	"strings"
	"testing"
)

func TestPrefixMap(t *testing.T) {
	ps := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("10.0.0.0/16"),
		netip.MustParsePrefix("10.0.0.0/24"),
		netip.MustParsePrefix("10.0.0.0/16"), // a second value for the same prefix
		netip.MustParsePrefix("::ffff:192.168.0.0/112"),
		netip.MustParsePrefix("2001:db8::/32"),
	}
	m := NewPrefixMap(ps, []string{"a", "b", "c", "b2", "mapped", "v6"})
	cases := []struct {
		addr    string
		longest string
		values  string
		n       int
	}{
		{"10.0.0.5", "10.0.0.0/24", "c", 3},
		{"10.0.1.5", "10.0.0.0/16", "b,b2", 2}, // route selection's own example
		{"10.200.0.1", "10.0.0.0/8", "a", 1},
		{"::ffff:10.0.0.5", "10.0.0.0/24", "c", 3}, // IPv4-mapped input is unmapped
		{"192.168.3.4", "192.168.0.0/16", "mapped", 1},
		{"2001:db8::1", "2001:db8::/32", "v6", 1},
		{"11.0.0.1", "", "", 0},
	}
	for _, c := range cases {
		a := netip.MustParseAddr(c.addr)
		got := m.Containing(a)
		if len(got) != c.n {
			t.Errorf("Containing(%s) = %d prefixes, want %d", c.addr, len(got), c.n)
		}
		for i := 1; i < len(got); i++ {
			if got[i-1].Prefix.Bits() >= got[i].Prefix.Bits() {
				t.Errorf("Containing(%s) is not shortest first: %v", c.addr, got)
			}
		}
		l, ok := m.Longest(a)
		if c.longest == "" {
			if ok || m.Contains(a) {
				t.Errorf("Longest(%s) = %v, want none", c.addr, l.Prefix)
			}
			continue
		}
		if !ok || l.Prefix.String() != c.longest || strings.Join(l.Values, ",") != c.values {
			t.Errorf("Longest(%s) = %v %v, want %s %s", c.addr, l.Prefix, l.Values, c.longest, c.values)
		}
		if !m.Contains(a) {
			t.Errorf("Contains(%s) = false", c.addr)
		}
	}
	if m.Len() != 5 {
		t.Errorf("Len = %d, want 5", m.Len())
	}
}

func TestPrefixSetNil(t *testing.T) {
	var s *PrefixSet
	if s.Contains(netip.MustParseAddr("10.0.0.1")) {
		t.Error("a nil set contains nothing")
	}
	e := NewPrefixSet(nil)
	if e.Contains(netip.MustParseAddr("10.0.0.1")) {
		t.Error("an empty set contains nothing")
	}
}

func TestServiceTags(t *testing.T) {
	st, err := BuiltinServiceTags()
	if err != nil {
		t.Fatal(err)
	}
	// The tags the seeds name, their regional variants, and AzureCloud.
	for _, name := range []string{"AzureMachineLearning", "BatchNodeManagement.EastUS", "Storage.WestUS", "AzureFrontDoor.FirstParty",
		"AzureFrontDoor.Frontend", "MicrosoftContainerRegistry", "AzureActiveDirectory", "AzureResourceManager", "AzureMonitor", "AzureCloud", "AzureCloud.eastus", "HDInsight", "DataFactory"} {
		tag, ok := st.Lookup(name)
		if !ok || len(tag.Prefixes()) == 0 {
			t.Errorf("embedded service tags lack %s", name)
		}
	}
	// Names match case-insensitively.
	a, ok1 := st.Lookup("storage.eastus")
	b, ok2 := st.Lookup("Storage.EastUS")
	if !ok1 || !ok2 || a != b {
		t.Error("Lookup is not case-insensitive")
	}
	// A regional tag narrows the global one.
	g, _ := st.Lookup("Storage")
	for _, p := range a.Prefixes()[:3] {
		if !g.Set().Contains(p.Addr()) {
			t.Errorf("Storage does not contain Storage.EastUS prefix %s", p)
		}
	}
	if _, ok := st.Lookup("NoSuchTag"); ok {
		t.Error("Lookup found a tag that does not exist")
	}
}

func TestParseServiceTagsErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{`, "unexpected EOF"},
		{`{"values": []}`, "no values"},
		{`{"values": [{"name": "X", "properties": {"addressPrefixes": ["10.0.0.0/33"]}}]}`, "tag X"},
	}
	for _, c := range cases {
		_, err := ParseServiceTags("f.json", strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `ParseServiceTags("f.json")`) {
			t.Errorf("ParseServiceTags(%s) = %v, want an error naming the file and %q", c.in, err, c.want)
		}
	}
}

func TestServiceTagsFileOption(t *testing.T) {
	dir := t.TempDir()
	tags := dir + "/tags.json"
	writeFile(t, tags, `{"changeNumber": 1, "cloud": "Public", "values": [
	  {"name": "AzureCloud", "properties": {"addressPrefixes": ["20.0.0.0/8"]}},
	  {"name": "Storage.EastUS", "properties": {"region": "eastus", "addressPrefixes": ["20.1.0.0/16"]}},
	  {"name": "Custom", "properties": {"addressPrefixes": ["20.2.0.0/16"]}}]}`)
	scen := `apiVersion: vnetsim/v1
region: eastus
serviceTags: tags.json
vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets: [{name: s, addressPrefix: 10.0.0.0/24, networkSecurityGroup: n}]
networkSecurityGroups:
  - name: n
    securityRules:
      - {name: r, priority: 100, direction: Outbound, access: Deny, protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: custom, destinationPortRange: "*"}
`
	writeFile(t, dir+"/s.yaml", scen)
	topo, err := Load(dir+"/s.yaml", Options{})
	if err != nil {
		t.Fatalf("Load with serviceTags: %v", err)
	}
	if !topo.InTag("Custom", netip.MustParseAddr("20.2.3.4"), nil) {
		t.Error("the scenario's serviceTags file was not used")
	}
	// The embedded file has no tag named Custom.
	_, err = Load(dir+"/s.yaml", Options{ServiceTagsFile: ""})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("s.yaml", []byte(strings.Replace(scen, "serviceTags: tags.json\n", "", 1)), Options{}); err == nil || !strings.Contains(err.Error(), `unknown service tag "custom"`) {
		t.Errorf("without the file, want unknown service tag, got %v", err)
	}
	// --service-tags overrides the scenario's key.
	if _, err := Load(dir+"/s.yaml", Options{ServiceTagsFile: dir + "/missing.json"}); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("--service-tags with a missing file: %v", err)
	}
}

// TestPrefixSetSizes: small sets scan, large ones use the trie; both agree.
func TestPrefixSetSizes(t *testing.T) {
	for _, n := range []int{0, 1, smallSet, smallSet + 1, 100} {
		var ps []netip.Prefix
		for i := 0; i < n; i++ {
			ps = append(ps, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, 0}), 16))
		}
		s := NewPrefixSet(ps)
		for i := 0; i < 120; i++ {
			a := netip.AddrFrom4([4]byte{10, byte(i), 3, 4})
			if got, want := s.Contains(a), i < n; got != want {
				t.Errorf("size %d: Contains(%s) = %v, want %v", n, a, got, want)
			}
			if got := s.Contains(netip.AddrFrom16(a.As16())); got != (i < n) {
				t.Errorf("size %d: IPv4-mapped %s not unmapped", n, a)
			}
		}
	}
}

// TestInTagSpellings: a tag matches whatever its case, whether the spelling
// was seen at load time (one map lookup) or not (folded at trace time).
func TestInTagSpellings(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/tags.json", `{"changeNumber": 1, "cloud": "Public", "values": [
	  {"name": "AzureCloud", "properties": {"addressPrefixes": ["20.0.0.0/8"]}},
	  {"name": "Storage.EastUS", "properties": {"region": "eastus", "addressPrefixes": ["20.1.0.0/16"]}},
	  {"name": "Custom", "properties": {"addressPrefixes": ["20.2.0.0/16"]}},
	  {"name": "Unused", "properties": {"addressPrefixes": ["20.3.0.0/16"]}}]}`)
	writeFile(t, dir+"/s.yaml", `apiVersion: vnetsim/v1
region: eastus
serviceTags: tags.json
vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets: [{name: s, addressPrefix: 10.0.0.0/24, networkSecurityGroup: n}]
networkSecurityGroups:
  - name: n
    securityRules:
      - {name: r, priority: 100, direction: Outbound, access: Deny, protocol: "*", sourceAddressPrefix: virtualnetwork, sourcePortRange: "*", destinationAddressPrefix: cUsToM, destinationPortRange: "*"}
`)
	topo, err := Load(dir+"/s.yaml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := topo.VNet("v")
	cases := []struct {
		tag, addr string
		want      bool
	}{
		{"cUsToM", "20.2.0.1", true},         // as written in the rule
		{"Custom", "20.2.0.1", true},         // canonical
		{"CUSTOM", "20.2.0.1", true},         // never seen: folded
		{"custom", "20.1.0.1", false},        // another tag's address
		{"Storage.eastus", "20.1.0.1", true}, // same-region storage, as traces ask
		{"STORAGE.EASTUS", "20.1.0.1", true},
		{"Unused", "20.3.0.1", false}, // not named by the scenario: no set was built
		{"virtualnetwork", "10.0.1.1", true},
		{"VIRTUALNETWORK", "10.0.1.1", true},
		{"VirtualNetwork", "20.2.0.1", false},
		{"internet", "20.2.0.1", true},
		{"INTERNET", "10.0.1.1", false},
		{"AzureLoadBalancer", "168.63.129.16", true},
		{"azureplatformimds", "169.254.169.254", true},
		{"AzurePlatformDNS", "169.254.169.254", false},
		{"NoSuchTag", "20.2.0.1", false},
	}
	for _, c := range cases {
		if got := topo.InTag(c.tag, netip.MustParseAddr(c.addr), v); got != c.want {
			t.Errorf("InTag(%q, %s) = %v, want %v", c.tag, c.addr, got, c.want)
		}
	}
}

// TestPrefixSetAgainstScan: a large set (a trie) answers Contains and
// Longest as a scan of its prefixes does, for IPv4, IPv6 and mapped
// addresses, nested and overlapping prefixes.
func TestPrefixSetAgainstScan(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var ps []netip.Prefix
	for i := 0; i < 400; i++ {
		var a netip.Addr
		if i%4 == 0 {
			var b [16]byte
			b[0], b[1], b[2] = 0x26, 0x03, byte(rng.Intn(4))
			a = netip.AddrFrom16(b)
			ps = append(ps, netip.PrefixFrom(a, 16+rng.Intn(100)).Masked())
			continue
		}
		a = netip.AddrFrom4([4]byte{10, byte(rng.Intn(4)), byte(rng.Intn(256)), byte(rng.Intn(256))})
		ps = append(ps, netip.PrefixFrom(a, 8+rng.Intn(25)).Masked())
	}
	ps = append(ps, netip.MustParsePrefix("::ffff:192.168.0.0/112"))
	set := NewPrefixSet(ps)
	for i := 0; i < 20000; i++ {
		var a netip.Addr
		switch i % 5 {
		case 0:
			var b [16]byte
			b[0], b[1], b[2], b[3] = 0x26, 0x03, byte(rng.Intn(4)), byte(rng.Intn(256))
			a = netip.AddrFrom16(b)
		case 1:
			a = netip.AddrFrom4([4]byte{192, 168, byte(rng.Intn(2)), byte(rng.Intn(256))})
		case 2:
			a = netip.AddrFrom16(netip.AddrFrom4([4]byte{10, byte(rng.Intn(4)), byte(rng.Intn(256)), 1}).As16()) // mapped
		default:
			a = netip.AddrFrom4([4]byte{10, byte(rng.Intn(5)), byte(rng.Intn(256)), byte(rng.Intn(256))})
		}
		var want netip.Prefix
		for _, p := range set.Prefixes() {
			if p.Contains(a.Unmap()) && (!want.IsValid() || p.Bits() > want.Bits()) {
				want = p
			}
		}
		got, ok := set.Longest(a)
		if ok != want.IsValid() || got != want {
			t.Fatalf("Longest(%s) = %s %v, want %s", a, got, ok, want)
		}
		if set.Contains(a) != want.IsValid() {
			t.Fatalf("Contains(%s) = %v, want %v", a, !want.IsValid(), want.IsValid())
		}
	}
}
