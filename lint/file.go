package lint

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/parser/cdk"
	"github.com/gracelint/gracelint/parser/cfn"
	"github.com/gracelint/gracelint/parser/compose"
	"github.com/gracelint/gracelint/parser/copilot"
	"github.com/gracelint/gracelint/parser/dockerfile"
	"github.com/gracelint/gracelint/parser/fly"
	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/k8s"
	"github.com/gracelint/gracelint/parser/kamal"
	"github.com/gracelint/gracelint/parser/procfile"
	"github.com/gracelint/gracelint/parser/render"
	"github.com/gracelint/gracelint/parser/systemd"
	"github.com/gracelint/gracelint/parser/taskdef"
	"github.com/gracelint/gracelint/parser/terraform"
	"github.com/gracelint/gracelint/parser/yamlpos"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Kind is the kind of an input file.
type Kind int

// The input kinds.
const (
	Unknown Kind = iota
	Dockerfile
	TaskDef        // JSON, plain or templated
	CloudFormation // a template declaring AWS::ECS::TaskDefinition resources
	Compose        // a Docker Compose file
	Kubernetes     // Kubernetes manifests
	Fly            // a Fly.io app configuration, fly.toml
	Kamal          // a Kamal deploy configuration, config/deploy.yml
	Render         // a Render Blueprint, render.yaml
	Procfile       // a Procfile, Heroku's process list
	Systemd        // a systemd service unit
	Terraform      // Terraform's aws_ecs_task_definition resources
	Copilot        // an AWS Copilot service manifest
	Helm           // a manifest template of a Helm chart
)

func (k Kind) String() string {
	return [...]string{"unknown", "Dockerfile", "ECS task definition", "CloudFormation template", "Compose file", "Kubernetes manifest", "fly.toml", "Kamal deploy configuration", "Render Blueprint", "Procfile", "systemd unit", "Terraform file", "Copilot manifest", "Helm chart template"}[k]
}

// NotReadable is the message for a file named on the command line that is
// none of the kinds gracelint reads: it says which those are.
const NotReadable = "not a kind of file gracelint reads: a Dockerfile, an ECS task definition (JSON or a template), a CloudFormation template, " +
	"a Compose file, a Kubernetes manifest, a Helm chart's template, a Terraform file, an AWS Copilot manifest, fly.toml, a Kamal config/deploy.yml, a render.yaml, " +
	"a systemd unit or a Heroku Procfile; name the kind with --stdin-filename for input on stdin"

// isTemplateName tells files that hold template placeholders by name:
// Terraform's templatefile *.json.tpl and the like.
func isTemplateName(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".tpl") || strings.HasSuffix(lower, ".tmpl") || strings.HasSuffix(lower, ".tftpl")
}

