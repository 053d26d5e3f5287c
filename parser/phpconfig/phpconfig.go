// Package phpconfig reads a Laravel configuration file (config/horizon.php
// and the like): the array literal it returns, with env('NAME', default)
// calls kept as such and any other expression kept as unknown. It reads
// literals only and runs nothing.
package phpconfig

import (
	"strconv"
	"strings"
)

// Kind is the kind of a Value.
type Kind int

// The kinds of value.
const (
	Unknown Kind = iota // an expression gracelint does not evaluate
	Array
	String
	Int
	Env // env('NAME', default)
)

// Value is one value of the configuration.
type Value struct {
	Kind    Kind
	Str     string // a String's value, an Env's variable name
	Int     int64
	Default *Value  // an Env's default; nil when it has none
	Entries []Entry // an Array's, in file order
	// Start and End are the byte offsets of the value as written.
	Start, End int
}

// Entry is one element of an array; Key is "" for a list element.
type Entry struct {
	Key   string
	Value *Value
}

// Get returns the value of key in an array, the last one written; nil when
// v is not an array or has no such key.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Array {
		return nil
	}
	var out *Value
	for _, e := range v.Entries {
		if e.Key == key {
			out = e.Value
		}
	}
	return out
}

// Parse reads the array src returns; nil when it returns none.
func Parse(src []byte) *Value {
	p := &parser{src: string(src)}
	p.next()
	for p.tok.kind != tEOF {
		if p.tok.kind == tIdent && strings.EqualFold(p.tok.text, "return") {
			p.next()
			return p.value(0)
		}
		p.next()
	}
	return nil
}

type tokKind int

const (
	tEOF tokKind = iota
	tString
	tNumber
	tIdent
	tArrow // =>
	tPunct // [ ] ( ) , ;
	tOther
)

type token struct {
	kind       tokKind
	text       string // a string's value, else as written
	start, end int
}

type parser struct {
	src string
	pos int
	tok token
}

// maxDepth bounds nesting against hostile input.
const maxDepth = 100

func (p *parser) next() {
	p.skipSpace()
	start := p.pos
	if p.pos >= len(p.src) {
		p.tok = token{kind: tEOF, start: start, end: start}
		return
	}
	c := p.src[p.pos]
	switch {
	case c == '\'' || c == '"':
		p.tok = p.str(c)
	case c >= '0' && c <= '9':
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '_') {
			p.pos++
		}
		p.tok = token{kind: tNumber, text: p.src[start:p.pos]}
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '\\':
		for p.pos < len(p.src) && (p.src[p.pos] == '_' || p.src[p.pos] == '\\' || p.src[p.pos] >= 'a' && p.src[p.pos] <= 'z' || p.src[p.pos] >= 'A' && p.src[p.pos] <= 'Z' || p.src[p.pos] >= '0' && p.src[p.pos] <= '9') {
			p.pos++
		}
		p.tok = token{kind: tIdent, text: p.src[start:p.pos]}
	case strings.HasPrefix(p.src[p.pos:], "=>"):
		p.pos += 2
		p.tok = token{kind: tArrow, text: "=>"}
	case strings.IndexByte("[](),;", c) >= 0:
		p.pos++
		p.tok = token{kind: tPunct, text: string(c)}
	default:
		p.pos++
		p.tok = token{kind: tOther, text: string(c)}
	}
	p.tok.start, p.tok.end = start, p.pos
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) {
		switch rest := p.src[p.pos:]; {
		case rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r':
			p.pos++
		case strings.HasPrefix(rest, "//") || rest[0] == '#' && !strings.HasPrefix(rest, "#["):
			if i := strings.IndexByte(rest, '\n'); i >= 0 {
				p.pos += i
			} else {
				p.pos = len(p.src)
			}
		case strings.HasPrefix(rest, "/*"):
			if i := strings.Index(rest[2:], "*/"); i >= 0 {
				p.pos += i + 4
			} else {
				p.pos = len(p.src)
			}
		default:
			return
		}
	}
}

