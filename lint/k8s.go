package lint

import (
	"strconv"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/k8s"
)

// K8sContainer is a container of a Kubernetes pod spec.
type K8sContainer struct {
	Pod       *k8s.Pod
	Container *k8s.Container
}

// k8sTarget builds the target of one container. command replaces the
// image's ENTRYPOINT and args its CMD, as ECS's entryPoint and command do.
func (f *File) k8sTarget(p *k8s.Pod, c *k8s.Container, opt *Options) *Target {
	t := &Target{Name: c.Name, K8s: &K8sContainer{Pod: p, Container: c}, Anchor: f.Span(c.Node), Env: c.Env}
	if n := c.Node.Get("name"); n != nil {
		t.Anchor = f.Span(n)
	}
	r := &run{entrySet: c.Command != nil, cmdSet: c.Args != nil, image: c.Image}
	if p.ShareProcessNamespace {
		r.platformInit = "shareProcessNamespace"
	}
	for _, a := range []struct {
		name string
		node *jsonpos.Node
		to   *[]chain.Arg
	}{{"command", c.Command, &r.entry}, {"args", c.Args, &r.cmd}} {
		if a.node == nil {
			continue
		}
		args := make([]chain.Arg, len(a.node.Elems))
		for i, e := range a.node.Elems {
			args[i] = chain.Arg{Value: e.Str, Span: f.Span(e), Expanded: e.Kind != jsonpos.String}
		}
		t.setArgv(a.name, f.Span(a.node), args, a.to)
	}
	t.run = r
	t.EntrypointUnknown = c.Command == nil
	st := &Stop{Platform: "Kubernetes", Field: "terminationGracePeriodSeconds", Default: 30, Seconds: 30,
		PreStop: c.PreStop, Value: strconv.Itoa}
	if c.PreStopNode != nil {
		st.PreStopSpan = f.Span(c.PreStopNode)
	}
	if g := p.Grace; g != nil {
		v, ok := g.Int()
		st.Set, st.Span, st.Unknown = true, f.Span(g), !ok
		if ok {
			st.Seconds = int(v)
		}
	}
	st.Edit = func(seconds int) TextEdit {
		e, _ := f.SetYAMLValue(p.Spec, "terminationGracePeriodSeconds", strconv.Itoa(seconds))
		return e
	}
	t.Stop = st
	t.walkRun(opt)
	return t
}
