// Package terraform reads the ECS task definitions a Terraform file
// declares, with positions: each aws_ecs_task_definition resource's
// container_definitions, evaluated statically into a tree of jsonpos nodes
// whose offsets are the .tf file's. jsonencode() of literal lists and
// objects, heredoc JSON, string templates, tostring() and tonumber() are
// read, with the locals and the variable defaults the same file declares;
// anything else (data sources, resources, module outputs, variables
// without a default, other functions) is an unknown value, never a guess.
package terraform

import (
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TaskDefinition is one aws_ecs_task_definition resource.
type TaskDefinition struct {
	Name string
	// Module is the label of the module call that declares it, "" for
	// one of the file's own.
	Module string
	// Root is an object holding "containerDefinitions" and, when set,
	// "requiresCompatibilities", as a task definition's JSON would.
	Root *jsonpos.Node
}

// Error is a .tf file that does not parse.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// maxDepth bounds how deep locals and variables are followed, against
// values that refer to each other.
const maxDepth = 16

// Parse returns the task definitions src declares. module holds the other
// .tf files of its module, whose locals and variable defaults it may use:
// a value from one of them points at where src refers to it.
func Parse(src []byte, filename string, module ...[]byte) ([]*TaskDefinition, error) {
	body, err := parseConfig(src, filename)
	if body == nil {
		return nil, err
	}
	return newEvaluator(body, src, module).taskDefinitions(body), nil
}

// maxNesting bounds how deep brackets, braces, parentheses and templates
// nest. hclsyntax parses nesting by recursion: 100,000 levels overflow the
// Go stack, a fatal error no input should cause; Terraform nests a few.
const maxNesting = 1000

// parseConfig parses src in HCL's native syntax; the body is nil when src
// does not parse, with the error saying where.
func parseConfig(src []byte, filename string) (*hclsyntax.Body, error) {
	if at := tooDeep(src); at >= 0 {
		return nil, &Error{Offset: at, Msg: fmt.Sprintf("brackets and templates nested more than %d levels deep", maxNesting)}
	}
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		d := diags[0]
		e := &Error{Msg: d.Summary}
		if d.Detail != "" {
			e.Msg += ": " + d.Detail
		}
		if d.Subject != nil {
			e.Offset = d.Subject.Start.Byte
		}
		return nil, e
	}
	body, _ := file.Body.(*hclsyntax.Body)
	return body, nil
}

// tooDeep returns the offset of the first token that opens a level past
// maxNesting, or -1. The lexer, unlike the parser, keeps no Go stack per
// level.
func tooDeep(src []byte) int {
	tokens, _ := hclsyntax.LexConfig(src, "", hcl.InitialPos)
	depth := 0
	for _, t := range tokens {
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenOQuote,
			hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			if depth++; depth > maxNesting {
				return t.Range.Start.Byte
			}
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenCQuote,
			hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			depth = max(depth-1, 0)
		}
	}
	return -1
}

// taskDefinitionBlocks yields the aws_ecs_task_definition resources of
// body that set container_definitions, with that attribute.
func taskDefinitionBlocks(body *hclsyntax.Body) iter.Seq2[*hclsyntax.Block, *hclsyntax.Attribute] {
	return func(yield func(*hclsyntax.Block, *hclsyntax.Attribute) bool) {
		for _, b := range body.Blocks {
			if b.Type != "resource" || len(b.Labels) != 2 || b.Labels[0] != "aws_ecs_task_definition" {
				continue
			}
			if defs, ok := b.Body.Attributes["container_definitions"]; ok && !yield(b, defs) {
				return
			}
		}
	}
}

// taskDefinitions evaluates the aws_ecs_task_definition resources of body.
func (ev *evaluator) taskDefinitions(body *hclsyntax.Body) []*TaskDefinition {
	var out []*TaskDefinition
	for b, defs := range taskDefinitionBlocks(body) {
		rng := b.Range()
		root := &jsonpos.Node{Kind: jsonpos.Object, Start: rng.Start.Byte, End: rng.End.Byte}
		root.Members = append(root.Members, member("containerDefinitions", defs, ev.eval(defs.Expr, 0)))
		if rc, ok := b.Body.Attributes["requires_compatibilities"]; ok {
			root.Members = append(root.Members, member("requiresCompatibilities", rc, ev.eval(rc.Expr, 0)))
		}
		out = append(out, &TaskDefinition{Name: b.Labels[1], Root: root})
	}
	for _, b := range body.Blocks {
		if td := ev.registryTaskDefinitions(b); td != nil {
			out = append(out, td)
		}
	}
	return out
}

func member(key string, a *hclsyntax.Attribute, v *jsonpos.Node) jsonpos.Member {
	return jsonpos.Member{Key: key, KeyStart: a.NameRange.Start.Byte, KeyEnd: a.NameRange.End.Byte, Value: v}
}

