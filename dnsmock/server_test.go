package dnsmock_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vnetsim/vnetsim/dnsmock"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// recorder is a dns.ResponseWriter without a socket: it keeps what the
// handler writes, packed and unpacked as a client would read it.
type recorder struct {
	remote net.Addr
	msgs   []*dns.Msg
	wire   [][]byte
}

func udpRecorder() *recorder {
	return &recorder{remote: &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}}
}

func tcpRecorder() *recorder {
	return &recorder{remote: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}}
}

func (r *recorder) LocalAddr() net.Addr  { return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 53} }
func (r *recorder) RemoteAddr() net.Addr { return r.remote }
func (r *recorder) WriteMsg(m *dns.Msg) error {
	b, err := m.Pack()
	if err != nil {
		return err
	}
	back := new(dns.Msg)
	if err := back.Unpack(b); err != nil {
		return err
	}
	r.msgs = append(r.msgs, back)
	r.wire = append(r.wire, b)
	return nil
}
func (r *recorder) Write(b []byte) (int, error) {
	return 0, errors.New("recorder: raw writes are not used")
}
func (r *recorder) Close() error        { return nil }
func (r *recorder) TsigStatus() error   { return nil }
func (r *recorder) TsigTimersOnly(bool) {}
func (r *recorder) Hijack()             {}

func handlerFor(t testing.TB, file, from string) *dnsmock.Handler {
	t.Helper()
	topo := loadFile(t, file)
	return &dnsmock.Handler{Resolver: sim.New(topo).Resolver(), Client: clientOf(t, topo, from)}
}

// soa is the text of the SOA record Azure gives a private DNS zone.
func soa(zone string, ttl int) string {
	return dns.Fqdn(zone) + " " + strconv.Itoa(ttl) + " IN SOA azureprivatedns.net. azureprivatedns-host.microsoft.com. 1 3600 300 2419200 10"
}

func query(name string, qtype uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	return m
}

// rrTexts renders RRs one per line, owner name and TTL included.
func rrTexts(rrs []dns.RR) []string {
	out := []string{}
	for _, rr := range rrs {
		out = append(out, strings.ReplaceAll(rr.String(), "\t", " "))
	}
	return out
}

// answerTexts renders a resolver answer the way rrTexts renders RRs, so
// that what the server sends can be compared with what dns query prints.
func answerTexts(a *dnsmock.Answer) []string {
	out := []string{}
	for _, r := range a.Answers {
		out = append(out, r.Name+" "+strconv.FormatUint(uint64(r.TTL), 10)+" IN "+r.Type+" "+r.Value)
	}
	return out
}

