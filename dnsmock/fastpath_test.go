package dnsmock_test

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/vnetsim/vnetsim/dnsmock"
	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// fastChecker compares the fast path with the plain path, query by query.
type fastChecker struct {
	t    *testing.T
	h    *dnsmock.Handler
	fast dnsmock.FastPath
	// answered counts the queries the fast path answered, raw (UDP read
	// loop) and after the library read them; asked counts them all.
	raw, msg, asked int
}

// check sends req (as packed) over proto to both paths: the bytes the
// fast path writes must be the bytes the plain path writes. A query the
// fast path answers in the UDP read loop is compared with the plain path's
// reply to the message the library reads from the same bytes.
func (c *fastChecker) check(what string, raw []byte, proto topology.Protocol) {
	c.t.Helper()
	c.asked++
	req := new(dns.Msg)
	if err := req.Unpack(raw); err != nil {
		if _, ok := c.fast.Raw(raw, proto); ok {
			c.t.Errorf("%s: the fast path answered a query the library can't read", what)
		}
		return
	}
	want := dnsmock.PlainReply(c.h, req, proto)
	if got, ok := c.fast.Msg(req, proto); ok {
		c.msg++
		if !bytes.Equal(got, want) {
			c.t.Errorf("%s over %s: the fast path (after the library) answers\n%s\nthe plain path\n%s", what, proto, unpacked(got), unpacked(want))
		}
	}
	if proto == topology.ProtocolUDP {
		if got, ok := c.fast.Raw(raw, proto); ok {
			c.raw++
			if !bytes.Equal(got, want) {
				c.t.Errorf("%s: the fast path (raw) answers\n%s\nthe plain path\n%s", what, unpacked(got), unpacked(want))
			}
		}
	}
}

func unpacked(b []byte) string {
	if b == nil {
		return "nothing"
	}
	m := new(dns.Msg)
	if err := m.Unpack(b); err != nil {
		return err.Error()
	}
	return m.String()
}

// mixedCase writes name with every other letter in upper case, starting
// with the first or the second.
func mixedCase(name string, first bool) string {
	b := []byte(name)
	up := first
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			if up {
				b[i] = c - 'a' + 'A'
			}
			up = !up
		}
	}
	return string(b)
}

// variant is one way of asking a question.
type variant struct {
	name  string
	build func(m *dns.Msg)
}

var (
	plainVariants = []variant{
		{"lower case", func(m *dns.Msg) {}},
		{"mixed case", func(m *dns.Msg) { m.Question[0].Name = mixedCase(m.Question[0].Name, true) }},
		{"other case, RD and CD", func(m *dns.Msg) {
			m.Question[0].Name = mixedCase(m.Question[0].Name, false)
			m.CheckingDisabled = true
		}},
		{"upper case, no RD", func(m *dns.Msg) {
			m.Question[0].Name = strings.ToUpper(m.Question[0].Name)
			m.RecursionDesired = false
		}},
	}
	oddVariants = []variant{
		{"EDNS 4096", func(m *dns.Msg) { m.SetEdns0(4096, false) }},
		{"EDNS 1232 DO, mixed case", func(m *dns.Msg) {
			m.SetEdns0(1232, true)
			m.Question[0].Name = mixedCase(m.Question[0].Name, true)
		}},
		{"EDNS 600", func(m *dns.Msg) { m.SetEdns0(600, false) }},
		{"EDNS 100", func(m *dns.Msg) { m.SetEdns0(100, false) }},
		{"EDNS version 1", func(m *dns.Msg) { m.SetEdns0(4096, false); m.IsEdns0().SetVersion(1) }},
		{"EDNS with an option", func(m *dns.Msg) {
			m.SetEdns0(4096, false)
			m.IsEdns0().Option = append(m.IsEdns0().Option, &dns.EDNS0_NSID{Code: dns.EDNS0NSID})
		}},
		{"class CH", func(m *dns.Msg) { m.Question[0].Qclass = dns.ClassCHAOS }},
		{"class ANY", func(m *dns.Msg) { m.Question[0].Qclass = dns.ClassANY }},
		{"opcode update", func(m *dns.Msg) { m.Opcode = dns.OpcodeUpdate }},
		{"opcode notify", func(m *dns.Msg) { m.Opcode = dns.OpcodeNotify }},
		{"a response", func(m *dns.Msg) { m.Response = true }},
		{"AA, TC, AD, Z and an rcode set", func(m *dns.Msg) {
			m.Authoritative, m.Truncated, m.AuthenticatedData, m.Zero, m.Rcode = true, true, true, true, dns.RcodeRefused
		}},
		{"EDNS with an extended rcode", func(m *dns.Msg) { m.SetEdns0(4096, false); m.Rcode = dns.RcodeBadCookie }},
		{"an answer record", func(m *dns.Msg) {
			m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: m.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET}, A: []byte{1, 2, 3, 4}})
		}},
		{"two questions", func(m *dns.Msg) { m.Question = append(m.Question, m.Question[0]) }},
	}
	plainTypes = []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeCNAME, dns.TypeSOA, dns.TypeTXT}
	oddTypes   = []uint16{0, dns.TypeMX, dns.TypeANY, dns.TypeAXFR, dns.TypeOPT, 128, 65280, 65535}
)

