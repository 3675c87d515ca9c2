package dnsmock

import (
	"context"
	"net"
	"time"

	"github.com/miekg/dns"
)

// TestLimits are the server's bounds as a test sets them.
type TestLimits struct {
	TCPConns, TCPPerClient int
	Read, Idle, Write      time.Duration
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
	return serve(ctx, addr, h, started, lim)
}

// DefaultTCPLimits returns the server's default TCP bounds.
func DefaultTCPLimits() (conns, perClient int) {
	return defaultLimits.tcpConns, defaultLimits.tcpPerClient
}
