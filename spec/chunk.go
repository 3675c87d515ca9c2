package spec

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/internal/parallel"
)

// Large scenario files (vnetsim gen writes estates of 100 MB and more) are
// decoded in pieces: each top-level key on its own, and long block
// sequences in runs of items of about chunkBytes, on every core, each piece
// strictly. yaml.v3 builds a whole document's node tree (tens of times the
// text's size) before it decodes it, so pieces cut by bytes, not by item
// count, also bound the memory peak whatever the size of an item. The pieces
// give the same Scenario as one decoding; the errors of a failing piece are
// located in the file from that piece alone, so that an error costs no more
// than the valid file.

// chunkMin is the size from which a file is decoded in pieces (a variable
// so that tests can use small files).
var chunkMin = 4 << 20

// chunkBytes is about how many bytes of sequence items one piece holds (a
// variable so that tests can cut small files).
var chunkBytes = 512 << 10

var topKey = lazyRegexp(`^([A-Za-z_][A-Za-z0-9_]*):(.*)$`) // large files only

// hasAnchors reports whether data may hold a YAML anchor or alias (& or *
// at the start of a token, followed by a name), which pieces can't split
// and which must pass the alias guard.
func hasAnchors(data []byte) bool {
	for _, c := range []byte{'&', '*'} {
		for i := 0; ; {
			j := bytes.IndexByte(data[i:], c)
			if j < 0 {
				break
			}
			k := i + j
			startOK := k == 0 || strings.IndexByte(" \t\n[{,:-", data[k-1]) >= 0
			// YAML anchor names are any characters but blanks and flow indicators.
			nameOK := k+1 < len(data) && strings.IndexByte(" \t\r\n,[]{}", data[k+1]) < 0
			if startOK && nameOK {
				return true
			}
			i = k + 1
		}
	}
	return false
}

// piece is a part of the file to decode: the text of one top-level key (or
// some items of it), the index of its first item (-1 for a whole key), the
// file line its text starts on, and what to add to a line of its text to
// get the file's line.
type piece struct {
	key     string
	text    []byte
	index   int
	first   int
	lineOff int
}

// decodeChunked decodes data in pieces when it is large and in plain block
// style; ok is false when it can't. When pieces fail, errs holds their
// problems, located in the file, at the cost of parsing the failing pieces
// again, not the whole file.
func decodeChunked(name string, data []byte) (sc *Scenario, pos *positions, errs ErrorList, ok bool) {
	if len(data) < chunkMin || hasAnchors(data) || bytes.Contains(data, []byte("\n---")) || bytes.HasPrefix(data, []byte("---")) {
		return nil, nil, nil, false
	}
	pieces, ok := splitPieces(data)
	if !ok {
		return nil, nil, nil, false
	}
	pos = &positions{}
	for _, pc := range pieces {
		text := pc.text
		var once sync.Once
		var tree *yaml.Node
		pos.parts = append(pos.parts, &part{key: pc.key, index: pc.index, first: pc.first, lineOff: pc.lineOff, tree: func() *yaml.Node {
			once.Do(func() {
				var doc yaml.Node
				if yaml.Unmarshal(text, &doc) == nil && len(doc.Content) > 0 {
					tree = doc.Content[0]
				}
			})
			return tree
		}})
	}
	results := make([]*Scenario, len(pieces))
	fails := make([]error, len(pieces))
	parallel.ForEach(len(pieces), func(i int) {
		var sc Scenario
		dec := yaml.NewDecoder(bytes.NewReader(pieces[i].text))
		dec.KnownFields(true)
		if err := dec.Decode(&sc); err == nil || err == io.EOF {
			results[i] = &sc
		} else {
			fails[i] = err
		}
	})
	for i, err := range fails {
		if err == nil {
			continue
		}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			errs = append(errs, yamlErrors(name, pos, err, pieces[i].lineOff)...)
			continue
		}
		// A syntax error: located within the piece.
		for _, e := range syntaxError(name, pieces[i].text, err) {
			if e.Line > 0 {
				e.Line += pieces[i].lineOff
			}
			errs = append(errs, e)
		}
		break // what follows a syntax error is not worth reporting
	}
	if len(errs) > 0 {
		return nil, nil, errs, true
	}
	// Put the pieces together: scalars from their piece, lists appended in
	// file order.
	out := &Scenario{}
	ov := reflect.ValueOf(out).Elem()
	for i, p := range pieces {
		for k := range results[i].Expectations {
			results[i].Expectations[k].line += p.lineOff
		}
		rv := reflect.ValueOf(results[i]).Elem()
		f := fieldByTag(ov.Type(), p.key)
		if f < 0 {
			return nil, nil, nil, false
		}
		src, dst := rv.Field(f), ov.Field(f)
		if src.Kind() == reflect.Slice && p.index >= 0 {
			dst.Set(reflect.AppendSlice(dst, src))
		} else {
			dst.Set(src)
		}
	}
	return out, pos, nil, true
}

