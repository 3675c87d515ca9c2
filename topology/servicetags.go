package topology

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
)

// The embedded default is Microsoft's ServiceTags_Public file (Public cloud)
// in the compact form gen_servicetags.go writes: the same tags and prefixes,
// one tag a line. It is stored uncompressed (1.5 MB in the binary) because
// decompressing it was a quarter of the start-up of `vnetsim check`; a tag's
// prefixes are split and parsed only when a scenario names it. `make
// servicetags FILE=...` replaces it with a newer download.
//
//go:embed servicetags.txt
var builtinServiceTags string

// ServiceTag is one entry of a ServiceTags_Public file.
type ServiceTag struct {
	Name          string
	Region        string
	SystemService string
	raw           []string
	packed        string // comma-separated prefixes of the compact form, split on first use

	once     sync.Once
	prefixes []netip.Prefix
	set      *PrefixSet
}

// Prefixes returns the tag's IPv4 and IPv6 prefixes.
func (t *ServiceTag) Prefixes() []netip.Prefix {
	t.build()
	return t.prefixes
}

// Set returns the tag's prefixes as a PrefixSet. It is built on first use and
// shared afterwards; Load calls it for every tag a scenario names, so that the
// per-flow path only reads.
func (t *ServiceTag) Set() *PrefixSet {
	t.build()
	return t.set
}

func (t *ServiceTag) build() {
	t.once.Do(func() {
		if t.packed != "" {
			t.raw = strings.Split(t.packed, ",")
		}
		t.prefixes = make([]netip.Prefix, 0, len(t.raw))
		for _, s := range t.raw {
			if p, err := netip.ParsePrefix(s); err == nil {
				t.prefixes = append(t.prefixes, p.Masked())
			}
		}
		t.set = NewPrefixSet(t.prefixes)
	})
}

// FirstIPv4 returns the first usable IPv4 address of the tag, used when a
// service tag is a trace endpoint ("a source address inside it").
func (t *ServiceTag) FirstIPv4() (netip.Addr, bool) {
	for _, p := range t.Prefixes() {
		if p.Addr().Is4() {
			a := p.Addr()
			if p.Bits() < 31 {
				a = a.Next()
			}
			return a, true
		}
	}
	return netip.Addr{}, false
}

// ServiceTags is a parsed ServiceTags_Public file. Names match case-insensitively.
type ServiceTags struct {
	Source       string
	ChangeNumber int
	Cloud        string

	// The embedded file's tags are found by name as written (exact: no
	// name copied or lower-cased at start-up); a name in another case
	// falls back to the lower-cased map, built on first use, unless no
	// tag's name has the name's length and first letter in ASCII lower
	// case (foldLens, foldFirst), as for the CIDRs and addresses routes
	// and rules name. nil for a file read from disk.
	exact     map[string]*ServiceTag
	foldLens  [4]uint64 // bit n: a name of n bytes (n < 256)
	foldFirst [4]uint64 // bit c: a name starting with c in ASCII lower case
	// tags lists the tags for the folded map, built from it on first use.
	tags     []ServiceTag
	foldOnce sync.Once
	fold     map[string]*ServiceTag // lower-cased name -> tag
	regions  struct {
		once sync.Once
		ok   bool
	}
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	return c
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// byName returns the tags by lower-cased name (built on first use for the
// embedded file: only a name written in another case, and the messages
// that suggest a tag, need it).
func (st *ServiceTags) byName() map[string]*ServiceTag {
	st.foldOnce.Do(func() {
		if st.fold != nil {
			return
		}
		st.fold = make(map[string]*ServiceTag, len(st.tags))
		for i := range st.tags {
			st.fold[strings.ToLower(st.tags[i].Name)] = &st.tags[i]
		}
	})
	return st.fold
}

type serviceTagsFile struct {
	ChangeNumber int    `json:"changeNumber"`
	Cloud        string `json:"cloud"`
	Values       []struct {
		Name       string `json:"name"`
		ID         string `json:"id"`
		Properties struct {
			Region          string   `json:"region"`
			SystemService   string   `json:"systemService"`
			AddressPrefixes []string `json:"addressPrefixes"`
		} `json:"properties"`
	} `json:"values"`
}

// ParseServiceTags reads a file in Microsoft's ServiceTags_Public JSON format.
func ParseServiceTags(source string, r io.Reader) (*ServiceTags, error) {
	var f serviceTagsFile
	dec := json.NewDecoder(r)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("ParseServiceTags(%q): %v", source, err)
	}
	if len(f.Values) == 0 {
		return nil, fmt.Errorf("ParseServiceTags(%q): no values: not a ServiceTags_Public file", source)
	}
	st := &ServiceTags{Source: source, ChangeNumber: f.ChangeNumber, Cloud: f.Cloud, fold: make(map[string]*ServiceTag, len(f.Values))}
	for _, v := range f.Values {
		if v.Name == "" {
			return nil, fmt.Errorf("ParseServiceTags(%q): a value has no name", source)
		}
		for _, s := range v.Properties.AddressPrefixes {
			if _, err := netip.ParsePrefix(s); err != nil {
				return nil, fmt.Errorf("ParseServiceTags(%q): tag %s: %v", source, v.Name, err)
			}
		}
		st.fold[strings.ToLower(v.Name)] = &ServiceTag{Name: v.Name, Region: v.Properties.Region, SystemService: v.Properties.SystemService, raw: v.Properties.AddressPrefixes}
	}
	return st, nil
}

