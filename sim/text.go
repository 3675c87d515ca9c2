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

// printf writes format with args as fmt.Sprintf would. The verbs the trace
// uses, %s, %d and %v, of the types it passes them, are written here; any
// other verb or type goes to fmt, so the text is always fmt's.
func (t *traceText) printf(format string, args ...any) *traceText {
	n := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		if i+1 >= len(format) {
			return t.fmt(format, args)
		}
		switch format[i+1] {
		case 's', 'd', 'v':
			n++
			i++
		case '%':
			i++
		default:
			return t.fmt(format, args)
		}
	}
	if n != len(args) {
		return t.fmt(format, args)
	}
	k := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			j := strings.IndexByte(format[i:], '%')
			if j < 0 {
				t.b.WriteString(format[i:])
				break
			}
			t.b.WriteString(format[i : i+j])
			i += j - 1
			continue
		}
		i++
		verb := format[i]
		if verb == '%' {
			t.b.WriteByte('%')
			continue
		}
		t.arg(verb, args[k])
		k++
	}
	return t
}

// arg writes one argument of printf.
func (t *traceText) arg(verb byte, a any) {
	if verb == 'd' {
		switch v := a.(type) {
		case int:
			t.int(int64(v))
		case uint16:
			t.int(int64(v))
		case int64:
			t.int(v)
		case uint8:
			t.int(int64(v))
		case uint32:
			t.int(int64(v))
		case int32:
			t.int(int64(v))
		default:
			t.b.WriteString(fmt.Sprintf("%d", a))
		}
		return
	}
	// %s and %v print these types alike.
	switch v := a.(type) {
	case string:
		t.b.WriteString(v)
	case netip.Addr:
		t.addr(v)
	case netip.Prefix:
		t.prefix(v)
	case topology.Flow:
		t.flow(v)
	case topology.Protocol:
		t.b.WriteString(string(v))
	case topology.NICKind:
		t.b.WriteString(string(v))
	case EndpointKind:
		t.b.WriteString(string(v))
	default:
		t.b.WriteString(fmt.Sprintf("%"+string(verb), a))
	}
}

// fmt writes format with args through fmt.
func (t *traceText) fmt(format string, args []any) *traceText {
	t.b.WriteString(fmt.Sprintf(format, args...))
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
