package dnsmock

import (
	"bytes"
	"encoding/binary"
	"net"
	"sync"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/ipv4"

	"github.com/vnetsim/vnetsim/topology"
)

// The fast path: a server answers the same few questions over and over, and
// its Handler's answer to a question depends only on the question (name,
// type, class), the transport, the request's EDNS version and UDP size, and
// the request's ID, RD and CD bits, since the Resolver and the Client are
// fixed while it serves. So the server keeps each reply the plain path
// (Handler.Reply, truncation, packing) gave, packed, and answers the same
// question again by copying it and patching the ID, RD and CD bits and the
// case of the question name where the reply repeats it.
//
// The cache is filled from the plain path itself and checked when an entry
// is made: the reply to the name in lower case and the reply to it in upper
// case must differ exactly where the question name is written, else the
// question is left to the plain path for good. Replies packed with name
// compression (large UDP answers being truncated) are left to the plain path
// too, since compression depends on case.
//
// Bounds: entries are made only for questions of plain host-name characters
// of class IN, EDNS version 0 or none; the cache holds at most
// fastMaxEntries replies and fastMaxBytes bytes, and starts again empty when
// either would be exceeded, so a client asking ever new names costs time
// (two plain answers per new question) but not memory.
const (
	fastMaxEntries = 16384
	fastMaxBytes   = 16 << 20
)

// fastPath answers questions from packed replies of one Handler.
type fastPath struct {
	h Handler // a copy: the server's view is fixed while it serves

	mu      sync.RWMutex
	entries map[string]*fastEntry
	size    int // bytes held in entries and keys

	bufs sync.Pool // *[]byte for keys and replies
}

// fastEntry is the reply to one question, asked with its name in lower
// case, ID 0, RD and CD clear.
type fastEntry struct {
	wire []byte
	// names are the offsets where the reply writes the question name in
	// the question's case (the question, the owner of the first record).
	names []uint16
	// plain: this question is always answered by the plain path.
	plain bool
}

func newFastPath(h *Handler) *fastPath {
	f := &fastPath{h: *h, entries: map[string]*fastEntry{}}
	f.bufs.New = func() any { b := make([]byte, 0, 2048); return &b }
	return f
}

// question is a query the fast path may answer.
type question struct {
	name  []byte // the question name in wire form, as asked
	qtype uint16
	edns  bool   // the request has an OPT record, of version 0
	size  uint16 // its UDP payload size
	id    uint16
	flags uint16 // the request's RD and CD bits, where a reply has them
}

const (
	flagRD = 1 << 8 // in the second 16-bit word of the header
	flagCD = 1 << 4
)

// parseRaw reads a query as it arrived, accepting only the plainest form:
// a query (opcode 0, QR clear) with one question of class IN whose name is
// written without compression in host-name characters, no answer or
// authority records, and either nothing more or one OPT record of EDNS
// version 0 with the root as owner and no options, ending the message.
// Anything else is for the library and the plain path.
func parseRaw(b []byte) (q question, ok bool) {
	if len(b) < 12 {
		return q, false
	}
	hdr := binary.BigEndian.Uint16(b[2:])
	if hdr&0x8000 != 0 || hdr>>11&0xf != dns.OpcodeQuery {
		return q, false
	}
	qd, an, ns, ar := binary.BigEndian.Uint16(b[4:]), binary.BigEndian.Uint16(b[6:]), binary.BigEndian.Uint16(b[8:]), binary.BigEndian.Uint16(b[10:])
	if qd != 1 || an != 0 || ns != 0 || ar > 1 {
		return q, false
	}
	off, ok := plainName(b, 12)
	if !ok || len(b) < off+4 {
		return q, false
	}
	q.name = b[12:off]
	q.qtype = binary.BigEndian.Uint16(b[off:])
	if binary.BigEndian.Uint16(b[off+2:]) != dns.ClassINET {
		return q, false
	}
	off += 4
	if ar == 1 {
		// root owner (1), type (2), class = UDP size (2), TTL = extended
		// rcode, version, flags (4), rdata length (2).
		if len(b) != off+11 || b[off] != 0 || binary.BigEndian.Uint16(b[off+1:]) != dns.TypeOPT ||
			b[off+6] != 0 || binary.BigEndian.Uint16(b[off+9:]) != 0 {
			return q, false
		}
		q.edns, q.size = true, binary.BigEndian.Uint16(b[off+3:])
		off += 11
	}
	if off != len(b) {
		return q, false
	}
	q.id = binary.BigEndian.Uint16(b)
	q.flags = hdr & (flagRD | flagCD)
	return q, true
}

