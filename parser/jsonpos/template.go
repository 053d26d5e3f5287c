package jsonpos

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Placeholder is a template expression in a file: a Terraform ${...} or
// %{...}, or a Go template's {{ ... }} (ecspresso).
type Placeholder struct{ Start, End int }

// ParseTemplate parses JSON that holds template placeholders. Each
// placeholder is replaced by a stand-in of the same length, so every offset
// stays that of the original file: inside a string by letters, elsewhere by
// a number (a placeholder that stands for a number, as in
// "stopTimeout": ${stop_timeout}). Directives such as %{ if } become
// spaces. Every value that overlaps a placeholder becomes an Expr.
func ParseTemplate(src []byte) (*Node, []Placeholder, error) {
	out := bytes.Clone(src)
	var holes []Placeholder
	inString := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString && c == '\\' {
			i++
			continue
		}
		if c == '"' {
			inString = !inString
			continue
		}
		end := placeholderEnd(src, i)
		if end < 0 {
			continue
		}
		holes = append(holes, Placeholder{Start: i, End: end})
		fill := byte('x')
		switch {
		case src[i] == '%':
			fill = ' '
		case !inString:
			fill = ' '
			out[i] = '0'
			i++
		}
		for ; i < end; i++ {
			if src[i] == '\n' {
				continue // keep lines where they are
			}
			out[i] = fill
		}
		i = end - 1
	}
	n, err := Parse(out)
	if err != nil {
		return nil, holes, err
	}
	markExprs(n, holes)
	return n, holes, nil
}

// placeholderEnd returns where the placeholder starting at i ends, or -1.
func placeholderEnd(src []byte, i int) int {
	var open, close string
	switch {
	case bytes.HasPrefix(src[i:], []byte("${")), bytes.HasPrefix(src[i:], []byte("%{")):
		open, close = "{", "}"
	case bytes.HasPrefix(src[i:], []byte("{{")):
		if j := bytes.Index(src[i+2:], []byte("}}")); j >= 0 {
			return i + 2 + j + 2
		}
		return -1
	default:
		return -1
	}
	depth := 0
	for j := i + 1; j < len(src); j++ {
		switch string(src[j]) {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return -1
}

func markExprs(n *Node, holes []Placeholder) {
	// An expression spans its whole placeholder, not just its stand-in.
	overlaps := func(n *Node) bool {
		hit := false
		for _, h := range holes {
			if h.Start < n.End && n.Start < h.End {
				n.Start, n.End, hit = min(n.Start, h.Start), max(n.End, h.End), true
			}
		}
		return hit
	}
	switch n.Kind {
	case Object:
		for _, m := range n.Members {
			markExprs(m.Value, holes)
		}
	case Array:
		for _, e := range n.Elems {
			markExprs(e, holes)
		}
	default:
		if overlaps(n) {
			n.Kind, n.Str, n.Num, n.Bool = Expr, "", "", false // the stand-in is no value
		}
	}
}

// Bind gives the placeholders of a template that ParseTemplate read from
// src the values lookup knows, keeping the template's offsets: a value that
// is one placeholder, ${name} or ${jsonencode(name)}, becomes name's value
// written where the placeholder is; a string whose placeholders are each a
// ${name} standing for a string, a number or a bool becomes the string
// they make. Other placeholders stay unknown.
func Bind(n *Node, src []byte, holes []Placeholder, lookup func(name string) (*Node, bool)) {
	for i := range n.Members {
		n.Members[i].Value = bind(n.Members[i].Value, src, holes, lookup)
	}
	for i := range n.Elems {
		n.Elems[i] = bind(n.Elems[i], src, holes, lookup)
	}
}

func bind(n *Node, src []byte, holes []Placeholder, lookup func(string) (*Node, bool)) *Node {
	if n.Kind != Expr {
		Bind(n, src, holes, lookup)
		return n
	}
	text := src[n.Start:n.End]
	if name, ok := placeholderName(text, true); ok {
		if v, ok := lookup(name); ok {
			return Placed(v, n.Start, n.End)
		}
		return n
	}
	if len(text) < 2 || text[0] != '"' || text[len(text)-1] != '"' {
		return n
	}
	var b []byte
	last := n.Start
	for _, h := range holes {
		if h.Start < n.Start || h.End > n.End {
			continue
		}
		name, ok := placeholderName(src[h.Start:h.End], false)
		if !ok {
			return n
		}
		v, ok := lookup(name)
		if !ok {
			return n
		}
		var lit string
		switch v.Kind {
		case String:
			q, _ := json.Marshal(v.Str)
			lit = string(q[1 : len(q)-1])
		case Number:
			lit = string(v.Num)
		case Bool:
			lit = "false"
			if v.Bool {
				lit = "true"
			}
		default:
			return n
		}
		b = append(append(b, src[last:h.Start]...), lit...)
		last = h.End
	}
	b = append(b, src[last:n.End]...)
	s, ok := DecodeString(b)
	if !ok {
		return n
	}
	return &Node{Kind: String, Str: s, Start: n.Start, End: n.End}
}

// placeholderName is the variable a Terraform placeholder names: ${name},
// or with whole set, also ${jsonencode(name)}.
func placeholderName(text []byte, whole bool) (string, bool) {
	s := string(text)
	if len(s) < 3 || s[:2] != "${" || s[len(s)-1] != '}' {
		return "", false
	}
	s = strings.TrimSpace(s[2 : len(s)-1])
	if whole && len(s) > len("jsonencode()") && s[:len("jsonencode(")] == "jsonencode(" && s[len(s)-1] == ')' {
		s = strings.TrimSpace(s[len("jsonencode(") : len(s)-1])
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c == '-' || c >= '0' && c <= '9')) {
			return "", false
		}
	}
	return s, s != ""
}

// Placed is a copy of v whose every node is written at [start, end).
func Placed(v *Node, start, end int) *Node {
	c := *v
	c.Start, c.End = start, end
	c.Members = make([]Member, len(v.Members))
	for i, m := range v.Members {
		c.Members[i] = Member{Key: m.Key, KeyStart: start, KeyEnd: end, Value: Placed(m.Value, start, end)}
	}
	c.Elems = make([]*Node, len(v.Elems))
	for i, e := range v.Elems {
		c.Elems[i] = Placed(e, start, end)
	}
	return &c
}