// TestFastPathMatchesPlain proves that the fast path writes, byte for
// byte, what the plain path writes: for every catalog scenario and each of
// its variants, every endpoint's view, every name the scenario has data
// for (and names under its zones, forwarders and rules that it has no
// data for, and names it does not govern), the common types in four cases
// and flag sets over UDP and TCP; and for the first views of each
// scenario also odd queries: EDNS of every size and version, options,
// other classes, opcodes, meta types, responses, extra records.
func TestFastPathMatchesPlain(t *testing.T) {
	// The first view of each scenario (not its broken variants) is asked
	// everything, every view the common questions; with -short or -race,
	// only the base scenario of each has every view asked.
	views, everyView := 1, true
	if testing.Short() || raceEnabled {
		everyView = false
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var total fastChecker
	for _, name := range scenarios.Names() {
		ts, err := scenarios.LoadAll(scenarios.Prefix+name, topology.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for vi, topo := range ts {
			n := sim.New(topo)
			r := n.Resolver()
			froms := []string{"internet"}
			for _, nic := range topo.NICs {
				froms = append(froms, nic.Name)
			}
			for fi, from := range froms {
				if fi >= views && vi > 0 && !everyView {
					break
				}
				e, err := n.ResolveEndpoint(from)
				if err != nil {
					continue // a name two NICs share
				}
				client := sim.DNSClient(e)
				h := &dnsmock.Handler{Resolver: r, Client: client}
				c := &fastChecker{t: t, h: h, fast: dnsmock.NewFastPath(h)}
				names := append(dnsmock.KnownNames(r, client), "example.org", "nothere.invalid", "a_b.x-y.example", strings.Repeat("l", 63)+".contoso.internal")
				ask := func(what string, m *dns.Msg, proto topology.Protocol) {
					m.Id = uint16(rng.Uint32())
					b, err := m.Pack()
					if err != nil {
						t.Fatalf("%s: pack: %v", what, err)
					}
					c.check(topo.File+" from "+from+": "+what, b, proto)
				}
				for _, name := range names {
					// Every view: the common types over UDP in lower
					// and mixed case with RD and CD, A over TCP.
					for _, qt := range plainTypes[:4] {
						m := query(name, qt)
						plainVariants[2].build(m)
						ask(name+" "+dns.TypeToString[qt]+" "+plainVariants[2].name, m, topology.ProtocolUDP)
					}
					m := query(name, dns.TypeA)
					plainVariants[1].build(m)
					ask(name+" A "+plainVariants[1].name, m, topology.ProtocolTCP)
					if fi >= views || vi > 0 {
						continue
					}
					// The first views: everything.
					for _, proto := range []topology.Protocol{topology.ProtocolUDP, topology.ProtocolTCP} {
						for _, qt := range plainTypes {
							for _, v := range plainVariants {
								m := query(name, qt)
								v.build(m)
								ask(name+" "+dns.TypeToString[qt]+" "+v.name, m, proto)
							}
						}
						for _, qt := range oddTypes {
							ask(name+" "+dns.TypeToString[qt], query(name, qt), proto)
						}
						for _, v := range oddVariants {
							m := query(name, dns.TypeA)
							v.build(m)
							ask(name+" A "+v.name, m, proto)
						}
					}
				}
				total.raw, total.msg, total.asked = total.raw+c.raw, total.msg+c.msg, total.asked+c.asked
			}
		}
	}
	t.Logf("%d queries: the fast path answered %d in the UDP read loop, %d after the library read them", total.asked, total.raw, total.msg)
	// Most questions are plain: if the fast path answered few, the test
	// proved little.
	if total.msg < total.asked/2 || total.raw < total.asked/4 {
		t.Errorf("the fast path answered only %d (raw) and %d of %d queries", total.raw, total.msg, total.asked)
	}
}

// TestFastPathOddBytes checks queries whose bytes the library reads but
// the UDP read loop must leave to it: a compressed or escaped question
// name, trailing bytes, an OPT record that is not last or not at the root,
// a TSIG-like record, the root, a wildcard. Whatever the fast path answers
// must be the plain path's reply.
func TestFastPathOddBytes(t *testing.T) {
	h := handlerFor(t, "links.yaml", "cpu-cluster")
	c := &fastChecker{t: t, h: h, fast: dnsmock.NewFastPath(h)}
	pack := func(m *dns.Msg) []byte {
		b, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	api := ws1 + ".workspace.eastus.api.azureml.ms"
	edns := func(size uint16) []byte { m := query(api, dns.TypeA); m.SetEdns0(size, false); return pack(m) }
	plainBytes := pack(query(api, dns.TypeA))
	cases := map[string][]byte{
		"plain":          plainBytes,
		"trailing bytes": append(bytes.Clone(plainBytes), 0, 0, 0),
		"cut":            plainBytes[:len(plainBytes)-2],
		"EDNS":           edns(4096),
		"OPT owner not the root": func() []byte {
			b := edns(4096)
			i := len(b) - 11
			return append(append(bytes.Clone(b[:i]), 1, 'x', 0), b[i+1:]...)
		}(),
		"ARCOUNT 1 without a record": func() []byte { b := bytes.Clone(plainBytes); b[11] = 1; return b }(),
		"compressed question name": func() []byte {
			// the question name points at a copy of itself after the OPT
			// record's place: a pointer to offset 12 in the question is a
			// loop, so point into a second copy written as an answer.
			m := query(api, dns.TypeA)
			m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: dns.Fqdn(api), Rrtype: dns.TypeA, Class: dns.ClassINET}, A: []byte{1, 1, 1, 1}}}
			m.Compress = true
			return pack(m)
		}(),
		"escaped character": pack(query(`a\.b.contoso.internal`, dns.TypeA)),
		"space in a label":  pack(query(`a\032b.contoso.internal`, dns.TypeA)),
		"wildcard":          pack(query("*.contoso.internal", dns.TypeA)),
		"root":              pack(query(".", dns.TypeNS)),
		"a TSIG record": func() []byte {
			m := query(api, dns.TypeA)
			m.SetTsig("key.", dns.HmacSHA256, 300, 0)
			return pack(m)
		}(),
		"QDCOUNT 0": func() []byte { b := bytes.Clone(plainBytes[:12]); binary.BigEndian.PutUint16(b[4:], 0); return b }(),
	}
	for what, b := range cases {
		c.check(what, b, topology.ProtocolUDP)
		c.check(what, b, topology.ProtocolTCP)
	}
	if c.raw == 0 || c.msg == 0 {
		t.Errorf("the fast path answered %d raw and %d after the library: the plain cases should be answered", c.raw, c.msg)
	}
}

