package lint

import (
	"fmt"
	"io/fs"
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
	src, err := fs.ReadFile(l.FS, path.Join(path.Dir(rel), ".env"))
	if err != nil {
		return nil
	}
	return compose.ParseDotEnv(src)
}

// composeTarget builds the target of one service.
func (f *File) composeTarget(s *compose.Service, dir string, opt *Options) *Target {
	t := &Target{Name: s.Name, Compose: s, Anchor: f.Lines.Span(s.KeyStart, s.KeyEnd), Env: s.Env}
	r := &run{entrySet: s.Entrypoint != nil, cmdSet: s.Command != nil}
	if s.Image.Known {
		r.image = s.Image.Str
	}
	if s.Build != "" && dir != "" {
		r.build, r.context, r.target = path.Join(dir, s.Build), path.Join(dir, s.BuildContext), s.Target
	}
	if s.Init != nil && *s.Init {
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
