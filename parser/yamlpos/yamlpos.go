// Package yamlpos parses YAML into the position-keeping tree of package
// jsonpos, so that readers of CloudFormation, Compose and Kubernetes files
// share one model with JSON. Scalars keep their YAML types; a value under a
// custom tag (!Sub, !Ref, ...) becomes jsonpos.Expr, a value computed at
// deploy time.
package yamlpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/parser/jsonpos"
	"go.yaml.in/yaml/v3"
)

// Error is a YAML syntax error, at a 1-based line when known.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Parse parses every document of src.
func Parse(src []byte) ([]*jsonpos.Node, error) {
	c := &converter{src: src, lines: source.NewLines(src)}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var out []*jsonpos.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, syntaxError(err)
		}
		if len(doc.Content) > 0 {
			out = append(out, c.node(doc.Content[0], false))
		}
	}
}

func syntaxError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			var v int
			for _, r := range n {
				if r < '0' || r > '9' {
					v = -1
					break
				}
				v = v*10 + int(r-'0')
			}
			if v > 0 {
				line, msg = v, after
			}
		}
	}
	return &Error{Line: line, Msg: "invalid YAML: " + msg}
}

// converter turns YAML nodes into jsonpos nodes with byte offsets.
type converter struct {
	src   []byte
	lines *source.Lines
}

// offset converts a 1-based line and character column to a byte offset.
func (c *converter) offset(line, col int) int {
	off := c.lines.LineStart(line)
	for i := 1; i < col && off < len(c.src) && c.src[off] != '\n'; i++ {
		_, size := utf8.DecodeRune(c.src[off:])
		off += size
	}
	return off
}

func (c *converter) node(y *yaml.Node, inFlow bool) *jsonpos.Node {
	for y.Kind == yaml.AliasNode && y.Alias != nil {
		y = y.Alias
	}
	n := &jsonpos.Node{Start: c.offset(y.Line, y.Column)}
	custom := strings.HasPrefix(y.Tag, "!") && !strings.HasPrefix(y.Tag, "!!")
	switch y.Kind {
	case yaml.MappingNode:
		n.Kind = jsonpos.Object
		for i := 0; i+1 < len(y.Content); i += 2 {
			k := c.node(y.Content[i], y.Style&yaml.FlowStyle != 0)
			v := c.node(y.Content[i+1], y.Style&yaml.FlowStyle != 0)
			n.Members = append(n.Members, jsonpos.Member{Key: y.Content[i].Value, KeyStart: k.Start, KeyEnd: k.End, Value: v})
		}
		n.End = c.containerEnd(y, n.Start, n.Members, nil)
	case yaml.SequenceNode:
		n.Kind = jsonpos.Array
		for _, e := range y.Content {
			n.Elems = append(n.Elems, c.node(e, y.Style&yaml.FlowStyle != 0))
		}
		n.End = c.containerEnd(y, n.Start, nil, n.Elems)
	case yaml.ScalarNode:
		n.End = c.scalarEnd(y, n.Start, inFlow)
		switch y.Tag {
		case "!!int", "!!float":
			n.Kind, n.Num = jsonpos.Number, json.Number(y.Value)
		case "!!bool":
			n.Kind, n.Bool = jsonpos.Bool, y.Value == "true" || y.Value == "True" || y.Value == "TRUE"
		case "!!null":
			n.Kind = jsonpos.Null
		default:
			n.Kind, n.Str = jsonpos.String, y.Value
		}
	default:
		n.End = n.Start
	}
	if custom {
		n.Kind, n.Members, n.Elems = jsonpos.Expr, nil, nil
	}
	return n
}

// containerEnd is the end of a mapping or sequence: its closing bracket in
// flow style, else the end of its last child.
func (c *converter) containerEnd(y *yaml.Node, start int, members []jsonpos.Member, elems []*jsonpos.Node) int {
	if y.Style&yaml.FlowStyle != 0 {
		if end := matchBracket(c.src, start); end > 0 {
			return end
		}
	}
	end := start
	for _, m := range members {
		end = max(end, m.Value.End)
	}
	for _, e := range elems {
		end = max(end, e.End)
	}
	return end
}

