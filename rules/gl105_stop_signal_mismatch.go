package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/lint"
)

// StopSignalMismatch reports an image whose stop signal is not its server's
// graceful one: Unicorn, nginx, php-fpm and Resque stop gracefully on QUIT
// and at once on TERM.
var StopSignalMismatch = &lint.Rule{
	ID:       "GL105",
	Name:     "stop-signal-mismatch",
	Severity: lint.Error,
	Summary:  "the image's stop signal makes its server stop at once instead of gracefully",
	Tags:     []string{"dockerfile", "signals"},
	SafeFix:  true,
	Check:    checkStopSignalMismatch,
}

func checkStopSignalMismatch(p *lint.Pass) {
	for _, t := range p.File.Targets {
		if t.Chain != nil && t.Chain.Managed != nil {
			checkManagedStopSignal(p, t.Chain)
		}
		if t.Stop != nil && t.Stop.Signal != "" {
			checkPlatformStopSignal(p, t)
			continue
		}
		if t.Compose != nil {
			checkComposeStopSignal(p, t)
			continue
		}
		if t.K8s != nil {
			checkK8sStopSignal(p, t)
			continue
		}
		img, c := t.Image, t.Chain
		if img == nil || c == nil || c.Worker == nil || c.Worker.Spec.Graceful == "" || c.Worker.Spec.Graceful == "SIGTERM" {
			continue
		}
		spec := c.Worker.Spec
		sig, in, _ := img.StopSignal()
		if catalog.NormalizeSignal(sig) == spec.Graceful || strings.Contains(sig, "$") {
			continue // right, or set from a build argument gracelint cannot see
		}
		how := stopsHow(spec, sig)
		where := "the image sets no STOPSIGNAL, so docker stop and ECS send SIGTERM"
		// Point at the instruction that starts the worker.
		at := t.Anchor
		if src := t.SourceOf(c.Worker.Argv[0]); src != nil && src.Setting != nil {
			at = src.Setting.Instr.Span
		}
		insertAt := at
		if in != nil {
			where, at = fmt.Sprintf("STOPSIGNAL is %s", sig), in.Span
		}
		msg := fmt.Sprintf("%s stops gracefully on %s, but %s: at the next deploy %s stops %s, and %s (ECS cannot set the signal; the image must)",
			spec.Name, spec.Graceful, where, spec.Name, how, lostWork(c.Worker))
		var edit lint.TextEdit
		if in != nil && slices.Contains(img.Stage.Instructions, in) {
			edit = p.File.Edit(in.ArgsSpan.Start.Offset, in.ArgsSpan.End.Offset, spec.Graceful)
		} else {
			line := p.File.Lines.LineStart(insertAt.Start.Line)
			edit = p.File.Edit(line, line, "STOPSIGNAL "+spec.Graceful+p.File.Newline())
		}
		p.ReportFix(lint.Error, at, msg, "STOPSIGNAL "+spec.Graceful,
			&lint.Fix{Description: "Set STOPSIGNAL " + spec.Graceful, Safe: true, Edits: []lint.TextEdit{edit}})
	}
}