// LoadServiceTags reads a ServiceTags_Public file from disk.
func LoadServiceTags(path string) (*ServiceTags, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("LoadServiceTags: %v", err)
	}
	defer f.Close()
	return ParseServiceTags(path, f)
}

var builtin struct {
	once sync.Once
	st   *ServiceTags
	err  error
}

// BuiltinServiceTags returns the embedded ServiceTags_Public file, parsed once
// per process.
func BuiltinServiceTags() (*ServiceTags, error) {
	builtin.once.Do(func() { builtin.st, builtin.err = parseBuiltin() })
	return builtin.st, builtin.err
}

func parseBuiltin() (*ServiceTags, error) {
	text := builtinServiceTags
	header, rest, _ := strings.Cut(text, "\n")
	change, cloud, _ := strings.Cut(header, "\t")
	n := strings.Count(rest, "\n") + 1
	st := &ServiceTags{Source: "builtin", Cloud: cloud, exact: make(map[string]*ServiceTag, n), tags: make([]ServiceTag, 0, n)}
	st.ChangeNumber, _ = strconv.Atoi(change)
	ascii := true
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		name, f1, ok1 := strings.Cut(line, "\t")
		region, f2, ok2 := strings.Cut(f1, "\t")
		system, packed, ok3 := strings.Cut(f2, "\t")
		if !ok1 || !ok2 || !ok3 {
			return nil, fmt.Errorf("builtin service tags: malformed line %q", line)
		}
		if ascii = ascii && name != "" && len(name) < 256 && isASCII(name); ascii {
			c := lowerASCII(name[0])
			st.foldLens[len(name)/64] |= 1 << (len(name) % 64)
			st.foldFirst[c/64] |= 1 << (c % 64)
		}
		st.tags = append(st.tags, ServiceTag{Name: name, Region: region, SystemService: system, packed: packed})
		st.exact[name] = &st.tags[len(st.tags)-1]
	}
	if !ascii {
		st.foldLens, st.foldFirst = [4]uint64{}, [4]uint64{}
		for i := range st.foldLens {
			st.foldLens[i], st.foldFirst[i] = ^uint64(0), ^uint64(0) // no filter
		}
	}
	return st, nil
}

// Lookup returns the tag with the given name, ignoring case.
func (st *ServiceTags) Lookup(name string) (*ServiceTag, bool) {
	if st == nil {
		return nil, false
	}
	if st.exact != nil {
		if t, ok := st.exact[name]; ok {
			// Names in the embedded file are distinct but for case (a
			// test checks), so the lower-cased map finds the same tag.
			return t, true
		}
		if len(name) < 256 && isASCII(name) {
			if st.foldLens[len(name)/64]&(1<<(len(name)%64)) == 0 {
				return nil, false
			}
			if name != "" {
				if c := lowerASCII(name[0]); st.foldFirst[c/64]&(1<<(c%64)) == 0 {
					return nil, false
				}
			}
		}
	}
	t, ok := st.byName()[strings.ToLower(name)]
	return t, ok
}

// hasRegions reports whether a tag's name starts with "AzureCloud."
// (ignoring case), once per file.
func (st *ServiceTags) hasRegions() bool {
	st.regions.once.Do(func() { st.regions.ok = st.hasPrefixFold("AzureCloud.") })
	return st.regions.ok
}

// hasPrefixFold reports whether a tag's lower-cased name starts with
// prefix in lower case.
func (st *ServiceTags) hasPrefixFold(prefix string) bool {
	prefix = strings.ToLower(prefix)
	if st.exact != nil && isASCII(prefix) {
		// ASCII names: no lower-cased copies needed.
		for i := range st.tags {
			if name := st.tags[i].Name; len(name) >= len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
				return true
			}
		}
		return false
	}
	for name := range st.byName() {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// Len reports how many tags the file holds.
func (st *ServiceTags) Len() int { return len(st.byName()) }
