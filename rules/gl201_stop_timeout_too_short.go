package rules

import (
	"fmt"
	"math"
	"path"
	"strconv"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
)

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
		if st := t.Stop; st != nil && !st.Unknown && t.Chain != nil {
			checkPlatformTimeout(p, t)
		}
	}
}

// checkPlatformTimeout checks the platform's stop timeout against the
// worker the container runs or, when it runs a process manager, against
// the longest drain among the processes the manager passes the signal to.
func checkPlatformTimeout(p *lint.Pass, t *lint.Target) {
	st, margin := t.Stop, p.Options.StopMargin
	var w *chain.Worker
	var via *chain.Process
	var d drain
	m := t.Chain.Managed
	if m != nil {
		for _, proc := range m.Processes {
			pw := proc.Chain.Worker
			if pw == nil || !pw.TimeoutKnown || pw.Spec.Unbounded && !pw.TimeoutSet {
				continue
			}
			if pd, ok := drainTime(p, t, pw); ok && (w == nil || pd.seconds > d.seconds) {
				w, via, d = pw, proc, pd
			}
		}
	}
	// The container's own worker, unless it is the manager: the command an
	// init that also runs services (s6-overlay) starts.
	if cw := t.Chain.Worker; cw != nil && cw.TimeoutKnown && (m == nil || m.Manager != cw) {
		if cd, ok := drainTime(p, t, cw); ok && (w == nil || cd.seconds > d.seconds) {
			w, via, d = cw, nil, cd
		}
	}
	if w == nil {
		return
	}
	timeout, which, related := d.seconds, d.which, d.related
	who, timeoutOf, unit := w.Name, w.Name+"'s timeout", ""
	if d.name != "" {
		who = d.name
	}
	if d.setting != "" {
		timeoutOf, unit = d.setting, " s"
	}
	need := timeout + margin
	left := st.Seconds - st.PreStop // the preStop hook runs before SIGTERM, out of the same budget
	if left >= need {
		return
	}
	// "stopTimeout 20 is less", "stopTimeout is not set, so ECS waits
	// 30 s, less", "terminationGracePeriodSeconds 70 leaves 60 s after
	// the preStop hook's 10 s, less"
	at, what := t.Anchor, fmt.Sprintf("%s is not set, so %s waits %d s", st.Field, st.Platform, st.Seconds)
	if st.DefaultWhy != "" {
		what += " (" + st.DefaultWhy + ")"
	}
	if st.Set {
		at, what = st.Span, fmt.Sprintf("%s %s", st.Field, st.Value(st.Seconds))
	}
	switch {
	case st.Field == "":
		what = fmt.Sprintf("%s waits %d s, which cannot be changed,", st.Platform, st.Seconds)
	case st.PreStop > 0 && st.Set:
		what += fmt.Sprintf(" leaves %d s after the preStop hook's %d s,", left, st.PreStop)
	case st.PreStop > 0:
		what += fmt.Sprintf(", which leaves %d s after the preStop hook's %d s,", left, st.PreStop)
	case st.Set:
		what += " is"
	default:
		what += ","
	}
	consequence := fmt.Sprintf("while it may still be draining for up to %d s; %s", timeout, d.lost)
	if w.Name == "sidekiq" {
		consequence = fmt.Sprintf("while it may still be waiting up to %d s for running jobs and then needs a few seconds to push unfinished ones back to Redis; those jobs are lost", timeout)
	}
	name := who
	if via != nil {
		name = fmt.Sprintf("%s (%s %s, %s)", who, t.Chain.Managed.Manager.Name, via.Name, fileLine(via.File.Name, via.Span))
	}
	msg := fmt.Sprintf("%s less than %s's %s plus %d s (%d): at the next deploy %s SIGKILLs %s %d s after %s, %s",
		what, who, which, margin, need, st.Platform, name, left, stopSignalOf(t, via), consequence)
	want := need + st.PreStop
	suggestion := setting(t, st.Field, st.Value(want))
	if t.Kamal != nil && !st.Set {
		suggestion += " on the role (Kamal 2.12 or later; older versions stop with drain_timeout, or Docker's 10 s for a proxied role)"
	}
	var fix *lint.Fix
	if st.Edit != nil && want <= math.MaxInt32 { // no platform takes more
		fix = &lint.Fix{Description: fmt.Sprintf("Set %s to %s", st.Field, st.Value(want)), Safe: true, Edits: []lint.TextEdit{st.Edit(want)}}
	}
	if st.Field == "" {
		suggestion = fmt.Sprintf("lower %s to %d%s", timeoutOf, st.Seconds-margin, unit)
	}
	if st.Max > 0 && want > st.Max {
		suggestion = fmt.Sprintf("lower %s to %d%s and set %s, the most %s allows", timeoutOf, st.Max-st.PreStop-margin, unit, setting(t, st.Field, st.Value(st.Max)), st.Platform)
		fix = nil
	}
	if t.TaskDef != nil && want > lint.FargateMaxStopTimeout && t.TaskDef.RequiresFargate() {
		lower := lint.FargateMaxStopTimeout - margin
		suggestion = fmt.Sprintf(`lower %s to %d%s and set %s, the most Fargate allows`,
			timeoutOf, lower, unit, setting(t, st.Field, st.Value(lint.FargateMaxStopTimeout)))
		fix = nil
		if st.Edit != nil && via == nil {
			fix = lowerTimeoutFix(p.File, t, lower)
		}
	}
	if via != nil {
		related = append(related, lint.Related{File: via.File.Name, Span: via.Span, Message: fmt.Sprintf("%s starts %s here", t.Chain.Managed.Manager.Name, w.Name)})
	} else if a := w.Argv[0]; a.File != "" {
		related = append(related, lint.Related{File: a.File, Span: a.Span, Message: fmt.Sprintf("%s starts here", w.Name)})
	} else if t.Dockerfile != "" && t.SourceOf(a) == nil {
		if _, name, ok := p.ReadFile(t.Dockerfile); ok {
			related = append(related, lint.Related{File: name, Span: a.Span, Message: fmt.Sprintf("the image starts %s here", w.Name)})
		}
	}
	if st.PreStop > 0 {
		related = append(related, lint.Related{File: p.File.Path, Span: st.PreStopSpan, Message: fmt.Sprintf("the preStop hook spends %d s of the grace period", st.PreStop)})
	}
	p.Add(lint.Finding{Span: at, Message: msg, Suggestion: suggestion, Fix: fix, Related: related})
}

