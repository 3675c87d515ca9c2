package dnsmock_test

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vnetsim/vnetsim/dnsmock"
)

// dialFrom opens a TCP connection to addr from a loopback address of its
// own (127.0.0.0/8 is all loopback), so that the server sees distinct
// clients.
func dialFrom(t testing.TB, from net.IP, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: from}, Timeout: 2 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial from %s: %v", from, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func frame(t testing.TB, m *dns.Msg) []byte {
	t.Helper()
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...)
}

func readFrame(c net.Conn) (*dns.Msg, error) {
	var n uint16
	if err := binary.Read(c, binary.BigEndian, &n); err != nil {
		return nil, err
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(c, b); err != nil {
		return nil, err
	}
	m := new(dns.Msg)
	return m, m.Unpack(b)
}

// closedByServer reports, for each connection, whether the server has closed
// it: a read returns EOF (or a reset) rather than timing out. Nothing must
// be pending on the connections. The server accepts and closes
// asynchronously, so it looks again, for up to 3 s, until done(closed)
// holds; then it returns what it saw last.
func closedByServer(conns []net.Conn, done func(closed []bool) bool) []bool {
	out := make([]bool, len(conns))
	for start := time.Now(); ; {
		for i, c := range conns {
			if out[i] {
				continue
			}
			c.SetReadDeadline(time.Now().Add(time.Millisecond))
			_, err := c.Read(make([]byte, 1))
			out[i] = err != nil && !errors.Is(err, os.ErrDeadlineExceeded)
		}
		if done(out) || time.Since(start) > 3*time.Second {
			return out
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func countOpen(closed []bool) int {
	n := 0
	for _, c := range closed {
		if !c {
			n++
		}
	}
	return n
}

// TestServeTCPPipelined sends 300 queries on one TCP connection before
// reading any reply: every one is answered, in a connection that stays
// open (the server used to close it after 128 queries, unanswered ones
// included).
func TestServeTCPPipelined(t *testing.T) {
	addr := startServer(t, handlerFor(t, "links.yaml", "jumpbox"))
	c := dialFrom(t, net.IPv4(127, 0, 0, 1), addr)
	const n = 300
	names := []string{"app.contoso.internal", "www.contoso.internal", "nothere.contoso.internal", "example.org"}
	want := map[uint16]int{}
	var buf []byte
	for i := 0; i < n; i++ {
		q := query(names[i%len(names)], dns.TypeA)
		q.Id = uint16(1000 + i)
		want[q.Id] = []int{dns.RcodeSuccess, dns.RcodeSuccess, dns.RcodeNameError, dns.RcodeRefused}[i%len(names)]
		buf = append(buf, frame(t, q)...)
	}
	werr := make(chan error, 1)
	go func() { _, err := c.Write(buf); werr <- err }()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := 0
	for got < n {
		m, err := readFrame(c)
		if err != nil {
			t.Fatalf("after %d of %d replies: %v", got, n, err)
		}
		rc, ok := want[m.Id]
		if !ok {
			t.Fatalf("a reply with id %d, which was not asked or was answered twice", m.Id)
		}
		if m.Rcode != rc {
			t.Errorf("id %d: rcode %s, want %s", m.Id, dns.RcodeToString[m.Rcode], dns.RcodeToString[rc])
		}
		delete(want, m.Id)
		got++
	}
	if err := <-werr; err != nil {
		t.Fatalf("write: %v", err)
	}
	// The connection is still open and answers.
	if _, err := c.Write(frame(t, query("app.contoso.internal", dns.TypeA))); err != nil {
		t.Fatal(err)
	}
	if _, err := readFrame(c); err != nil {
		t.Fatalf("the connection was closed after %d queries: %v", n, err)
	}
}

// TestServeTCPSlowClients fills the server with twice as many slow TCP
// clients as it has connection slots, from several addresses, each at most
// the per-client bound: some never send, some send part of a query and
// stall, some ask once and then idle. A new client is still answered at
// once, and the server never holds more connections than its bound.
func TestServeTCPSlowClients(t *testing.T) {
	addr := startServer(t, handlerFor(t, "links.yaml", "jumpbox"))
	slots, perClient := dnsmock.DefaultTCPLimits()
	var slow []net.Conn
	for i := 0; i < 2*slots; i++ {
		from := net.IPv4(127, 0, 0, byte(2+i/perClient))
		c := dialFrom(t, from, addr)
		switch i % 3 {
		case 0: // connects and says nothing
		case 1: // a length prefix and a few bytes of the query, then nothing
			c.Write(frame(t, query("app.contoso.internal", dns.TypeA))[:5])
		case 2: // one query, answered, then idle
			c.Write(frame(t, query("app.contoso.internal", dns.TypeA)))
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			readFrame(c) // an eviction may close it first; either way it then idles
		}
		slow = append(slow, c)
	}
	// A new client, on a fresh connection each time, is answered within
	// its timeout, which is a third of the server's read timeout: no slow
	// client had to time out first.
	cl := &dns.Client{Net: "tcp", Timeout: time.Second}
	for i := 0; i < 3; i++ {
		m, _, err := cl.Exchange(query("app.contoso.internal", dns.TypeA), addr)
		if err != nil {
			t.Fatalf("a new client behind %d slow ones (%d slots): %v", len(slow), slots, err)
		}
		if len(m.Answer) != 1 {
			t.Fatalf("answers %v", m.Answer)
		}
	}
	closed := closedByServer(slow, func(closed []bool) bool { return countOpen(closed) <= slots })
	open := countOpen(closed)
	if open > slots {
		t.Errorf("%d slow connections are open, more than the %d slots", open, slots)
	}
	if open < slots/2 {
		t.Errorf("only %d slow connections are open: the server closed more than it needed to", open)
	}
	// The oldest were closed first.
	if !closed[0] || closed[len(closed)-1] {
		t.Errorf("closed: first %v, last %v; want the oldest closed and the newest open", closed[0], closed[len(closed)-1])
	}
}

// TestServeTCPPerClient checks the per-client bound: a client that opens
// more connections than the bound loses its own oldest idle ones, and
// another client is not affected.
func TestServeTCPPerClient(t *testing.T) {
	addr := startServerLimits(t, handlerFor(t, "links.yaml", "jumpbox"), dnsmock.TestLimits{TCPConns: 8, TCPPerClient: 3})
	greedy := net.IPv4(127, 0, 0, 2)
	var conns []net.Conn
	for i := 0; i < 6; i++ {
		conns = append(conns, dialFrom(t, greedy, addr))
		time.Sleep(5 * time.Millisecond) // distinct waiting times
	}
	other := dialFrom(t, net.IPv4(127, 0, 0, 3), addr)
	if _, err := other.Write(frame(t, query("app.contoso.internal", dns.TypeA))); err != nil {
		t.Fatal(err)
	}
	other.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := readFrame(other); err != nil {
		t.Fatalf("another client: %v", err)
	}
	want := []bool{true, true, true, false, false, false}
	closed := closedByServer(conns, func(closed []bool) bool { return countOpen(closed) <= 3 })
	for i := range want {
		if closed[i] != want[i] {
			t.Errorf("greedy client's connections closed: %v, want %v", closed, want)
			break
		}
	}
}

// TestServeTCPTimeouts checks that silent, trickling and idle connections
// are closed by the read and idle timeouts, and that an active one stays.
func TestServeTCPTimeouts(t *testing.T) {
	const read, idle = 300 * time.Millisecond, 500 * time.Millisecond
	addr := startServerLimits(t, handlerFor(t, "links.yaml", "jumpbox"), dnsmock.TestLimits{Read: read, Idle: idle})
	q := frame(t, query("app.contoso.internal", dns.TypeA))
	lo := net.IPv4(127, 0, 0, 1)
	cases := []struct {
		name string
		min  time.Duration // the connection stays open at least this long
		run  func(t *testing.T, c net.Conn)
	}{
		{"silent", read, func(t *testing.T, c net.Conn) {}},
		{"trickling one byte every 100 ms", read, func(t *testing.T, c net.Conn) {
			go func() {
				for _, b := range q {
					if _, err := c.Write([]byte{b}); err != nil {
						return
					}
					time.Sleep(100 * time.Millisecond)
				}
			}()
		}},
		{"idle after one query", idle, func(t *testing.T, c net.Conn) {
			c.Write(q)
			c.SetReadDeadline(time.Now().Add(time.Second))
			if _, err := readFrame(c); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := dialFrom(t, lo, addr)
			start := time.Now()
			tc.run(t, c)
			c.SetReadDeadline(time.Now().Add(3 * time.Second))
			_, err := c.Read(make([]byte, 1))
			took := time.Since(start)
			if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("still open after %v (err %v)", took, err)
			}
			if took < tc.min-50*time.Millisecond || took > tc.min+time.Second {
				t.Errorf("closed after %v, want about %v", took, tc.min)
			}
		})
	}
	t.Run("active", func(t *testing.T) {
		t.Parallel()
		c := dialFrom(t, lo, addr)
		for i := 0; i < 6; i++ { // 6 x 250 ms: longer than both timeouts
			if _, err := c.Write(q); err != nil {
				t.Fatal(err)
			}
			c.SetReadDeadline(time.Now().Add(time.Second))
			if _, err := readFrame(c); err != nil {
				t.Fatalf("query %d: %v", i, err)
			}
			time.Sleep(250 * time.Millisecond)
		}
	})
}

// TestServeTCPWriteTimeout checks that a client that sends queries and
// never reads the replies can't keep its connection: with one slot, a
// second client is refused while the server's write is stuck, and answered
// once the write times out.
func TestServeTCPWriteTimeout(t *testing.T) {
	const write = 500 * time.Millisecond
	addr := startServerLimits(t, handlerFor(t, "links.yaml", "jumpbox"), dnsmock.TestLimits{TCPConns: 1, Write: write})
	stuck := dialFrom(t, net.IPv4(127, 0, 0, 2), addr)
	stuck.(*net.TCPConn).SetReadBuffer(4096)
	q := frame(t, query("many.contoso.internal", dns.TypeA))
	var mu sync.Mutex
	var last time.Time
	sent := 0
	done := make(chan struct{})
	go func() { // replies of about 1 KB each; the writes stop when the server stops reading
		defer close(done)
		stuck.SetWriteDeadline(time.Now().Add(10 * time.Second))
		for i := 0; i < 20000; i++ {
			if _, err := stuck.Write(q); err != nil {
				return
			}
			mu.Lock()
			last, sent = time.Now(), sent+1
			mu.Unlock()
		}
	}()
	// Wait until the client's own writes block: the server has stopped
	// reading, stuck in writing a reply.
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		idle, n := time.Since(last), sent
		mu.Unlock()
		if n > 100 && idle > 200*time.Millisecond {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("the client's writes never blocked")
		}
	}
	cl := &dns.Client{Net: "tcp", Timeout: time.Second}
	start := time.Now()
	var err error
	// The server may still be working through the queued queries (under
	// -race, slowly) before its writes block; give it time, but without a
	// write deadline it would never free the slot.
	for time.Since(start) < 15*time.Second {
		if _, _, err = cl.Exchange(query("app.contoso.internal", dns.TypeA), addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("a client that never reads keeps the only slot: %v", err)
	}
	t.Logf("the second client was answered after %v", time.Since(start))
	stuck.Close()
	<-done
}

// TestServeRecursionAvailable checks that RA is set on every response the
// server sends over UDP and TCP, including the FORMERR and NOTIMP replies
// miekg/dns writes itself for messages the handler never sees.
func TestServeRecursionAvailable(t *testing.T) {
	addr := startServer(t, handlerFor(t, "links.yaml", "jumpbox"))
	valid, _ := query("app.contoso.internal", dns.TypeA).Pack()
	msgs := []struct {
		name  string
		wire  []byte
		rcode int
	}{
		{"an answer", valid, dns.RcodeSuccess},
		{"a refusal", func() []byte { b, _ := query("example.org", dns.TypeA).Pack(); return b }(), dns.RcodeRefused},
		{"type 0", func() []byte { b, _ := query("app.contoso.internal", 0).Pack(); return b }(), dns.RcodeNotImplemented},
		{"a broken question (the library's FORMERR)", append(valid[:12:12], 0xff), dns.RcodeFormatError},
		{"two questions (the library's FORMERR)", func() []byte {
			m := query("app.contoso.internal", dns.TypeA)
			m.Question = append(m.Question, m.Question[0])
			b, _ := m.Pack()
			return b
		}(), dns.RcodeFormatError},
		{"opcode STATUS (the library's NOTIMP)", func() []byte {
			m := query("app.contoso.internal", dns.TypeA)
			m.Opcode = dns.OpcodeStatus
			b, _ := m.Pack()
			return b
		}(), dns.RcodeNotImplemented},
	}
	for _, network := range []string{"udp", "tcp"} {
		for _, m := range msgs {
			t.Run(network+"/"+m.name, func(t *testing.T) {
				c, err := net.Dial(network, addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				c.SetDeadline(time.Now().Add(2 * time.Second))
				var reply []byte
				if network == "udp" {
					c.Write(m.wire)
					buf := make([]byte, 65535)
					n, err := c.Read(buf)
					if err != nil {
						t.Fatal(err)
					}
					reply = buf[:n]
				} else {
					c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(m.wire))), m.wire...))
					var n uint16
					if err := binary.Read(c, binary.BigEndian, &n); err != nil {
						t.Fatal(err)
					}
					reply = make([]byte, n)
					if _, err := io.ReadFull(c, reply); err != nil {
						t.Fatal(err)
					}
				}
				if len(reply) < 12 {
					t.Fatalf("a %d-byte reply", len(reply))
				}
				if rc := int(reply[3] & 0x0f); rc != m.rcode {
					t.Errorf("rcode %s, want %s", dns.RcodeToString[rc], dns.RcodeToString[m.rcode])
				}
				if reply[3]&0x80 == 0 {
					t.Error("RA is not set")
				}
			})
		}
	}
}
