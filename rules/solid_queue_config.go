package rules

import (
	"fmt"
	"maps"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/solidqueue"
)

// solidQueueLost is what a SIGKILL before Solid Queue's shutdown ends
// costs: its supervisor has not yet released the claimed executions, so
// they are pruned as failed (ProcessPrunedError), not run again.
const solidQueueLost = "the jobs still running then are marked failed, not retried"

// solidQueueDrain is the drain of a container that runs Solid Queue: its
// own supervisor (bin/jobs), or Puma with Solid Queue's plugin (Rails 8's
// SOLID_QUEUE_IN_PUMA). Either waits shutdown_timeout for running jobs
// after SIGTERM. ok is false for any other worker.
func solidQueueDrain(p *lint.Pass, t *lint.Target, w *chain.Worker) (drain, bool) {
	env := containerEnv(t)
	which := "default shutdown_timeout of %d s"
	switch w.Name {
	case "solid_queue":
	case "puma", "rails server":
		src, _, ok := readRails(p, t, "config/puma.rb")
		if !ok {
			return drain{}, false
		}
		v, ok := solidqueue.PumaPlugin(src)
		if _, set := env[v]; !ok || v != "" && !set {
			return drain{}, false
		}
		which = "Solid Queue plugin's default shutdown_timeout of %d s"
		if v != "" {
			which += fmt.Sprintf(" (%s)", v)
		}
	default:
		return drain{}, false
	}
	d := drain{seconds: solidqueue.DefaultShutdownTimeout, which: fmt.Sprintf(which, solidqueue.DefaultShutdownTimeout), lost: solidQueueLost}
	// The environment's file is loaded after application.rb and wins.
	railsEnv := env["RAILS_ENV"]
	if railsEnv == "" {
		railsEnv = "production"
	}
	for _, rel := range []string{"config/environments/" + railsEnv + ".rb", "config/application.rb"} {
		src, name, ok := readRails(p, t, rel)
		if !ok {
			continue
		}
		st, ok := solidqueue.ShutdownTimeout(src)
		if !ok {
			continue
		}
		if !st.Known {
			return drain{}, false // computed at boot
		}
		lead := "shutdown_timeout"
		if w.Name != "solid_queue" {
			lead = "Solid Queue plugin's shutdown_timeout"
		}
		d.seconds, d.which = st.Seconds, fmt.Sprintf("%s of %d s (%s:%d)", lead, st.Seconds, name, st.Line)
		d.related = []lint.Related{{File: name, Span: source.NewLines(src).Span(st.Start, st.End), Message: fmt.Sprintf("Solid Queue's shutdown_timeout: %d s", st.Seconds)}}
		break
	}
	return d, true
}

// readRails reads a file of the Rails app the container runs: where the
// image's build context puts it under the WORKDIR, else at the lint root.
func readRails(p *lint.Pass, t *lint.Target, rel string) ([]byte, string, bool) {
	for _, c := range append(t.ContextFiles(rel), rel) {
		if src, name, ok := p.ReadFile(c); ok {
			return src, name, true
		}
	}
	return nil, "", false
}

// containerEnv is the container's environment: the image's ENV with the
// platform's over it.
func containerEnv(t *lint.Target) map[string]string {
	env := map[string]string{}
	img := t.Image
	if img == nil {
		img = t.Linked
	}
	if img != nil {
		maps.Copy(env, img.Env())
	}
	maps.Copy(env, t.Env)
	return env
}
