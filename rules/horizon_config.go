package rules

import (
	"fmt"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/num"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/phpconfig"
)

// horizonDefaultTimeout is a Horizon supervisor's timeout when its
// configuration sets none (laravel/horizon src/SupervisorOptions.php).
const horizonDefaultTimeout = 60

// horizonDrain is how long Horizon waits on SIGTERM: the longest timeout
// of the supervisors config/horizon.php runs in the app's environment
// (APP_ENV, else production), each from its environment's section over
// the defaults. ok is false for another worker, or where the file is not
// there or a timeout is not known.
func horizonDrain(p *lint.Pass, t *lint.Target, w *chain.Worker) (drain, bool) {
	if w.Name != "horizon" {
		return drain{}, false
	}
	src, name, _, ok := readAppFile(p, t, "config/horizon.php")
	if !ok {
		return drain{}, false
	}
	root := phpconfig.Parse(src)
	env := containerEnv(t)
	appEnv := env["APP_ENV"]
	if appEnv == "" {
		appEnv = "production"
	}
	sups := root.Get("environments").Get(appEnv)
	if sups == nil || sups.Kind != phpconfig.Array || len(sups.Entries) == 0 {
		return drain{}, false
	}
	d := drain{lost: lostWork(w)}
	var at *phpconfig.Value
	for i, e := range sups.Entries {
		v := e.Value.Get("timeout")
		if v == nil {
			v = root.Get("defaults").Get(e.Key).Get("timeout")
		}
		seconds := horizonDefaultTimeout
		if v != nil {
			n, ok := phpInt(v, env)
			if !ok {
				return drain{}, false
			}
			seconds = n
		}
		if i == 0 || seconds > d.seconds {
			d.seconds, at = seconds, v
		}
	}
	lines := source.NewLines(src)
	if at == nil {
		d.which = fmt.Sprintf("supervisors' default timeout of %d s (%s sets none)", d.seconds, name)
		return d, true
	}
	sp := lines.Span(at.Start, at.End)
	d.which = fmt.Sprintf("longest supervisor timeout of %d s (%s:%d, %s)", d.seconds, name, sp.Start.Line, appEnv)
	d.related = []lint.Related{{File: name, Span: sp, Message: fmt.Sprintf("Horizon waits up to %d s for this supervisor's jobs", d.seconds)}}
	return d, true
}

// phpInt is an integer a configuration value gives, with env() read from
// the container's environment.
func phpInt(v *phpconfig.Value, env map[string]string) (int, bool) {
	switch v.Kind {
	case phpconfig.Int:
		return int(v.Int), v.Int >= 0 && v.Int < 1<<31
	case phpconfig.Env:
		if s, ok := env[v.Str]; ok {
			n, err := num.Atoi(s)
			return n, err == nil && n >= 0
		}
		if v.Default != nil {
			return phpInt(v.Default, env)
		}
	}
	return 0, false
}
