// Package taskdef reads ECS task definitions in the shapes people keep them:
// register-task-definition input, describe-task-definition output, a bare
// container-definitions array (Terraform's container_definitions), and the
// Properties of a CloudFormation resource (PascalCase keys). It maps the
// fields the rules need into the aws-sdk-go-v2 ECS types and keeps the tree,
// so every field can be pointed at. Values computed at deploy time
// (jsonpos.Expr) are unknown: left out, never an error.
package taskdef

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/gracelint/gracelint/parser/jsonpos"
)

// TaskDef is one parsed task definition.
type TaskDef struct {
	Def        types.TaskDefinition
	Root       *jsonpos.Node // the object holding containerDefinitions
	Containers []*Container

	// waitedFor are the containers others wait for to exit, by name.
	waitedFor map[string]bool
}

// Container is one entry of containerDefinitions.
type Container struct {
	Def   types.ContainerDefinition
	Index int
	Node  *jsonpos.Node // the container's JSON object
	// Pascal is true for CloudFormation's PascalCase keys (StopTimeout).
	Pascal bool
}

// OneShot reports whether a container of the task definition runs once:
// another container waits for it to exit (dependsOn with condition
// COMPLETE or SUCCESS, which ECS allows on non-essential containers only,
// for one that "runs a script and then exits": ContainerDependency in the
// ECS API reference). A deploy does not stop it.
func (t *TaskDef) OneShot(c *Container) bool {
	return c.Def.Name != nil && t.waitedFor[*c.Def.Name]
}

// Field returns the value of a container field, named as the ECS API names
// it (stopTimeout), or nil when unset.
func (c *Container) Field(name string) *jsonpos.Node { return c.Node.Get(Key(name, c.Pascal)) }

// Unknown reports whether a field is set to a value computed at deploy time
// (a template placeholder, an intrinsic function): set, but not known. A
// dotted name reaches into an object: "linuxParameters.initProcessEnabled".
func (c *Container) Unknown(name string) bool {
	n := c.Node
	for _, part := range strings.Split(name, ".") {
		if n.Kind == jsonpos.Expr {
			return true
		}
		if n = n.Get(Key(part, c.Pascal)); n == nil {
			return false
		}
	}
	return n.Kind == jsonpos.Expr
}

// Key spells an ECS field name in the file's style.
func Key(name string, pascal bool) string {
	if pascal && name != "" {
		return strings.ToUpper(name[:1]) + name[1:]
	}
	return name
}

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

// Root returns the part of doc that holds the containers: the top level, its
// "taskDefinition" member (describe-task-definition output), or doc itself
// when it is an array of container definitions. It returns nil when doc is
// not a task definition.
func Root(doc *jsonpos.Node) *jsonpos.Node {
	switch {
	case doc.Get("containerDefinitions") != nil:
		return doc
	case doc.Get("taskDefinition").Get("containerDefinitions") != nil:
		return doc.Get("taskDefinition")
	case isContainerList(doc):
		return doc
	}
	return nil
}

// isContainerList tells an array of container definitions: objects that
// each have a name and an image.
func isContainerList(doc *jsonpos.Node) bool {
	if doc.Kind != jsonpos.Array || len(doc.Elems) == 0 {
		return false
	}
	for _, e := range doc.Elems {
		if e.Get("name") == nil || e.Get("image") == nil {
			return false
		}
	}
	return true
}

// Parse maps a task definition's JSON tree into a TaskDef. Fields of the
// wrong type are returned as errors and left out; the rest is kept.
func Parse(root *jsonpos.Node) (*TaskDef, []error) {
	return parse(root, false)
}

// ParsePascal reads the Properties of a CloudFormation
// AWS::ECS::TaskDefinition, whose keys are PascalCase.
func ParsePascal(props *jsonpos.Node) (*TaskDef, []error) {
	return parse(props, true)
}