// TestHandler drives the handler through a recorder, with no socket.
func TestHandler(t *testing.T) {
	h := handlerFor(t, "links.yaml", "cpu-cluster")
	api := ws1 + ".workspace.eastus.api.azureml.ms"
	apiPL := ws1 + ".workspace.eastus.privatelink.api.azureml.ms"
	edns := func(m *dns.Msg, version uint8) *dns.Msg {
		m.SetEdns0(4096, false)
		m.IsEdns0().SetVersion(version)
		return m
	}
	cases := []struct {
		name    string
		req     *dns.Msg
		tcp     bool
		silent  bool // nothing is written
		rcode   int
		answers []string
		ns      []string // the authority section
	}{
		{name: "a governed name", req: query(api, dns.TypeA), rcode: dns.RcodeSuccess,
			answers: []string{api + ". 300 IN CNAME " + apiPL + ".", apiPL + ". 10 IN A 10.0.1.5"}},
		{name: "the question's case is kept", req: query(strings.ToUpper(api), dns.TypeA), rcode: dns.RcodeSuccess,
			answers: []string{strings.ToUpper(api) + ". 300 IN CNAME " + apiPL + ".", apiPL + ". 10 IN A 10.0.1.5"}},
		{name: "NXDOMAIN under a linked zone, with the zone's SOA", req: query("nothere.contoso.internal", dns.TypeA), rcode: dns.RcodeNameError,
			ns: []string{soa("contoso.internal", 10)}},
		{name: "no data, with the zone's SOA", req: query("app.contoso.internal", dns.TypeMX), rcode: dns.RcodeSuccess,
			ns: []string{soa("contoso.internal", 10)}},
		{name: "no data at the end of a CNAME chain", req: query("www.contoso.internal", dns.TypeAAAA), rcode: dns.RcodeSuccess,
			answers: []string{"www.contoso.internal. 3600 IN CNAME app.contoso.internal."}, ns: []string{soa("contoso.internal", 10)}},
		{name: "the zone apex answers SOA", req: query("contoso.internal", dns.TypeSOA), rcode: dns.RcodeSuccess,
			answers: []string{soa("contoso.internal", 3600)}},
		{name: "the apex SOA keeps the question's case", req: query("Contoso.Internal", dns.TypeSOA), rcode: dns.RcodeSuccess,
			answers: []string{soa("Contoso.Internal", 3600)}},
		{name: "the zone apex has no A record", req: query("contoso.internal", dns.TypeA), rcode: dns.RcodeSuccess,
			ns: []string{soa("contoso.internal", 10)}},
		{name: "NXDOMAIN from public DNS has no SOA", req: query("nothere.privatelink.notebooks.azure.net", dns.TypeA), rcode: dns.RcodeNameError},
		{name: "a name outside the scenario is refused", req: query("example.org", dns.TypeA), rcode: dns.RcodeRefused},
		{name: "the root is refused", req: query(".", dns.TypeNS), rcode: dns.RcodeRefused},
		{name: "a binary label is refused", req: query("a\\000b.contoso.internal", dns.TypeA), rcode: dns.RcodeRefused},
		{name: "ANY is not implemented (RFC 8482)", req: query(api, dns.TypeANY), rcode: dns.RcodeNotImplemented},
		{name: "type 0 is not implemented, not read as A", req: query(api, 0), rcode: dns.RcodeNotImplemented},
		{name: "type 0 of a name outside the scenario", req: query("example.org", 0), rcode: dns.RcodeNotImplemented},
		{name: "OPT as a question", req: query(api, dns.TypeOPT), rcode: dns.RcodeNotImplemented},
		{name: "TSIG as a question", req: query(api, dns.TypeTSIG), rcode: dns.RcodeNotImplemented},
		{name: "an unassigned meta type", req: query(api, 128), rcode: dns.RcodeNotImplemented},
		{name: "the reserved type 65535", req: query(api, 65535), rcode: dns.RcodeNotImplemented},
		{name: "an unknown data type: the CNAME, then no data", req: query(api, 65280), rcode: dns.RcodeSuccess,
			answers: []string{api + ". 300 IN CNAME " + apiPL + "."}, ns: []string{soa("privatelink.api.azureml.ms", 10)}},
		{name: "no zone transfers", req: query("contoso.internal", dns.TypeAXFR), rcode: dns.RcodeNotImplemented},
		{name: "CHAOS class is refused", req: func() *dns.Msg {
			m := query("version.bind", dns.TypeTXT)
			m.Question[0].Qclass = dns.ClassCHAOS
			return m
		}(), rcode: dns.RcodeRefused},
		{name: "an update is not implemented", req: func() *dns.Msg { m := query("contoso.internal", dns.TypeSOA); m.Opcode = dns.OpcodeUpdate; return m }(), rcode: dns.RcodeNotImplemented},
		{name: "two questions", req: func() *dns.Msg {
			m := query(api, dns.TypeA)
			m.Question = append(m.Question, m.Question[0])
			return m
		}(), rcode: dns.RcodeFormatError},
		{name: "no question", req: func() *dns.Msg { m := query(api, dns.TypeA); m.Question = nil; return m }(), rcode: dns.RcodeFormatError},
		{name: "a response is never answered", req: func() *dns.Msg { m := query(api, dns.TypeA); m.Response = true; return m }(), silent: true},
		{name: "EDNS version 1", req: edns(query(api, dns.TypeA), 1), rcode: dns.RcodeBadVers},
		{name: "EDNS version 0", req: edns(query(api, dns.TypeA), 0), rcode: dns.RcodeSuccess,
			answers: []string{api + ". 300 IN CNAME " + apiPL + ".", apiPL + ". 10 IN A 10.0.1.5"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := udpRecorder()
			if c.tcp {
				w = tcpRecorder()
			}
			h.ServeDNS(w, c.req)
			if c.silent {
				if len(w.msgs) != 0 {
					t.Fatalf("wrote %d messages, want none", len(w.msgs))
				}
				return
			}
			if len(w.msgs) != 1 {
				t.Fatalf("wrote %d messages, want 1", len(w.msgs))
			}
			m := w.msgs[0]
			if m.Id != c.req.Id || !m.Response {
				t.Errorf("id %d response %v, want id %d and a response", m.Id, m.Response, c.req.Id)
			}
			if m.Rcode != c.rcode {
				t.Errorf("rcode = %s, want %s", dns.RcodeToString[m.Rcode], dns.RcodeToString[c.rcode])
			}
			if !m.RecursionAvailable {
				t.Error("RA is not set; it must be on every response")
			}
			if m.Authoritative {
				t.Error("AA is set; the server is a resolver, not an authority")
			}
			want := c.answers
			if want == nil {
				want = []string{}
			}
			if got := rrTexts(m.Answer); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("answers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			wantNS := c.ns
			if wantNS == nil {
				wantNS = []string{}
			}
			if got := rrTexts(m.Ns); strings.Join(got, "\n") != strings.Join(wantNS, "\n") {
				t.Errorf("authority:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantNS, "\n"))
			}
			if (c.req.IsEdns0() != nil) != (m.IsEdns0() != nil) {
				t.Errorf("EDNS in request %v, in reply %v", c.req.IsEdns0() != nil, m.IsEdns0() != nil)
			}
		})
	}
}

// TestHandlerTransport checks that the query travels over the protocol the
// client used: dns3 refuses UDP 53 but answers TCP 53.
func TestHandlerTransport(t *testing.T) {
	h := handlerFor(t, "custom.yaml", "app-failover")
	apiPL := ws2 + ".workspace.eastus.privatelink.api.azureml.ms"
	for _, c := range []struct {
		w    *recorder
		want string // the privatelink name's record
	}{
		{udpRecorder(), apiPL + ". 300 IN CNAME mlw.eastus.frontend.vnetsim.internal."},
		{tcpRecorder(), apiPL + ". 10 IN A 10.10.2.5"},
	} {
		h.ServeDNS(c.w, query(ws2+".workspace.eastus.api.azureml.ms", dns.TypeA))
		got := rrTexts(c.w.msgs[0].Answer)
		if len(got) < 2 || got[1] != c.want {
			t.Errorf("over %s: answers %q, want second %q", c.w.remote.Network(), got, c.want)
		}
	}
}

// TestHandlerTruncates checks that a UDP answer fits 512 bytes without EDNS
// and 1232 with it, with TC set, and that TCP carries it whole.
func TestHandlerTruncates(t *testing.T) {
	h := handlerFor(t, "links.yaml", "jumpbox")
	for _, c := range []struct {
		name    string
		w       *recorder
		edns    uint16
		limit   int
		tc      bool
		answers int
	}{
		{"UDP", udpRecorder(), 0, 512, true, -1},
		{"UDP with EDNS 4096 is held to 1232", udpRecorder(), 4096, 1232, false, 60},
		{"TCP", tcpRecorder(), 0, 65535, false, 60},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := query("many.contoso.internal", dns.TypeA)
			if c.edns > 0 {
				req.SetEdns0(c.edns, false)
			}
			h.ServeDNS(c.w, req)
			m, wire := c.w.msgs[0], c.w.wire[0]
			if len(wire) > c.limit {
				t.Errorf("%d bytes, more than %d", len(wire), c.limit)
			}
			if m.Truncated != c.tc {
				t.Errorf("TC = %v, want %v", m.Truncated, c.tc)
			}
			if c.answers >= 0 && len(m.Answer) != c.answers {
				t.Errorf("%d answers, want %d", len(m.Answer), c.answers)
			}
		})
	}
}