// plainName returns the end of the uncompressed name at off in b whose
// labels are letters, digits, '-' and '_' (which the library neither
// escapes nor changes), and false for any other name, the root included.
func plainName(b []byte, off int) (int, bool) {
	start := off
	for {
		if off >= len(b) {
			return 0, false
		}
		l := int(b[off])
		if l == 0 {
			off++
			break
		}
		if l > 63 || off+1+l > len(b) {
			return 0, false
		}
		for _, c := range b[off+1 : off+1+l] {
			if !hostChar(c) {
				return 0, false
			}
		}
		off += 1 + l
	}
	if off-start <= 1 || off-start > 255 {
		return 0, false
	}
	return off, true
}

func hostChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// parseMsg is parseRaw for a request the library has read: the reply
// depends on the same fields. name is written into buf.
func parseMsg(req *dns.Msg, buf []byte) (q question, ok bool) {
	if req == nil || req.Response || req.Opcode != dns.OpcodeQuery || len(req.Question) != 1 {
		return q, false
	}
	qq := req.Question[0]
	if qq.Qclass != dns.ClassINET {
		return q, false
	}
	name, ok := nameWire(qq.Name, buf)
	if !ok {
		return q, false
	}
	if opt := req.IsEdns0(); opt != nil {
		if opt.Version() != 0 {
			return q, false
		}
		q.edns, q.size = true, opt.UDPSize()
	}
	q.name, q.qtype, q.id = name, qq.Qtype, req.Id
	if req.RecursionDesired {
		q.flags |= flagRD
	}
	if req.CheckingDisabled {
		q.flags |= flagCD
	}
	return q, true
}

// nameWire writes a fully qualified name of host-name characters in wire
// form, appended to buf.
func nameWire(s string, buf []byte) ([]byte, bool) {
	if len(s) < 2 || len(s) > 254 || s[len(s)-1] != '.' {
		return nil, false
	}
	out := buf
	for rest := s[:len(s)-1]; ; {
		i := 0
		for i < len(rest) && rest[i] != '.' {
			if !hostChar(rest[i]) {
				return nil, false
			}
			i++
		}
		if i == 0 || i > 63 {
			return nil, false
		}
		out = append(append(out, byte(i)), rest[:i]...)
		if i == len(rest) {
			break
		}
		rest = rest[i+1:]
	}
	return append(out, 0), true
}

// key writes the cache key of q over proto into buf: the name in lower
// case, the type, the transport and what of EDNS counts for the reply.
func (q question) key(buf []byte, proto topology.Protocol) []byte {
	for _, c := range q.name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	var size uint16
	if q.edns {
		size = 1
		if proto == topology.ProtocolUDP {
			size = udpLimit(q.size)
		}
	}
	t := byte('u')
	if proto == topology.ProtocolTCP {
		t = 't'
	}
	return append(binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(buf, q.qtype), size), t)
}

// udpLimit is the size a UDP reply is truncated to for an EDNS UDP size.
func udpLimit(size uint16) uint16 {
	return uint16(max(dns.MinMsgSize, min(int(size), ednsSize)))
}

