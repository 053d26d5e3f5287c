package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/taskdef"
	"github.com/gracelint/gracelint/parser/terraform"
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
	if l.FS == nil || dir == "" || !fs.ValidPath(dir) {
		return nil
	}
	entries, err := fs.ReadDir(l.FS, dir)
	if err != nil {
		return nil
	}
	var out [][]byte
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		if !strings.HasSuffix(e.Name(), ".tf") || p == self || len(out) == maxModuleFiles {
			continue
		}
		if src, ok := l.readRoot(p); ok {
			out = append(out, src)
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
		entries, err := fs.ReadDir(l.FS, dir)
		for _, e := range entries {
			p := path.Join(dir, e.Name())
			if err != nil || !strings.HasSuffix(e.Name(), ".tf") {
				continue
			}
			src, ok := l.readRoot(p)
			if !ok || !bytes.Contains(src, []byte("template")) {
				continue
			}
			for _, c := range terraform.TemplateCalls(src, l.moduleFiles(p, dir)...) {
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
		if err != nil {
			var se *jsonpos.SyntaxError
			if errors.As(err, &se) {
				return []*InputError{errAt(se.Offset, "invalid JSON: "+se.Msg)}
			}
			return []*InputError{{File: f.Path, Msg: err.Error()}}
		}
		jsonpos.Bind(doc, src, holes, func(name string) (*jsonpos.Node, bool) {
			v, ok := c.Vars[name]
			return v, ok
		})
		root := taskdef.Root(doc)
		if root == nil {
			return []*InputError{errAt(doc.Start, `not an ECS task definition: no "containerDefinitions" at the top level or under "taskDefinition", and not an array of container definitions`)}
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
