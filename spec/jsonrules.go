package spec

import (
	"bytes"
	"errors"
	"strconv"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// NSG rules are most of a large estate (a million of them in 1,000 VNets
// with 100 rules per NSG), and most of their strings are a few words
// repeated ("Allow", "Tcp", "*", "VirtualNetwork"...). An NSG's
// securityRules list is therefore decoded by decodeRules rather than by
// reflection: member names matched by a switch, repeated strings shared
// through a small table per core, and each list made once at its final
// size instead of grown item by item. It accepts a subset of what
// json.Unmarshal accepts and gives the same value for it (a test holds it
// to json.Unmarshal on generated estates and odd input); anything else is
// an error, and an error sends the whole file the YAML way, which words it.

// errRulesFallback rejects input decodeRules leaves to the YAML way.
var errRulesFallback = errors.New("not in the form decodeRules reads")

// ruleScratch is one core's scratch space: the items of the list being
// read, a list of strings, and the shared strings.
type ruleScratch struct {
	rules []SecurityRule
	strs  []string
	words map[string]string
}

// maxWords bounds the shared strings table; it is emptied when full.
const maxWords = 4096

var rulePool = sync.Pool{New: func() any { return &ruleScratch{words: make(map[string]string, 256)} }}

// jsonRules decodes every []SecurityRule the JSON fast path meets.
var jsonRules = json.UnmarshalFromFunc(decodeRules)

func decodeRules(dec *jsontext.Decoder, v *[]SecurityRule) error {
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadToken()
		*v = nil
		return err
	case '[':
	default:
		return errRulesFallback
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	s := rulePool.Get().(*ruleScratch)
	defer rulePool.Put(s)
	s.rules = s.rules[:0]
	for {
		switch dec.PeekKind() {
		case ']':
			if _, err := dec.ReadToken(); err != nil {
				return err
			}
			out := make([]SecurityRule, len(s.rules))
			copy(out, s.rules)
			clear(s.rules) // keep no strings alive in the pool
			*v = out
			return nil
		case '{':
			s.rules = append(s.rules, SecurityRule{})
			if err := s.decodeRule(dec, &s.rules[len(s.rules)-1]); err != nil {
				clear(s.rules)
				return err
			}
		default:
			clear(s.rules)
			return errRulesFallback
		}
	}
}

// decodeRule decodes one rule object; dec is at its '{'.
func (s *ruleScratch) decodeRule(dec *jsontext.Decoder, r *SecurityRule) error {
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() != '}' {
		// The name as JSON text: a name with escapes matches no case and
		// goes the YAML way. The decoder rejects duplicate names.
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		switch string(name) {
		case `"name"`:
			err = s.str(dec, &r.Name, false)
		case `"description"`:
			err = s.str(dec, &r.Description, false)
		case `"priority"`:
			err = s.int(dec, &r.Priority)
		case `"direction"`:
			err = s.str(dec, &r.Direction, true)
		case `"access"`:
			err = s.str(dec, &r.Access, true)
		case `"protocol"`:
			err = s.str(dec, &r.Protocol, true)
		case `"sourceAddressPrefix"`:
			err = s.str(dec, &r.SourceAddressPrefix, true)
		case `"sourceAddressPrefixes"`:
			err = s.strs1(dec, &r.SourceAddressPrefixes)
		case `"sourcePortRange"`:
			err = s.str(dec, &r.SourcePortRange, true)
		case `"sourcePortRanges"`:
			err = s.strs1(dec, &r.SourcePortRanges)
		case `"destinationAddressPrefix"`:
			err = s.str(dec, &r.DestinationAddressPrefix, true)
		case `"destinationAddressPrefixes"`:
			err = s.strs1(dec, &r.DestinationAddressPrefixes)
		case `"destinationPortRange"`:
			err = s.str(dec, &r.DestinationPortRange, true)
		case `"destinationPortRanges"`:
			err = s.strs1(dec, &r.DestinationPortRanges)
		case `"sourceApplicationSecurityGroups"`:
			err = s.strs1(dec, &r.SourceApplicationSecurityGroups)
		case `"destinationApplicationSecurityGroups"`:
			err = s.strs1(dec, &r.DestinationApplicationSecurityGroups)
		default:
			return errRulesFallback // unknown, escaped or in another case
		}
		if err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}

// str decodes a JSON string (null leaves dst as it is, as json.Unmarshal
// does for a new value); shared strings are looked up in the table.
func (s *ruleScratch) str(dec *jsontext.Decoder, dst *string, shared bool) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case 'n':
		return nil
	case '"':
	default:
		return errRulesFallback
	}
	*dst, err = s.text(v, shared)
	return err
}

// text returns the string a JSON string token holds.
func (s *ruleScratch) text(v jsontext.Value, shared bool) (string, error) {
	raw := v[1 : len(v)-1]
	if bytes.IndexByte(raw, '\\') >= 0 {
		b, err := jsontext.AppendUnquote(nil, v)
		return string(b), err
	}
	if !shared {
		return string(raw), nil
	}
	if w, ok := s.words[string(raw)]; ok {
		return w, nil
	}
	w := string(raw)
	if len(s.words) >= maxWords {
		clear(s.words)
	}
	s.words[w] = w
	return w, nil
}

// int decodes a JSON integer (null leaves dst as it is); a fraction or an
// exponent goes the YAML way.
func (s *ruleScratch) int(dec *jsontext.Decoder, dst *int) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case 'n':
		return nil
	case '0':
	default:
		return errRulesFallback
	}
	n, err := strconv.ParseInt(string(v), 10, strconv.IntSize)
	if err != nil {
		return errRulesFallback
	}
	*dst = int(n)
	return nil
}

// strs1 decodes a JSON array of strings into a slice of its length (null
// leaves dst nil; [] gives an empty slice, as json.Unmarshal does).
func (s *ruleScratch) strs1(dec *jsontext.Decoder, dst *[]string) error {
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadToken()
		return err
	case '[':
	default:
		return errRulesFallback
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	s.strs = s.strs[:0]
	for dec.PeekKind() == '"' {
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		w, err := s.text(v, true)
		if err != nil {
			return err
		}
		s.strs = append(s.strs, w)
	}
	if dec.PeekKind() != ']' {
		return errRulesFallback // null or another kind of item, or broken text
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	*dst = append(make([]string, 0, len(s.strs)), s.strs...)
	clear(s.strs)
	return nil
}