func parse(root *jsonpos.Node, pascal bool) (*TaskDef, []error) {
	d := &decoder{pascal: pascal}
	t := &TaskDef{Root: root}
	defs := root
	if root.Kind == jsonpos.Object {
		t.Def.Family = d.str(root, "family", "family")
		for _, c := range d.strs(root, "requiresCompatibilities", "requiresCompatibilities") {
			t.Def.RequiresCompatibilities = append(t.Def.RequiresCompatibilities, types.Compatibility(c))
		}
		defs = root.Get(Key("containerDefinitions", pascal))
	}
	if defs == nil || defs.Kind == jsonpos.Expr {
		return t, d.errs
	}
	if defs.Kind != jsonpos.Array {
		d.wrong(defs, "containerDefinitions", "an array")
		return t, d.errs
	}
	// Sized once: a ContainerDefinition is large, and appending copied
	// each one again at every growth.
	t.Def.ContainerDefinitions = make([]types.ContainerDefinition, 0, len(defs.Elems))
	t.Containers = make([]*Container, 0, len(defs.Elems))
	for i, n := range defs.Elems {
		path := fmt.Sprintf("containerDefinitions[%d]", i)
		if n.Kind == jsonpos.Expr {
			continue
		}
		if n.Kind != jsonpos.Object {
			d.wrong(n, path, "an object")
			continue
		}
		c := &Container{Index: i, Node: n, Pascal: pascal}
		cd := &c.Def
		cd.Name = d.str(n, "name", path+".name")
		cd.Image = d.str(n, "image", path+".image")
		cd.Command = d.strs(n, "command", path+".command")
		cd.EntryPoint = d.strs(n, "entryPoint", path+".entryPoint")
		cd.StopTimeout = d.int32(n, "stopTimeout", path+".stopTimeout")
		cd.Essential = d.bool(n, "essential", path+".essential")
		if lp := d.get(n, "linuxParameters"); lp != nil && lp.Kind != jsonpos.Expr {
			if lp.Kind == jsonpos.Object {
				cd.LinuxParameters = &types.LinuxParameters{
					InitProcessEnabled: d.bool(lp, "initProcessEnabled", path+".linuxParameters.initProcessEnabled"),
				}
			} else if lp.Kind != jsonpos.Null {
				d.wrong(lp, path+".linuxParameters", "an object")
			}
		}
		if deps := d.get(n, "dependsOn"); deps != nil && deps.Kind == jsonpos.Array {
			for j, e := range deps.Elems {
				dp := fmt.Sprintf("%s.dependsOn[%d]", path, j)
				name, cond := d.str(e, "containerName", dp+".containerName"), d.str(e, "condition", dp+".condition")
				if name != nil && cond != nil {
					cd.DependsOn = append(cd.DependsOn, types.ContainerDependency{ContainerName: name, Condition: types.ContainerCondition(*cond)})
				}
			}
		}
		if env := d.get(n, "environment"); env != nil && env.Kind == jsonpos.Array {
			for j, e := range env.Elems {
				ep := fmt.Sprintf("%s.environment[%d]", path, j)
				name, value := d.str(e, "name", ep+".name"), d.str(e, "value", ep+".value")
				cd.Environment = append(cd.Environment, types.KeyValuePair{Name: name, Value: value})
			}
		}
		t.Def.ContainerDefinitions = append(t.Def.ContainerDefinitions, *cd)
		t.Containers = append(t.Containers, c)
		for _, dep := range cd.DependsOn {
			if dep.ContainerName != nil && (dep.Condition == types.ContainerConditionComplete || dep.Condition == types.ContainerConditionSuccess) {
				if t.waitedFor == nil {
					t.waitedFor = map[string]bool{}
				}
				t.waitedFor[*dep.ContainerName] = true
			}
		}
	}
	return t, d.errs
}

type decoder struct {
	errs   []error
	pascal bool
}

func (d *decoder) get(obj *jsonpos.Node, key string) *jsonpos.Node {
	return obj.Get(Key(key, d.pascal))
}

func (d *decoder) wrong(n *jsonpos.Node, path, want string) {
	got := "nothing"
	off := 0
	if n != nil {
		got, off = n.Kind.String(), n.Start
	}
	d.errs = append(d.errs, &FieldError{Offset: off, Msg: fmt.Sprintf("%s must be %s, not %s", path, want, got)})
}

// field returns obj[key] when it is set to a literal value of kind k; an
// expression is unknown, not wrong.
func (d *decoder) field(obj *jsonpos.Node, key, path string, k jsonpos.Kind, want string) *jsonpos.Node {
	n := d.get(obj, key)
	if n == nil || n.Kind == jsonpos.Null || n.Kind == jsonpos.Expr {
		return nil
	}
	// CloudFormation converts scalars: numbers and booleans may be written
	// as strings, and strings as numbers or booleans.
	if d.pascal && n.Kind != k {
		switch {
		case k == jsonpos.Number && n.Kind == jsonpos.String:
			if _, err := strconv.Atoi(n.Str); err == nil {
				return &jsonpos.Node{Kind: jsonpos.Number, Start: n.Start, End: n.End, Num: json.Number(n.Str)}
			}
		case k == jsonpos.Bool && n.Kind == jsonpos.String && (n.Str == "true" || n.Str == "false"):
			return &jsonpos.Node{Kind: jsonpos.Bool, Start: n.Start, End: n.End, Bool: n.Str == "true"}
		case k == jsonpos.String && n.Kind == jsonpos.Number:
			return &jsonpos.Node{Kind: jsonpos.String, Start: n.Start, End: n.End, Str: string(n.Num)}
		case k == jsonpos.String && n.Kind == jsonpos.Bool:
			return &jsonpos.Node{Kind: jsonpos.String, Start: n.Start, End: n.End, Str: strconv.FormatBool(n.Bool)}
		}
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
		if e.Kind == jsonpos.Expr {
			out = append(out, "") // computed at deploy time
			continue
		}
		if e.Kind != jsonpos.String {
			d.wrong(e, fmt.Sprintf("%s[%d]", path, i), "a string")
			return nil
		}
		out = append(out, e.Str)
	}
	return out
}
