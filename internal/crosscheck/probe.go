package crosscheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"

	"github.com/vnetsim/vnetsim/topology"
)

// A probe is two request/response rounds, so a stateful appliance that saw
// only one direction of the first round drops the second. A flow is
// delivered when both responses come back before probeTimeout.
const probeTimeout = 1500 * time.Millisecond

// Probe is one flow to send as real packets.
type Probe struct {
	SrcNS, DstNS string
	Src, Dst     netip.Addr
	Protocol     topology.Protocol
	SrcPort      uint16
	DstPort      uint16
	ICMPID       uint16
}

func reuse(network, address string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	})
	if err != nil {
		return err
	}
	return serr
}

// listeners echoes TCP and UDP on the ports the flows use, in their
// destination namespaces, until Close.
type listeners struct {
	closers []io.Closer
	wg      sync.WaitGroup
}

type listenKey struct {
	ns    string
	addr  netip.Addr // UDP answers from the address it was asked on only when bound to it
	proto topology.Protocol
	port  uint16
}

func startListeners(keys map[listenKey]bool) (*listeners, error) {
	l := &listeners{}
	lc := net.ListenConfig{Control: reuse}
	for k := range keys {
		err := inNS(k.ns, func() error {
			addr := netip.AddrPortFrom(k.addr, k.port).String()
			if k.proto == topology.ProtocolTCP {
				ln, err := lc.Listen(context.Background(), "tcp4", addr)
				if err != nil {
					return err
				}
				l.closers = append(l.closers, ln)
				l.wg.Add(1)
				go l.serveTCP(ln)
				return nil
			}
			pc, err := lc.ListenPacket(context.Background(), "udp4", addr)
			if err != nil {
				return err
			}
			l.closers = append(l.closers, pc)
			l.wg.Add(1)
			go l.serveUDP(pc)
			return nil
		})
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("listening on %s %s:%d: %v", k.ns, k.proto, k.port, err)
		}
	}
	return l, nil
}

func (l *listeners) serveTCP(ln net.Listener) {
	defer l.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			c.SetDeadline(time.Now().Add(2 * probeTimeout))
			buf := make([]byte, 16)
			for i := 0; i < 2; i++ {
				n, err := c.Read(buf)
				if err != nil {
					return
				}
				if _, err := c.Write(buf[:n]); err != nil {
					return
				}
			}
		}()
	}
}

func (l *listeners) serveUDP(pc net.PacketConn) {
	defer l.wg.Done()
	buf := make([]byte, 64)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		pc.WriteTo(buf[:n], from)
	}
}

func (l *listeners) Close() {
	for _, c := range l.closers {
		c.Close()
	}
	l.wg.Wait()
}

// Send sends the probe and reports whether both rounds came back.
func (p Probe) Send() (bool, error) {
	var ok bool
	err := inNS(p.SrcNS, func() error {
		var err error
		switch p.Protocol {
		case topology.ProtocolTCP:
			ok, err = p.tcp()
		case topology.ProtocolUDP:
			ok, err = p.udp()
		case topology.ProtocolICMP:
			ok, err = p.icmp()
		default:
			err = fmt.Errorf("can't probe %s", p.Protocol)
		}
		return err
	})
	return ok, err
}

// lost reports whether err means the packets did not come back, rather than
// that the probe itself failed.
func lost(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, syscall.EPERM)
}

func (p Probe) tcp() (bool, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: p.Src.AsSlice(), Port: int(p.SrcPort)}, Timeout: probeTimeout, Control: reuse}
	c, err := d.Dial("tcp4", netip.AddrPortFrom(p.Dst, p.DstPort).String())
	if err != nil {
		if lost(err) {
			return false, nil
		}
		return false, err
	}
	defer c.Close()
	c.(*net.TCPConn).SetLinger(0)
	c.SetDeadline(time.Now().Add(probeTimeout))
	buf := make([]byte, 1)
	for _, b := range []byte("ab") {
		if _, err := c.Write([]byte{b}); err != nil {
			return false, nil
		}
		if _, err := io.ReadFull(c, buf); err != nil || buf[0] != b {
			return false, nil
		}
	}
	return true, nil
}

func (p Probe) udp() (bool, error) {
	c, err := net.DialUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(p.Src, p.SrcPort)), net.UDPAddrFromAddrPort(netip.AddrPortFrom(p.Dst, p.DstPort)))
	if err != nil {
		if lost(err) {
			return false, nil
		}
		return false, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(probeTimeout))
	buf := make([]byte, 16)
	for _, b := range []byte("ab") {
		if _, err := c.Write([]byte{b}); err != nil {
			if lost(err) {
				return false, nil
			}
			return false, err
		}
		n, err := c.Read(buf)
		if err != nil || n != 1 || buf[0] != b {
			return false, nil
		}
	}
	return true, nil
}

func (p Probe) icmp() (bool, error) {
	c, err := icmp.ListenPacket("ip4:icmp", p.Src.String())
	if err != nil {
		return false, err
	}
	defer c.Close()
	deadline := time.Now().Add(probeTimeout)
	c.SetDeadline(deadline)
	buf := make([]byte, 1500)
	for seq := 1; seq <= 2; seq++ {
		m := icmp.Message{Type: ipv4.ICMPTypeEcho, Body: &icmp.Echo{ID: int(p.ICMPID), Seq: seq, Data: []byte("vnetsim")}}
		b, _ := m.Marshal(nil)
		if _, err := c.WriteTo(b, &net.IPAddr{IP: p.Dst.AsSlice()}); err != nil {
			if lost(err) {
				return false, nil
			}
			return false, err
		}
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				return false, nil
			}
			if a, ok := from.(*net.IPAddr); !ok || !a.IP.Equal(p.Dst.AsSlice()) {
				continue
			}
			r, err := icmp.ParseMessage(1, buf[:n])
			if err != nil || r.Type != ipv4.ICMPTypeEchoReply {
				continue
			}
			if e, ok := r.Body.(*icmp.Echo); ok && e.ID == int(p.ICMPID) && e.Seq == seq {
				break
			}
		}
	}
	return true, nil
}