// checkComposeStopSignal checks a Compose service, whose stop_signal
// overrides the image's STOPSIGNAL.
func checkComposeStopSignal(p *lint.Pass, t *lint.Target) {
	c, s := t.Chain, t.Compose
	if c == nil || c.Worker == nil || c.Worker.Spec.Graceful == "" || c.Worker.Spec.Graceful == "SIGTERM" {
		return
	}
	spec := c.Worker.Spec
	sig, where, at := "SIGTERM", "", t.Anchor
	switch {
	case s.StopSignal.Node != nil && !s.StopSignal.Known:
		return // computed at deploy time
	case s.StopSignal.Node != nil:
		sig, where, at = s.StopSignal.Str, "stop_signal is "+s.StopSignal.Str, p.File.Span(s.StopSignal.Node)
	case t.Linked != nil && s.Command == nil && s.Entrypoint == nil:
		return // the service runs what the image runs: its Dockerfile is linted in its own right
	case t.Linked == nil && !s.Image.Known:
		return // the image may set its own STOPSIGNAL
	default:
		var says string
		var ok bool
		if sig, says, ok = imageStopSignal(t, s.Image.Str); !ok {
			return
		}
		where = "the service sets no stop_signal and " + says
	}
	if catalog.NormalizeSignal(sig) == spec.Graceful {
		return
	}
	how := stopsHow(spec, sig)
	msg := fmt.Sprintf("%s stops gracefully on %s, but %s: at the next deploy %s stops %s, and %s",
		spec.Name, spec.Graceful, where, spec.Name, how, lostWork(c.Worker))
	var fix *lint.Fix
	if e, ok := p.File.SetYAMLValue(s.Node, "stop_signal", spec.Graceful); ok {
		fix = &lint.Fix{Description: "Set stop_signal: " + spec.Graceful, Safe: true, Edits: []lint.TextEdit{e}}
	}
	p.ReportFix(lint.Error, at, msg, "stop_signal: "+spec.Graceful, fix)
}

// checkK8sStopSignal checks a Kubernetes container, which is stopped with
// its image's STOPSIGNAL.
func checkK8sStopSignal(p *lint.Pass, t *lint.Target) {
	c, k := t.Chain, t.K8s.Container
	if c == nil || c.Worker == nil || c.Worker.Spec.Graceful == "" || c.Worker.Spec.Graceful == "SIGTERM" {
		return
	}
	if k.Command == nil && k.Args == nil && t.Linked != nil {
		return // the container runs what the image runs: its Dockerfile is linted in its own right
	}
	if lc := k.Node.Get("lifecycle"); lc != nil && (lc.Get("preStop") != nil || lc.Get("stopSignal") != nil) {
		return // a hook or the container's own stop signal may send the graceful one
	}
	sig, says, ok := imageStopSignal(t, k.Image)
	spec := c.Worker.Spec
	if !ok || catalog.NormalizeSignal(sig) == spec.Graceful {
		return
	}
	how := stopsHow(spec, sig)
	msg := fmt.Sprintf("%s stops gracefully on %s, but Kubernetes stops a container with its image's STOPSIGNAL and %s: at the next deploy %s stops %s, and %s",
		spec.Name, spec.Graceful, says, spec.Name, how, lostWork(c.Worker))
	suggestion := fmt.Sprintf("a preStop hook that sends %s to %s, or an image with STOPSIGNAL %s", spec.Graceful, spec.Name, spec.Graceful)
	if t.Linked != nil {
		suggestion = fmt.Sprintf("STOPSIGNAL %s in %s", spec.Graceful, t.Dockerfile)
	}
	p.Report(t.Anchor, msg, suggestion)
}

// imageStopSignal is the signal the image of t stops with
// (lint.Target.ImageStopSignal), and words that say so for a message;
// image is its name as the file writes it. ok is false where gracelint
// cannot know it: a base image it cannot see, a build argument, an image
// nothing links.
func imageStopSignal(t *lint.Target, image string) (sig, says string, ok bool) {
	sig, built, ok := t.ImageStopSignal()
	switch {
	case !ok:
		return "", "", false
	case built:
		return sig, fmt.Sprintf("its image (%s) stops with %s", t.Dockerfile, sig), true
	case lint.BaseStopSignal(image) != "":
		return sig, fmt.Sprintf("%q sets STOPSIGNAL %s", image, sig), true
	}
	return sig, fmt.Sprintf("%q sets no STOPSIGNAL, so SIGTERM", image), true
}

