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
	"fmt"
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

// maxNodes bounds the nodes a document holds once its aliases are
// expanded: a few lines of nested aliases (the "billion laughs") would
// stand for billions.
const maxNodes = 1_000_000

// Parse parses every document of src. An alias shares the node of its
// anchor; a merge key (<<: *base) adds the keys of the mappings it names
// that the mapping does not set itself.
func Parse(src []byte) ([]*jsonpos.Node, error) {
	c := &converter{src: src, lines: source.NewLines(src), done: map[*yaml.Node]*jsonpos.Node{},
		sizes: map[*jsonpos.Node]int{}, open: map[*yaml.Node]bool{}}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var out []*jsonpos.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			e := syntaxError(err)
			if e.Line == 0 && strings.Contains(e.Msg, "exceeded max depth") {
				e.Line = flowDepthLine(src)
			}
			return nil, e
		}
		if len(doc.Content) > 0 {
			n := c.node(doc.Content[0], false)
			if c.err != nil {
				return nil, c.err
			}
			out = append(out, n)
		}
	}
}

func syntaxError(err error) *Error {
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

// yamlMaxDepth is the nesting go-yaml refuses past, with an error that
// names no line.
const yamlMaxDepth = 10000

// flowDepthLine is the line where flow collections first nest deeper than
// go-yaml allows, counting brackets outside quoted text, or 0 when they
// never do (block nesting that deep needs lines 10,000 columns wide).
func flowDepthLine(src []byte) int {
	depth, line := 0, 1
	var quote byte
	for _, b := range src {
		switch {
		case b == '\n':
			line++
		case quote != 0:
			if b == quote {
				quote = 0
			}
		case b == '"' || b == '\'':
			quote = b
		case b == '[' || b == '{':
			if depth++; depth > yamlMaxDepth {
				return line
			}
		case b == ']' || b == '}':
			depth--
		}
	}
	return 0
}

// converter turns YAML nodes into jsonpos nodes with byte offsets.
type converter struct {
	src   []byte
	lines *source.Lines
	// done holds the converted node of each anchored node, which its
	// aliases share; open, the anchored nodes being converted, so that an
	// alias inside its own anchor is an error, not an endless tree.
	done map[*yaml.Node]*jsonpos.Node
	open map[*yaml.Node]bool
	// sizes holds how many nodes each converted container stands for with
	// its aliases expanded.
	sizes map[*jsonpos.Node]int
	err   error
}

// fail records the first error; the node returned stands in for nothing.
func (c *converter) fail(y *yaml.Node, msg string) *jsonpos.Node {
	if c.err == nil {
		c.err = &Error{Line: y.Line, Msg: "invalid YAML: " + msg}
	}
	return &jsonpos.Node{Kind: jsonpos.Null}
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
	if c.err != nil {
		return &jsonpos.Node{Kind: jsonpos.Null}
	}
	for y.Kind == yaml.AliasNode && y.Alias != nil {
		y = y.Alias
	}
	if y.Anchor != "" {
		if n, ok := c.done[y]; ok {
			return n
		}
		if c.open[y] {
			return c.fail(y, "the alias of &"+y.Anchor+" is inside the value it names, which would never end")
		}
		c.open[y] = true
		defer delete(c.open, y)
	}
	n := &jsonpos.Node{Start: c.offset(y.Line, y.Column)}
	custom := strings.HasPrefix(y.Tag, "!") && !strings.HasPrefix(y.Tag, "!!")
	size := 1
	switch y.Kind {
	case yaml.MappingNode:
		n.Kind = jsonpos.Object
		flow := y.Style&yaml.FlowStyle != 0
		var merged []jsonpos.Member
		last := n.Start
		for i := 0; i+1 < len(y.Content); i += 2 {
			ky, vy := y.Content[i], y.Content[i+1]
			k, v := c.node(ky, flow), c.node(vy, flow)
			last = max(last, c.textEnd(ky, k), c.textEnd(vy, v))
			if ky.Kind == yaml.ScalarNode && ky.Tag == "!!merge" {
				merged = append(merged, c.mergeMembers(vy, v)...)
				continue
			}
			n.Members = append(n.Members, jsonpos.Member{Key: ky.Value, KeyStart: k.Start, KeyEnd: k.End, Value: v})
		}
		n.End = c.containerEnd(y, n.Start, last)
		// Merged keys go first, so that the mapping's own last key stays
		// last: edits insert after it.
		var inherited []jsonpos.Member
		for _, m := range merged {
			if n.Get(m.Key) == nil {
				inherited = append(inherited, m)
			}
		}
		n.Members = append(inherited, n.Members...)
		for _, m := range n.Members {
			size += c.sizes[m.Value] + 1
		}
	case yaml.SequenceNode:
		n.Kind = jsonpos.Array
		last := n.Start
		for _, ey := range y.Content {
			e := c.node(ey, y.Style&yaml.FlowStyle != 0)
			last = max(last, c.textEnd(ey, e))
			n.Elems = append(n.Elems, e)
		}
		n.End = c.containerEnd(y, n.Start, last)
		for _, e := range n.Elems {
			size += c.sizes[e] + 1
		}
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
		size = 1
	}
	if size > maxNodes {
		return c.fail(y, fmt.Sprintf("its aliases expand to more than %d values", maxNodes))
	}
	if size > 1 {
		c.sizes[n] = size
	}
	if y.Anchor != "" {
		c.done[y] = n
	}
	return n
}

// mergeMembers gives the members a merge key adds: those of the mapping v
// names, or of each mapping of the sequence it names, where an earlier
// mapping's keys win.
func (c *converter) mergeMembers(vy *yaml.Node, v *jsonpos.Node) []jsonpos.Member {
	sources := []*jsonpos.Node{v}
	if v.Kind == jsonpos.Array {
		sources = v.Elems
	}
	var out []jsonpos.Member
	seen := map[string]bool{}
	for _, m := range sources {
		if m.Kind != jsonpos.Object {
			c.fail(vy, "a merge key (<<) takes a mapping or a list of mappings")
			return nil
		}
		for _, mem := range m.Members {
			if !seen[mem.Key] {
				seen[mem.Key] = true
				out = append(out, mem)
			}
		}
	}
	return out
}

// textEnd is where the text of y, converted to n, ends: an alias shares its
// anchor's node, whose offsets are those of the anchor, so its own text
// (*name) is measured instead.
func (c *converter) textEnd(y *yaml.Node, n *jsonpos.Node) int {
	if y.Kind == yaml.AliasNode {
		return c.offset(y.Line, y.Column) + 1 + len(y.Value)
	}
	return n.End
}

// containerEnd is the end of a mapping or sequence whose children's text
// ends at last: in flow style the bracket that closes it, else last.
func (c *converter) containerEnd(y *yaml.Node, start, last int) int {
	if y.Style&yaml.FlowStyle != 0 {
		if end := closingBracket(c.src, start, last); end > 0 {
			return end
		}
	}
	return last
}

// closingBracket returns the offset after the bracket closing a flow
// collection that starts at start and whose children end at last. The scan
// starts after the children, as a quote inside a plain scalar ({0",a: b})
// would mislead a scan of the whole text, and passes only what may stand
// between the last child and the bracket: blanks, separators and comments.
// -1 means the text there is not what the YAML parser read.
func closingBracket(src []byte, start, last int) int {
	i := last
	if last == start {
		// Empty: past the anchor or tag, if any, and the opening bracket.
		i = bytes.IndexAny(src[start:], "[{")
		if i < 0 {
			return -1
		}
		i += start + 1
	}
	for ; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', '\r', '\n', ',', ':', '?':
		case '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case ']', '}':
			return i + 1
		default:
			return -1
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
