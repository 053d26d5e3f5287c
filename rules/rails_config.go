package rules

import (
	"fmt"
	"maps"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/num"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/railsconfig"
)

// railsDrain is the drain of a job backend whose Rails configuration sets
// it (the catalog's rails_setting: Solid Queue's and GoodJob's
// shutdown_timeout), run on its own or inside a server that loads its
// plugin (Puma with plugin :solid_queue, Rails 8's SOLID_QUEUE_IN_PUMA).
// The container's environment (timeout_env) wins over
// config/initializers/<backend>.rb, which wins over
// config/environments/<RAILS_ENV>.rb, then config/application.rb, then the
// backend's default. ok is false for other workers; unbounded is true for a
// backend that waits for running jobs without a bound (GoodJob's -1).
func railsDrain(p *lint.Pass, t *lint.Target, w *chain.Worker) (d drain, unbounded, ok bool) {
	env := containerEnv(t)
	spec, via := w.Spec, ""
	if spec.RailsSetting == "" {
		if spec, via = pluginBackend(p, t, w, env); spec == nil {
			return drain{}, false, false
		}
	}
	d = drain{lost: lostWork(w)}
	if spec.Lost != "" {
		d.lost = spec.Lost
	}
	lead := "config." + spec.RailsSetting
	if v, set := env[spec.TimeoutEnv]; spec.TimeoutEnv != "" && set {
		n, err := num.Atoi(v)
		if err != nil {
			return drain{}, false, false // not a number gracelint can read
		}
		d.seconds, d.which = n, fmt.Sprintf("%s of %d s (%s in the container's environment%s)", lead, n, spec.TimeoutEnv, via)
		return d, n < 0, true
	}
	railsEnv := env["RAILS_ENV"]
	if railsEnv == "" {
		railsEnv = "production"
	}
	for _, rel := range []string{"config/initializers/" + spec.Name + ".rb", "config/environments/" + railsEnv + ".rb", "config/application.rb"} {
		src, name, _, found := readAppFile(p, t, rel)
		if !found {
			continue
		}
		st, set := railsconfig.Setting(src, spec.RailsSetting)
		if !set {
			continue
		}
		if !st.Known {
			return drain{}, false, false // computed at boot
		}
		d.seconds, d.which = st.Seconds, fmt.Sprintf("%s of %d s (%s:%d%s)", lead, st.Seconds, name, st.Line, via)
		d.related = []lint.Related{{File: name, Span: source.NewLines(src).Span(st.Start, st.End), Message: fmt.Sprintf("%s: %d s", spec.RailsSetting, st.Seconds)}}
		return d, st.Seconds < 0, true
	}
	if spec.Unbounded {
		return d, true, true
	}
	d.seconds, d.which = spec.DefaultTimeout, fmt.Sprintf("default %s of %d s", lead, spec.DefaultTimeout)
	if via != "" {
		d.which += " (" + via[2:] + ")"
	}
	return d, false, true
}

// pluginBackend is the job backend a server runs in its own process when
// config/puma.rb loads its plugin, and how that is known (", with
// SOLID_QUEUE_IN_PUMA set"); nil when it loads none.
func pluginBackend(p *lint.Pass, t *lint.Target, w *chain.Worker, env map[string]string) (*catalog.Program, string) {
	if len(w.Spec.Plugins) == 0 {
		return nil, ""
	}
	src, _, _, ok := readAppFile(p, t, "config/puma.rb")
	if !ok {
		return nil, ""
	}
	for _, name := range w.Spec.Plugins {
		v, ok := railsconfig.PumaPlugin(src, name)
		if _, set := env[v]; !ok || v != "" && !set {
			continue
		}
		via := fmt.Sprintf("; config/puma.rb runs %s inside Puma", name)
		if v != "" {
			via += fmt.Sprintf(", as %s is set", v)
		}
		return catalog.Named(name), via
	}
	return nil, ""
}

// readAppFile reads a file of the app the container runs (rel to the
// directory it starts in): where the image's build context puts it under
// the WORKDIR, else at the lint root. at is its lint-root path, name how
// findings name it.
func readAppFile(p *lint.Pass, t *lint.Target, rel string) (src []byte, name, at string, ok bool) {
	for _, c := range append(t.ContextFiles(rel), rel) {
		if src, name, ok := p.ReadFile(c); ok {
			return src, name, c, true
		}
	}
	return nil, "", "", false
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