// answer appends to dst the reply to q over proto, and reports whether the
// fast path answers it.
func (f *fastPath) answer(dst []byte, q question, proto topology.Protocol) ([]byte, bool) {
	kp := f.bufs.Get().(*[]byte)
	key := q.key((*kp)[:0], proto)
	f.mu.RLock()
	e := f.entries[string(key)]
	f.mu.RUnlock()
	if e == nil {
		e = f.build(q, proto)
		f.store(key, e)
	}
	*kp = key
	f.bufs.Put(kp)
	if e.plain {
		return dst, false
	}
	n := len(dst)
	dst = append(dst, e.wire...)
	out := dst[n:]
	binary.BigEndian.PutUint16(out, q.id)
	binary.BigEndian.PutUint16(out[2:], binary.BigEndian.Uint16(out[2:])|q.flags)
	for _, at := range e.names {
		copy(out[at:], q.name)
	}
	return dst, true
}

func (f *fastPath) store(key []byte, e *fastEntry) {
	cost := len(key) + len(e.wire) + 2*len(e.names) + 64
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.entries[string(key)] != nil {
		return
	}
	if len(f.entries) >= fastMaxEntries || f.size+cost > fastMaxBytes {
		f.entries, f.size = map[string]*fastEntry{}, 0
	}
	f.entries[string(key)] = e
	f.size += cost
}

// build makes the entry of q's question from the plain path.
func (f *fastPath) build(q question, proto topology.Protocol) *fastEntry {
	lower := bytes.ToLower(q.name)
	upper := bytes.ToUpper(q.name)
	lw, lok := f.plain(lower, q, proto)
	uw, uok := f.plain(upper, q, proto)
	if !lok || !uok || len(lw) != len(uw) || len(lw) > 0xffff {
		return &fastEntry{plain: true}
	}
	var names []uint16
	want := bytes.Clone(lw)
	for s := 0; ; {
		i := bytes.Index(lw[s:], lower)
		if i < 0 {
			break
		}
		at := s + i
		if bytes.Equal(uw[at:at+len(upper)], upper) {
			names = append(names, uint16(at))
			copy(want[at:], upper)
			s = at + len(lower)
		} else {
			s = at + 1
		}
	}
	if len(names) == 0 || names[0] != 12 || !bytes.Equal(want, uw) {
		return &fastEntry{plain: true}
	}
	return &fastEntry{wire: lw, names: names}
}

// plain returns the packed reply of the plain path to q asked with name
// (wire form), ID 0, RD and CD clear, as the server would send it, and
// false when it must not be cached (no reply, or a compressed one).
func (f *fastPath) plain(name []byte, q question, proto topology.Protocol) ([]byte, bool) {
	s, _, err := dns.UnpackDomainName(name, 0)
	if err != nil {
		return nil, false
	}
	req := new(dns.Msg)
	req.Question = []dns.Question{{Name: s, Qtype: q.qtype, Qclass: dns.ClassINET}}
	if q.edns {
		req.SetEdns0(q.size, false)
	}
	m := f.h.respond(req, proto)
	if m == nil || m.Compress {
		return nil, false
	}
	b, err := m.Pack()
	if err != nil {
		return nil, false
	}
	setRA(b)
	return b, true
}

// fastHandler answers from the fast path what it can, and hands the rest to
// next.
type fastHandler struct {
	fast *fastPath
	next dns.Handler
}

func (h fastHandler) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	proto := protocolOf(w)
	bp := h.fast.bufs.Get().(*[]byte)
	defer h.fast.bufs.Put(bp)
	if q, ok := parseMsg(req, (*bp)[:0]); ok {
		// The name is at the start of the buffer; the reply goes after it.
		buf := q.name[len(q.name):len(q.name)]
		if out, ok := h.fast.answer(buf, q, proto); ok {
			// A raw write skips raWriter; the reply has RA already.
			w.Write(out)
			return
		}
	}
	h.next.ServeDNS(w, req)
}

// udpConn is a UDP socket as the server gives it to the library: hidden
// behind net.PacketConn, so that the library reads and writes it with
// ReadFrom and WriteTo rather than with control messages naming the
// address a datagram came to (the server listens on one address, so a reply
// leaves from it anyway), and so that the read loop reads through
// fastReader.ReadPacketConn.
type udpConn struct{ *net.UDPConn }

