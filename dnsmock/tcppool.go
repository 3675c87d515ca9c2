package dnsmock

import (
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// connPool is the TCP listener of the server: it bounds the open
// connections in all and per client address. miekg/dns gives the timeouts
// and the read loop; what it lacks is a bound on connections, so a slow or
// idle client could keep every slot. When a new connection would exceed a
// bound, the pool closes the connection of that bound that has waited
// longest for its next query (RFC 7766 section 6.2.3: a server reclaiming
// resources starts with the connection idle longest); when every connection
// of the bound is answering a query, the new one is closed instead.
type connPool struct {
	net.Listener
	lim   limits
	mu    sync.Mutex
	conns map[*poolConn]struct{}
	per   map[netip.Addr]int
}

func newConnPool(ln net.Listener, lim limits) *connPool {
	return &connPool{Listener: ln, lim: lim, conns: map[*poolConn]struct{}{}, per: map[netip.Addr]int{}}
}

// Accept returns the next connection within the bounds.
func (p *connPool) Accept() (net.Conn, error) {
	for {
		c, err := p.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if pc := p.admit(c); pc != nil {
			return pc, nil
		}
		c.Close()
	}
}

// admit counts c in, closing an idle connection to make room if a bound is
// reached; nil means no room could be made.
func (p *connPool) admit(c net.Conn) *poolConn {
	client := remoteAddr(c)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.per[client] >= p.lim.tcpPerClient {
		if !p.evict(func(o *poolConn) bool { return o.client == client }) {
			return nil
		}
	}
	if len(p.conns) >= p.lim.tcpConns {
		if !p.evict(func(*poolConn) bool { return true }) {
			return nil
		}
	}
	pc := &poolConn{Conn: c, pool: p, client: client, waitingSince: time.Now(), write: p.lim.write}
	p.conns[pc] = struct{}{}
	p.per[client]++
	return pc
}

// evict closes the connection among those that match which has waited
// longest for a query, and reports whether there was one. It runs with p.mu
// held.
func (p *connPool) evict(match func(*poolConn) bool) bool {
	var victim *poolConn
	var victimSince time.Time // read under the victim's lock, by waiting
	for c := range p.conns {
		if !match(c) {
			continue
		}
		if since, ok := c.waiting(); ok && (victim == nil || since.Before(victimSince)) {
			victim, victimSince = c, since
		}
	}
	if victim == nil {
		return false
	}
	p.forget(victim)
	victim.evict()
	return true
}

// forget removes c from the counts; it runs with p.mu held.
func (p *connPool) forget(c *poolConn) {
	if _, ok := p.conns[c]; !ok {
		return
	}
	delete(p.conns, c)
	if p.per[c.client]--; p.per[c.client] <= 0 {
		delete(p.per, c.client)
	}
}

func (p *connPool) release(c *poolConn) {
	p.mu.Lock()
	p.forget(c)
	p.mu.Unlock()
}

func remoteAddr(c net.Conn) netip.Addr {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		if ip, ok := netip.AddrFromSlice(a.IP); ok {
			return ip.Unmap()
		}
	}
	return netip.Addr{}
}

// reader is the server's DecorateReader: it marks a connection as waiting
// for a query while the library reads one, and as answering once a query
// is read, so that only waiting connections are evicted.
func (p *connPool) reader(r dns.Reader) dns.Reader { return poolReader{Reader: r} }

type poolReader struct{ dns.Reader }

var errEvicted = errors.New("connection closed to make room for a new one")

func (r poolReader) ReadTCP(conn net.Conn, timeout time.Duration) ([]byte, error) {
	pc, ok := conn.(*poolConn)
	if !ok {
		return r.Reader.ReadTCP(conn, timeout)
	}
	if !pc.startWaiting() {
		return nil, errEvicted
	}
	m, err := r.Reader.ReadTCP(conn, timeout)
	pc.stopWaiting()
	return m, err
}

// poolConn is one admitted connection.
type poolConn struct {
	net.Conn
	pool   *connPool
	client netip.Addr
	write  time.Duration

	mu           sync.Mutex
	answering    bool      // a query was read and is being answered
	waitingSince time.Time // when it started waiting for its next query
	evicted      bool
	once         sync.Once
}

func (c *poolConn) waiting() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waitingSince, !c.answering && !c.evicted
}

func (c *poolConn) startWaiting() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answering = false
	c.waitingSince = time.Now()
	return !c.evicted
}

func (c *poolConn) stopWaiting() {
	c.mu.Lock()
	c.answering = true
	c.mu.Unlock()
}

// evict ends the connection's wait for a query: the read in progress fails
// and the library closes the connection. A query the library has already
// read is still answered, since only reads are cut.
func (c *poolConn) evict() {
	c.mu.Lock()
	c.evicted = true
	c.mu.Unlock()
	c.Conn.SetReadDeadline(aLongTimeAgo)
}

var aLongTimeAgo = time.Unix(1, 0)

// SetReadDeadline keeps an evicted connection's deadline in the past: the
// library sets a fresh one before each read.
func (c *poolConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.evicted {
		t = aLongTimeAgo
	}
	return c.Conn.SetReadDeadline(t)
}

// Write bounds each reply's write: miekg/dns v1.1 keeps WriteTimeout but
// never sets a write deadline, so a client that never reads would hold its
// connection (and an in-flight slot) for ever. A failed write closes the
// connection, since the library goes on reading after it and the stream
// may hold part of a reply.
func (c *poolConn) Write(b []byte) (int, error) {
	c.Conn.SetWriteDeadline(time.Now().Add(c.write))
	n, err := c.Conn.Write(b)
	if err != nil {
		c.Close()
	}
	return n, err
}

func (c *poolConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.pool.release(c) })
	return err
}
