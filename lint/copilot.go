package lint

import (
	"fmt"
	"path"
	"slices"
	"strconv"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/parser/copilot"
	"github.com/gracelint/gracelint/parser/jsonpos"
)

// Copilot deploys an ECS service on Fargate and sets no StopTimeout of
// its own (ECS's 30 s, at most 120 on Fargate) and no init; both take a
// taskdef_overrides rule (aws/copilot-cli workload-container.yml).
const (
	copilotStopTimeoutRule = "ContainerDefinitions[0].StopTimeout"
	copilotInitRule        = "ContainerDefinitions[0].LinuxParameters.InitProcessEnabled"
)

// copilotTargets builds the targets of a service manifest, one for the
// manifest as written and one for each environment that overrides it.
func (f *File) copilotTargets(m *copilot.Manifest, dir string, opt *Options) []*Target {
	if !slices.Contains(copilot.Types, m.Type) {
		return nil // a scheduled job runs once; a static site runs nothing
	}
	out := []*Target{f.copilotTarget(m, dir, opt)}
	for _, e := range m.Environments {
		t := f.copilotTarget(e, dir, opt)
		t.Name = fmt.Sprintf("%s (environment %s)", e.Name, e.Environment)
		out = append(out, t)
	}
	return out
}

// copilotTarget builds the target of a service manifest: the container
// runs the image image.build makes from the workspace's Dockerfile (the
// workspace is the directory copilot/ is in), or image.location, with the
// manifest's command and entrypoint.
func (f *File) copilotTarget(m *copilot.Manifest, dir string, opt *Options) *Target {
	t := &Target{Name: m.Name, Anchor: f.Lines.Span(m.NameStart, m.NameEnd), Env: m.Variables}
	r := &run{image: m.Location}
	if m.Dockerfile != "" && dir != "" {
		root := path.Dir(path.Dir(dir))
		ctx := m.Context
		if ctx == "" {
			ctx = path.Dir(m.Dockerfile)
		}
		r.build, r.context, r.target = path.Join(root, m.Dockerfile), path.Join(root, ctx), m.Target
	}
	for _, a := range []struct {
		name string
		n    *jsonpos.Node
		to   *[]chain.Arg
		set  *bool
	}{{"entrypoint", m.Entrypoint, &r.entry, &r.entrySet}, {"command", m.Command, &r.cmd, &r.cmdSet}} {
		n := a.n
		words, spans, ok := copilot.Words(n)
		if !ok {
			continue
		}
		args := make([]chain.Arg, len(words))
		for i, w := range words {
			args[i] = chain.Arg{Value: w, Span: f.Lines.Span(spans[i][0], spans[i][1])}
		}
		*a.set = true
		t.setArgv(a.name, f.Span(n), args, a.to)
	}
	if m.Init {
		r.platformInit = "initProcessEnabled"
	}
	t.run = r
	t.EntrypointUnknown = m.Entrypoint == nil
	override := func(rule, value string) string {
		return "taskdef_overrides: [{path: " + rule + ", value: " + value + "}]"
	}
	st := &Stop{Platform: "ECS", Field: "StopTimeout", Default: 30, Seconds: 30, Max: FargateMaxStopTimeout, Value: strconv.Itoa,
		Init:    override(copilotInitRule, "true"),
		Written: func(_, value string) string { return override(copilotStopTimeoutRule, value) }}
	if e := m.Environment; e != "" {
		// The environment's deploy: what it overrides goes under its key.
		st.Platform = "ECS (environment " + e + ")"
		st.Init = "environments." + e + "." + st.Init
		st.Written = func(_, value string) string {
			return "environments." + e + "." + override(copilotStopTimeoutRule, value)
		}
	}
	if n := m.StopTimeout; n != nil {
		v, ok := n.Int()
		st.Set, st.Span, st.Unknown, st.Seconds = true, f.Span(n), !ok, int(v)
	}
	t.Stop = st
	t.walkRun(opt)
	return t
}

// FargateMaxStopTimeout is the longest stopTimeout Fargate allows.
const FargateMaxStopTimeout = 120
