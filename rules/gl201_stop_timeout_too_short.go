package rules

import (
	"fmt"
	"strconv"

	"github.com/gracelint/gracelint/lint"
)

// fargateMaxStopTimeout is the longest stopTimeout Fargate allows.
const fargateMaxStopTimeout = 120

// StopTimeoutTooShort reports an ECS container running Sidekiq whose
// stopTimeout ends before Sidekiq's shutdown can finish.
var StopTimeoutTooShort = &lint.Rule{
	ID:        "GL201",
	Name:      "stop-timeout-too-short",
	Severity:  lint.Error,
	Summary:   "the stop timeout is shorter than the worker's shutdown timeout plus 5 s, so jobs are killed mid-flight",
	Tags:      []string{"ecs", "timeouts"},
	SafeFix:   true,
	UnsafeFix: true,
	Check:     checkStopTimeoutTooShort,
}

func checkStopTimeoutTooShort(p *lint.Pass) {
	for _, t := range p.File.Targets {
		if t.ECS == nil || t.Chain == nil || t.Chain.Worker == nil || !t.Chain.Worker.TimeoutKnown || t.ECS.Unknown("stopTimeout") {
			continue
		}
		w, margin := t.Chain.Worker, p.Options.StopMargin
		timeout := w.Timeout
		which := fmt.Sprintf("timeout of %d s (%q)", timeout, w.TimeoutFlag)
		var related []lint.Related
		if !w.TimeoutSet {
			timeout, which = p.Options.SidekiqTimeout, fmt.Sprintf("default timeout of %d s", p.Options.SidekiqTimeout)
			// Command-line flags win over the configuration file.
			if cfg, ok := readSidekiqConfig(p, t, w); ok {
				if !cfg.timeout.Known {
					p.Add(lint.Finding{Severity: lint.Info, Span: t.Anchor,
						Message:    fmt.Sprintf("gracelint cannot read sidekiq's timeout from %s:%d: %s; it assumes no value, so the stop timeout is not checked", cfg.file, cfg.timeout.Line, cfg.timeout.Why),
						Suggestion: "write the timeout as a number, or as ENV.fetch(\"NAME\", default), or pass -t on the command line",
						Related:    []lint.Related{cfg.related("the timeout gracelint cannot read")}})
					continue
				}
				timeout, which = cfg.timeout.Seconds, "timeout of "+cfg.describe()
				related = []lint.Related{cfg.related(fmt.Sprintf("sidekiq's timeout: %d s", timeout))}
			}
		}
		need := timeout + margin
		stop, at, what := defaultStopTimeout, t.Anchor, fmt.Sprintf("stopTimeout is not set, so ECS waits %d s, less", defaultStopTimeout)
		if s := t.ECS.Def.StopTimeout; s != nil {
			stop, at = int(*s), p.File.Span(t.ECS.Field("stopTimeout"))
			what = fmt.Sprintf("stopTimeout %d is less", stop)
		}
		if stop >= need {
			continue
		}
		msg := fmt.Sprintf("%s than %s's %s plus %d s (%d): at the next deploy ECS SIGKILLs %s %d s after SIGTERM, while it may still be waiting up to %d s for running jobs and then needs a few seconds to push unfinished ones back to Redis; those jobs are lost",
			what, w.Name, which, margin, need, w.Name, stop, timeout)
		suggestion := setting(t, "stopTimeout", fmt.Sprint(need))
		fix := &lint.Fix{
			Description: fmt.Sprintf("Set stopTimeout to %d", need),
			Safe:        true,
			Edits:       []lint.TextEdit{setNumber(p.File, t.ECS.Node, "stopTimeout", need)},
		}
		if need > fargateMaxStopTimeout && t.TaskDef.RequiresFargate() {
			lower := fargateMaxStopTimeout - margin
			suggestion = fmt.Sprintf(`lower %s's timeout to %d ("-t %d") and set %s, the most Fargate allows`,
				w.Name, lower, lower, setting(t, "stopTimeout", fmt.Sprint(fargateMaxStopTimeout)))
			fix = lowerTimeoutFix(p.File, t, lower)
		}
		p.Add(lint.Finding{Severity: lint.Error, Span: at, Message: msg, Suggestion: suggestion, Fix: fix, Related: related})
	}
}

// lowerTimeoutFix lowers Sidekiq's -t to fit Fargate's ceiling and sets the
// ceiling as stopTimeout. It is unsafe: jobs get less time to finish. It is
// offered only when the timeout is written as an argv element of its own.
func lowerTimeoutFix(f *lint.File, t *lint.Target, lower int) *lint.Fix {
	w := t.Chain.Worker
	if w.TimeoutArg == nil {
		return nil
	}
	old := strconv.Itoa(w.Timeout)
	edit, ok := replaceJSONString(f, *w.TimeoutArg, func(v string) (string, bool) {
		for _, prefix := range []string{"", "--timeout=", "-t"} {
			if v == prefix+old {
				return prefix + strconv.Itoa(lower), true
			}
		}
		return "", false
	})
	if !ok {
		return nil
	}
	return &lint.Fix{
		Description: fmt.Sprintf("Lower %s's timeout to %d s and set stopTimeout to %d (unsafe: running jobs get less time)", w.Name, lower, fargateMaxStopTimeout),
		Edits:       []lint.TextEdit{edit, setNumber(f, t.ECS.Node, "stopTimeout", fargateMaxStopTimeout)},
	}
}