// startServer serves the handler with Serve on a free loopback port and
// returns its address; the server stops when the test ends.
func startServer(t testing.TB, h dns.Handler) string {
	t.Helper()
	return startWith(t, func(ctx context.Context, started func(net.Addr)) error {
		return dnsmock.Serve(ctx, "127.0.0.1:0", h, started)
	})
}

// startServerLimits is startServer with the given bounds and timeouts.
func startServerLimits(t testing.TB, h dns.Handler, lim dnsmock.TestLimits) string {
	t.Helper()
	return startWith(t, func(ctx context.Context, started func(net.Addr)) error {
		return dnsmock.ServeWithLimits(ctx, "127.0.0.1:0", h, started, lim)
	})
}

// startWith runs serve until the test ends and returns the address it
// listens on; the test fails if it does not start in 5 s, does not stop in
// 10 s, or returns an error.
func startWith(t testing.TB, serve func(ctx context.Context, started func(net.Addr)) error) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, func(a net.Addr) { started <- a }) }()
	var addr string
	select {
	case a := <-started:
		addr = a.String()
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not start in 5 s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Serve did not stop in 10 s")
		}
	})
	return addr
}

// TestServeLoopback queries a real server over UDP and TCP with a real
// client and compares every answer with what the resolver (and so
// `vnetsim dns query`) gives for the same endpoint.
func TestServeLoopback(t *testing.T) {
	topo := loadFile(t, "links.yaml")
	r := sim.New(topo).Resolver()
	client := clientOf(t, topo, "lonely-vm")
	addr := startServer(t, &dnsmock.Handler{Resolver: r, Client: client})
	names := []struct {
		name  string
		qtype uint16
	}{
		{ws1 + ".workspace.eastus.api.azureml.ms", dns.TypeA},
		{"stmlw.blob.core.windows.net", dns.TypeA},
		{"crmlw.eastus.data.azurecr.io", dns.TypeA},
		{"jumpbox.contoso.internal", dns.TypeA},
		{"v6.contoso.internal", dns.TypeAAAA},
		{"pypi.org", dns.TypeA},
	}
	for _, network := range []string{"udp", "tcp"} {
		c := &dns.Client{Net: network, Timeout: 2 * time.Second}
		for _, n := range names {
			t.Run(network+"/"+n.name, func(t *testing.T) {
				proto := topology.ProtocolUDP
				if network == "tcp" {
					proto = topology.ProtocolTCP
				}
				want := r.Resolve(client, dnsmock.Query{Name: n.name, Type: n.qtype, Protocol: proto})
				m, _, err := c.Exchange(query(n.name, n.qtype), addr)
				if err != nil {
					t.Fatalf("Exchange: %v", err)
				}
				if got := dns.RcodeToString[m.Rcode]; got != want.Rcode {
					t.Errorf("rcode %s, dns query says %s", got, want.Rcode)
				}
				if got, w := rrTexts(m.Answer), answerTexts(want); strings.Join(got, "\n") != strings.Join(w, "\n") {
					t.Errorf("answers:\n%s\ndns query says:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
				}
			})
		}
	}
}

// TestServeSurvivesMalformed sends garbage over UDP and TCP, then checks
// that the server still answers.
func TestServeSurvivesMalformed(t *testing.T) {
	addr := startServer(t, handlerFor(t, "links.yaml", "jumpbox"))
	valid, _ := query("app.contoso.internal", dns.TypeA).Pack()
	garbage := [][]byte{
		{},
		{0x12},
		valid[:11],                         // a short header
		append(valid[:12:12], 0xff),        // a header and a broken question
		append([]byte(nil), valid[:20]...), // a cut name
		func() []byte { b := append([]byte(nil), valid...); b[2] |= 0x80; return b }(), // a response
		func() []byte { b := append([]byte(nil), valid...); b[5] = 9; return b }(),     // 9 questions announced
		[]byte(strings.Repeat("\xc0\x0c", 300)),                                        // compression pointers to themselves
	}
	uc, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	for _, g := range garbage {
		uc.Write(g)
	}
	for _, g := range garbage {
		tc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		tc.Write(append([]byte{byte(len(g) >> 8), byte(len(g))}, g...))
		tc.Close()
	}
	// A length prefix that promises more than is sent, left open.
	hang, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer hang.Close()
	hang.Write([]byte{0xff, 0xff, 1, 2, 3})

	for _, network := range []string{"udp", "tcp"} {
		c := &dns.Client{Net: network, Timeout: 2 * time.Second}
		m, _, err := c.Exchange(query("app.contoso.internal", dns.TypeA), addr)
		if err != nil {
			t.Fatalf("%s after garbage: %v", network, err)
		}
		if got := rrTexts(m.Answer); len(got) != 1 || got[0] != "app.contoso.internal. 3600 IN A 10.0.2.50" {
			t.Errorf("%s after garbage: answers %q", network, got)
		}
	}
}

// TestServeRefusesUnspecified checks that Serve will not listen on every
// interface at once.
func TestServeRefusesUnspecified(t *testing.T) {
	err := dnsmock.Serve(context.Background(), "0.0.0.0:0", dns.HandlerFunc(func(dns.ResponseWriter, *dns.Msg) {}), nil)
	if err == nil || !strings.Contains(err.Error(), "not all of them") {
		t.Fatalf("Serve(0.0.0.0:0) = %v, want a refusal", err)
	}
}

// TestServeStops checks a clean shutdown: Serve returns and the port is free.
func TestServeStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- dnsmock.Serve(ctx, "127.0.0.1:0", handlerFor(t, "links.yaml", "jumpbox"), func(a net.Addr) { started <- a })
	}()
	addr := (<-started).String()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not stop")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("the TCP port is still taken after shutdown: %v", err)
	}
	ln.Close()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatalf("the UDP port is still taken after shutdown: %v", err)
	}
	pc.Close()
}

