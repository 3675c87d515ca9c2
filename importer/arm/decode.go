package arm

import (
	"bytes"
	"encoding/json"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// Decode parses JSON into the generic values of encoding/json with
// UseNumber: map[string]any, []any, string, json.Number, bool and nil.
//
// The tokens are read with jsontext (the Go team's JSON v2 tokenizer, which
// scans an input once where encoding/json's generic decoding scans it about
// twice and allocates more); the items of a large list of resources (a
// top-level array, or {"data": [...]} or {"value": [...]}) are built on every
// core. The values are those encoding/json gives: duplicate names keep the
// last value, invalid UTF-8 becomes U+FFFD, and a value after the first is
// ignored. On any error the input is decoded again with encoding/json, which
// words the error as before.
func Decode(data []byte) (any, error) {
	if v, err := decodeFast(data); err == nil {
		return v, nil
	}
	return decodeStd(data)
}

func decodeStd(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// parallelSize is the input size from which a top-level list's items are
// built on every core.
const parallelSize = 1 << 20

func decodeFast(data []byte) (any, error) {
	b := newBuilder(data)
	if len(data) < parallelSize || runtime.GOMAXPROCS(0) < 2 {
		return b.value()
	}
	// a list at the top, or under "data" or "value" of the top object
	switch b.d.PeekKind() {
	case '[':
		return b.items()
	case '{':
		if _, err := b.d.ReadToken(); err != nil {
			return nil, err
		}
		m := map[string]any{}
		for b.d.PeekKind() != '}' {
			raw, err := b.d.ReadValue()
			if err != nil {
				return nil, err
			}
			k := b.name(raw)
			var v any
			if (k == "data" || k == "value") && b.d.PeekKind() == '[' {
				v, err = b.items()
			} else {
				v, err = b.value()
			}
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		_, err := b.d.ReadToken()
		return m, err
	}
	return b.value()
}

// items reads an array whose items are built on every core: while this
// goroutine finds where each item ends, batches of the items found so far
// are built by the others.
func (b *builder) items() (any, error) {
	if _, err := b.d.ReadToken(); err != nil {
		return nil, err
	}
	type batch struct {
		spans [][]byte
		vals  []any
		err   error
	}
	const size = 64
	var batches []*batch
	work := make(chan *batch, 64)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ib *builder
			for bt := range work {
				bt.vals = make([]any, len(bt.spans))
				for i, span := range bt.spans {
					if ib == nil {
						ib = newBuilder(span)
					} else {
						ib.reset(span) // its names and scratch kept
					}
					if bt.vals[i], bt.err = ib.value(); bt.err != nil {
						break
					}
				}
			}
		}()
	}
	err := func() error {
		defer close(work)
		cur := &batch{}
		for b.d.PeekKind() != ']' {
			start := b.d.InputOffset()
			if err := b.d.SkipValue(); err != nil {
				return err
			}
			cur.spans = append(cur.spans, bytes.TrimLeft(b.data[start:b.d.InputOffset()], " \t\r\n,"))
			if len(cur.spans) == size {
				batches = append(batches, cur)
				work <- cur
				cur = &batch{}
			}
		}
		if len(cur.spans) > 0 {
			batches = append(batches, cur)
			work <- cur
		}
		_, err := b.d.ReadToken()
		return err
	}()
	wg.Wait()
	if err != nil {
		return nil, err
	}
	n := 0
	for _, bt := range batches {
		if bt.err != nil {
			return nil, bt.err
		}
		n += len(bt.vals)
	}
	vals := make([]any, 0, n)
	for _, bt := range batches {
		vals = append(vals, bt.vals...)
	}
	return vals, nil
}

// builder makes the generic values of one input.
type builder struct {
	data  []byte
	d     *jsontext.Decoder
	names map[string]string // object names seen, so that each is held once
	// members and items read so far, of the objects and arrays being read:
	// each is made at its final size once read
	keys []string
	vals []any
}

// decodeOptions make jsontext read what encoding/json reads.
var decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// newBuilder reads data in place (a bytes.Buffer is read without a copy).
func newBuilder(data []byte) *builder {
	return &builder{data: data, names: map[string]string{}, d: jsontext.NewDecoder(bytes.NewBuffer(data), decodeOptions...)}
}

func (b *builder) reset(data []byte) {
	b.data = data
	b.d.Reset(bytes.NewBuffer(data), decodeOptions...)
}

func (b *builder) value() (any, error) {
	switch b.d.PeekKind() {
	case '{':
		if _, err := b.d.ReadToken(); err != nil {
			return nil, err
		}
		base := len(b.keys)
		for b.d.PeekKind() != '}' {
			raw, err := b.d.ReadValue()
			if err != nil {
				return nil, err
			}
			k := b.name(raw)
			v, err := b.value()
			if err != nil {
				return nil, err
			}
			b.keys, b.vals = append(b.keys, k), append(b.vals, v)
		}
		m := make(map[string]any, len(b.keys)-base)
		for i := base; i < len(b.keys); i++ {
			m[b.keys[i]] = b.vals[i] // a later duplicate name wins, as in encoding/json
			b.vals[i] = nil
		}
		b.keys, b.vals = b.keys[:base], b.vals[:base]
		_, err := b.d.ReadToken()
		return m, err
	case '[':
		if _, err := b.d.ReadToken(); err != nil {
			return nil, err
		}
		base := len(b.vals)
		for b.d.PeekKind() != ']' {
			v, err := b.value()
			if err != nil {
				return nil, err
			}
			b.keys, b.vals = append(b.keys, ""), append(b.vals, v)
		}
		a := make([]any, len(b.vals)-base)
		copy(a, b.vals[base:])
		clear(b.vals[base:])
		b.keys, b.vals = b.keys[:base], b.vals[:base]
		_, err := b.d.ReadToken()
		return a, err
	}
	raw, err := b.d.ReadValue()
	if err != nil {
		return nil, err
	}
	switch raw.Kind() {
	case '"':
		return str(raw), nil
	case '0':
		return json.Number(string(raw)), nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	}
	return nil, nil
}

// str unquotes a JSON string; one with escapes or invalid UTF-8 is left to
// encoding/json, so that it reads as before.
func str(raw []byte) string {
	in := raw[1 : len(raw)-1]
	if bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
		return string(in)
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// name unquotes an object name, holding each distinct name once.
func (b *builder) name(raw []byte) string {
	in := raw[1 : len(raw)-1]
	if bytes.IndexByte(in, '\\') >= 0 {
		return str(raw) // not held: its spelling in the input is not its name
	}
	if s, ok := b.names[string(in)]; ok {
		return s
	}
	s := str(raw)
	if len(b.names) < 1<<12 {
		b.names[s] = s
	}
	return s
}