// stopSignalOf names the signal the worker gets: the manager's, for a
// process a manager stops, else the platform's where it chooses one.
func stopSignalOf(t *lint.Target, via *chain.Process) string {
	switch {
	case via != nil:
		return stopSignal(via)
	case t.Stop.Signal != "":
		return t.Stop.Signal
	}
	return "SIGTERM"
}

func fileLine(name string, span source.Span) string {
	return path.Base(name) + ":" + strconv.Itoa(span.Start.Line)
}

// drain is how long a worker may drain after SIGTERM, how that is known,
// and what is lost when it is cut short.
type drain struct {
	name    string // who drains, when not the worker's name: the app module a runtime runs
	setting string // what sets the drain, when not the worker's timeout: "graceful_shutdown_timeout (app/worker.py:16)"
	seconds int
	which   string // "timeout of 20 s (\"-t 20\")"
	related []lint.Related
	lost    string // "the jobs still running then are lost"
}

// drainTime is how long the worker may drain after SIGTERM and how that is
// known. ok is false when it is not known, or not bounded (then an info
// finding says so).
func drainTime(p *lint.Pass, t *lint.Target, w *chain.Worker) (drain, bool) {
	d := drain{lost: lostWork(w)}
	if w.TimeoutSet {
		d.seconds, d.which = w.Timeout, fmt.Sprintf("timeout of %d s (%q)", w.Timeout, w.TimeoutFlag)
		return d, true
	}
	if rd, unbounded, ok := railsDrain(p, t, w); ok && !unbounded {
		return rd, true
	} else if ok {
		unboundedInfo(p, t, w)
		return d, false
	}
	if hz, ok := horizonDrain(p, t, w); ok {
		return hz, true
	}
	if pd, ok := pythonDrain(p, t, w); ok {
		return pd, true
	}
	if w.Name != "sidekiq" {
		switch {
		case w.Spec.Unbounded:
			unboundedInfo(p, t, w)
			return d, false
		case w.Spec.DefaultTimeout == 0:
			return d, false
		}
		d.seconds, d.which = w.Spec.DefaultTimeout, fmt.Sprintf("default timeout of %d s", w.Spec.DefaultTimeout)
		return d, true
	}
	// Sidekiq: command-line flags win over the configuration file.
	cfg, found := readSidekiqConfig(p, t, w)
	switch {
	case !found:
		d.seconds, d.which = p.Options.SidekiqTimeout, fmt.Sprintf("default timeout of %d s", p.Options.SidekiqTimeout)
		return d, true
	case !cfg.timeout.Known:
		p.Add(lint.Finding{Severity: lint.Info, Span: t.Anchor,
			Message:    fmt.Sprintf("gracelint cannot read sidekiq's timeout from %s:%d: %s; it assumes no value, so the stop timeout is not checked", cfg.file, cfg.timeout.Line, cfg.timeout.Why),
			Suggestion: "write the timeout as a number, or as ENV.fetch(\"NAME\", default), or pass -t on the command line",
			Related:    []lint.Related{cfg.related("the timeout gracelint cannot read")}})
		return d, false
	}
	d.seconds, d.which = cfg.timeout.Seconds, "timeout of "+cfg.describe()
	d.related = []lint.Related{cfg.related(fmt.Sprintf("sidekiq's timeout: %d s", cfg.timeout.Seconds))}
	return d, true
}