// FuzzHandler feeds the handler arbitrary messages: it must never panic,
// and whatever it writes must be a well-formed reply to the query. Its seed
// corpus is testdata/fuzz/FuzzHandler (queries of every kind the handler
// distinguishes, over UDP and TCP); `go test` runs the seeds, and
// `go test -fuzz FuzzHandler ./dnsmock` searches further.
func FuzzHandler(f *testing.F) {
	h := handlerFor(f, "links.yaml", "jumpbox")
	fast := dnsmock.NewFastPath(h)
	f.Fuzz(func(t *testing.T, data []byte, tcp bool) {
		proto := topology.ProtocolUDP
		if tcp {
			proto = topology.ProtocolTCP
		}
		req := new(dns.Msg)
		if err := req.Unpack(data); err != nil {
			if _, ok := fast.Raw(data, proto); ok {
				t.Fatal("the fast path answered a message the library can't read")
			}
			return // the server drops what does not unpack
		}
		// The fast path, wherever it answers, writes what the plain path
		// writes.
		want := dnsmock.PlainReply(h, req, proto)
		if got, ok := fast.Raw(data, proto); ok && !bytes.Equal(got, want) {
			t.Fatalf("the fast path (raw) answers\n%s\nthe plain path\n%s", unpacked(got), unpacked(want))
		}
		if got, ok := fast.Msg(req, proto); ok && !bytes.Equal(got, want) {
			t.Fatalf("the fast path answers\n%s\nthe plain path\n%s", unpacked(got), unpacked(want))
		}
		w := udpRecorder()
		if tcp {
			w = tcpRecorder()
		}
		h.ServeDNS(w, req)
		if req.Response {
			if len(w.msgs) != 0 {
				t.Fatal("answered a response")
			}
			return
		}
		if len(w.msgs) != 1 {
			t.Fatalf("wrote %d messages (a reply failed to pack?), want 1", len(w.msgs))
		}
		m := w.msgs[0]
		if m.Id != req.Id || !m.Response || len(m.Question) > 1 {
			t.Fatalf("not a reply: id %d/%d response %v questions %d", m.Id, req.Id, m.Response, len(m.Question))
		}
		if !m.RecursionAvailable {
			t.Fatal("RA is not set")
		}
		if !tcp && req.IsEdns0() == nil && len(w.wire[0]) > dns.MinMsgSize {
			t.Fatalf("a UDP reply of %d bytes without EDNS", len(w.wire[0]))
		}
		for _, rr := range m.Answer {
			// NXDOMAIN may follow a CNAME chain to a name that does not
			// exist (RFC 6604); other errors have no answers.
			if m.Rcode != dns.RcodeSuccess && (m.Rcode != dns.RcodeNameError || rr.Header().Rrtype != dns.TypeCNAME) {
				t.Fatalf("%s with answer %s", dns.RcodeToString[m.Rcode], rr)
			}
		}
		if len(req.Question) == 1 {
			qt := req.Question[0].Qtype
			if (qt == 0 || qt == dns.TypeANY || qt == dns.TypeAXFR) && m.Rcode != dns.RcodeNotImplemented && m.Rcode != dns.RcodeBadVers && m.Rcode != dns.RcodeRefused && m.Rcode != dns.RcodeFormatError {
				t.Fatalf("type %d answered %s", qt, dns.RcodeToString[m.Rcode])
			}
			for _, rr := range m.Answer {
				if rt := rr.Header().Rrtype; rt != qt && rt != dns.TypeCNAME {
					t.Fatalf("a %s record in the answer to a type %d question", dns.TypeToString[rt], qt)
				}
			}
		}
		for _, rr := range m.Ns {
			if rr.Header().Rrtype != dns.TypeSOA || m.Rcode != dns.RcodeSuccess && m.Rcode != dns.RcodeNameError {
				t.Fatalf("authority %s in a %s reply", rr, dns.RcodeToString[m.Rcode])
			}
		}
	})
}

