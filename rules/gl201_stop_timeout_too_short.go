package rules

import (
	"fmt"
	"path"
	"strconv"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/lint"
)

// fargateMaxStopTimeout is the longest stopTimeout Fargate allows.
const fargateMaxStopTimeout = 120

// StopTimeoutTooShort reports a container whose stop timeout (ECS
// stopTimeout, Compose stop_grace_period, Kubernetes
// terminationGracePeriodSeconds) ends before its worker's shutdown can finish.
var StopTimeoutTooShort = &lint.Rule{
	ID:        "GL201",
	Name:      "stop-timeout-too-short",
	Severity:  lint.Error,
	Summary:   "the stop timeout is shorter than the worker's shutdown timeout plus a margin, so work is killed mid-flight",
	Tags:      []string{"ecs", "timeouts"},
	SafeFix:   true,
	UnsafeFix: true,
	Check:     checkStopTimeoutTooShort,
}

func checkStopTimeoutTooShort(p *lint.Pass) {
	for _, t := range p.File.Targets {
		if t.Chain == nil {
			continue
		}
		checkManagerTimeout(p, t, t.Chain)
		for _, s := range t.Chain.Scripts {
			for _, c := range s.PathChains {
				checkManagerTimeout(p, t, c)
			}
		}
	}
	for _, t := range p.File.Targets {
		st := t.Stop
		if st == nil || st.Unknown || t.Chain == nil || t.Chain.Worker == nil || !t.Chain.Worker.TimeoutKnown {
			continue
		}
		w, margin := t.Chain.Worker, p.Options.StopMargin
		timeout, which, related, ok := drainTime(p, t, w)
		if !ok {
			continue
		}
		need := timeout + margin
		left := st.Seconds - st.PreStop // the preStop hook runs before SIGTERM, out of the same budget
		if left >= need {
			continue
		}
		// "stopTimeout 20 is less", "stopTimeout is not set, so ECS waits
		// 30 s, less", "terminationGracePeriodSeconds 70 leaves 60 s after
		// the preStop hook's 10 s, less"
		at, what := t.Anchor, fmt.Sprintf("%s is not set, so %s waits %d s", st.Field, st.Platform, st.Seconds)
		if st.Set {
			at, what = st.Span, fmt.Sprintf("%s %s", st.Field, st.Value(st.Seconds))
		}
		switch {
		case st.PreStop > 0 && st.Set:
			what += fmt.Sprintf(" leaves %d s after the preStop hook's %d s,", left, st.PreStop)
		case st.PreStop > 0:
			what += fmt.Sprintf(", which leaves %d s after the preStop hook's %d s,", left, st.PreStop)
		case st.Set:
			what += " is"
		default:
			what += ","
		}
		consequence := fmt.Sprintf("while it may still be draining for up to %d s; %s", timeout, lostWork(w))
		if w.Name == "sidekiq" {
			consequence = fmt.Sprintf("while it may still be waiting up to %d s for running jobs and then needs a few seconds to push unfinished ones back to Redis; those jobs are lost", timeout)
		}
		msg := fmt.Sprintf("%s less than %s's %s plus %d s (%d): at the next deploy %s SIGKILLs %s %d s after SIGTERM, %s",
			what, w.Name, which, margin, need, st.Platform, w.Name, left, consequence)
		want := need + st.PreStop
		suggestion := setting(t, st.Field, st.Value(want))
		var fix *lint.Fix
		if st.Edit != nil {
			fix = &lint.Fix{Description: fmt.Sprintf("Set %s to %s", st.Field, st.Value(want)), Safe: true, Edits: []lint.TextEdit{st.Edit(want)}}
		}
		if t.TaskDef != nil && want > fargateMaxStopTimeout && t.TaskDef.RequiresFargate() {
			lower := fargateMaxStopTimeout - margin
			suggestion = fmt.Sprintf(`lower %s's timeout to %d and set %s, the most Fargate allows`,
				w.Name, lower, setting(t, st.Field, st.Value(fargateMaxStopTimeout)))
			fix = nil
			if st.Edit != nil {
				fix = lowerTimeoutFix(p.File, t, lower)
			}
		}
		if t.Dockerfile != "" && t.SourceOf(w.Argv[0]) == nil {
			if _, name, ok := p.ReadFile(t.Dockerfile); ok {
				related = append(related, lint.Related{File: name, Span: w.Argv[0].Span, Message: fmt.Sprintf("the image starts %s here", w.Name)})
			}
		}
		if st.PreStop > 0 {
			related = append(related, lint.Related{File: p.File.Path, Span: st.PreStopSpan, Message: fmt.Sprintf("the preStop hook spends %d s of the grace period", st.PreStop)})
		}
		p.Add(lint.Finding{Span: at, Message: msg, Suggestion: suggestion, Fix: fix, Related: related})
	}
}

