package dnsmock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"time"

	"github.com/miekg/dns"

	"github.com/vnetsim/vnetsim/topology"
)

// ednsSize is the UDP payload size the server advertises and answers within
// (the DNS flag day 2020 value).
const ednsSize = 1232

// Handler answers DNS queries in one client's view of a scenario. It
// answers only names the scenario governs, refuses the rest, and never sends
// a query anywhere: every answer comes from the Resolver.
type Handler struct {
	Resolver *Resolver
	Client   Client
}

// ServeDNS implements dns.Handler.
func (h *Handler) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	if m := h.respond(req, protocolOf(w)); m != nil {
		w.WriteMsg(m)
	}
}

// protocolOf returns how w's query came: TCP or UDP.
func protocolOf(w dns.ResponseWriter) topology.Protocol {
	if _, ok := w.RemoteAddr().(*net.TCPAddr); ok {
		return topology.ProtocolTCP
	}
	return topology.ProtocolUDP
}

// respond returns the message ServeDNS writes: the reply, truncated over
// UDP to what the client can take (512 bytes, or its EDNS size up to
// ednsSize).
func (h *Handler) respond(req *dns.Msg, proto topology.Protocol) *dns.Msg {
	m := h.Reply(req, proto)
	if m == nil {
		return nil
	}
	if proto == topology.ProtocolUDP {
		size := dns.MinMsgSize
		if opt := req.IsEdns0(); opt != nil {
			size = int(udpLimit(opt.UDPSize()))
		}
		m.Truncate(size)
	}
	return m
}

// Reply returns the response to req as received over proto, or nil when
// nothing must be sent (req is itself a response). It never panics: an
// internal error becomes SERVFAIL.
func (h *Handler) Reply(req *dns.Msg, proto topology.Protocol) (m *dns.Msg) {
	if req == nil || req.Response {
		return nil
	}
	m = new(dns.Msg)
	m.SetReply(req)
	// The server stands for a client's resolver: recursion is available
	// on every response, refusals and errors included (RFC 1035 4.1.1: RA
	// says what the server supports, not how this query went).
	m.RecursionAvailable = true
	defer func() {
		if p := recover(); p != nil {
			m.Answer, m.Ns, m.Extra = nil, nil, nil
			m.Rcode = dns.RcodeServerFailure
		}
	}()
	opt := req.IsEdns0()
	if opt != nil {
		m.SetEdns0(ednsSize, false)
		if opt.Version() != 0 {
			m.Rcode = dns.RcodeBadVers
			return m
		}
	}
	switch {
	case req.Opcode != dns.OpcodeQuery:
		m.Rcode = dns.RcodeNotImplemented
		return m
	case len(req.Question) != 1:
		m.Rcode = dns.RcodeFormatError
		return m
	}
	q := req.Question[0]
	switch {
	case q.Qclass != dns.ClassINET:
		m.Rcode = dns.RcodeRefused
		return m
	case metaType(q.Qtype):
		// No zone transfers, no ANY (RFC 8482), no meta or reserved types
		// (docs/dns.md).
		m.Rcode = dns.RcodeNotImplemented
		return m
	}
	ans := h.Resolver.Resolve(h.Client, Query{Name: q.Name, Type: q.Qtype, Protocol: proto})
	m.Rcode = ans.code
	if ans.Failure != nil && ans.Failure.Reason == ReasonBadName {
		m.Rcode = dns.RcodeRefused
	}
	m.Answer = answerRRs(ans, q.Name)
	if ans.authority != "" && ans.Failure != nil && (m.Rcode == dns.RcodeNameError || m.Rcode == dns.RcodeSuccess) {
		// A negative answer (NXDOMAIN or NODATA) from a private zone
		// carries the zone's SOA in the authority section, with the TTL
		// RFC 2308 section 3 gives it: min(TTL, MINIMUM).
		m.Ns = []dns.RR{SOA(ans.authority, min(soaTTL, soaMinTTL))}
	}
	return m
}

// metaType reports whether t can't be answered from data: type 0 (reserved,
// RFC 6895 section 3.1; Resolver.Resolve would read it as A), OPT, the
// meta and question types 128-255 (TKEY, TSIG, IXFR, AXFR, MAILB, MAILA,
// ANY and the unassigned rest) and the reserved 65535. The server answers
// them NOTIMP, as RFC 8906 section 3.1.2 allows for meta types and as Knot
// DNS answers type 0.
func metaType(t uint16) bool {
	return t == 0 || t == dns.TypeOPT || t >= 128 && t <= 255 || t == 65535
}

