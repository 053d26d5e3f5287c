package terraform

import (
	"slices"
	"strings"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// A registry module that declares ECS containers, read from its call's
// arguments without downloading it.
type registryModule struct {
	// source is the module's address, without registry host and version.
	source string
	// containers returns the container definitions the call declares.
	containers func(ev *evaluator, body *hclsyntax.Body) []*jsonpos.Node
}

// registryModules are the modules most used for ECS task definitions.
// Sources: terraform-aws-modules/terraform-aws-ecs modules/service/main.tf
// (module "container_definition" takes each container_definitions entry,
// its name defaulting to the entry's key; v5 names inputs in snake_case,
// v6 as ECS does) and modules/container-definition/variables.tf;
// cloudposse/terraform-aws-ecs-container-definition variables.tf
// (container_name, container_image, stop_timeout, linux_parameters).
var registryModules = []registryModule{
	{"terraform-aws-modules/ecs/aws//modules/container-definition", func(ev *evaluator, body *hclsyntax.Body) []*jsonpos.Node {
		return []*jsonpos.Node{ev.containerFromArgs(body)}
	}},
	{"terraform-aws-modules/ecs/aws//modules/service", func(ev *evaluator, body *hclsyntax.Body) []*jsonpos.Node {
		return ev.containerMap(body.Attributes["container_definitions"])
	}},
	{"terraform-aws-modules/ecs/aws", func(ev *evaluator, body *hclsyntax.Body) []*jsonpos.Node {
		// The root module: services = { NAME = { container_definitions = { ... } } }
		a, ok := body.Attributes["services"]
		if !ok {
			return nil
		}
		services, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
		if !ok {
			return nil
		}
		var out []*jsonpos.Node
		for _, s := range services.Items {
			svc, ok := s.ValueExpr.(*hclsyntax.ObjectConsExpr)
			if !ok {
				continue
			}
			for _, item := range svc.Items {
				if k, ok := objectKey(item.KeyExpr); ok && k == "container_definitions" {
					out = append(out, ev.containerMap(&hclsyntax.Attribute{Expr: item.ValueExpr})...)
				}
			}
		}
		return out
	}},
	{"cloudposse/ecs-container-definition/aws", func(ev *evaluator, body *hclsyntax.Body) []*jsonpos.Node {
		return []*jsonpos.Node{ev.containerFromArgs(body)}
	}},
}

// containerFields maps the names registry modules give container fields
// to ECS's.
var containerFields = map[string]string{
	"name": "name", "container_name": "name",
	"image": "image", "container_image": "image",
	"command": "command", "entrypoint": "entryPoint", "entry_point": "entryPoint", "entryPoint": "entryPoint",
	"stop_timeout": "stopTimeout", "stopTimeout": "stopTimeout",
	"linux_parameters": "linuxParameters", "linuxParameters": "linuxParameters",
	"environment": "environment", "essential": "essential",
}

// registrySource normalizes a module source to a registryModules address:
// the registry host, a Git URL's repository and a ref are dropped.
func registrySource(s string) string {
	s = strings.TrimPrefix(s, "registry.terraform.io/")
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[:i]
	}
	for _, repo := range []string{"github.com/terraform-aws-modules/terraform-aws-ecs", "github.com/cloudposse/terraform-aws-ecs-container-definition"} {
		if i := strings.Index(s, repo); i >= 0 {
			rest := strings.TrimSuffix(strings.TrimPrefix(s[i+len(repo):], ".git"), "/")
			switch {
			case strings.HasPrefix(repo, "github.com/cloudposse"):
				return "cloudposse/ecs-container-definition/aws"
			case rest == "":
				return "terraform-aws-modules/ecs/aws"
			}
			return "terraform-aws-modules/ecs/aws" + rest
		}
	}
	return s
}