// parseModule parses src and returns its body and an evaluator that knows
// the locals and variable defaults of its module; a nil body when src does
// not parse.
func parseModule(src []byte, module [][]byte) (*hclsyntax.Body, *evaluator) {
	body, _ := parseConfig(src, "")
	if body == nil {
		return nil, nil
	}
	return body, newEvaluator(body, src, module)
}

func newEvaluator(body *hclsyntax.Body, src []byte, module [][]byte) *evaluator {
	ev := &evaluator{src: src, locals: map[string]value{}, vars: map[string]value{}}
	for _, other := range module {
		if b, _ := parseConfig(other, ""); b != nil {
			ev.declare(b, other)
		}
	}
	ev.declare(body, src)
	return ev
}

type evaluator struct {
	src    []byte
	locals map[string]value
	vars   map[string]value
	// args are the arguments a module call gives the module's variables,
	// evaluated where the call is written; kept holds their nodes, which
	// never move.
	args map[string]*jsonpos.Node
	kept map[*jsonpos.Node]bool
}

// value is a local's or a variable default's expression and the source of
// the file it is written in.
type value struct {
	expr hclsyntax.Expression
	src  []byte
}

// declare records the locals and the variable defaults of a file of the
// module, whose source is src.
func (ev *evaluator) declare(body *hclsyntax.Body, src []byte) {
	for _, b := range body.Blocks {
		switch {
		case b.Type == "locals":
			for name, a := range b.Body.Attributes {
				ev.locals[name] = value{a.Expr, src}
			}
		case b.Type == "variable" && len(b.Labels) == 1:
			if a, ok := b.Body.Attributes["default"]; ok {
				ev.vars[b.Labels[0]] = value{a.Expr, src}
			}
		}
	}
}

// follow evaluates a local or a variable; one written in another file of
// the module points at the reference, r, in this one.
func (ev *evaluator) follow(v value, r hcl.Range, depth int) *jsonpos.Node {
	if len(v.src) > 0 && len(ev.src) > 0 && &v.src[0] == &ev.src[0] {
		return ev.eval(v.expr, depth+1)
	}
	other := &evaluator{src: v.src, locals: ev.locals, vars: ev.vars, args: ev.args, kept: ev.kept}
	n := other.eval(v.expr, depth+1)
	relocateExcept(n, r.Start.Byte, r.End.Byte, ev.kept)
	return n
}

// unknown is a value gracelint cannot know statically, where e is written.
func unknown(e hclsyntax.Expression) *jsonpos.Node {
	r := e.Range()
	return &jsonpos.Node{Kind: jsonpos.Expr, Start: r.Start.Byte, End: r.End.Byte}
}

// eval turns an expression into the JSON value it stands for.
func (ev *evaluator) eval(e hclsyntax.Expression, depth int) *jsonpos.Node {
	if depth > maxDepth {
		return unknown(e)
	}
	r := e.Range()
	switch e := e.(type) {
	case *hclsyntax.TupleConsExpr:
		n := &jsonpos.Node{Kind: jsonpos.Array, Start: r.Start.Byte, End: r.End.Byte}
		for _, el := range e.Exprs {
			n.Elems = append(n.Elems, ev.eval(el, depth+1))
		}
		return n
	case *hclsyntax.ObjectConsExpr:
		n := &jsonpos.Node{Kind: jsonpos.Object, Start: r.Start.Byte, End: r.End.Byte}
		for _, item := range e.Items {
			key, ok := objectKey(item.KeyExpr)
			if !ok {
				return unknown(e) // a computed key: the object's shape is not known
			}
			kr := item.KeyExpr.Range()
			n.Members = append(n.Members, jsonpos.Member{Key: key, KeyStart: kr.Start.Byte, KeyEnd: kr.End.Byte, Value: ev.eval(item.ValueExpr, depth+1)})
		}
		return n
	case *hclsyntax.LiteralValueExpr:
		return literal(e.Val, r)
	case *hclsyntax.TemplateExpr:
		if s, ok := templateString(e); ok {
			return &jsonpos.Node{Kind: jsonpos.String, Str: s, Start: r.Start.Byte, End: r.End.Byte}
		}
		if heredoc := ev.heredocJSON(e); heredoc != nil {
			return heredoc
		}
		return unknown(e)
	case *hclsyntax.TemplateWrapExpr:
		return ev.eval(e.Wrapped, depth+1)
	case *hclsyntax.ParenthesesExpr:
		return ev.eval(e.Expression, depth+1)
	case *hclsyntax.ScopeTraversalExpr:
		if len(e.Traversal) == 2 {
			root, attr := e.Traversal.RootName(), e.Traversal[1]
			if a, ok := attr.(hcl.TraverseAttr); ok {
				if v, ok := ev.locals[a.Name]; root == "local" && ok {
					return ev.follow(v, r, depth)
				}
				if v, ok := ev.args[a.Name]; root == "var" && ok {
					return v
				}
				if v, ok := ev.vars[a.Name]; root == "var" && ok {
					return ev.follow(v, r, depth)
				}
			}
		}
		return unknown(e)
	case *hclsyntax.FunctionCallExpr:
		switch {
		case len(e.Args) == 1 && (e.Name == "jsonencode" || e.Name == "tostring" || e.Name == "tonumber"):
			return ev.eval(e.Args[0], depth+1)
		case (e.Name == "merge" || e.Name == "concat") && len(e.Args) > 0 && !e.ExpandFinal:
			return ev.combine(e, depth)
		}
		return unknown(e)
	}
	return unknown(e)
}