func fieldByTag(t reflect.Type, key string) int {
	for i := 0; i < t.NumField(); i++ {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k == key {
			return i
		}
	}
	return -1
}

// splitPieces cuts the file at its top-level keys, and a block sequence
// under a key into pieces of about chunkBytes, each piece with its offset
// into the file's lines.
func splitPieces(data []byte) ([]piece, bool) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	type section struct {
		key        string
		start, end int // line indexes [start, end)
	}
	var secs []section
	seen := map[string]bool{}
	for i, l := range lines {
		if len(l) > 0 && l[0] == '-' && len(secs) == 0 {
			return nil, false // a sequence before any key
		}
		if len(l) == 0 || l[0] == ' ' || l[0] == '\t' || l[0] == '#' || l[0] == '\n' || l[0] == '\r' || l[0] == '-' {
			continue
		}
		m := topKey().FindSubmatch(bytes.TrimRight(l, "\r\n"))
		if m == nil {
			return nil, false // something other than plain top-level keys
		}
		if seen[string(m[1])] {
			return nil, false // a key written twice: the ordinary decoding says so
		}
		seen[string(m[1])] = true
		if len(secs) > 0 {
			secs[len(secs)-1].end = i
		}
		secs = append(secs, section{key: string(m[1]), start: i})
	}
	if len(secs) == 0 {
		return nil, false
	}
	secs[len(secs)-1].end = len(lines)
	var out []piece
	for _, s := range secs {
		head := bytes.TrimRight(lines[s.start], "\r\n")
		rest := strings.TrimSpace(string(topKey().FindSubmatch(head)[2]))
		// Find the sequence item marker: the first content line's indentation.
		marker := []byte(nil)
		if rest == "" {
			for j := s.start + 1; j < s.end; j++ {
				t := bytes.TrimLeft(lines[j], " ")
				if len(t) == 0 || t[0] == '\n' || t[0] == '#' {
					continue
				}
				if bytes.HasPrefix(t, []byte("- ")) || bytes.Equal(bytes.TrimRight(t, "\r\n"), []byte("-")) {
					marker = lines[j][:len(lines[j])-len(t)+1]
				}
				break
			}
		}
		size := 0
		for j := s.start; j < s.end; j++ {
			size += len(lines[j])
		}
		if marker == nil || size < chunkBytes {
			text := bytes.Join(lines[s.start:s.end], nil)
			out = append(out, piece{key: s.key, text: text, index: -1, first: s.start + 1, lineOff: s.start})
			continue
		}
		// Cut the sequence at item starts.
		var starts []int
		for j := s.start + 1; j < s.end; j++ {
			if bytes.HasPrefix(lines[j], marker) && (len(lines[j]) == len(marker) || lines[j][len(marker)] == ' ' || lines[j][len(marker)] == '\n') {
				starts = append(starts, j)
			}
		}
		if len(starts) == 0 {
			return nil, false
		}
		for c := 0; c < len(starts); {
			from := starts[c]
			if c == 0 {
				from = s.start + 1 // the key's own line starts the first piece
			}
			// Take items until the piece holds chunkBytes.
			n, size := c+1, 0
			for ; n < len(starts); n++ {
				for j := starts[n-1]; j < starts[n]; j++ {
					size += len(lines[j])
				}
				if size >= chunkBytes {
					break
				}
			}
			to := s.end
			if n < len(starts) {
				to = starts[n]
			}
			var b bytes.Buffer
			b.WriteString(s.key + ":\n")
			b.Write(bytes.Join(lines[from:to], nil))
			// The piece's line 2 is the file's line from+1.
			first := from + 1
			if c == 0 {
				first = from // the key's line
			}
			out = append(out, piece{key: s.key, text: b.Bytes(), index: c, first: first, lineOff: from - 1})
			c = n
		}
	}
	return out, true
}
