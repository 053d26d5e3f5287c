package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/sidekiq"
)

// sidekiqConfig is the timeout a Sidekiq configuration file sets.
type sidekiqConfig struct {
	file    string // as findings name it
	lines   *source.Lines
	timeout sidekiq.Timeout
}

func (c sidekiqConfig) describe() string {
	s := fmt.Sprintf("%d s (%s:%d", c.timeout.Seconds, c.file, c.timeout.Line)
	switch {
	case c.timeout.Env != "" && c.timeout.Default:
		s += fmt.Sprintf(", the default for %s, which the container does not set", c.timeout.Env)
	case c.timeout.Env != "":
		s += fmt.Sprintf(", from %s in the container environment", c.timeout.Env)
	}
	return s + ")"
}

func (c sidekiqConfig) related(msg string) lint.Related {
	return lint.Related{File: c.file, Span: c.lines.Span(c.timeout.Start, c.timeout.End), Message: msg}
}

// readSidekiqConfig finds the configuration file Sidekiq reads (-C, else
// config/sidekiq.yml or config/sidekiq.yml.erb), first where the image's
// build context puts it under the WORKDIR, then under the lint root, and its
// timeout, with the ERB evaluated against the container's environment and
// the section of its environment (-e, else APP_ENV, RAILS_ENV, RACK_ENV).
func readSidekiqConfig(p *lint.Pass, t *lint.Target, w *chain.Worker) (sidekiqConfig, bool) {
	vars := t.Env
	env := w.Environment
	for _, name := range []string{"APP_ENV", "RAILS_ENV", "RACK_ENV"} {
		if env == "" {
			env = vars[name]
		}
	}
	if env == "" {
		env = "development" // Sidekiq's own default
	}
	var candidates []string
	if w.Config != "" {
		candidates = t.ContextFiles(w.Config)
	} else {
		for _, c := range configCandidates("") {
			candidates = append(candidates, t.ContextFiles(c)...)
		}
	}
	for _, candidate := range append(candidates, configCandidates(w.Config)...) {
		src, name, ok := p.ReadFile(candidate)
		if !ok {
			continue
		}
		t := sidekiq.ReadTimeout(src, env, vars)
		if !t.Set {
			return sidekiqConfig{}, false
		}
		return sidekiqConfig{file: name, lines: source.NewLines(src), timeout: t}, true
	}
	return sidekiqConfig{}, false
}

// configCandidates are the lint-root paths where -C PATH may be: the app's
// directory in the image is not known, so an absolute path is tried with
// its leading directories dropped one by one.
func configCandidates(flag string) []string {
	if flag == "" {
		return []string{"config/sidekiq.yml", "config/sidekiq.yml.erb"}
	}
	parts := strings.Split(strings.TrimPrefix(path.Clean(flag), "/"), "/")
	if !strings.HasPrefix(flag, "/") {
		return []string{path.Join(parts...)}
	}
	var out []string
	for i := range parts {
		out = append(out, path.Join(parts[i:]...))
	}
	return out
}