// str reads a quoted string; a double-quoted one with "$" interpolates
// and is unknown.
func (p *parser) str(q byte) token {
	var b strings.Builder
	p.pos++
	interpolates := false
	for p.pos < len(p.src) && p.src[p.pos] != q {
		c := p.src[p.pos]
		if c == '\\' && p.pos+1 < len(p.src) && (p.src[p.pos+1] == q || p.src[p.pos+1] == '\\') {
			p.pos++
			c = p.src[p.pos]
		} else if c == '$' && q == '"' {
			interpolates = true
		}
		b.WriteByte(c)
		p.pos++
	}
	p.pos++ // the closing quote
	if p.pos > len(p.src) {
		p.pos = len(p.src)
	}
	if interpolates {
		return token{kind: tOther, text: b.String()}
	}
	return token{kind: tString, text: b.String()}
}

// value reads one value and leaves the token after it current.
func (p *parser) value(depth int) *Value {
	start := p.tok.start
	v := &Value{Start: start}
	switch t := p.tok; {
	case depth > maxDepth:
		p.skipExpr()
	case t.kind == tPunct && t.text == "[":
		p.next()
		v.Kind, v.Entries = Array, p.entries("]", depth)
	case t.kind == tIdent && strings.EqualFold(t.text, "array") && p.peekOpen():
		p.next()
		p.next()
		v.Kind, v.Entries = Array, p.entries(")", depth)
	case t.kind == tString:
		v.Kind, v.Str = String, t.text
		p.next()
	case t.kind == tNumber:
		n, err := strconv.ParseInt(strings.ReplaceAll(t.text, "_", ""), 10, 64)
		p.next()
		if err == nil {
			v.Kind, v.Int = Int, n
		}
	case t.kind == tIdent && t.text == "env" && p.peekOpen():
		p.next()
		p.next()
		if p.tok.kind == tString {
			v.Kind, v.Str = Env, p.tok.text
			p.next()
			if p.tok.kind == tPunct && p.tok.text == "," {
				p.next()
				v.Default = p.value(depth + 1)
			}
		}
		p.skipClose()
	default:
		p.skipExpr()
	}
	if !p.atEnd() {
		// An operator follows (env('X', 60) * 2): the whole is unknown.
		p.skipExpr()
		v = &Value{Start: start}
	}
	v.End = p.tok.start
	return v
}

// entries reads array elements up to the closing token.
func (p *parser) entries(closing string, depth int) []Entry {
	var out []Entry
	for p.tok.kind != tEOF && !(p.tok.kind == tPunct && p.tok.text == closing) {
		if p.tok.kind == tPunct && p.tok.text == "," {
			p.next()
			continue
		}
		before := p.tok.start
		e := Entry{Value: p.value(depth + 1)}
		if p.tok.kind == tArrow {
			if e.Value.Kind == String {
				e.Key = e.Value.Str
			} else if e.Value.Kind == Int {
				e.Key = strconv.FormatInt(e.Value.Int, 10)
			} else {
				e.Key = "\x00" // a computed key matches nothing
			}
			p.next()
			e.Value = p.value(depth + 1)
		}
		out = append(out, e)
		if p.tok.start == before {
			p.next() // no progress: a stray token
		}
	}
	p.next()
	return out
}

func (p *parser) peekOpen() bool {
	save, tok := p.pos, p.tok
	p.next()
	open := p.tok.kind == tPunct && p.tok.text == "("
	p.pos, p.tok = save, tok
	return open
}

// atEnd tells whether the current token ends a value.
func (p *parser) atEnd() bool {
	t := p.tok
	return t.kind == tEOF || t.kind == tArrow || t.kind == tPunct && (t.text == "," || t.text == "]" || t.text == ")" || t.text == ";")
}

// skipExpr skips to the end of the current value, over nested brackets.
func (p *parser) skipExpr() { p.skip(true) }

// skipClose skips past the bracket that closes the current level.
func (p *parser) skipClose() { p.skip(false) }

// skip skips tokens over nested brackets up to the bracket that closes the
// current level, which it consumes unless atSeparator; with atSeparator it
// also stops at a ",", ";" or "=>" of this level.
func (p *parser) skip(atSeparator bool) {
	depth := 0
	for ; p.tok.kind != tEOF; p.next() {
		switch t := p.tok; {
		case t.kind == tPunct && (t.text == "[" || t.text == "("):
			depth++
		case t.kind == tPunct && (t.text == "]" || t.text == ")"):
			if depth == 0 {
				if !atSeparator {
					p.next()
				}
				return
			}
			depth--
		case depth == 0 && atSeparator && (t.kind == tArrow || t.kind == tPunct && (t.text == "," || t.text == ";")):
			return
		}
	}
}
