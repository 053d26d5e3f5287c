package terraform

import (
	"path"
	"strings"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// LocalModules returns the directories, relative to src's, of the local
// modules src calls (source = "./modules/worker").
func LocalModules(src []byte) []string {
	body, ev := parseModule(src, nil)
	if body == nil {
		return nil
	}
	var out []string
	for _, b := range body.Blocks {
		if dir, ok := ev.localSource(b); ok {
			out = append(out, dir)
		}
	}
	return out
}

// localSource is the directory a module block's literal local source
// names.
func (ev *evaluator) localSource(b *hclsyntax.Block) (string, bool) {
	if b.Type != "module" || len(b.Labels) != 1 {
		return "", false
	}
	a, ok := b.Body.Attributes["source"]
	if !ok {
		return "", false
	}
	t, ok := a.Expr.(*hclsyntax.TemplateExpr)
	if !ok {
		return "", false
	}
	s, ok := templateString(t)
	if !ok || !strings.HasPrefix(s, "./") && !strings.HasPrefix(s, "../") {
		return "", false // a registry or remote module
	}
	return path.Clean(s), true
}

// ParseModules returns the task definitions the local modules src calls
// declare, each module's variables given the arguments of the call. called
// holds the .tf files of each module by the directory LocalModules gave.
// A value an argument gives points at the argument; one the module writes
// points at the module block's header, so that nothing edits the module
// through a call.
func ParseModules(src []byte, called map[string][][]byte, module ...[]byte) []*TaskDefinition {
	body, caller := parseModule(src, module)
	if body == nil {
		return nil
	}
	var out []*TaskDefinition
	parsed := map[string]calledModule{} // each module once, however many calls
	for _, b := range body.Blocks {
		dir, ok := caller.localSource(b)
		if !ok || len(called[dir]) == 0 {
			continue
		}
		args := map[string]*jsonpos.Node{}
		kept := map[*jsonpos.Node]bool{}
		for name, a := range b.Body.Attributes {
			v := caller.eval(a.Expr, 0)
			args[name] = v
			keep(v, kept)
		}
		header := b.DefRange()
		m, ok := parsed[dir]
		if !ok {
			m = parseCalled(called[dir])
			parsed[dir] = m
		}
		for _, f := range m.files {
			ev := &evaluator{src: f.src, locals: m.locals, vars: m.vars, args: args, kept: kept}
			for _, td := range ev.taskDefinitions(f.body) {
				td.Module = b.Labels[0]
				relocateExcept(td.Root, header.Start.Byte, header.End.Byte, kept)
				out = append(out, td)
			}
		}
	}
	return out
}

// calledModule is a local module's files, parsed, with the locals and
// variable defaults they declare.
type calledModule struct {
	files        []moduleFile
	locals, vars map[string]value
}

type moduleFile struct {
	src  []byte
	body *hclsyntax.Body
}

// parseCalled parses the .tf files of a module; one that does not parse is
// left out.
func parseCalled(srcs [][]byte) calledModule {
	m := calledModule{locals: map[string]value{}, vars: map[string]value{}}
	decl := &evaluator{locals: m.locals, vars: m.vars}
	for _, src := range srcs {
		if body, _ := parseConfig(src, ""); body != nil {
			decl.declare(body, src)
			m.files = append(m.files, moduleFile{src, body})
		}
	}
	return m
}

// keep marks a tree's nodes as written where they are.
func keep(n *jsonpos.Node, kept map[*jsonpos.Node]bool) {
	if n == nil {
		return
	}
	kept[n] = true
	for _, m := range n.Members {
		keep(m.Value, kept)
	}
	for _, e := range n.Elems {
		keep(e, kept)
	}
}

// relocateExcept makes every node of a tree but the kept ones, and theirs,
// point at [start, end); a kept value's key is the module's, and moves.
func relocateExcept(n *jsonpos.Node, start, end int, kept map[*jsonpos.Node]bool) {
	if n == nil || kept[n] {
		return
	}
	n.Start, n.End = start, end
	for i := range n.Members {
		n.Members[i].KeyStart, n.Members[i].KeyEnd = start, end
		relocateExcept(n.Members[i].Value, start, end, kept)
	}
	for _, e := range n.Elems {
		relocateExcept(e, start, end, kept)
	}
}