// checkPlatformStopSignal checks a platform that chooses the stop signal
// itself (Fly.io's kill_signal, SIGINT by default). It reports only a
// signal the worker stops at once on: Sidekiq and Puma, say, treat SIGINT
// as they treat SIGTERM.
func checkPlatformStopSignal(p *lint.Pass, t *lint.Target) {
	c, st := t.Chain, t.Stop
	if c == nil || c.Worker == nil || c.Worker.Spec.Graceful == "" {
		return
	}
	spec, sig := c.Worker.Spec, catalog.NormalizeSignal(st.Signal)
	if !slices.Contains(spec.Fast, sig) {
		return
	}
	if v := spec.TermGracefulEnv; v != "" && sig == "SIGTERM" && (t.Env == nil || t.Env[v] != "") {
		return // the variable is set, or may be where the environment is not seen
	}
	where, at := fmt.Sprintf("%s is not set, so %s stops it with %s", st.SignalField, st.Platform, sig), t.Anchor
	switch {
	case st.SignalField == "":
		where = fmt.Sprintf("%s stops it with %s, which cannot be changed", st.Platform, sig)
	case st.SignalSet:
		where, at = fmt.Sprintf("%s is %s", st.SignalField, st.Signal), st.SignalSpan
	case t.Linked != nil:
		if _, in, _ := t.Linked.StopSignal(); in != nil {
			return // whether the platform sends the image's STOPSIGNAL then is not known
		}
	}
	msg := fmt.Sprintf("%s stops gracefully on %s, but %s: at the next deploy %s stops at once, and %s",
		spec.Name, spec.Graceful, where, spec.Name, lostWork(c.Worker))
	suggestion := setting(t, st.SignalField, strconv.Quote(spec.Graceful))
	if st.SignalField == "" {
		suggestion = fmt.Sprintf("%s's signal cannot be changed: make %s stop gracefully on %s, or run a server that does", st.Platform, spec.Name, sig)
	}
	var fix *lint.Fix
	if st.SignalEdit != nil {
		fix = &lint.Fix{Description: fmt.Sprintf("Set %s to %s", st.SignalField, spec.Graceful), Safe: true,
			Edits: []lint.TextEdit{st.SignalEdit(spec.Graceful)}}
	}
	p.ReportFix(lint.Error, at, msg, suggestion, fix)
}

// checkManagedStopSignal checks the signal a process manager stops each
// of its processes with: one a file or flag chooses (supervisord's
// stopsignal, overmind's -i), or a manager's default other than SIGTERM
// (overmind's SIGINT). A program it stops at once loses its work whatever
// the platform does.
func checkManagedStopSignal(p *lint.Pass, c *chain.Chain) {
	m := c.Managed.Manager
	for _, proc := range c.Managed.Processes {
		w := proc.Chain.Worker
		if w == nil || proc.Signal == "" || !slices.Contains(w.Spec.Fast, proc.Signal) || !proc.SignalSet && proc.Signal == "SIGTERM" {
			continue
		}
		how := fmt.Sprintf("%s stops %s with %s", m.Name, proc.Name, proc.Signal)
		if !proc.SignalSet {
			how += ", its default"
		}
		msg := fmt.Sprintf("%s stops gracefully on %s, but %s (%s): at the next deploy %s stops at once, and %s",
			w.Spec.Name, w.Spec.Graceful, how, fileLine(proc.File.Name, proc.Span), w.Spec.Name, lostWork(w))
		suggestion := fmt.Sprintf("stopsignal=%s in [program:%s]", strings.TrimPrefix(w.Spec.Graceful, "SIG"), proc.Name)
		if m.Spec.Manages == "procfile" && len(m.Spec.SignalFlags) > 0 {
			suggestion = fmt.Sprintf("pass %s %s=%s to %s", m.Spec.SignalFlags[0], proc.Name, strings.TrimPrefix(w.Spec.Graceful, "SIG"), m.Name)
		}
		p.Add(lint.Finding{File: proc.AnchorFile, Span: proc.Anchor, Message: msg, Suggestion: suggestion,
			Related: []lint.Related{{File: proc.File.Name, Span: proc.Span, Message: fmt.Sprintf("%s runs %s", proc.Name, w.Name)}}})
	}
}

// stopsHow says how a program stops on sig: at once where it is one of its
// fast-shutdown signals, else without its graceful shutdown.
func stopsHow(spec *catalog.Program, sig string) string {
	if slices.Contains(spec.Fast, catalog.NormalizeSignal(sig)) {
		return "at once"
	}
	return "without its graceful shutdown"
}
