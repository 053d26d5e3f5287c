// Package taskdef reads ECS task definitions in the shapes people keep them:
// register-task-definition input and describe-task-definition output. It maps
// the fields the rules need into the aws-sdk-go-v2 ECS types and keeps the
// JSON tree, so every field can be pointed at.
package taskdef

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/gracelint/gracelint/parser/jsonpos"
)

// TaskDef is one parsed task definition.
type TaskDef struct {
	Def        types.TaskDefinition
	Root       *jsonpos.Node // the object holding containerDefinitions
	Containers []*Container
}

// Container is one entry of containerDefinitions.
type Container struct {
	Def   types.ContainerDefinition
	Index int
	Node  *jsonpos.Node // the container's JSON object
}

// Field returns the JSON value of a container field, or nil when unset.
func (c *Container) Field(name string) *jsonpos.Node { return c.Node.Get(name) }

// InitProcessEnabled reports whether ECS starts its init (Docker's --init) as
// PID 1 of this container.
func (c *Container) InitProcessEnabled() bool {
	lp := c.Def.LinuxParameters
	return lp != nil && lp.InitProcessEnabled != nil && *lp.InitProcessEnabled
}

// RequiresFargate reports whether the task must run on Fargate.
func (t *TaskDef) RequiresFargate() bool {
	for _, c := range t.Def.RequiresCompatibilities {
		if c == types.CompatibilityFargate {
			return true
		}
	}
	return false
}

// FieldError is a field whose JSON type is not what ECS accepts.
type FieldError struct {
	Offset int
	Msg    string
}

func (e *FieldError) Error() string { return e.Msg }

// Root returns the object of src that holds containerDefinitions: the top
// level, or its "taskDefinition" member (describe-task-definition output).
// It returns nil when src is not a task definition.
func Root(doc *jsonpos.Node) *jsonpos.Node {
	if doc.Get("containerDefinitions") != nil {
		return doc
	}
	if td := doc.Get("taskDefinition"); td.Get("containerDefinitions") != nil {
		return td
	}
	return nil
}

// Parse maps a task definition's JSON tree into a TaskDef. Fields of the
// wrong type are returned as errors and left out; the rest is kept.
func Parse(root *jsonpos.Node) (*TaskDef, []error) {
	d := &decoder{}
	t := &TaskDef{Root: root}
	t.Def.Family = d.str(root, "family", "family")
	for _, c := range d.strs(root, "requiresCompatibilities", "requiresCompatibilities") {
		t.Def.RequiresCompatibilities = append(t.Def.RequiresCompatibilities, types.Compatibility(c))
	}
	defs := root.Get("containerDefinitions")
	if defs.Kind != jsonpos.Array {
		d.wrong(defs, "containerDefinitions", "an array")
		return t, d.errs
	}
	for i, n := range defs.Elems {
		path := fmt.Sprintf("containerDefinitions[%d]", i)
		if n.Kind != jsonpos.Object {
			d.wrong(n, path, "an object")
			continue
		}
		c := &Container{Index: i, Node: n}
		cd := &c.Def
		cd.Name = d.str(n, "name", path+".name")
		cd.Image = d.str(n, "image", path+".image")
		cd.Command = d.strs(n, "command", path+".command")
		cd.EntryPoint = d.strs(n, "entryPoint", path+".entryPoint")
		cd.StopTimeout = d.int32(n, "stopTimeout", path+".stopTimeout")
		cd.Essential = d.bool(n, "essential", path+".essential")
		if lp := n.Get("linuxParameters"); lp != nil {
			if lp.Kind == jsonpos.Object {
				cd.LinuxParameters = &types.LinuxParameters{
					InitProcessEnabled: d.bool(lp, "initProcessEnabled", path+".linuxParameters.initProcessEnabled"),
				}
			} else if lp.Kind != jsonpos.Null {
				d.wrong(lp, path+".linuxParameters", "an object")
			}
		}
		if env := n.Get("environment"); env != nil && env.Kind == jsonpos.Array {
			for j, e := range env.Elems {
				ep := fmt.Sprintf("%s.environment[%d]", path, j)
				name, value := d.str(e, "name", ep+".name"), d.str(e, "value", ep+".value")
				cd.Environment = append(cd.Environment, types.KeyValuePair{Name: name, Value: value})
			}
		}
		t.Def.ContainerDefinitions = append(t.Def.ContainerDefinitions, *cd)
		t.Containers = append(t.Containers, c)
	}
	return t, d.errs
}

type decoder struct{ errs []error }

func (d *decoder) wrong(n *jsonpos.Node, path, want string) {
	got := "nothing"
	off := 0
	if n != nil {
		got, off = n.Kind.String(), n.Start
	}
	d.errs = append(d.errs, &FieldError{Offset: off, Msg: fmt.Sprintf("%s must be %s, not %s", path, want, got)})
}

// field returns obj[key] when it is set to a non-null value of kind k.
func (d *decoder) field(obj *jsonpos.Node, key, path string, k jsonpos.Kind, want string) *jsonpos.Node {
	n := obj.Get(key)
	if n == nil || n.Kind == jsonpos.Null {
		return nil
	}
	if n.Kind != k {
		d.wrong(n, path, want)
		return nil
	}
	return n
}

func (d *decoder) str(obj *jsonpos.Node, key, path string) *string {
	if n := d.field(obj, key, path, jsonpos.String, "a string"); n != nil {
		return &n.Str
	}
	return nil
}

func (d *decoder) bool(obj *jsonpos.Node, key, path string) *bool {
	if n := d.field(obj, key, path, jsonpos.Bool, "true or false"); n != nil {
		return &n.Bool
	}
	return nil
}

func (d *decoder) int32(obj *jsonpos.Node, key, path string) *int32 {
	n := d.field(obj, key, path, jsonpos.Number, "an integer")
	if n == nil {
		return nil
	}
	v, ok := n.Int()
	if !ok || v != int64(int32(v)) {
		d.wrong(n, path, "an integer")
		return nil
	}
	i := int32(v)
	return &i
}

func (d *decoder) strs(obj *jsonpos.Node, key, path string) []string {
	n := d.field(obj, key, path, jsonpos.Array, "an array of strings")
	if n == nil {
		return nil
	}
	out := make([]string, 0, len(n.Elems))
	for i, e := range n.Elems {
		if e.Kind != jsonpos.String {
			d.wrong(e, fmt.Sprintf("%s[%d]", path, i), "a string")
			return nil
		}
		out = append(out, e.Str)
	}
	return out
}
