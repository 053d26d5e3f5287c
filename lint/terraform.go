package lint

import (
	"bytes"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/taskdef"
	"github.com/gracelint/gracelint/parser/terraform"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// maxModuleFiles bounds how many files of a Terraform module are read for
// its locals and variables.
const maxModuleFiles = 200

// callerLevels is how many directories above a template its Terraform
// callers are looked for: templates sit beside the module's .tf files or
// in a directory of their own under it (templates/, task-definitions/).
const callerLevels = 2

// moduleFiles reads the .tf files of dir, the module of the Terraform file
// at self, but for self.
func (l *Linter) moduleFiles(self, dir string) [][]byte {
	var out [][]byte
	for p, src := range l.tfFiles(dir) {
		if len(out) == maxModuleFiles {
			break
		}
		if p != self {
			out = append(out, src)
		}
	}
	return out
}

// tfFiles yields the path and source of each .tf file of dir.
func (l *Linter) tfFiles(dir string) iter.Seq2[string, []byte] {
	return func(yield func(string, []byte) bool) {
		if l.FS == nil || dir == "" || !fs.ValidPath(dir) {
			return
		}
		entries, _ := fs.ReadDir(l.FS, dir)
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".tf") {
				continue
			}
			p := path.Join(dir, e.Name())
			if src, ok := l.readRoot(p); ok && !yield(p, src) {
				return
			}
		}
	}
}

// calledModules reads the .tf files of the local modules a Terraform file
// in dir calls, by the directory its calls name.
func (l *Linter) calledModules(src []byte, dir string) map[string][][]byte {
	out := map[string][][]byte{}
	for _, m := range terraform.LocalModules(src) {
		if p := path.Join(dir, m); fs.ValidPath(p) && p != dir {
			out[m] = l.moduleFiles("", p)
		}
	}
	return out
}

// templateCallers returns the Terraform resources that render the template
// at self (a path in the lint root) into a task definition.
func (l *Linter) templateCallers(self, dir string) []terraform.TemplateCall {
	if l.FS == nil || self == "" || !fs.ValidPath(dir) {
		return nil
	}
	var out []terraform.TemplateCall
	for up := 0; up <= callerLevels; up++ {
		var srcs [][]byte // the module: read once, each file the others' context
		for _, src := range l.tfFiles(dir) {
			srcs = append(srcs, src)
		}
		for i, src := range srcs {
			if !bytes.Contains(src, []byte("template")) {
				continue
			}
			others := append(slices.Clone(srcs[:i]), srcs[i+1:]...)
			others = others[:min(len(others), maxModuleFiles)]
			for _, c := range terraform.TemplateCalls(src, others...) {
				if path.Join(dir, c.Path) == self {
					out = append(out, c)
				}
			}
		}
		if dir == "." {
			break
		}
		dir = path.Dir(dir)
	}
	return out
}

// renderedTaskDefs reads a task-definition template once for each resource
// that renders it, its placeholders given the values the resource passes.
// The findings stay in the template, where the values are written.
func (f *File) renderedTaskDefs(src []byte, callers []terraform.TemplateCall, opt *Options, errAt func(int, string) *InputError) []*InputError {
	var errs []*InputError
	for i, c := range callers {
		doc, holes, err := jsonpos.ParseTemplate(src)
		if err == nil {
			jsonpos.Bind(doc, src, holes, func(name string) (*jsonpos.Node, bool) {
				v, ok := c.Vars[name]
				return v, ok
			})
		}
		root, ierr := taskDefRoot(doc, err, f.Path, errAt)
		if ierr != nil {
			return []*InputError{ierr}
		}
		if c.Compatibilities != nil && root.Get("requiresCompatibilities") == nil {
			if root.Kind == jsonpos.Array {
				root = &jsonpos.Node{Kind: jsonpos.Object, Start: root.Start, End: root.End,
					Members: []jsonpos.Member{{Key: "containerDefinitions", KeyStart: root.Start, KeyEnd: root.Start, Value: root}}}
			}
			root.Members = append(root.Members, jsonpos.Member{Key: "requiresCompatibilities", KeyStart: root.Start, KeyEnd: root.Start,
				Value: jsonpos.Placed(c.Compatibilities, root.Start, root.Start)})
		}
		td, ferrs := taskdef.Parse(root)
		if i > 0 {
			ferrs = nil // said once
		}
		first := len(f.Targets)
		errs = append(errs, f.addTaskDef(td, ferrs, opt, errAt)...)
		for _, t := range f.Targets[first:] {
			m := t.ECS.Node.Member("stopTimeout")
			if m == nil || !bytes.HasPrefix(src[m.Value.Start:], []byte("${")) {
				continue
			}
			// A template variable's value: set where the template is rendered.
			variable := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(string(src[m.Value.Start:m.Value.End]), "${"), "}"))
			t.Stop.Edit = nil
			t.Stop.Written = func(_, value string) string {
				return fmt.Sprintf("%s = %s where the template is rendered", variable, value)
			}
		}
	}
	return errs
}

// moduleStop says how to set the stop timeout of a container a local
// module declares: where the call gives it as a number (stop_timeout = 30),
// that argument is edited; anything else is the module's, shared by every
// caller, and gets a suggestion.
func (f *File) moduleStop(t *Target, call string) {
	t.Stop.Edit = nil
	t.Stop.Written = func(key, value string) string {
		return fmt.Sprintf("%s = %s for the container of module %q, in the module or through its arguments", key, value, call)
	}
	v := t.ECS.Node.Get("stopTimeout")
	if v == nil || v.Kind != jsonpos.Number {
		return
	}
	src := f.Lines.Bytes()
	line := src[f.Lines.LineStart(f.Lines.Pos(v.Start).Line):v.Start]
	arg, ok := strings.CutSuffix(strings.TrimRight(string(line), " \t"), "=")
	arg = strings.TrimSpace(arg)
	if !ok || !hclsyntax.ValidIdentifier(arg) || string(src[v.Start:v.End]) != string(v.Num) {
		return
	}
	t.Stop.Written = func(_, value string) string { return arg + " = " + value }
	t.Stop.Edit = func(seconds int) TextEdit { return f.Edit(v.Start, v.End, strconv.Itoa(seconds)) }
}

// callDecides tells a task definition of a local module whose containers
// take their command, entry point or stop timeout from the call's
// arguments: what the module writes itself points at the call's header
// (root's span), and is judged in the module's own file.
func callDecides(root *jsonpos.Node) bool {
	defs := root.Get("containerDefinitions")
	if defs == nil {
		return false
	}
	for _, c := range defs.Elems {
		for _, key := range []string{"command", "entryPoint", "stopTimeout"} {
			if v := c.Get(key); v != nil && v.Start != root.Start {
				return true
			}
		}
	}
	return false
}
