package terraform

import (
	"path"
	"strings"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TemplateCall is a task definition whose container_definitions a template
// file renders: templatefile(path, vars), or a template_file data source's
// file(path) and vars.
type TemplateCall struct {
	// Path is the template's, relative to the module's directory.
	Path string
	// Vars are the template variables whose values are known statically;
	// their offsets are the .tf file's.
	Vars map[string]*jsonpos.Node
	// Compatibilities is the resource's requires_compatibilities, nil
	// when it is not set.
	Compatibilities *jsonpos.Node
}

// TemplateCalls returns the template files src renders into task
// definitions, with the variables it gives them. module holds the other
// .tf files of its module, as for Parse.
func TemplateCalls(src []byte, module ...[]byte) []TemplateCall {
	body, ev := parseModule(src, module)
	if body == nil {
		return nil
	}
	sources := map[string]*hclsyntax.Body{} // template_file data sources by name
	for _, b := range body.Blocks {
		if b.Type == "data" && len(b.Labels) == 2 && b.Labels[0] == "template_file" {
			sources[b.Labels[1]] = b.Body
		}
	}
	var out []TemplateCall
	for b, defs := range taskDefinitionBlocks(body) {
		call, ok := ev.templateCall(defs.Expr, sources)
		if !ok {
			continue
		}
		if rc, ok := b.Body.Attributes["requires_compatibilities"]; ok {
			call.Compatibilities = ev.eval(rc.Expr, 0)
		}
		out = append(out, call)
	}
	return out
}

// templateCall reads templatefile(path, vars) or a reference to a
// template_file data source's rendered text.
func (ev *evaluator) templateCall(e hclsyntax.Expression, sources map[string]*hclsyntax.Body) (TemplateCall, bool) {
	switch e := e.(type) {
	case *hclsyntax.FunctionCallExpr:
		if e.Name != "templatefile" || len(e.Args) != 2 || e.ExpandFinal {
			return TemplateCall{}, false
		}
		p, ok := modulePath(e.Args[0])
		if !ok {
			return TemplateCall{}, false
		}
		return TemplateCall{Path: p, Vars: ev.templateVars(e.Args[1])}, true
	case *hclsyntax.ScopeTraversalExpr:
		// data.template_file.NAME.rendered
		t := e.Traversal
		if len(t) != 4 || t.RootName() != "data" {
			return TemplateCall{}, false
		}
		if attrName(t[1]) != "template_file" || attrName(t[3]) != "rendered" {
			return TemplateCall{}, false
		}
		body, ok := sources[attrName(t[2])]
		if !ok {
			return TemplateCall{}, false
		}
		tmpl, ok := body.Attributes["template"]
		if !ok {
			return TemplateCall{}, false
		}
		f, ok := tmpl.Expr.(*hclsyntax.FunctionCallExpr)
		if !ok || f.Name != "file" || len(f.Args) != 1 {
			return TemplateCall{}, false
		}
		p, ok := modulePath(f.Args[0])
		if !ok {
			return TemplateCall{}, false
		}
		call := TemplateCall{Path: p}
		if vars, ok := body.Attributes["vars"]; ok {
			call.Vars = ev.templateVars(vars.Expr)
		} else {
			call.Vars = map[string]*jsonpos.Node{}
		}
		return call, true
	}
	return TemplateCall{}, false
}

// templateVars evaluates a template's variables: an object whose values that are
// not known are left out.
func (ev *evaluator) templateVars(e hclsyntax.Expression) map[string]*jsonpos.Node {
	out := map[string]*jsonpos.Node{}
	n := ev.eval(e, 0)
	for _, m := range n.Members {
		if known(m.Value) {
			out[m.Key] = m.Value
		}
	}
	return out
}

// known tells a value with no unknown part.
func known(n *jsonpos.Node) bool {
	if n == nil || n.Kind == jsonpos.Expr {
		return false
	}
	for _, m := range n.Members {
		if !known(m.Value) {
			return false
		}
	}
	for _, e := range n.Elems {
		if !known(e) {
			return false
		}
	}
	return true
}

// modulePath reads a template's path: a literal relative path, or one that
// starts with ${path.module}. Terraform resolves a relative path from the
// directory it runs in, which is the root module's; gracelint takes it as
// the module's own, where templates are kept.
func modulePath(e hclsyntax.Expression) (string, bool) {
	t, ok := e.(*hclsyntax.TemplateExpr)
	if !ok || len(t.Parts) == 0 {
		return "", false
	}
	parts := t.Parts
	if s, ok := parts[0].(*hclsyntax.ScopeTraversalExpr); ok {
		tr := s.Traversal
		if len(tr) != 2 || tr.RootName() != "path" {
			return "", false
		}
		if a, ok := tr[1].(hcl.TraverseAttr); !ok || a.Name != "module" {
			return "", false
		}
		parts = parts[1:]
	}
	p, ok := templateString(&hclsyntax.TemplateExpr{Parts: parts})
	p = strings.TrimPrefix(p, "/")
	if !ok || p == "" || path.IsAbs(p) {
		return "", false
	}
	return path.Clean(p), true
}

// attrName is the name a traversal step reads, "" for an index.
func attrName(s hcl.Traverser) string {
	if a, ok := s.(hcl.TraverseAttr); ok {
		return a.Name
	}
	return ""
}
