package jsonpos

import "bytes"

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
