package spec

import (
	"bytes"
	"io"
	"reflect"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/internal/parallel"
)

// Large scenario files (vnetsim gen writes estates of 100 MB and more) are
// decoded in pieces: each top-level key on its own, and long block
// sequences in runs of items of about chunkBytes, on every core, each piece
// strictly. yaml.v3 builds a whole document's node tree (tens of times the
// text's size) before it decodes it, so pieces cut by bytes, not by item
// count, also bound the memory peak whatever the size of an item. The pieces give the same Scenario as one
// decoding; any error sends the file through the ordinary decoding, whose
// messages name the exact line and key.

// chunkMin is the size from which a file is decoded in pieces (a variable
// so that tests can use small files).
var chunkMin = 4 << 20

// chunkBytes is about how many bytes of sequence items one piece holds (a
// variable so that tests can cut small files).
var chunkBytes = 512 << 10

var topKey = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*):(.*)$`)

// hasAnchors reports whether data may hold a YAML anchor or alias (& or *
// at the start of a token, followed by a name), which pieces can't split.
func hasAnchors(data []byte) bool {
	for _, c := range []byte{'&', '*'} {
		for i := 0; ; {
			j := bytes.IndexByte(data[i:], c)
			if j < 0 {
				break
			}
			k := i + j
			startOK := k == 0 || strings.IndexByte(" \t\n[{,:-", data[k-1]) >= 0
			nameOK := k+1 < len(data) && (data[k+1] == '_' || data[k+1] >= 'a' && data[k+1] <= 'z' || data[k+1] >= 'A' && data[k+1] <= 'Z' || data[k+1] >= '0' && data[k+1] <= '9')
			if startOK && nameOK {
				return true
			}
			i = k + 1
		}
	}
	return false
}

// piece is a part of the file to decode: the text of one top-level key (or
// some items of it), and the line its first line is on.
type piece struct {
	key   string
	text  []byte
	index int
}

// decodeChunked decodes data in pieces when it is large and in plain block
// style; ok is false when it can't or any piece fails.
func decodeChunked(data []byte) (*Scenario, bool) {
	if len(data) < chunkMin || hasAnchors(data) || bytes.Contains(data, []byte("\n---")) || bytes.HasPrefix(data, []byte("---")) {
		return nil, false
	}
	pieces, ok := splitPieces(data)
	if !ok {
		return nil, false
	}
	results := make([]*Scenario, len(pieces))
	parallel.ForEach(len(pieces), func(i int) {
		var sc Scenario
		dec := yaml.NewDecoder(bytes.NewReader(pieces[i].text))
		dec.KnownFields(true)
		if err := dec.Decode(&sc); err == nil || err == io.EOF {
			results[i] = &sc
		}
	})
	failed := false
	for _, r := range results {
		failed = failed || r == nil
	}
	if failed {
		return nil, false
	}
	// Put the pieces together: scalars from their piece, lists appended in
	// file order.
	out := &Scenario{}
	ov := reflect.ValueOf(out).Elem()
	for i, p := range pieces {
		rv := reflect.ValueOf(results[i]).Elem()
		f := fieldByTag(ov.Type(), p.key)
		if f < 0 {
			return nil, false
		}
		src, dst := rv.Field(f), ov.Field(f)
		if src.Kind() == reflect.Slice && p.index >= 0 {
			dst.Set(reflect.AppendSlice(dst, src))
		} else {
			dst.Set(src)
		}
	}
	return out, true
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
// under a key into pieces of chunkItems items. Whole sections, and pieces of
// expectations, are prefixed with newlines so that their lines keep their
// numbers; other lines matter only for errors, which the ordinary decoding
// reports.
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
		m := topKey.FindSubmatch(bytes.TrimRight(l, "\r\n"))
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
	prefix := func(n int) []byte { return bytes.Repeat([]byte("\n"), n) }
	for _, s := range secs {
		head := bytes.TrimRight(lines[s.start], "\r\n")
		rest := strings.TrimSpace(string(topKey.FindSubmatch(head)[2]))
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
			text := append(prefix(s.start), bytes.Join(lines[s.start:s.end], nil)...)
			out = append(out, piece{key: s.key, text: text, index: -1})
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
			if s.key == "expectations" {
				b.Write(prefix(from - 1)) // expectations record their lines
			}
			b.WriteString(s.key + ":\n")
			b.Write(bytes.Join(lines[from:to], nil))
			out = append(out, piece{key: s.key, text: b.Bytes(), index: c})
			c = n
		}
	}
	return out, true
}
