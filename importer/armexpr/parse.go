// Package armexpr evaluates ARM templates: the expression language
// ("[concat(parameters('a'), '-x')]"), parameters with defaults and a
// parameters file, variables, copy loops (resource, property and variable
// level), conditions, child resources and nested inline deployments (inner
// and outer scope, with their outputs). Its result is the list of resources
// the template would deploy, with their IDs, as plain JSON values.
//
// It never reaches Azure: resourceGroup(), subscription() and
// environment() give fixed stand-ins (the Azure public cloud), uniqueString
// and guid are deterministic stand-ins, and reference() is answered only from
// the template itself (a resource's declared properties, a nested
// deployment's outputs). What it cannot evaluate is reported with the file,
// the JSON path and the expression, never guessed.
package armexpr

import (
	"fmt"
	"strconv"
	"strings"
)

// expr is a parsed expression.
type expr interface{}

type (
	lit  struct{ v any } // a string, number, bool or null literal
	call struct {        // f(args...)
		name string
		args []expr
	}
	member struct { // x.name
		x    expr
		name string
	}
	index struct { // x[i]
		x, i expr
	}
)

// IsExpression reports whether a JSON string is a template expression
// ("[...]", but not the "[[" escape).
func IsExpression(s string) bool {
	return len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' && !strings.HasPrefix(s, "[[")
}

// Unescape removes the "[[" escape of a literal string that starts with "[".
func Unescape(s string) string {
	if strings.HasPrefix(s, "[[") {
		return s[1:]
	}
	return s
}

type parser struct {
	s   string
	pos int
}

// Parse parses the inside of "[...]".
func Parse(s string) (expr, error) {
	p := &parser{s: s}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.s) {
		return nil, fmt.Errorf("unexpected %q at %d", p.s[p.pos:], p.pos)
	}
	return e, nil
}

func (p *parser) space() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t' || p.s[p.pos] == '\n' || p.s[p.pos] == '\r') {
		p.pos++
	}
}

func (p *parser) expr() (expr, error) {
	p.space()
	if p.pos >= len(p.s) {
		return nil, fmt.Errorf("unexpected end")
	}
	var e expr
	c := p.s[p.pos]
	switch {
	case c == '\'':
		p.pos++
		var b strings.Builder
		for {
			if p.pos >= len(p.s) {
				return nil, fmt.Errorf("unterminated string")
			}
			if p.s[p.pos] == '\'' {
				if p.pos+1 < len(p.s) && p.s[p.pos+1] == '\'' {
					b.WriteByte('\'')
					p.pos += 2
					continue
				}
				p.pos++
				break
			}
			b.WriteByte(p.s[p.pos])
			p.pos++
		}
		e = lit{b.String()}
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.pos
		p.pos++
		for p.pos < len(p.s) && (p.s[p.pos] >= '0' && p.s[p.pos] <= '9' || p.s[p.pos] == '.') {
			p.pos++
		}
		num := p.s[start:p.pos]
		if i, err := strconv.ParseInt(num, 10, 64); err == nil {
			e = lit{i}
		} else if f, err := strconv.ParseFloat(num, 64); err == nil {
			e = lit{f}
		} else {
			return nil, fmt.Errorf("bad number %q", num)
		}
	case isIdent(c):
		start := p.pos
		for p.pos < len(p.s) && (isIdent(p.s[p.pos]) || p.s[p.pos] >= '0' && p.s[p.pos] <= '9' || p.s[p.pos] == '.' && false) {
			p.pos++
		}
		name := p.s[start:p.pos]
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == '(' {
			p.pos++
			cl := call{name: strings.ToLower(name)}
			p.space()
			if p.pos < len(p.s) && p.s[p.pos] == ')' {
				p.pos++
			} else {
				for {
					a, err := p.expr()
					if err != nil {
						return nil, err
					}
					cl.args = append(cl.args, a)
					p.space()
					if p.pos >= len(p.s) {
						return nil, fmt.Errorf("unterminated call of %s", name)
					}
					if p.s[p.pos] == ',' {
						p.pos++
						continue
					}
					if p.s[p.pos] == ')' {
						p.pos++
						break
					}
					return nil, fmt.Errorf("unexpected %q in call of %s", p.s[p.pos], name)
				}
			}
			e = cl
		} else {
			switch strings.ToLower(name) {
			case "true":
				e = lit{true}
			case "false":
				e = lit{false}
			case "null":
				e = lit{nil}
			default:
				return nil, fmt.Errorf("unknown identifier %q", name)
			}
		}
	default:
		return nil, fmt.Errorf("unexpected %q at %d", c, p.pos)
	}
	for {
		p.space()
		if p.pos >= len(p.s) {
			return e, nil
		}
		switch p.s[p.pos] {
		case '.':
			p.pos++
			start := p.pos
			for p.pos < len(p.s) && (isIdent(p.s[p.pos]) || p.s[p.pos] >= '0' && p.s[p.pos] <= '9') {
				p.pos++
			}
			if start == p.pos {
				return nil, fmt.Errorf("a property name after '.' at %d", start)
			}
			e = member{e, p.s[start:p.pos]}
		case '[':
			p.pos++
			i, err := p.expr()
			if err != nil {
				return nil, err
			}
			p.space()
			if p.pos >= len(p.s) || p.s[p.pos] != ']' {
				return nil, fmt.Errorf("missing ]")
			}
			p.pos++
			e = index{e, i}
		default:
			return e, nil
		}
	}
}

func isIdent(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}