// drainTime is how long the worker may drain after SIGTERM and how that is
// known. ok is false when it is not known, or not bounded (then an info
// finding says so).
func drainTime(p *lint.Pass, t *lint.Target, w *chain.Worker) (seconds int, which string, related []lint.Related, ok bool) {
	if w.TimeoutSet {
		return w.Timeout, fmt.Sprintf("timeout of %d s (%q)", w.Timeout, w.TimeoutFlag), nil, true
	}
	if w.Name != "sidekiq" {
		switch {
		case w.Spec.Unbounded:
			p.Add(lint.Finding{Severity: lint.Info, Span: t.Anchor,
				Message: fmt.Sprintf("%s waits for running work without a bound when stopped, but %s SIGKILLs it %s after SIGTERM: at the next deploy %s",
					w.Name, t.Stop.Platform, stopWait(t), lostWork(w)),
				Suggestion: fmt.Sprintf("bound %s's shutdown (%s) and set %s above it", w.Name, boundHint(w.Spec), t.Stop.Field)})
			return 0, "", nil, false
		case w.Spec.DefaultTimeout == 0:
			return 0, "", nil, false
		}
		return w.Spec.DefaultTimeout, fmt.Sprintf("default timeout of %d s", w.Spec.DefaultTimeout), nil, true
	}
	// Sidekiq: command-line flags win over the configuration file.
	cfg, found := readSidekiqConfig(p, t, w)
	switch {
	case !found:
		return p.Options.SidekiqTimeout, fmt.Sprintf("default timeout of %d s", p.Options.SidekiqTimeout), nil, true
	case !cfg.timeout.Known:
		p.Add(lint.Finding{Severity: lint.Info, Span: t.Anchor,
			Message:    fmt.Sprintf("gracelint cannot read sidekiq's timeout from %s:%d: %s; it assumes no value, so the stop timeout is not checked", cfg.file, cfg.timeout.Line, cfg.timeout.Why),
			Suggestion: "write the timeout as a number, or as ENV.fetch(\"NAME\", default), or pass -t on the command line",
			Related:    []lint.Related{cfg.related("the timeout gracelint cannot read")}})
		return 0, "", nil, false
	}
	return cfg.timeout.Seconds, "timeout of " + cfg.describe(), []lint.Related{cfg.related(fmt.Sprintf("sidekiq's timeout: %d s", cfg.timeout.Seconds))}, true
}

func boundHint(s *catalog.Program) string {
	if len(s.TimeoutFlags) > 0 {
		return s.TimeoutFlags[0] + " N"
	}
	return "a time limit on its tasks"
}

// lowerTimeoutFix lowers the worker's timeout to fit Fargate's ceiling and
// sets the ceiling as stopTimeout. It is unsafe: running work gets less time.
// It is offered only when the timeout is written as an argv element of its
// own.
func lowerTimeoutFix(f *lint.File, t *lint.Target, lower int) *lint.Fix {
	w := t.Chain.Worker
	if w.TimeoutArg == nil {
		return nil
	}
	old := strconv.Itoa(w.Timeout)
	edit, ok := replaceJSONString(f, *w.TimeoutArg, func(v string) (string, bool) {
		for _, flag := range append([]string{""}, w.Spec.TimeoutFlags...) {
			for _, prefix := range []string{flag, flag + "="} {
				if v == prefix+old {
					return prefix + strconv.Itoa(lower), true
				}
			}
		}
		return "", false
	})
	if !ok {
		return nil
	}
	return &lint.Fix{
		Description: fmt.Sprintf("Lower %s's timeout to %d s and set stopTimeout to %d (unsafe: running work gets less time)", w.Name, lower, fargateMaxStopTimeout),
		Edits:       []lint.TextEdit{edit, t.Stop.Edit(fargateMaxStopTimeout)},
	}
}

// checkManagerTimeout checks the processes a manager such as foreman starts
// from a Procfile: after passing SIGTERM on, it waits its own timeout (-t),
// then SIGKILLs them, whatever the platform allows.
func checkManagerTimeout(p *lint.Pass, t *lint.Target, c *chain.Chain) {
	if c.Procfile == nil {
		return
	}
	m := c.Worker
	wait, flag := m.Spec.DefaultTimeout, fmt.Sprintf("its default %s", m.Spec.TimeoutFlags[0])
	switch {
	case m.TimeoutSet && !m.TimeoutKnown:
		return // computed at deploy time
	case m.TimeoutSet:
		wait, flag = m.Timeout, fmt.Sprintf("%q", m.TimeoutFlag)
	}
	pf, margin := c.Procfile, p.Options.StopMargin
	for _, proc := range pf.Processes {
		w := proc.Chain.Worker
		if w == nil || !w.TimeoutKnown || w.Spec.Unbounded && !w.TimeoutSet {
			continue
		}
		drain, which, related, ok := drainTime(p, t, w)
		if !ok || wait >= drain+margin {
			continue
		}
		at := m.Argv[0]
		msg := fmt.Sprintf("%s gives the processes of %s %d s (%s) after passing on SIGTERM, less than %s's %s plus %d s (%d): at the next deploy %s SIGKILLs %s (%s) %d s after SIGTERM, %s",
			m.Name, path.Base(pf.File.Name), wait, flag, w.Name, which, margin, drain+margin, m.Name, proc.Name, path.Base(pf.File.Name)+":"+strconv.Itoa(proc.Span.Start.Line), wait, lostWork(w))
		related = append(related, lint.Related{File: pf.File.Name, Span: proc.Span, Message: fmt.Sprintf("%s runs %s", proc.Name, w.Name)})
		f := lint.Finding{Span: at.Span, Message: msg, Suggestion: fmt.Sprintf("pass %s %d to %s, and give the platform that much more", m.Spec.TimeoutFlags[0], drain+margin, m.Name), Related: related}
		if at.File != "" {
			f.File = at.File
		}
		p.Add(f)
	}
}
