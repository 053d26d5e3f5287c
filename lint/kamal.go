package lint

import (
	"path"
	"strconv"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/kamal"
)

// Kamal's defaults (basecamp/kamal lib/kamal/configuration/role.rb
// stop_args; docs/configuration.yml).
const (
	kamalDrainTimeout = 30 // drain_timeout, the stop timeout of a role without the proxy
	dockerStopTimeout = 10 // docker stop's own, for a proxied role
)

// KamalRole is a role of a Kamal deploy configuration.
type KamalRole struct {
	Config *kamal.Config
	Role   *kamal.Role
}

// kamalTargets builds one target per role: each runs the image Kamal
// builds from the project's Dockerfile (the project is the directory
// config/ sits in), with the role's cmd as the CMD.
func (f *File) kamalTargets(c *kamal.Config, dir string, opt *Options) []*Target {
	root := dir
	if path.Base(dir) == "config" {
		root = path.Dir(dir)
	}
	var out []*Target
	for _, role := range c.Roles {
		t := &Target{Name: role.Name, Kamal: &KamalRole{Config: c, Role: role}, Anchor: f.Lines.Span(role.KeyStart, role.KeyEnd), Env: role.Env}
		r := &run{image: c.Image}
		if dir != "" {
			r.build, r.context, r.target = path.Join(root, c.Dockerfile), path.Join(root, c.Context), c.Target
		}
		if words, ok := role.Words(); ok {
			sp := f.Span(role.Cmd)
			args := wordArgs(words, sp)
			r.cmdSet = true
			t.setArgv("cmd", sp, args, &r.cmd)
		}
		if n := role.Options["init"]; n != nil && n.Kind == jsonpos.Bool && n.Bool {
			r.platformInit = "Kamal's options: init"
		}
		t.run = r
		t.EntrypointUnknown = true
		t.Stop = f.kamalStop(c, role)
		t.walkRun(opt)
		out = append(out, t)
	}
	return out
}

// kamalStop is how Kamal stops a role's old container at a deploy:
// docker stop with -t stop_timeout (Kamal 2.12+) when set, else -t
// drain_timeout for a role without the proxy, else no -t for a proxied role
// (kamal-proxy has drained its requests), so Docker's 10 s or the
// container's stop-timeout option.
func (f *File) kamalStop(c *kamal.Config, role *kamal.Role) *Stop {
	st := &Stop{Platform: "Kamal", Field: "stop_timeout", Value: strconv.Itoa,
		Init: "options: {init: true} on the role (docker run --init)"}
	at := role.Node
	if at == nil {
		at = c.Root
	}
	st.Edit = func(seconds int) TextEdit {
		e, _ := f.SetYAMLValue(at, "stop_timeout", strconv.Itoa(seconds))
		return e
	}
	set := func(n *jsonpos.Node) {
		v, ok := n.Int()
		st.Set, st.Span, st.Unknown, st.Seconds = true, f.Span(n), !ok, int(v)
	}
	switch {
	case role.StopTimeout != nil:
		set(role.StopTimeout)
	case c.StopTimeout != nil:
		set(c.StopTimeout)
		st.Edit = func(seconds int) TextEdit {
			return f.Edit(c.StopTimeout.Start, c.StopTimeout.End, strconv.Itoa(seconds))
		}
	case !role.Proxy:
		st.Seconds, st.Default, st.DefaultWhy = kamalDrainTimeout, kamalDrainTimeout, "drain_timeout's default, for a role without the proxy"
		if n := c.DrainTimeout; n != nil {
			v, ok := n.Int()
			st.Seconds, st.Unknown, st.DefaultWhy = int(v), !ok, "drain_timeout, for a role without the proxy"
		}
	case role.Options["stop-timeout"] != nil:
		v, ok := role.Options["stop-timeout"].Int()
		st.Seconds, st.Unknown, st.DefaultWhy = int(v), !ok, "the stop-timeout option, as Kamal passes a proxied role no timeout"
	default:
		st.Seconds, st.Default, st.DefaultWhy = dockerStopTimeout, dockerStopTimeout, "Docker's default: Kamal passes a proxied role no timeout"
	}
	if n := role.Options["stop-signal"]; n != nil && n.Kind == jsonpos.String {
		opts := role.Node.Get("options")
		st.Signal, st.SignalField, st.SignalSet, st.SignalSpan = n.Str, "stop-signal", true, f.Span(n)
		st.SignalEdit = func(signal string) TextEdit {
			e, _ := f.SetYAMLValue(opts, "stop-signal", signal)
			return e
		}
	}
	return st
}
