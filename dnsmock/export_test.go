package dnsmock

import (
	"context"
	"net"
	"time"

	"github.com/miekg/dns"

	"github.com/vnetsim/vnetsim/topology"
)

// TestLimits are the server's bounds as a test sets them.
type TestLimits struct {
	TCPConns, TCPPerClient int
	Read, Idle, Write      time.Duration
	// Plain turns the fast path off: every query goes through
	// Handler.ServeDNS, as before the fast path existed.
	Plain bool
	// UDPSockets is how many UDP sockets share the port (0: the default).
	UDPSockets int
}

// ServeWithLimits is Serve with the given TCP bounds and timeouts (zero
// fields keep the defaults).
func ServeWithLimits(ctx context.Context, addr string, h dns.Handler, started func(net.Addr), t TestLimits) error {
	lim := defaultLimits
	if t.TCPConns > 0 {
		lim.tcpConns = t.TCPConns
	}
	if t.TCPPerClient > 0 {
		lim.tcpPerClient = t.TCPPerClient
	}
	if t.Read > 0 {
		lim.read = t.Read
	}
	if t.Idle > 0 {
		lim.idle = t.Idle
	}
	if t.Write > 0 {
		lim.write = t.Write
	}
	lim.plain = t.Plain
	if t.UDPSockets > 0 {
		lim.udpSockets = t.UDPSockets
	}
	return serve(ctx, addr, h, started, lim)
}

// DefaultTCPLimits returns the server's default TCP bounds.
func DefaultTCPLimits() (conns, perClient int) {
	return defaultLimits.tcpConns, defaultLimits.tcpPerClient
}

// PlainReply returns what the server sends for req over proto without the
// fast path: Handler.ServeDNS's message, packed, with RA set as the
// server's writer sets it; nil when nothing is sent.
func PlainReply(h *Handler, req *dns.Msg, proto topology.Protocol) []byte {
	m := h.respond(req, proto)
	if m == nil {
		return nil
	}
	b, err := m.Pack()
	if err != nil {
		panic(err)
	}
	setRA(b)
	return b
}