// combine evaluates merge() of objects (a later key wins) or concat() of
// lists; unknown when an argument is not known to be one.
func (ev *evaluator) combine(e *hclsyntax.FunctionCallExpr, depth int) *jsonpos.Node {
	r := e.Range()
	kind := jsonpos.Object
	if e.Name == "concat" {
		kind = jsonpos.Array
	}
	out := &jsonpos.Node{Kind: kind, Start: r.Start.Byte, End: r.End.Byte}
	for _, a := range e.Args {
		v := ev.eval(a, depth+1)
		if v.Kind != kind {
			return unknown(e)
		}
		out.Elems = append(out.Elems, v.Elems...)
		for _, m := range v.Members {
			out.Members = slices.DeleteFunc(out.Members, func(o jsonpos.Member) bool { return o.Key == m.Key })
			out.Members = append(out.Members, m)
		}
	}
	return out
}

// objectKey is the name of an object's key: a bare word or a literal
// string.
func objectKey(e hclsyntax.Expression) (string, bool) {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if name := hcl.ExprAsKeyword(k.Wrapped); name != "" && !k.ForceNonLiteral {
			return name, true
		}
		e = k.Wrapped
	}
	if t, ok := e.(*hclsyntax.TemplateExpr); ok {
		return templateString(t)
	}
	return "", false
}

// templateString is a template with no interpolation.
func templateString(t *hclsyntax.TemplateExpr) (string, bool) {
	var b strings.Builder
	for _, p := range t.Parts {
		lit, ok := p.(*hclsyntax.LiteralValueExpr)
		if !ok || lit.Val.Type() != cty.String || lit.Val.IsNull() {
			return "", false
		}
		b.WriteString(lit.Val.AsString())
	}
	return b.String(), true
}

func literal(v cty.Value, r hcl.Range) *jsonpos.Node {
	n := &jsonpos.Node{Start: r.Start.Byte, End: r.End.Byte}
	switch {
	case v.IsNull():
		n.Kind = jsonpos.Null
	case v.Type() == cty.String:
		n.Kind, n.Str = jsonpos.String, v.AsString()
	case v.Type() == cty.Number:
		n.Kind, n.Num = jsonpos.Number, json.Number(v.AsBigFloat().Text('f', -1))
	case v.Type() == cty.Bool:
		n.Kind, n.Bool = jsonpos.Bool, v.True()
	default:
		n.Kind = jsonpos.Expr
	}
	return n
}

// heredocJSON reads a heredoc or quoted template that holds JSON
// (container_definitions = <<EOF [...] EOF), its interpolations unknown;
// nil when it does not hold JSON.
func (ev *evaluator) heredocJSON(t *hclsyntax.TemplateExpr) *jsonpos.Node {
	r := t.Range()
	raw := string(ev.src[r.Start.Byte:r.End.Byte])
	start := r.Start.Byte
	if strings.HasPrefix(raw, "<<") {
		nl := strings.IndexByte(raw, '\n')
		last := strings.LastIndexByte(strings.TrimRight(raw, "\n"), '\n')
		if nl < 0 || last <= nl {
			return nil
		}
		start += nl + 1
		raw = raw[nl+1 : last+1]
	} else if len(raw) >= 2 && raw[0] == '"' {
		return nil // a quoted string's escapes would shift offsets
	}
	trimmed := strings.TrimSpace(raw)
	if !strings.HasPrefix(trimmed, "[") && !strings.HasPrefix(trimmed, "{") {
		return nil
	}
	doc, _, err := jsonpos.ParseTemplate([]byte(raw))
	if err != nil {
		return nil
	}
	shift(doc, start)
	return doc
}

// shift moves a tree parsed from a slice of the file to the file's offsets.
func shift(n *jsonpos.Node, by int) {
	if n == nil {
		return
	}
	n.Start += by
	n.End += by
	for i := range n.Members {
		n.Members[i].KeyStart += by
		n.Members[i].KeyEnd += by
		shift(n.Members[i].Value, by)
	}
	for _, e := range n.Elems {
		shift(e, by)
	}
}