// BenchmarkServe measures correct answers per second and the 99th
// percentile latency of the real server over loopback UDP, from 8 clients
// each waiting for its answer before asking again, asking in turn a set of
// names that covers each kind of answer (CNAME chains to private and public
// addresses, records, NODATA, NXDOMAIN with the zone's SOA, REFUSED). The
// clients are as light as a client can be, so that they take little of the
// 2 cores they share with the server: each sends a query packed in advance
// with a fresh ID and compares the reply, byte for byte apart from the ID,
// with the plain path's reply to the same query; a reply that differs fails
// the benchmark, one that does not come within a second is counted as lost
// and not as an answer. The latency of each answered query is measured,
// and the percentile read from all of them. It stops after b.N queries or
// 10 seconds, whichever comes first.
func BenchmarkServe(b *testing.B) { benchServe(b, dnsmock.TestLimits{}) }

// BenchmarkPlainPath is BenchmarkServe with the fast path off: every query
// is unpacked by the library and answered by Handler.ServeDNS. (Its name
// leaves "Serve" out so that make bench's -bench Serve runs BenchmarkServe
// alone.)
func BenchmarkPlainPath(b *testing.B) { benchServe(b, dnsmock.TestLimits{Plain: true}) }

// BenchmarkUDPSocketPerCore is BenchmarkServe with one UDP socket and read
// loop per core instead of one per two cores.
func BenchmarkUDPSocketPerCore(b *testing.B) {
	benchServe(b, dnsmock.TestLimits{UDPSockets: runtime.GOMAXPROCS(0)})
}

