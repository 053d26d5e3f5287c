package lint

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/parser/compose"
)

// dotEnv reads the .env file beside a Compose file, which Compose reads for
// interpolation.
func (l *Linter) dotEnv(name string) map[string]string {
	if l.FS == nil || l.Locate == nil {
		return nil
	}
	rel := l.Locate(name)
	if rel == "" {
		return nil
	}
	src, ok := l.readRoot(path.Join(path.Dir(rel), ".env"))
	if !ok {
		return nil
	}
	return compose.ParseDotEnv(src)
}

// ecsParams reads the ecs-params.yml beside a Compose file in dir: ecs-cli
// deploys that file to ECS.
func (l *Linter) ecsParams(dir string) *compose.ECSParams {
	if dir == "" {
		return nil
	}
	for _, name := range []string{"ecs-params.yml", "ecs-params.yaml"} {
		if src, ok := l.readRoot(path.Join(dir, name)); ok {
			if p, err := compose.ParseECSParams(src); err == nil {
				return p
			}
		}
	}
	return nil
}

// composeTarget builds the target of one service; ecs is the
// ecs-params.yml of a file ecs-cli deploys to ECS, nil for Docker Compose.
func (f *File) composeTarget(s *compose.Service, dir string, opt *Options, ecs *compose.ECSParams) *Target {
	t := &Target{Name: s.Name, Compose: s, Anchor: f.Lines.Span(s.KeyStart, s.KeyEnd), Env: s.Env}
	r := &run{entrySet: s.Entrypoint != nil, cmdSet: s.Command != nil}
	if s.Image.Known {
		r.image = s.Image.Str
	}
	if s.Build != "" && dir != "" {
		r.build, r.context, r.target = path.Join(dir, s.Build), path.Join(dir, s.BuildContext), s.Target
	}
	switch {
	case ecs != nil:
		// ecs-cli builds the container definition from the Compose file and
		// ecs-params.yml; Compose's init is not among what it converts.
		if ecs.Init[s.Name] {
			r.platformInit = "init_process_enabled"
		}
	case s.Init != nil && *s.Init:
		r.platformInit = "init: true"
	}
	for _, c := range []struct {
		name string
		cmd  *compose.Command
		to   *[]chain.Arg
	}{{"entrypoint", s.Entrypoint, &r.entry}, {"command", s.Command, &r.cmd}} {
		if c.cmd == nil {
			continue
		}
		var args []chain.Arg
		for _, a := range c.cmd.Args {
			args = append(args, chain.Arg{Value: a.Value, Span: f.Lines.Span(a.Start, a.End), Expanded: !a.Known})
		}
		t.setArgv(c.name, f.Span(c.cmd.Node), args, c.to)
	}
	t.run = r
	t.EntrypointUnknown = s.Entrypoint == nil
	st := &Stop{Platform: "Docker Compose", Field: "stop_grace_period", Default: 10, Seconds: 10,
		Value: func(seconds int) string { return fmt.Sprintf("%ds", seconds) }}
	if g := s.StopGrace; g != nil {
		st.Set, st.Span, st.Unknown = true, f.Span(g.Node), !g.Known
		if g.Known {
			st.Seconds = g.Seconds
		}
	}
	// A value written with ${...} is the user's variable: a suggestion says
	// what to set, a fix would drop the variable.
	if g := s.StopGrace; g == nil || !strings.Contains(g.Node.Str, "$") {
		st.Edit = func(seconds int) TextEdit {
			e, _ := f.SetYAMLValue(s.Node, "stop_grace_period", st.Value(seconds))
			return e
		}
	}
	if ecs != nil {
		// ECS stops the container: 30 s unless StopTimeout is set, which
		// ecs-cli sets from stop_grace_period (aws/amazon-ecs-cli
		// reconcile_container_def.go).
		st.Platform, st.Default = "ECS (ecs-cli)", 30
		if !st.Set {
			st.Seconds = 30
		}
		st.Init = "init_process_enabled: true under task_definition.services." + s.Name + " in ecs-params.yml"
	}
	t.Stop = st
	t.walkRun(opt)
	return t
}

// setArgv records one argv field of a container (entrypoint, command,
// args) as written, and where it goes in the run.
func (t *Target) setArgv(name string, span source.Span, args []chain.Arg, to *[]chain.Arg) {
	*to = args
	t.Arrays = append(t.Arrays, &ArgSource{Name: name, Span: span, Values: chain.Values(args)})
}

// walkRun builds the chain of what the file itself says the container
// runs; withImage completes it from the image's Dockerfile.
func (t *Target) walkRun(opt *Options) {
	r := t.run
	argv := append(slices.Clone(r.entry), r.cmd...)
	if len(argv) == 0 {
		return
	}
	sh := imageShell(r.image, opt)
	t.Chain = chain.Walk(argv, walkOptions(sh, r.platformInit, fixedEnv(t.Env), nil))
}