// fastReader is the UDP server's reader: it reads datagrams in batches
// (recvmmsg on Linux), answers what the fast path can at once, the replies
// in one batch too (sendmmsg), and hands the rest to the library one at a
// time. One server's read loop calls it, one read at a time.
type fastReader struct {
	dns.Reader
	fast *fastPath
	pc   *ipv4.PacketConn
	in   []ipv4.Message // each with a buffer of 512 bytes, the library's UDP size
	out  []ipv4.Message // the replies of a batch
	bufs [][]byte       // their buffers
	// slow are datagrams read for the library, not yet handed to it.
	slow []slowDatagram
	// renewed is when the read deadline was last set.
	renewed time.Time
}

type slowDatagram struct {
	b    []byte
	from net.Addr
}

// udpBatch is how many datagrams one read takes at most.
const udpBatch = 16

func newFastReader(r dns.Reader, fast *fastPath) *fastReader {
	f := &fastReader{Reader: r, fast: fast, in: make([]ipv4.Message, udpBatch), out: make([]ipv4.Message, udpBatch), bufs: make([][]byte, udpBatch)}
	for i := range f.in {
		f.in[i].Buffers = [][]byte{make([]byte, dns.MinMsgSize)}
		f.bufs[i] = make([]byte, 0, 2*dns.MinMsgSize)
		f.out[i].Buffers = make([][]byte, 1)
	}
	return f
}

// errAnswered tells the library's read loop that the message read was
// answered already: a temporary error, on which it reads the next one.
type errAnswered struct{}

func (errAnswered) Error() string   { return "dnsmock: answered by the fast path" }
func (errAnswered) Timeout() bool   { return false }
func (errAnswered) Temporary() bool { return true }

var _ net.Error = errAnswered{}

// ReadPacketConn returns the next datagram for the library, answering
// those the fast path can on the way.
//
// The read deadline (the library's wake-up, so that a shutdown is noticed)
// is moved on only when half of it has passed, not on every read: a
// shutdown sets it in the past, and the read then fails at once unless the
// deadline was just moved, in which case it fails within the timeout.
func (r *fastReader) ReadPacketConn(conn net.PacketConn, timeout time.Duration) ([]byte, net.Addr, error) {
	uc, ok := conn.(udpConn)
	if !ok {
		return r.Reader.(dns.PacketConnReader).ReadPacketConn(conn, timeout)
	}
	if len(r.slow) > 0 {
		d := r.slow[0]
		r.slow = r.slow[1:]
		return d.b, d.from, nil
	}
	if r.pc == nil {
		r.pc = ipv4.NewPacketConn(uc.UDPConn)
	}
	if now := time.Now(); now.Sub(r.renewed) > timeout/2 {
		uc.SetReadDeadline(now.Add(timeout))
		r.renewed = now
	}
	n, err := r.pc.ReadBatch(r.in, 0)
	if err != nil {
		return nil, nil, err
	}
	replies := 0
	for i := range r.in[:n] {
		m := r.in[i].Buffers[0][:r.in[i].N]
		if q, ok := parseRaw(m); ok {
			if out, ok := r.fast.answer(r.bufs[replies][:0], q, topology.ProtocolUDP); ok {
				r.bufs[replies] = out
				r.out[replies].Buffers[0], r.out[replies].Addr = out, r.in[i].Addr
				replies++
				continue
			}
		}
		r.slow = append(r.slow, slowDatagram{bytes.Clone(m), r.in[i].Addr})
	}
	for sent := 0; sent < replies; {
		k, err := r.pc.WriteBatch(r.out[sent:replies], 0)
		sent += k
		if err != nil || k == 0 {
			sent++ // a reply that can't be written is dropped, as the library drops it
		}
	}
	if len(r.slow) > 0 {
		d := r.slow[0]
		r.slow = r.slow[1:]
		return d.b, d.from, nil
	}
	return nil, nil, errAnswered{}
}
