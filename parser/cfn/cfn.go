// Package cfn finds the ECS task definitions of a CloudFormation template,
// JSON or YAML (CDK output under cdk.out included), and returns their
// Properties as position-keeping trees, so that the task definition reader
// serves both. Intrinsic functions (!Sub, !Ref, Fn::Join, ...) are values
// computed at deploy time: they become jsonpos.Expr, never a guess.
package cfn

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/parser/jsonpos"
	"go.yaml.in/yaml/v3"
)

// ResourceType is the type of the resources read.
const ResourceType = "AWS::ECS::TaskDefinition"

// TaskDefinition is one AWS::ECS::TaskDefinition resource.
type TaskDefinition struct {
	LogicalID  string
	Properties *jsonpos.Node
}

// Error is a template that does not parse, at a byte offset.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// IsTemplate tells whether src looks like a template declaring task
// definitions, cheaply, for walks.
func IsTemplate(src []byte) bool {
	return bytes.Contains(src, []byte(ResourceType))
}

// Parse returns the task definitions of a template.
func Parse(src []byte) ([]TaskDefinition, error) {
	var root *jsonpos.Node
	if trimmed := bytes.TrimSpace(src); len(trimmed) > 0 && trimmed[0] == '{' {
		n, err := jsonpos.Parse(src)
		if err != nil {
			if se, ok := err.(*jsonpos.SyntaxError); ok {
				return nil, &Error{Offset: se.Offset, Msg: "invalid JSON: " + se.Msg}
			}
			return nil, err
		}
		markIntrinsics(n)
		root = n
	} else {
		var doc yaml.Node
		if err := yaml.Unmarshal(src, &doc); err != nil {
			return nil, &Error{Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
		}
		if len(doc.Content) == 0 {
			return nil, nil
		}
		c := &converter{src: src, lines: source.NewLines(src)}
		root = c.node(doc.Content[0], false)
	}
	var out []TaskDefinition
	resources := root.Get("Resources")
	if resources == nil {
		return nil, nil
	}
	for _, r := range resources.Members {
		if t := r.Value.Get("Type"); t != nil && t.Kind == jsonpos.String && t.Str == ResourceType {
			if props := r.Value.Get("Properties"); props != nil && props.Kind == jsonpos.Object {
				out = append(out, TaskDefinition{LogicalID: r.Key, Properties: props})
			}
		}
	}
	return out, nil
}

// isIntrinsic reports whether an object is {"Ref": ...} or {"Fn::X": ...}.
func isIntrinsic(n *jsonpos.Node) bool {
	return n.Kind == jsonpos.Object && len(n.Members) == 1 &&
		(n.Members[0].Key == "Ref" || strings.HasPrefix(n.Members[0].Key, "Fn::"))
}

func markIntrinsics(n *jsonpos.Node) {
	if isIntrinsic(n) {
		n.Kind, n.Members = jsonpos.Expr, nil
		return
	}
	for _, m := range n.Members {
		markIntrinsics(m.Value)
	}
	for _, e := range n.Elems {
		markIntrinsics(e)
	}
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
	if custom || isIntrinsic(n) {
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
		return lineEnd
	}
	// A plain scalar ends at the line's end, a comment, ": " (which ends a
	// key), or in flow style at a separator.
	end := i
	for end < lineEnd && !(inFlow && (src[end] == ',' || src[end] == ']' || src[end] == '}')) &&
		!(src[end] == '#' && end > i && src[end-1] == ' ') &&
		!(src[end] == ':' && (end+1 == lineEnd || src[end+1] == ' ' || src[end+1] == '\t')) {
		end++
	}
	for end > i && (src[end-1] == ' ' || src[end-1] == '\t') {
		end--
	}
	return end
}
