package sim

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// traceText holds the text of one trace's hops and messages. Every string a
// trace writes is appended to one strings.Builder and handed out as a
// substring of its String(): a builder never changes bytes it has written,
// so those substrings stay valid while it grows, and a trace's dozen hop
// details cost one or two allocations instead of a fmt.Sprintf each
// (with its boxed arguments).
type traceText struct {
	b     strings.Builder
	start int
	// small makes the first buffer small: a quiet trace writes at most
	// its message.
	small bool
}

// textChunk is how much a trace's text buffer holds before it starts a new
// one: a full trace with its reply writes one to two kilobytes.
const textChunk = 2048

// begin starts a string.
func (t *traceText) begin() *traceText {
	if t.b.Cap()-t.b.Len() < 128 {
		// Start a new buffer rather than copy the old strings into a
		// bigger one; they keep the old buffer alive.
		n := textChunk
		if t.small && t.b.Cap() == 0 {
			n = 256
		}
		t.b = strings.Builder{}
		t.b.Grow(n)
	}
	t.start = t.b.Len()
	return t
}

// done returns the string written since begin.
func (t *traceText) done() string { return t.b.String()[t.start:] }

func (t *traceText) s(s string) *traceText {
	t.b.WriteString(s)
	return t
}

func (t *traceText) addr(a netip.Addr) *traceText {
	if !a.IsValid() {
		t.b.WriteString("invalid IP")
		return t
	}
	var tmp [64]byte
	t.b.Write(a.AppendTo(tmp[:0]))
	return t
}

func (t *traceText) prefix(p netip.Prefix) *traceText {
	if !p.IsValid() {
		t.b.WriteString("invalid Prefix")
		return t
	}
	var tmp [64]byte
	t.b.Write(p.AppendTo(tmp[:0]))
	return t
}

func (t *traceText) int(n int64) *traceText {
	var tmp [24]byte
	t.b.Write(strconv.AppendInt(tmp[:0], n, 10))
	return t
}

// flow writes f as topology.Flow.String does.
func (t *traceText) flow(f topology.Flow) *traceText {
	t.s(string(f.Protocol)).s(" ").addr(f.Src)
	if f.Protocol.HasPorts() {
		t.s(":").int(int64(f.SrcPort)).s(" -> ").addr(f.Dst).s(":").int(int64(f.DstPort))
		return t
	}
	return t.s(" -> ").addr(f.Dst)
}

// printf writes format with args as fmt.Sprintf would, into the trace's
// buffer (fmt.Fprintf, without a string of its own).
func (t *traceText) printf(format string, args ...any) *traceText {
	fmt.Fprintf(&t.b, format, args...)
	return t
}

// endpoint writes e as Endpoint.String does.
func (t *traceText) endpoint(e *Endpoint) *traceText {
	t.s(e.Text)
	if e.Addr.IsValid() {
		var tmp [64]byte
		if a := e.Addr.AppendTo(tmp[:0]); string(a) != e.Text {
			t.s(" (")
			t.b.Write(a)
			t.s(")")
		}
	}
	return t
}
