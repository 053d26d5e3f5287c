package lint

import (
	"strconv"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/parser/procfile"
	"github.com/gracelint/gracelint/parser/shell"
)

// herokuStopTimeout is how long Heroku's dyno manager waits after SIGTERM
// before SIGKILL; it cannot be changed (devcenter.heroku.com,
// dyno-shutdown-behavior).
const herokuStopTimeout = 30

// herokuTargets builds one target per process type of a Procfile that
// Heroku runs: at a deploy or restart the dyno manager sends SIGTERM to
// every process of the dyno, then SIGKILL 30 s later. A shell between it
// and the worker stops nothing, so only the stop timeout and the signal
// are judged.
func (f *File) herokuTargets(entries []procfile.Entry, opt *Options) []*Target {
	var out []*Target
	for _, e := range entries {
		sp := f.Lines.Span(e.Start, e.End)
		words, ok := shell.PlainFields(e.Command)
		if !ok {
			words = []string{"/bin/sh", "-c", e.Command}
		}
		args := wordArgs(words, sp)
		// The environment is the app's config vars, kept outside the
		// repository: nil, not known.
		t := &Target{Name: e.Name, Anchor: sp}
		t.setArgv("command", sp, args, new([]chain.Arg))
		t.Stop = &Stop{Platform: "Heroku", Seconds: herokuStopTimeout, Default: herokuStopTimeout,
			Delivery: ToAll, Signal: "SIGTERM", Value: strconv.Itoa}
		t.Chain = chain.Walk(args, walkOptions(imageShell("", opt), "", fixedEnv(t.Env), nil))
		out = append(out, t)
	}
	return out
}