// answerRRs turns an answer into resource records. The owner name of the
// first record keeps the case of the question (qname).
func answerRRs(a *Answer, qname string) []dns.RR {
	out := make([]dns.RR, 0, len(a.rrs))
	canon := topology.CanonicalName(qname)
	for _, r := range a.rrs {
		owner := dns.Fqdn(r.name)
		if r.name == canon {
			owner = dns.Fqdn(qname)
		}
		hdr := dns.RR_Header{Name: owner, Class: dns.ClassINET, Ttl: r.ttl}
		switch {
		case r.soa:
			soa := SOA(r.name, r.ttl)
			soa.Hdr.Name = owner
			out = append(out, soa)
		case r.cname != "":
			hdr.Rrtype = dns.TypeCNAME
			out = append(out, &dns.CNAME{Hdr: hdr, Target: dns.Fqdn(r.cname)})
		case r.addr.Is4():
			hdr.Rrtype = dns.TypeA
			out = append(out, &dns.A{Hdr: hdr, A: r.addr.AsSlice()})
		default:
			hdr.Rrtype = dns.TypeAAAA
			out = append(out, &dns.AAAA{Hdr: hdr, AAAA: r.addr.AsSlice()})
		}
	}
	return out
}

// limits bound what a misbehaving client can make the server hold: it is
// meant for one machine's tests.
type limits struct {
	tcpConns     int           // open TCP connections in all
	tcpPerClient int           // open TCP connections from one address
	inFlight     int           // queries being answered at once
	read         time.Duration // for a connection's first query, whole (length and message)
	idle         time.Duration // for each later query, whole
	write        time.Duration // for each reply
	udpRead      time.Duration // the UDP read loop's wake-up, so that shutdown is prompt
	shutdown     time.Duration
	plain        bool // no fast path: every query goes through Handler.ServeDNS
	udpSockets   int  // UDP sockets sharing the port, where the system allows it
}

// defaultLimits follow CoreDNS's TCP timeouts (read 3 s, idle 10 s) and
// RFC 7766 section 6.2.3 (idle timeouts of the order of seconds; per-client
// limits looser than the whole).
var defaultLimits = limits{
	tcpConns:     64,
	tcpPerClient: 16,
	inFlight:     256,
	read:         3 * time.Second,
	idle:         10 * time.Second,
	write:        2 * time.Second,
	udpRead:      200 * time.Millisecond,
	shutdown:     5 * time.Second,
	// One UDP read loop per two cores: a loop reading in batches keeps up
	// with its clients, which need the other core (12 alternating rounds
	// on 2 cores, with the benchmark's clients on the same cores: one
	// socket 29.8k queries/s, p99 4.8 ms; two 29.4k, 7.8 ms).
	udpSockets: max(1, runtime.GOMAXPROCS(0)/2),
}

// Serve runs h over UDP and TCP on addr (host:port; port 0 picks a free port,
// the same for both) until ctx is done, then shuts both servers down and
// returns. started, when not nil, receives the address once both listen.
//
// Over TCP it answers every query a connection sends, pipelined or not, and
// never closes a connection after a number of queries (MaxTCPQueries -1);
// a connection closes when the client closes it, when a query does not
// arrive whole within the read timeout (the first) or the idle timeout (the
// later ones), or when a reply can't be written within the write timeout.
// Connections are bounded in all and per client address; a new connection
// beyond either bound closes the connection of that bound that has waited
// longest for a query (RFC 7766 section 6.2.3), so slow or idle clients
// can't keep a new client out. A query already read is still answered.
//
// When h is a *Handler, Serve copies it once and keeps the packed replies
// it gives (fastpath.go): a question asked again gets the same bytes, its
// ID, RD/CD bits and name case patched, the plainest UDP queries straight
// from the read loop. On Linux it reads one UDP socket per two cores, all
// bound to the port with SO_REUSEPORT.
func Serve(ctx context.Context, addr string, h dns.Handler, started func(net.Addr)) error {
	return serve(ctx, addr, h, started, defaultLimits)
}