// registryTaskDefinitions returns a task definition holding the
// containers a registry module call declares, nil for other calls.
func (ev *evaluator) registryTaskDefinitions(b *hclsyntax.Block) *TaskDefinition {
	src, ok := b.Body.Attributes["source"]
	if b.Type != "module" || len(b.Labels) != 1 || !ok {
		return nil
	}
	t, ok := src.Expr.(*hclsyntax.TemplateExpr)
	if !ok {
		return nil
	}
	s, ok := templateString(t)
	if !ok {
		return nil
	}
	s = registrySource(s)
	for _, m := range registryModules {
		if m.source != s {
			continue
		}
		containers := m.containers(ev, b.Body)
		if len(containers) == 0 {
			return nil
		}
		r := b.Range()
		defs := &jsonpos.Node{Kind: jsonpos.Array, Start: r.Start.Byte, End: r.End.Byte, Elems: containers}
		root := &jsonpos.Node{Kind: jsonpos.Object, Start: r.Start.Byte, End: r.End.Byte,
			Members: []jsonpos.Member{{Key: "containerDefinitions", KeyStart: r.Start.Byte, KeyEnd: r.Start.Byte, Value: defs}}}
		if rc, ok := b.Body.Attributes["requires_compatibilities"]; ok {
			root.Members = append(root.Members, member("requiresCompatibilities", rc, ev.eval(rc.Expr, 0)))
		}
		return &TaskDefinition{Name: b.Labels[0], Root: root}
	}
	return nil
}

// containerFromArgs is the container a module's arguments describe.
func (ev *evaluator) containerFromArgs(body *hclsyntax.Body) *jsonpos.Node {
	r := body.Range()
	c := &jsonpos.Node{Kind: jsonpos.Object, Start: r.Start.Byte, End: r.End.Byte}
	for name, a := range body.Attributes {
		if field, ok := containerFields[name]; ok {
			c.Members = append(c.Members, member(field, a, ev.eval(a.Expr, 0)))
		}
	}
	slices.SortFunc(c.Members, func(a, b jsonpos.Member) int { return a.KeyStart - b.KeyStart })
	return withModuleDefaults(c)
}

// containerMap reads a map of container definitions, each named by its key
// unless it sets a name.
func (ev *evaluator) containerMap(a *hclsyntax.Attribute) []*jsonpos.Node {
	if a == nil {
		return nil
	}
	n := ev.eval(a.Expr, 0)
	var out []*jsonpos.Node
	for _, m := range n.Members {
		v := m.Value
		if v.Kind != jsonpos.Object {
			continue
		}
		c := &jsonpos.Node{Kind: jsonpos.Object, Start: v.Start, End: v.End}
		for _, f := range v.Members {
			if field, ok := containerFields[f.Key]; ok {
				f.Key = field
				c.Members = append(c.Members, f)
			}
		}
		if c.Get("name") == nil {
			c.Members = append(c.Members, jsonpos.Member{Key: "name", KeyStart: m.KeyStart, KeyEnd: m.KeyEnd,
				Value: &jsonpos.Node{Kind: jsonpos.String, Str: m.Key, Start: m.KeyStart, End: m.KeyEnd}})
		}
		out = append(out, withModuleDefaults(c))
	}
	return out
}

// withModuleDefaults makes the fields a call leaves to the module unknown:
// the module's defaults differ between versions (stop_timeout is 120 in v5
// of terraform-aws-modules, and v6 sets initProcessEnabled from
// enable_execute_command), so gracelint does not assume ECS's.
func withModuleDefaults(c *jsonpos.Node) *jsonpos.Node {
	for _, field := range []string{"stopTimeout", "linuxParameters"} {
		if c.Get(field) == nil {
			c.Members = append(c.Members, jsonpos.Member{Key: field, KeyStart: c.Start, KeyEnd: c.Start,
				Value: &jsonpos.Node{Kind: jsonpos.Expr, Start: c.Start, End: c.Start}})
		}
	}
	return c
}
