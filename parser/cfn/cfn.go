// Package cfn finds the ECS task definitions of a CloudFormation template,
// JSON or YAML (CDK output under cdk.out included), and returns their
// Properties as position-keeping trees, so that the task definition reader
// serves both. Intrinsic functions (!Sub, !Ref, Fn::Join, ...) are values
// computed at deploy time: they become jsonpos.Expr, never a guess.
package cfn

import (
	"bytes"
	"errors"
	"strings"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/yamlpos"
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
		docs, err := yamlpos.Parse(src)
		if err != nil {
			var ye *yamlpos.Error
			if errors.As(err, &ye) && ye.Line > 0 {
				return nil, &Error{Offset: source.NewLines(src).LineStart(ye.Line), Msg: ye.Msg}
			}
			return nil, &Error{Msg: err.Error()}
		}
		if len(docs) == 0 {
			return nil, nil
		}
		root = docs[0]
		markIntrinsics(root)
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
	if n.Kind == jsonpos.Expr {
		return
	}
	for _, m := range n.Members {
		markIntrinsics(m.Value)
	}
	for _, e := range n.Elems {
		markIntrinsics(e)
	}
}