// unboundedInfo says, at info, that a worker waits for its running work
// without a bound, so no stop timeout is long enough for sure.
func unboundedInfo(p *lint.Pass, t *lint.Target, w *chain.Worker) {
	if t.Stop == nil {
		return // a manager's wait, judged where the manager is
	}
	p.Add(lint.Finding{Severity: lint.Info, Span: t.Anchor,
		Message: fmt.Sprintf("%s waits for running work without a bound when stopped, but %s SIGKILLs it %s after SIGTERM: at the next deploy %s",
			w.Name, t.Stop.Platform, stopWait(t), lostWork(w)),
		Suggestion: fmt.Sprintf("bound %s's shutdown (%s) and set %s above it", w.Name, boundHint(w.Spec), t.Stop.Field)})
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
		Description: fmt.Sprintf("Lower %s's timeout to %d s and set stopTimeout to %d (unsafe: running work gets less time)", w.Name, lower, lint.FargateMaxStopTimeout),
		Edits:       []lint.TextEdit{edit, t.Stop.Edit(lint.FargateMaxStopTimeout)},
	}
}

// checkManagerTimeout checks the processes a manager such as foreman or
// supervisord starts: after passing the stop signal on, it waits its own
// timeout (-t, stopwaitsecs), then SIGKILLs them, whatever the platform
// allows.
func checkManagerTimeout(p *lint.Pass, t *lint.Target, c *chain.Chain) {
	if c.Managed == nil {
		return
	}
	m, margin := c.Managed.Manager, p.Options.StopMargin
	for _, proc := range c.Managed.Processes {
		w, wait := proc.Chain.Worker, proc.Wait
		if w == nil || !w.TimeoutKnown || w.Spec.Unbounded && !w.TimeoutSet || !wait.Known || wait.Unbounded {
			continue
		}
		d, ok := drainTime(p, t, w)
		if !ok || wait.Seconds >= d.seconds+margin {
			continue
		}
		drain, which, related := d.seconds, d.which, d.related
		msg := fmt.Sprintf("%s waits %d s (%s) for %s (%s) after %s, less than %s's %s plus %d s (%d): at the next deploy %s SIGKILLs %s %d s after %s, %s",
			m.Name, wait.Seconds, wait.Describe(), proc.Name, fileLine(proc.File.Name, proc.Span), stopSignal(proc),
			w.Name, which, margin, drain+margin, m.Name, w.Name, wait.Seconds, stopSignal(proc), d.lost)
		related = append(related, lint.Related{File: proc.File.Name, Span: proc.Span, Message: fmt.Sprintf("%s runs %s", proc.Name, w.Name)})
		f := lint.Finding{Span: proc.Anchor, File: proc.AnchorFile, Message: msg,
			Suggestion: fmt.Sprintf("pass %s %d to %s, and give the platform that much more", wait.Setting, drain+margin, m.Name), Related: related}
		if wait.Set {
			f.Span, f.File = wait.Span, wait.File
		}
		switch wait.Setting {
		case "stopwaitsecs":
			f.Suggestion = fmt.Sprintf("set stopwaitsecs=%d in [program:%s], and give the container at least that long to stop", drain+margin, proc.Name)
			f.Fix = stopWaitFix(proc, drain+margin)
		case m.Spec.TimeoutEnv:
			v := drain + margin - wait.Then
			if m.Spec.TimeoutMillis {
				v *= 1000
			}
			f.Suggestion = fmt.Sprintf("set %s=%d in the image's ENV, and give the container at least %d s to stop", wait.Setting, v, drain+margin)
		case "timeout-down":
			f.Suggestion = fmt.Sprintf("write %d (milliseconds) in the service's timeout-down, and give the container at least %d s to stop", (drain+margin)*1000, drain+margin)
		}
		p.Add(f)
	}
}

// stopWaitFix sets a supervisord program's stopwaitsecs: in place where it
// is written, else on a line of its own under the section header. It is
// safe: the program only gets longer to finish.
func stopWaitFix(proc *chain.Process, seconds int) *lint.Fix {
	edit := lint.TextEdit{Span: source.Span{Start: proc.Anchor.End, End: proc.Anchor.End}, NewText: "\nstopwaitsecs=" + strconv.Itoa(seconds)}
	if proc.Wait.Set {
		edit = lint.TextEdit{Span: proc.Wait.Span, NewText: strconv.Itoa(seconds)}
	}
	return &lint.Fix{Description: fmt.Sprintf("Set stopwaitsecs to %d for [program:%s]", seconds, proc.Name), Safe: true, Edits: []lint.TextEdit{edit}}
}