func benchServe(b *testing.B, lim dnsmock.TestLimits) {
	const workers = 8
	h := handlerFor(b, "links.yaml", "cpu-cluster")
	addr := startServerLimits(b, h, lim)
	names := []string{
		ws1 + ".workspace.eastus.api.azureml.ms",
		"stmlw.blob.core.windows.net",
		"kvmlw.vault.azure.net",
		"crmlw.eastus.data.azurecr.io",
		"jumpbox.contoso.internal",
		"www.contoso.internal",
		"nothere.contoso.internal",
		"example.org",
	}
	// The query and the plain path's reply of each name, ID 0.
	queries, replies := make([][]byte, len(names)), make([][]byte, len(names))
	for i, n := range names {
		q := query(n, dns.TypeA)
		q.Id = 0
		var err error
		if queries[i], err = q.Pack(); err != nil {
			b.Fatal(err)
		}
		replies[i] = dnsmock.PlainReply(h, q, topology.ProtocolUDP)
	}
	udpAddr, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		b.Fatal(err)
	}
	// Each client takes the next query number itself (no goroutine hands
	// them out, which would cost the clients a switch per query).
	var next atomic.Int64
	lat := make([][]time.Duration, workers)
	lost := make([]int, workers)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	b.ResetTimer()
	start := time.Now()
	stop := start.Add(10 * time.Second)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			conn, err := net.DialUDP("udp", nil, udpAddr)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			out, in := make([]byte, 512), make([]byte, 2048)
			lat[w] = make([]time.Duration, 0, b.N/workers+1)
			for {
				i := int(next.Add(1) - 1)
				t0 := time.Now()
				if i >= b.N || t0.After(stop) {
					return
				}
				k := i % len(names)
				id := uint16(i)
				q := append(out[:0], queries[k]...)
				binary.BigEndian.PutUint16(q, id)
				if _, err := conn.Write(q); err != nil {
					errs <- err
					return
				}
				conn.SetReadDeadline(t0.Add(time.Second))
				for {
					n, err := conn.Read(in)
					if err != nil {
						if ne, ok := err.(net.Error); ok && ne.Timeout() {
							lost[w]++
							break
						}
						errs <- err
						return
					}
					r := in[:n]
					if n < 2 || binary.BigEndian.Uint16(r) != id {
						continue // a late reply to a query counted as lost
					}
					if !bytes.Equal(r[2:], replies[k][2:]) {
						errs <- fmt.Errorf("%s: wrong reply\n% x\nwant\n% x", names[k], r, replies[k])
						return
					}
					lat[w] = append(lat[w], time.Since(t0))
					break
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	b.StopTimer()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
	var all []time.Duration
	nlost := 0
	for w, l := range lat {
		all = append(all, l...)
		nlost += lost[w]
	}
	if len(all) == 0 {
		b.Fatal("no query was answered")
	}
	slices.Sort(all)
	p99 := all[(len(all)*99)/100]
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "queries/s")
	b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
	b.ReportMetric(float64(nlost), "lost")
	if cpu > 0 {
		// The CPU time of the whole process, server and clients, per
		// answered query: what the load of the machine does not change.
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(all)), "cpu-ms/op")
	}
	// One route-trie lookup of the same scenario, measured in the same run,
	// so that the figures read as a ratio on a noisy machine.
	topo := loadFile(b, "links.yaml")
	rs := topo.VNets[0].Subnets[0].Routes
	a := topo.VNets[0].Subnets[0].FirstUsable()
	const n = 200000
	t0 := time.Now()
	for i := 0; i < n; i++ {
		rs.Lookup(a)
	}
	perLookup := time.Since(t0) / n
	if perLookup > 0 {
		b.ReportMetric(float64(elapsed)/float64(len(all))/float64(perLookup), "lookups/query")
	}
}