// matchBracket returns the offset after the bracket closing the one at
// start, skipping quoted text.
func matchBracket(src []byte, start int) int {
	depth := 0
	for i := start; i < len(src); i++ {
		switch src[i] {
		case '"', '\'':
			q := src[i]
			for i++; i < len(src) && src[i] != q; i++ {
				if q == '"' && src[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// scalarEnd finds where a scalar's text ends in the source.
func (c *converter) scalarEnd(y *yaml.Node, start int, inFlow bool) int {
	src, i := c.src, start
	if y.Style&yaml.TaggedStyle != 0 || strings.HasPrefix(y.Tag, "!") && i < len(src) && src[i] == '!' {
		for i < len(src) && src[i] != ' ' && src[i] != '\n' && !(inFlow && (src[i] == ',' || src[i] == ']' || src[i] == '}')) {
			i++
		}
		for i < len(src) && src[i] == ' ' {
			i++
		}
	}
	lineEnd := c.lines.LineEnd(c.lines.Pos(start).Line)
	if i >= len(src) {
		return len(src)
	}
	switch src[i] {
	case '"':
		for j := i + 1; j < len(src); j++ {
			if src[j] == '\\' {
				j++
			} else if src[j] == '"' {
				return j + 1
			}
		}
	case '\'':
		for j := i + 1; j < len(src); j++ {
			if src[j] == '\'' {
				if j+1 < len(src) && src[j+1] == '\'' {
					j++
					continue
				}
				return j + 1
			}
		}
	case '|', '>':
		if y.Value == "" {
			return lineEnd
		}
		return c.indentedEnd(c.lines.Pos(start).Line, lineEnd, false)
	}
	// A plain scalar ends at the line's end, a comment, ": " (which ends a
	// key), or in flow style at a separator.
	end := i
	for end < lineEnd && !(inFlow && (src[end] == ',' || src[end] == ']' || src[end] == '}')) &&
		!(src[end] == '#' && end > i && src[end-1] == ' ') &&
		!(src[end] == ':' && (end+1 == lineEnd || src[end+1] == ' ' || src[end+1] == '\t')) {
		end++
	}
	end = trimBlanks(src, i, end)
	// A plain scalar folded from several lines goes on over the more
	// indented lines below it.
	if !inFlow && end == lineEnd && y.Style == 0 && y.Value != string(src[i:end]) {
		return c.indentedEnd(c.lines.Pos(start).Line, end, true)
	}
	return end
}

// indentedEnd is where a scalar starting on line ends when it continues on
// the lines below: its content lines are indented alike, and at least as
// much as the first of them, which is more than line itself (YAML's rule for
// block scalars and folded plain scalars). Blank lines inside count, trailing
// ones do not; stopAtComment ends a plain scalar at a comment line. end is
// the line's own end, returned when nothing follows.
func (c *converter) indentedEnd(line, end int, stopAtComment bool) int {
	indent := func(b []byte) (n int, blank bool) {
		for n < len(b) && b[n] == ' ' {
			n++
		}
		rest := bytes.TrimRight(b[n:], " \t")
		return n, len(rest) == 0
	}
	own, _ := indent(c.lines.Line(line))
	content := -1
	for l := line + 1; l <= c.lines.Count(); l++ {
		text := c.lines.Line(l)
		n, blank := indent(text)
		switch {
		case blank:
			continue
		case content < 0 && n <= own, content >= 0 && n < content,
			stopAtComment && text[n] == '#':
			return end
		}
		if content < 0 {
			content = n
		}
		end = trimBlanks(c.src, c.lines.LineStart(l), c.lines.LineEnd(l))
	}
	return end
}

// trimBlanks moves end back over the spaces and tabs that end src[start:end].
func trimBlanks(src []byte, start, end int) int {
	for end > start && (src[end-1] == ' ' || src[end-1] == '\t') {
		end--
	}
	return end
}