// TestFastPathBounded fills the fast path with more questions than it
// holds: it must start again rather than grow, and keep answering right.
func TestFastPathBounded(t *testing.T) {
	h := handlerFor(t, "links.yaml", "cpu-cluster")
	c := &fastChecker{t: t, h: h, fast: dnsmock.NewFastPath(h)}
	limit := dnsmock.FastMaxEntries
	for i := 0; i < limit+10; i++ {
		m := query("n"+strings.Repeat("x", i%7)+"-"+strconv.Itoa(i)+".contoso.internal", dns.TypeA)
		b, _ := m.Pack()
		if i%997 == 0 {
			c.check("name "+strconv.Itoa(i), b, topology.ProtocolUDP)
			continue
		}
		c.fast.Raw(b, topology.ProtocolUDP)
	}
	if n := c.fast.Entries(); n > limit || n == 0 {
		t.Errorf("%d entries after %d questions, want 1 to %d", n, limit+10, limit)
	}
}

// TestFastPathAllocs checks that a question answered before is answered
// in the UDP read loop without allocating.
func TestFastPathAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	h := handlerFor(t, "links.yaml", "cpu-cluster")
	fast := dnsmock.NewFastPath(h)
	m := query(strings.ToUpper(ws1)+".workspace.eastus.api.azureml.ms", dns.TypeA)
	m.SetEdns0(1232, false)
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]byte, 0, 2048)
	if _, ok := fast.AppendRaw(dst, b, topology.ProtocolUDP); !ok {
		t.Fatal("the fast path does not answer a plain query")
	}
	if n := testing.AllocsPerRun(1000, func() { fast.AppendRaw(dst, b, topology.ProtocolUDP) }); n != 0 {
		t.Errorf("%v allocations per answer, want 0", n)
	}
}
