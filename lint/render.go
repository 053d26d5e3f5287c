package lint

import (
	"path"
	"strconv"

	"github.com/gracelint/gracelint/parser/render"
)

// Render's limits for maxShutdownDelaySeconds (render.com/docs/blueprint-spec).
const (
	renderShutdownDelay    = 30
	renderMaxShutdownDelay = 300
)

// renderTargets builds one target per long-running service of a Blueprint
// (web, worker, pserv): a Docker service runs the image its Dockerfile
// builds, with dockerCommand as the CMD; an image service runs image.url;
// a native one runs its startCommand. Render sends SIGTERM, then SIGKILL
// maxShutdownDelaySeconds later; which processes get the signal is not
// documented, so only the stop timeout and the signal are judged. A
// command with shell syntax is not read: how Render runs it is not known.
func (f *File) renderTargets(svcs []*render.Service, dir string, opt *Options) []*Target {
	var out []*Target
	for _, s := range svcs {
		if s.Type != "web" && s.Type != "worker" && s.Type != "pserv" {
			continue // cron jobs run once; databases and key-value stores are Render's own
		}
		words, ok := s.Words()
		if s.Command != nil && !ok {
			continue
		}
		t := &Target{Name: s.Name, Anchor: f.Lines.Span(s.KeyStart, s.KeyEnd), Env: s.Env}
		r := &run{}
		switch s.Runtime {
		case "docker":
			if dir == "" {
				continue
			}
			r.build, r.context = path.Join(dir, s.DockerfilePath), path.Join(dir, s.DockerContext)
		case "image":
			r.image = s.Image
		default:
			if !ok {
				continue // a native service runs its startCommand only
			}
		}
		if ok {
			sp := f.Span(s.Command)
			args := wordArgs(words, sp)
			r.cmdSet = true
			t.setArgv("command", sp, args, &r.cmd)
		}
		t.run = r
		t.EntrypointUnknown = true
		st := &Stop{Platform: "Render", Field: "maxShutdownDelaySeconds", Default: renderShutdownDelay, Seconds: renderShutdownDelay,
			Max: renderMaxShutdownDelay, Delivery: ToUnknown, Value: strconv.Itoa}
		if n := s.MaxShutdownDelay; n != nil {
			v, ok := n.Int()
			st.Set, st.Span, st.Unknown, st.Seconds = true, f.Span(n), !ok, int(v)
		}
		node := s.Node
		st.Edit = func(seconds int) TextEdit {
			e, _ := f.SetYAMLValue(node, "maxShutdownDelaySeconds", strconv.Itoa(seconds))
			return e
		}
		t.Stop = st
		t.walkRun(opt)
		out = append(out, t)
	}
	return out
}