// KindFromName tells a file's kind from its name alone. A name like a
// Dockerfile's is a Dockerfile even where its extension says otherwise
// (config/dockerfile.yml), so that a file named on the command line keeps
// its kind; a walk asks KindInWalk.
func KindFromName(name string) Kind {
	lower := strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
	switch {
	case dockerfileName(lower) && !otherExt[path.Ext(lower)]:
		return Dockerfile
	case compose.IsComposeName(lower):
		return Compose
	case lower == "fly.toml" || strings.HasSuffix(lower, ".fly.toml") || strings.HasPrefix(lower, "fly.") && strings.HasSuffix(lower, ".toml"):
		return Fly
	case lower == "render.yaml" || lower == "render.yml":
		return Render
	case path.Base(strings.ReplaceAll(name, `\`, "/")) == "Procfile":
		return Procfile
	case strings.HasSuffix(lower, ".service"):
		return Systemd
	case strings.HasSuffix(lower, ".tf"):
		return Terraform
	case dockerfileName(lower):
		return Dockerfile
	}
	return Unknown
}

// KindInWalk tells a file's kind from its name as a walk does: like
// KindFromName, but a name like a Dockerfile's whose extension says the file
// is something else (config/dockerfile.yml, the dockerfile-rails
// generator's configuration; Dockerfile.dockerignore; dockerfile.go) is not
// a Dockerfile. A walk also reads a Dockerfile by name only when
// dockerfile.LooksLike its content.
func KindInWalk(name string) Kind {
	k := KindFromName(name)
	if k == Dockerfile && otherExt[path.Ext(strings.ToLower(name))] {
		return Unknown
	}
	return k
}

// dockerfileName tells the lower-case names of Dockerfiles: "dockerfile" or
// "containerfile", alone or joined to another word by ".", "-" or "_" on
// either side: Dockerfile.prod, Dockerfile-worker, Dockerfile_prod,
// worker-Dockerfile, worker_Dockerfile, api.dockerfile.
func dockerfileName(lower string) bool {
	for _, w := range []string{"dockerfile", "containerfile"} {
		if lower == w {
			return true
		}
		if rest, ok := strings.CutPrefix(lower, w); ok && strings.ContainsRune("._-", rune(rest[0])) {
			return true
		}
		if rest, ok := strings.CutSuffix(lower, w); ok && strings.ContainsRune("._-", rune(rest[len(rest)-1])) {
			return true
		}
	}
	return false
}

// otherExt holds the extensions that say a file is not a Dockerfile
// whatever its name: data and configuration, source code and scripts,
// documentation, ignore files and templates. A name that is also a
// language's (Dockerfile.java, Dockerfile.php) may name an image's variant:
// it is left to dockerfile.LooksLike.
var otherExt = map[string]bool{}

func init() {
	for _, ext := range strings.Fields(`
		.yml .yaml .json .jsonc .json5 .toml .ini .cfg .conf .env .properties .xml .hcl .tf .nix .lock .sum .mod
		.go .rb .py .js .mjs .cjs .ts .mts .cts .jsx .tsx .bzl .star .mk
		.sh .bash .zsh .fish .ps1 .bat .cmd
		.md .markdown .mdx .rst .adoc .txt .html .htm .css .svg .png .jpg .gif .pdf .log .patch .diff .snap .golden
		.dockerignore .gitignore .ignore .editorconfig
		.erb .tpl .tmpl .tftpl .gotmpl .j2 .jinja .jinja2 .mustache .hbs .handlebars .liquid .njk .ejs .eex .twig`) {
		otherExt[ext] = true
	}
}

// IsTaskDef reports whether src is a JSON task definition: its top level, or
// its top-level "taskDefinition", holds "containerDefinitions". JSON that
// does not parse but names containerDefinitions counts, so that a broken task
// definition is reported rather than skipped.
func IsTaskDef(src []byte) bool {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	doc, err := jsonpos.Parse(src)
	if err != nil {
		return bytes.Contains(src, []byte(`"containerDefinitions"`))
	}
	return taskdef.Root(doc) != nil
}

// Sniff tells the kind of a file found in a walk that is not a Dockerfile by
// name: JSON task definitions (also templated ones), CloudFormation
// templates, Kubernetes manifests (YAML or JSON) and Compose files with any
// name, by content. Anything else is Unknown, and skipped silently.
func Sniff(name string, src []byte) Kind {
	lower := strings.ToLower(name)
	switch ext := path.Ext(lower); {
	case cfn.IsTemplate(src) && (ext == ".json" || ext == ".yaml" || ext == ".yml" || ext == ".template"):
		return CloudFormation
	case ext == ".json" && IsTaskDef(src):
		return TaskDef
	case (ext == ".yaml" || ext == ".yml" || ext == ".json") && k8s.IsManifest(src) && !k8s.IsTemplate(src):
		return Kubernetes
	case (ext == ".yaml" || ext == ".yml") && compose.IsCompose(src):
		return Compose
	case (ext == ".yaml" || ext == ".yml") && kamal.IsConfig(src):
		return Kamal
	case (ext == ".yaml" || ext == ".yml") && render.IsBlueprint(src):
		return Render
	case (ext == ".yaml" || ext == ".yml") && copilot.IsManifest(src):
		return Copilot
	case isTemplateName(lower) && (bytes.Contains(src, []byte(`"containerDefinitions"`)) || bytes.Contains(src, []byte(`"image"`))) && !k8s.IsHelmTemplate(src):
		if doc, _, err := jsonpos.ParseTemplate(src); err != nil || taskdef.Root(doc) != nil {
			return TaskDef
		}
	}
	return Unknown
}

// Detect tells a file's kind from its name, else from its content. A file
// with a .json name is a task definition when it is one, or when it does not
// parse (so its syntax error is reported).
func Detect(name string, src []byte) Kind {
	if k := KindFromName(name); k != Unknown {
		return k
	}
	if k := Sniff(name, src); k != Unknown {
		return k
	}
	if cfn.IsTemplate(src) {
		return CloudFormation
	}
	if k8s.IsManifest(src) || k8s.IsHelmTemplate(src) {
		return Kubernetes // a Helm template is reported as one
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")))
	if bytes.HasPrefix(trimmed, []byte("{")) {
		return TaskDef
	}
	if _, err := dockerfile.Parse(src); err == nil {
		return Dockerfile
	}
	return Unknown
}

// File is a parsed input and the containers it describes.
type File struct {
	Path     string
	Kind     Kind
	Lines    *source.Lines
	Docker   *dockerfile.File
	TaskDefs []*taskdef.TaskDef
	Targets  []*Target
	newline  string // the line ending, once Newline has looked
}

// Target is one container whose process chain gracelint predicts: the final
// image of a Dockerfile or one container of a task definition.
type Target struct {
	Name string
	// Chain is nil when the command is not known from this file.
	Chain *chain.Chain
	// Anchor is where findings about a missing setting point.
	Anchor  source.Span
	Image   *Image             // for a Dockerfile
	ECS     *taskdef.Container // for a task definition
	TaskDef *taskdef.TaskDef   // the task definition ECS belongs to
	// Arrays are where the argv is written: the CMD and ENTRYPOINT
	// instructions, or the command and entryPoint fields.
	Arrays []*ArgSource
	// Stop is how the platform stops the container; nil where the file does
	// not say (a Dockerfile).
	Stop *Stop
	// Env is the container's environment as the file sets it.
	Env map[string]string
	// Dockerfile is the lint-root path of the Dockerfile whose ENTRYPOINT
	// or CMD completes an ECS container's chain, if the run holds it.
	Dockerfile string
	// run is how the platform file starts the container, for withImage.
	run *run
	// Link says how the image the container runs was found (its build, a
	// mapping, a build of the run that tags it, the catalog), or why none
	// was.
	Link string
	// Linked is the image the Dockerfile builds, once the container is
	// linked to it.
	Linked *Image
	// Context is the lint-root path of the build context of the image the
	// container runs (Image or Linked), when known.
	Context string
	// Compose is the service of a Compose file.
	Compose *compose.Service
	// K8s is the container of a Kubernetes pod spec.
	K8s *K8sContainer
	// Fly is the process group of a fly.toml.
	Fly *FlyProcess
	// Kamal is the role of a Kamal deploy configuration.
	Kamal *KamalRole
	// EntrypointUnknown is true when the argv is appended to an ENTRYPOINT
	// this file does not show (an ECS command run by the image's ENTRYPOINT,
	// or a CMD under a base image's ENTRYPOINT).
	EntrypointUnknown bool
}

// InputError is an input that could not be read or parsed.
type InputError struct {
	File      string
	Line, Col int // 0 when the error has no position
	Msg       string
	// Skipped marks an input that is not broken, whose containers gracelint
	// could not see (a chart that needs values it does not give): a note,
	// not an error.
	Skipped bool
}

func (e *InputError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Parse parses src as kind and builds its targets with the default options.
// Errors that leave parts of the file usable come back with a non-nil File.
func Parse(name string, src []byte, kind Kind) (*File, []*InputError) {
	opt := DefaultOptions()
	return parse(name, src, kind, &opt)
}

func parse(name string, src []byte, kind Kind, opt *Options) (*File, []*InputError) {
	return parseIn(name, "", src, kind, opt, around{})
}

// around is what the files beside an input say about it.
type around struct {
	dotenv map[string]string    // the variables of a Compose file's .env
	heroku bool                 // a Procfile's app deploys to Heroku: an app.json lies beside it
	module [][]byte             // the other .tf files of a Terraform file's module
	called map[string][][]byte  // the .tf files of the local modules it calls
	assets map[string]cdk.Build // the image assets of a CDK template, by tag
	// ecsParams is the ecs-params.yml beside a Compose file that ecs-cli
	// deploys to ECS; nil for one Docker Compose runs.
	ecsParams *compose.ECSParams
	// callers are the Terraform resources that render a task-definition
	// template, with the values they give its variables.
	callers []terraform.TemplateCall
}

// parseIn parses src; dir is the file's directory in the lint root ("" when
// not known).
func parseIn(name, dir string, src []byte, kind Kind, opt *Options, near around) (*File, []*InputError) {
	f := &File{Path: name, Kind: kind, Lines: source.NewLines(src)}
	errAt := func(off int, msg string) *InputError {
		p := f.Lines.Pos(off)
		return &InputError{File: name, Line: p.Line, Col: p.Col, Msg: msg}
	}
	switch kind {
	case Dockerfile:
		df, err := dockerfile.Parse(src)
		if err != nil {
			var de *dockerfile.Error
			if errors.As(err, &de) {
				return nil, []*InputError{{File: name, Line: de.Line, Col: 1, Msg: de.Msg}}
			}
			return nil, []*InputError{{File: name, Msg: err.Error()}}
		}
		f.Docker = df
		if t := dockerTarget(df, opt); t != nil {
			f.Targets = append(f.Targets, t)
		}
		return f, nil
	case TaskDef:
		body := src
		if bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
			body = append(bytes.Repeat([]byte(" "), 3), body[3:]...) // keep offsets
		}
		if len(near.callers) > 0 {
			return f, f.renderedTaskDefs(body, near.callers, opt, errAt)
		}
		doc, err := jsonpos.Parse(body)
		if err != nil && (isTemplateName(name) || bytes.Contains(body, []byte("${")) || bytes.Contains(body, []byte("{{"))) {
			// A template: placeholders are unknown values, the rest is read.
			doc, _, err = jsonpos.ParseTemplate(body)
		}
		root, ierr := taskDefRoot(doc, err, name, errAt)
		if ierr != nil {
			return nil, []*InputError{ierr}
		}
		td, ferrs := taskdef.Parse(root)
		return f, f.addTaskDef(td, ferrs, opt, errAt)
	case Compose:
		services, err := compose.Parse(src, near.dotenv)
		if err != nil {
			return nil, yamlError(name, err)
		}
		for _, s := range services {
			f.Targets = append(f.Targets, f.composeTarget(s, dir, opt, near.ecsParams))
		}
		return f, nil
	case Helm:
		return nil, []*InputError{{File: name, Msg: "a Helm chart's template, read with its chart: lint the chart's directory"}}
	case Kubernetes:
		if k8s.IsTemplate(src) {
			return nil, []*InputError{{File: name, Msg: "a Helm template, which is not YAML until rendered: lint the rendered manifests, as in helm template . | gracelint --stdin-filename manifests.yaml -"}}
		}
		pods, err := k8s.Parse(src)
		if err != nil {
			return nil, yamlError(name, err)
		}
		for _, p := range pods {
			for _, c := range p.Containers {
				f.Targets = append(f.Targets, f.k8sTarget(p, c, opt))
			}
		}
		return f, nil
	case Fly:
		c, err := fly.Parse(src)
		if err != nil {
			var fe *fly.Error
			if errors.As(err, &fe) && fe.Offset > 0 {
				return nil, []*InputError{errAt(fe.Offset, "invalid TOML: "+fe.Msg)}
			}
			return nil, []*InputError{{File: name, Msg: "invalid TOML: " + err.Error()}}
		}
		f.Targets = f.flyTargets(c, dir, opt)
		return f, nil
	case Systemd:
		f.Targets = f.systemdTargets(systemd.Parse(src), opt)
		return f, nil
	case Copilot:
		m, err := copilot.Parse(src)
		if err != nil {
			return nil, yamlError(name, err)
		}
		f.Targets = f.copilotTargets(m, dir, opt)
		return f, nil
	case Terraform:
		tds, err := terraform.Parse(src, name, near.module...)
		if err != nil {
			var te *terraform.Error
			if errors.As(err, &te) && te.Offset > 0 {
				return nil, []*InputError{errAt(te.Offset, te.Msg)}
			}
			return nil, []*InputError{{File: name, Msg: err.Error()}}
		}
		var errs []*InputError
		modules := map[*taskdef.TaskDef]string{}
		for _, r := range append(tds, terraform.ParseModules(src, near.called, near.module...)...) {
			if r.Module != "" && !callDecides(r.Root) {
				continue // the module's own file says the same
			}
			td, ferrs := taskdef.Parse(r.Root)
			errs = append(errs, f.addTaskDef(td, ferrs, opt, errAt)...)
			if r.Module != "" {
				modules[td] = r.Module
			}
		}
		for _, t := range f.Targets {
			if call, ok := modules[t.TaskDef]; ok {
				f.moduleStop(t, call)
				continue
			}
			if jsonObject(src, t.ECS.Node) {
				continue // a heredoc holds JSON: JSON's edits apply
			}
			node := t.ECS.Node
			t.Stop.Written = func(key, value string) string { // HCL, in the file's name for the key
				if m := node.Member(key); m != nil && m.KeyEnd > m.KeyStart && hclsyntax.ValidIdentifier(string(src[m.KeyStart:m.KeyEnd])) {
					key = string(src[m.KeyStart:m.KeyEnd])
				}
				return key + " = " + value
			}
			if _, ok := f.SetHCLNumber(node, "stopTimeout", 0); ok {
				t.Stop.Edit = func(seconds int) TextEdit {
					e, _ := f.SetHCLNumber(node, "stopTimeout", seconds)
					return e
				}
			} else {
				t.Stop.Edit = nil
			}
		}
		return f, errs
	case Procfile:
		if near.heroku {
			f.Targets = f.herokuTargets(procfile.Parse(src), opt)
		}
		return f, nil
	case Render:
		svcs, err := render.Parse(src)
		if err != nil {
			return nil, yamlError(name, err)
		}
		f.Targets = f.renderTargets(svcs, dir, opt)
		return f, nil
	case Kamal:
		c, err := kamal.Parse(src)
		if err != nil {
			return nil, yamlError(name, err)
		}
		f.Targets = f.kamalTargets(c, dir, opt)
		return f, nil
	case CloudFormation:
		tds, err := cfn.Parse(src)
		if err != nil {
			var ce *cfn.Error
			if errors.As(err, &ce) && ce.Offset > 0 {
				return nil, []*InputError{errAt(ce.Offset, ce.Msg)}
			}
			return nil, []*InputError{{File: name, Msg: err.Error()}}
		}
		var errs []*InputError
		for _, r := range tds {
			td, ferrs := taskdef.ParsePascal(r.Properties)
			errs = append(errs, f.addTaskDef(td, ferrs, opt, errAt)...)
		}
		for _, t := range f.Targets {
			img := t.ECS.Node.Get("Image")
			if img == nil || t.run == nil {
				continue
			}
			if b, ok := assetBuild(string(src[img.Start:img.End]), near.assets); ok {
				t.run.build, t.run.context, t.run.target = path.Join(dir, b.Dockerfile), path.Join(dir, b.Context), b.Target
			}
		}
		return f, errs
	}
	return nil, []*InputError{{File: name, Msg: NotReadable}}
}

// taskDefRoot is the task definition the parsed JSON document doc holds,
// or the input error that says why there is none: err from the parse, or
// no task definition at its top.
func taskDefRoot(doc *jsonpos.Node, err error, name string, errAt func(int, string) *InputError) (*jsonpos.Node, *InputError) {
	if err != nil {
		var se *jsonpos.SyntaxError
		if errors.As(err, &se) {
			return nil, errAt(se.Offset, "invalid JSON: "+se.Msg)
		}
		return nil, &InputError{File: name, Msg: err.Error()}
	}
	root := taskdef.Root(doc)
	if root == nil {
		return nil, errAt(doc.Start, `not an ECS task definition: no "containerDefinitions" at the top level or under "taskDefinition", and not an array of container definitions`)
	}
	return root, nil
}

// jsonObject tells an object written as JSON ("key": value), as a
// Terraform heredoc holds it, from one written as HCL (key = value).
func jsonObject(src []byte, n *jsonpos.Node) bool {
	if len(n.Members) == 0 {
		return false
	}
	m := n.Members[0]
	between := string(src[m.KeyEnd:m.Value.Start])
	return strings.Contains(between, ":") && !strings.Contains(between, "=")
}

// yamlError is a YAML file that does not parse, at its line when known.
func yamlError(name string, err error) []*InputError {
	var ye *yamlpos.Error
	if errors.As(err, &ye) && ye.Line > 0 {
		return []*InputError{{File: name, Line: ye.Line, Col: 1, Msg: ye.Msg}}
	}
	return []*InputError{{File: name, Msg: err.Error()}}
}

// addTaskDef adds a task definition's containers as targets and turns its
// field errors into input errors.
func (f *File) addTaskDef(td *taskdef.TaskDef, ferrs []error, opt *Options, errAt func(int, string) *InputError) []*InputError {
	var errs []*InputError
	for _, e := range ferrs {
		var fe *taskdef.FieldError
		if errors.As(e, &fe) {
			errs = append(errs, errAt(fe.Offset, fe.Msg))
		}
	}
	f.TaskDefs = append(f.TaskDefs, td)
	for _, c := range td.Containers {
		t := ecsTarget(f.Lines, c, opt)
		t.TaskDef = td
		if !c.Pascal { // a template gets suggestions only
			t.Stop.Edit = func(seconds int) TextEdit { return f.SetJSONNumber(c.Node, "stopTimeout", seconds) }
		}
		f.Targets = append(f.Targets, t)
	}
	return errs
}

// Linter runs rules with options.
type Linter struct {
	Rules   []*Rule
	Options Options
	// FS holds the files around the inputs (the lint root), for rules that
	// follow an input into other files: the scripts a Dockerfile copies, a
	// Sidekiq configuration. Nil leaves those rules silent.
	FS fs.FS
	// Locate maps an input's name to its path in FS ("" when outside).
	Locate func(name string) string
	// Display maps a path in FS to the name findings in it carry.
	Display func(path string) string
	// Dockerfiles lists the Dockerfiles of FS, whose scripts a container
	// may name by path; nil when not known.
	Dockerfiles func() []string
	// Shared is what the inputs of the run share; nil when the input is
	// linted alone.
	Shared *RunCache
	// Builds lists the images the files of FS build, so a container that
	// runs one is linked to its Dockerfile; nil when not known.
	Builds func() []Build
	// Containers lists the containers of the task definitions of FS, so a
	// Dockerfile knows whether ECS starts an init for its image.
	Containers func() []ContainerRef
	// Explain, when set, is told each input's kind and containers once
	// their chains are built (gracelint -v).
	Explain func(name string, kind Kind, targets []*Target)

	unread []*InputError // see Unread
}

// Unread returns an input error for each file of FS that linting followed
// (a script, a configuration, an .env) and found there but could not read
// safely: outside the lint root, not a regular file, unreadable or too
// large. What that file would have shown was not checked. The errors are
// the Linter's own, apart from Run's: they are about other files, and do
// not stop a fix of the input.
func (l *Linter) Unread() []*InputError { return l.unread }

func (l *Linter) unreadable(name, why string) {
	file := l.display(name)
	for _, e := range l.unread {
		if e.File == file {
			return
		}
	}
	l.unread = append(l.unread, &InputError{File: file, Msg: why + "; not read"})
}

// Run lints one input with the default options. Findings come sorted by
// position.
func Run(rules []*Rule, name string, src []byte, kind Kind) ([]Finding, []*InputError) {
	l := &Linter{Rules: rules, Options: DefaultOptions()}
	return l.Run(name, src, kind)
}

// Run parses one input, runs the enabled rules over it and applies
// suppressions and severity overrides. Findings come sorted by position.
func (l *Linter) Run(name string, src []byte, kind Kind) ([]Finding, []*InputError) {
	dir, near := "", around{}
	if l.Locate != nil {
		if rel := l.Locate(name); rel != "" {
			dir = path.Dir(rel)
		}
	}
	switch kind {
	case Helm:
		return l.runHelm(name, src)
	case Compose:
		near.dotenv = l.dotEnv(name)
		near.ecsParams = l.ecsParams(dir)
	case Procfile:
		_, near.heroku = l.readRoot(path.Join(dir, "app.json"))
		near.heroku = near.heroku && dir != ""
	case Terraform:
		if l.Locate != nil {
			near.module = l.moduleFiles(l.Locate(name), dir)
			near.called = l.calledModules(src, dir)
		}
	case CloudFormation:
		near.assets = l.cdkAssets(dir)
	case TaskDef:
		if l.Locate != nil && isTemplateName(name) {
			near.callers = l.templateCallers(l.Locate(name), dir)
		}
	}
	f, errs := parseIn(name, dir, src, kind, &l.Options, near)
	if f == nil {
		return nil, errs
	}
	findings := l.check(f, dir, name)
	if l.Explain != nil {
		l.Explain(name, f.Kind, f.Targets)
	}
	return l.finish(f, findings, scriptSources(f)), errs
}

// scriptSources are the scripts and configurations the containers of f
// run, by the name findings in them carry, for their ignore comments.
func scriptSources(f *File) map[string][]byte {
	out := map[string][]byte{}
	var add func(c *chain.Chain)
	add = func(c *chain.Chain) {
		if c == nil {
			return
		}
		for _, s := range c.Scripts {
			if s.File != nil && !s.File.Inline {
				out[s.File.Name] = s.File.Src
			}
		}
		if c.Managed != nil {
			for _, p := range c.Managed.Processes {
				if p.File != nil {
					out[p.File.Name] = p.File.Src
				}
				add(p.Chain)
			}
		}
	}
	for _, t := range f.Targets {
		add(t.Chain)
	}
	return out
}

// check completes the chains of f's containers with what the files around
// it say and runs the enabled rules over them.
func (l *Linter) check(f *File, dir, name string) []Finding {
	if f.Docker != nil {
		f.Targets = append(f.Targets, l.builtStages(name, f.Docker)...)
	}
	for _, t := range f.Targets {
		if t.Image != nil {
			l.withScripts(t, dir, name)
			continue
		}
		l.withImage(t)
		if t.Compose != nil && t.Compose.OneShot || t.K8s != nil && t.K8s.Pod.OneShot || t.ECS != nil && t.TaskDef != nil && t.TaskDef.OneShot(t.ECS) {
			t.Chain = nil // it runs once and exits before any deploy stops it
		}
	}
	var findings []Finding
	for _, r := range l.Rules {
		if r.Check != nil && !l.Options.Disabled[r.ID] {
			r.Check(&Pass{File: f, Options: &l.Options, linter: l, rule: r, findings: &findings})
		}
	}
	l.withPaths(f, findings)
	return findings
}

// finish applies suppressions and severity overrides to the findings of
// f, drops repeats and the fixes f's kind cannot hold, and sorts them by
// position.
func (l *Linter) finish(f *File, findings []Finding, others map[string][]byte) []Finding {
	findings = l.suppress(f, findings, others)
	findings = unique(findings)
	switch f.Kind {
	case CloudFormation, Helm:
		// Fixes write task-definition JSON or a manifest; a template gets
		// suggestions.
		for i := range findings {
			findings[i].Fix = nil
		}
	case Terraform:
		// Only the fixes that edit a string or a number in place, or that
		// set the stop timeout as HCL, hold in a .tf file.
		for i := range findings {
			if id := findings[i].Rule.ID; id != "GL102" && id != "GL201" {
				findings[i].Fix = nil
			}
		}
	}
	for i := range findings {
		if sev, ok := l.Options.Severity[findings[i].Rule.ID]; ok {
			findings[i].Severity = sev
		}
	}
	slices.SortStableFunc(findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Span.Start.Offset, b.Span.Start.Offset), strings.Compare(a.Rule.ID, b.Rule.ID))
	})
	return findings
}

// Span returns the span of a JSON value of the file.
func (f *File) Span(n *jsonpos.Node) source.Span { return f.Lines.Span(n.Start, n.End) }

// Edit returns an edit replacing bytes [start, end) of the file with text.
func (f *File) Edit(start, end int, text string) TextEdit {
	return TextEdit{Span: f.Lines.Span(start, end), NewText: text}
}

// Newline is the file's line ending: "\r\n" when its first line ends so.
func (f *File) Newline() string {
	if f.newline == "" {
		// Once: a minified file has no newline, and looking for one at every
		// edit would cost the square of its size.
		src := f.Lines.Bytes()
		f.newline = "\n"
		if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
			f.newline = "\r\n"
		}
	}
	return f.newline
}

// unique drops a finding that repeats another: two targets can share what
// they are judged on (a Copilot environment and the manifest it
// overrides, a template rendered by two resources).
func unique(findings []Finding) []Finding {
	type key struct {
		rule, file, msg string
		at              int
	}
	seen := map[key]bool{}
	return slices.DeleteFunc(findings, func(f Finding) bool {
		k := key{f.Rule.ID, f.File, f.Message, f.Span.Start.Offset}
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
}