func serve(ctx context.Context, addr string, h dns.Handler, started func(net.Addr), lim limits) error {
	pcs, ln, err := listenBoth(addr, lim.udpSockets)
	if err != nil {
		return err
	}
	next, decorateUDP := h, dns.DecorateReader(nil)
	if hh, ok := h.(*Handler); ok && !lim.plain {
		fast := newFastPath(hh)
		next = fastHandler{fast: fast, next: h}
		decorateUDP = func(r dns.Reader) dns.Reader { return newFastReader(r, fast) }
	}
	lh := &limitHandler{next: next, slots: make(chan struct{}, lim.inFlight)}
	pool := newConnPool(ln, lim)
	servers := make([]*dns.Server, 0, len(pcs)+1)
	ready := make(chan struct{}, len(pcs)+1)
	notify := func() { ready <- struct{}{} }
	for _, pc := range pcs {
		// The UDP read timeout also bounds how long a shutdown waits for
		// the read loop to notice it.
		servers = append(servers, &dns.Server{PacketConn: udpConn{pc.(*net.UDPConn)}, Handler: lh, ReadTimeout: lim.udpRead, WriteTimeout: lim.write,
			NotifyStartedFunc: notify, DecorateReader: decorateUDP, DecorateWriter: raWriter})
	}
	servers = append(servers, &dns.Server{Listener: pool, Handler: lh, ReadTimeout: lim.read, WriteTimeout: lim.write,
		IdleTimeout: func() time.Duration { return lim.idle }, MaxTCPQueries: -1, NotifyStartedFunc: notify,
		DecorateReader: pool.reader, DecorateWriter: raWriter})
	errc := make(chan error, len(servers))
	for _, s := range servers {
		go func() { errc <- s.ActivateAndServe() }()
	}

	var serveErr error
	running := len(servers)
	for n := 0; n < len(servers) && serveErr == nil; {
		select {
		case <-ready:
			n++
		case err := <-errc:
			running--
			serveErr = fmt.Errorf("Serve(%q): %w", addr, err)
		}
	}
	if serveErr == nil {
		if started != nil {
			started(pcs[0].LocalAddr())
		}
		select {
		case <-ctx.Done():
		case err := <-errc:
			running--
			serveErr = fmt.Errorf("Serve(%q): %w", addr, err)
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), lim.shutdown)
	defer cancel()
	var errs []error
	for _, s := range servers {
		if err := s.ShutdownContext(sctx); err != nil && serveErr == nil {
			errs = append(errs, err)
		}
	}
	for ; running > 0; running-- {
		if err := <-errc; err != nil && serveErr == nil {
			errs = append(errs, err)
		}
	}
	for _, pc := range pcs {
		pc.Close()
	}
	ln.Close()
	if serveErr != nil {
		return serveErr
	}
	if len(errs) > 0 {
		return fmt.Errorf("Serve(%q): shutdown: %w", addr, errors.Join(errs...))
	}
	return nil
}

// raWriter sets recursion-available on every response the server sends,
// the library's own FORMERR and NOTIMP replies to messages the handler never
// sees included, so that RA is the same on every response.
func raWriter(w dns.Writer) dns.Writer { return raWrite{w} }

type raWrite struct{ dns.Writer }

func (w raWrite) Write(b []byte) (int, error) {
	setRA(b)
	return w.Writer.Write(b)
}

// setRA sets RA in b if b is a response.
func setRA(b []byte) {
	if len(b) >= 4 && b[2]&0x80 != 0 { // QR: a response
		b[3] |= 0x80 // RA
	}
}

// listenBoth binds UDP and TCP on the same port: n UDP sockets where the
// system can share a port between sockets (SO_REUSEPORT: the kernel spreads
// clients over them, and each has its own read loop), else one.
func listenBoth(addr string, n int) ([]net.PacketConn, net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("Serve(%q): %w", addr, err)
	}
	if a, err := netip.ParseAddr(host); err == nil && a.IsUnspecified() {
		return nil, nil, fmt.Errorf("Serve(%q): give one address to listen on, not all of them", addr)
	}
	if !reusePort {
		n = 1
	}
	lc := net.ListenConfig{}
	if n > 1 {
		lc.Control = setReusePort
	}
	ctx := context.Background()
	for attempt := 0; ; attempt++ {
		pc, err := lc.ListenPacket(ctx, "udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("Serve(%q): %w", addr, err)
		}
		pcs := []net.PacketConn{pc}
		bound := net.JoinHostPort(host, strconv.Itoa(pc.LocalAddr().(*net.UDPAddr).Port))
		for len(pcs) < n && err == nil {
			if pc, err = lc.ListenPacket(ctx, "udp", bound); err == nil {
				pcs = append(pcs, pc)
			}
		}
		var ln net.Listener
		if err == nil {
			ln, err = net.Listen("tcp", bound)
		}
		if err == nil {
			return pcs, ln, nil
		}
		for _, pc := range pcs {
			pc.Close()
		}
		if port != "0" || attempt >= 10 {
			return nil, nil, fmt.Errorf("Serve(%q): %w", addr, err)
		}
	}
}

// limitHandler bounds the queries answered at once: a UDP query beyond the
// bound is dropped, as a busy resolver would; a TCP one waits.
type limitHandler struct {
	next  dns.Handler
	slots chan struct{}
}

func (l *limitHandler) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
	if _, tcp := w.RemoteAddr().(*net.TCPAddr); tcp {
		l.slots <- struct{}{}
	} else {
		select {
		case l.slots <- struct{}{}:
		default:
			return
		}
	}
	defer func() { <-l.slots }()
	l.next.ServeDNS(w, r)
}
