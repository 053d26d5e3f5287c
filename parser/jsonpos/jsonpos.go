// Package jsonpos parses JSON into a tree that keeps the byte span of every
// value and object key, which encoding/json alone does not give.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Kind is the JSON type of a Node.
type Kind int

// The JSON kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
	// Expr is a value computed at deploy time: a template placeholder or a
	// CloudFormation intrinsic function. Readers treat it as unknown.
	Expr
)

func (k Kind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object", "expression"}[k]
}

// MaxDepth bounds nesting so that hostile input cannot exhaust the stack.
const MaxDepth = 1000

// Node is one JSON value. Start and End are byte offsets, End exclusive.
type Node struct {
	Kind       Kind
	Start, End int
	Str        string      // String
	Num        json.Number // Number
	Bool       bool        // Bool
	Members    []Member    // Object, in file order
	Elems      []*Node     // Array
}

// Member is one key of an object and its value.
type Member struct {
	Key      string
	KeyStart int
	KeyEnd   int
	Value    *Node
}

// Get returns the value of key in an object, or nil. When a key repeats,
// the last one wins, as in encoding/json.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := len(n.Members) - 1; i >= 0; i-- {
		if n.Members[i].Key == key {
			return n.Members[i].Value
		}
	}
	return nil
}

// Member returns the member for key, or nil.
func (n *Node) Member(key string) *Member {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := len(n.Members) - 1; i >= 0; i-- {
		if n.Members[i].Key == key {
			return &n.Members[i]
		}
	}
	return nil
}

// Int returns the value of a Number node as an integer.
func (n *Node) Int() (int64, bool) {
	if n == nil || n.Kind != Number {
		return 0, false
	}
	v, err := strconv.ParseInt(string(n.Num), 10, 64)
	return v, err == nil
}

// SyntaxError is a JSON input that does not parse, at byte Offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return e.Msg }

// Parse parses one JSON value from src; anything after it but whitespace is
// an error.
func Parse(src []byte) (*Node, error) {
	p := &parser{src: src, dec: json.NewDecoder(bytes.NewReader(src))}
	p.dec.UseNumber()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	rest := p.skip(int(p.dec.InputOffset()))
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, &SyntaxError{Offset: rest, Msg: "unexpected data after the top-level value"}
	}
	return n, nil
}

type parser struct {
	src []byte
	dec *json.Decoder
}

// skip returns the offset of the next token at or after off: the decoder
// reports where the previous token ended, so whitespace and separators lie
// between.
func (p *parser) skip(off int) int {
	for off < len(p.src) {
		switch p.src[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

func (p *parser) token() (json.Token, int, error) {
	start := p.skip(int(p.dec.InputOffset()))
	tok, err := p.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, 0, &SyntaxError{Offset: int(se.Offset), Msg: se.Error()}
		case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
			return nil, 0, &SyntaxError{Offset: len(p.src), Msg: "unexpected end of JSON input"}
		}
		return nil, 0, &SyntaxError{Offset: start, Msg: err.Error()}
	}
	return tok, start, nil
}

func (p *parser) value(depth int) (*Node, error) {
	tok, start, err := p.token()
	if err != nil {
		return nil, err
	}
	return p.valueFrom(tok, start, depth)
}

func (p *parser) valueFrom(tok json.Token, start, depth int) (*Node, error) {
	if depth > MaxDepth {
		return nil, &SyntaxError{Offset: start, Msg: fmt.Sprintf("JSON nested more than %d deep", MaxDepth)}
	}
	n := &Node{Start: start}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n.Kind = Object
			for p.dec.More() {
				ktok, kstart, err := p.token()
				if err != nil {
					return nil, err
				}
				key, _ := ktok.(string)
				m := Member{Key: key, KeyStart: kstart, KeyEnd: int(p.dec.InputOffset())}
				if m.Value, err = p.value(depth + 1); err != nil {
					return nil, err
				}
				n.Members = append(n.Members, m)
			}
		case '[':
			n.Kind = Array
			for p.dec.More() {
				e, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Elems = append(n.Elems, e)
			}
		}
		if _, _, err := p.token(); err != nil { // the closing delimiter
			return nil, err
		}
	case string:
		n.Kind, n.Str = String, t
	case json.Number:
		n.Kind, n.Num = Number, t
	case bool:
		n.Kind, n.Bool = Bool, t
	case nil:
		n.Kind = Null
	}
	n.End = int(p.dec.InputOffset())
	return n, nil
}