// TestServeIPv6Loopback serves on ::1, where the host has it: the UDP
// read loop reads and answers IPv6 datagrams in batches as IPv4 ones.
func TestServeIPv6Loopback(t *testing.T) {
	if pc, err := net.ListenPacket("udp", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	} else {
		pc.Close()
	}
	h := handlerFor(t, "links.yaml", "jumpbox")
	addr := startWith(t, func(ctx context.Context, started func(net.Addr)) error {
		return dnsmock.Serve(ctx, "[::1]:0", h, started)
	})
	for _, network := range []string{"udp", "tcp"} {
		c := &dns.Client{Net: network, Timeout: 2 * time.Second}
		for i := 0; i < 3; i++ { // the first answer is made, the others kept
			m, _, err := c.Exchange(query("App.contoso.internal", dns.TypeA), addr)
			if err != nil {
				t.Fatalf("%s: %v", network, err)
			}
			if got := rrTexts(m.Answer); len(got) != 1 || got[0] != "App.contoso.internal. 3600 IN A 10.0.2.50" {
				t.Errorf("%s: answers %q", network, got)
			}
		}
	}
}

// TestServeSeveralUDPSockets serves with 3 UDP sockets on one port (where
// the system shares ports): clients from many source ports, which the
// kernel spreads over the sockets, all get their answers, and shutdown
// frees the port.
func TestServeSeveralUDPSockets(t *testing.T) {
	h := handlerFor(t, "links.yaml", "jumpbox")
	addr := startServerLimits(t, h, dnsmock.TestLimits{UDPSockets: 3})
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
			for j := 0; j < 5; j++ {
				m, _, err := c.Exchange(query("app.contoso.internal", dns.TypeA), addr)
				if err != nil {
					t.Error(err)
					return
				}
				if got := rrTexts(m.Answer); len(got) != 1 || got[0] != "app.contoso.internal. 3600 IN A 10.0.2.50" {
					t.Errorf("answers %q", got)
				}
			}
		}()
	}
	wg.Wait()
}
