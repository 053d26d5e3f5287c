package rules

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/dockerfile"
	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/shell"
	"github.com/gracelint/gracelint/parser/taskdef"
)

// MissingInit reports a container whose PID 1 is not an init.
var MissingInit = &lint.Rule{
	ID:        "GL103",
	Name:      "missing-init",
	Severity:  lint.Warning,
	Summary:   "no init runs as PID 1, so unhandled signals are ignored and orphans are never reaped",
	Tags:      []string{"dockerfile", "ecs", "signals"},
	SafeFix:   true,
	UnsafeFix: true,
	Check:     checkMissingInit,
}

func checkMissingInit(p *lint.Pass) {
	for _, t := range p.File.Targets {
		c := t.Chain
		if c == nil || c.Init != nil || len(c.Argv) == 0 || c.Worker == nil || t.ECS != nil && t.ECS.Unknown("linuxParameters.initProcessEnabled") || !t.SignalsPID1() {
			continue
		}
		if t.Image != nil && p.RunsWithInit() {
			continue // ECS starts an init for this image (initProcessEnabled)
		}
		if staysBefore(c) {
			continue // the shell that does not exec is the finding; an init would make it worse
		}
		// The catalogued program at the end of the chain is PID 1 when the
		// signal arrives: everything before it replaced itself with it.
		w := c.Worker
		sev, because := lint.Warning, ""
		switch {
		case w.Spec.OnTerm == catalog.Ignores && w.Spec.Role == catalog.Idle:
			sev, because = lint.Info, fmt.Sprintf("%s installs no SIGTERM handler, and the kernel gives PID 1 no default signal actions, so at the next deploy the container ignores SIGTERM and is SIGKILLed after %s; it does no work, so only the wait is lost", w.Name, stopWait(t))
		case w.Spec.OnTerm == catalog.Ignores:
			because = fmt.Sprintf("%s installs no SIGTERM handler, and the kernel gives PID 1 no default signal actions, so at the next deploy it ignores SIGTERM and is SIGKILLed after %s %s", w.Name, stopWait(t), lost(c))
		case w.Spec.OnTerm == catalog.App && appHandlesTerm(p, t, w):
			continue // the app's code installs a SIGTERM handler
		case w.Spec.OnTerm == catalog.App:
			sev, because = lint.Info, fmt.Sprintf("%s installs no SIGTERM handler of its own, and the kernel gives PID 1 no default signal actions: unless the app handles SIGTERM, at the next deploy it is ignored and the container is SIGKILLed after %s", w.Name, stopWait(t))
		default:
			continue // it handles SIGTERM
		}
		hedge := ""
		if t.EntrypointUnknown {
			hedge = " (assuming the image's ENTRYPOINT starts no init)"
		}
		msg := fmt.Sprintf("no init process: %q is PID 1%s; %s", pid1(c), hedge, because)
		at := t.Anchor
		if len(t.Arrays) > 0 {
			at = t.Arrays[0].Span
		}
		var fix *lint.Fix
		switch {
		case t.Compose != nil && t.Stop.Init != "":
			// ecs-cli: the init is ecs-params.yml's, a suggestion
		case t.Compose != nil:
			if e, ok := p.File.SetYAMLValue(t.Compose.Node, "init", "true"); ok {
				fix = &lint.Fix{Description: "Set init: true", Safe: true, Edits: []lint.TextEdit{e}}
			}
		case t.ECS != nil:
			if !t.ECS.Pascal { // a template gets the suggestion only
				fix = ecsInitFix(p.File, t)
			}
		case t.Image != nil:
			fix = dockerInitFix(p.File, t)
		}
		p.ReportFix(sev, at, msg, initSuggestion(t), fix)
	}
}

// staysBefore reports whether a shell or a script that does not replace
// itself stands before the chain's main process.
func staysBefore(c *chain.Chain) bool {
	if c.Shell != nil && c.Shell.Result.Verdict != shell.Replaces {
		return true
	}
	for _, s := range c.Scripts {
		if s.Parsed == nil || s.Result.Verdict != shell.Replaces {
			return true
		}
	}
	return false
}

// ecsInitFix turns on initProcessEnabled.
func ecsInitFix(f *lint.File, t *lint.Target) *lint.Fix {
	fix := &lint.Fix{Description: "Set linuxParameters.initProcessEnabled to true", Safe: true}
	src, c := f.Lines.Bytes(), t.ECS.Node
	switch lp := c.Get("linuxParameters"); {
	case lp == nil:
		fix.Edits = []lint.TextEdit{f.InsertJSONMember(c, "linuxParameters", `{"initProcessEnabled"`+jsonpos.Colon(src, c)+`true}`)}
	case lp.Kind == jsonpos.Null:
		fix.Edits = []lint.TextEdit{f.Edit(lp.Start, lp.End, `{"initProcessEnabled"`+jsonpos.Colon(src, c)+`true}`)}
	case lp.Get("initProcessEnabled") != nil:
		v := lp.Get("initProcessEnabled")
		fix.Edits = []lint.TextEdit{f.Edit(v.Start, v.End, "true")}
	default:
		fix.Edits = []lint.TextEdit{f.InsertJSONMember(lp, "initProcessEnabled", "true")}
	}
	return fix
}

// dockerInitFix installs tini and puts it in front of the final stage's
// command. It is unsafe: it changes the build, and a new ENTRYPOINT replaces
// whatever the base image had. It is offered only where the edit is plain:
// the base image's package manager is known, no shell in the chain fails to
// exec (an init would make that worse), and the command is set in the final
// stage, so a new ENTRYPOINT does not drop an inherited CMD.
func dockerInitFix(f *lint.File, t *lint.Target) *lint.Fix {
	img, c := t.Image, t.Chain
	install := chain.InstallTini(img.BaseImage)
	if install == "" || c.Shell != nil && c.Shell.Result.Verdict != shell.Replaces {
		return nil
	}
	nl := f.Newline()
	fix := &lint.Fix{Description: "Install tini and run the command under it (unsafe: it changes the build"}
	inFinal := func(st *lint.Setting) bool {
		return st != nil && slices.Contains(img.Stage.Instructions, st.Instr)
	}
	switch {
	case inFinal(img.Entrypoint) && !img.Entrypoint.Instr.ShellForm:
		ep := img.Entrypoint.Instr
		argv := append([]string{"tini", "--"}, ep.ArgsValues()...)
		fix.Edits = append(fix.Edits, f.Edit(ep.ArgsSpan.Start.Offset, ep.ArgsSpan.End.Offset, jsonArray(argv)))
	case img.Entrypoint == nil && inFinal(img.Cmd):
		at := f.Lines.LineStart(img.Cmd.Instr.Span.Start.Line)
		fix.Edits = append(fix.Edits, f.Edit(at, at, `ENTRYPOINT ["tini", "--"]`+nl))
		if t.EntrypointUnknown {
			fix.Description += ", and the new ENTRYPOINT replaces the base image's, if it has one"
		}
	default:
		return nil
	}
	fix.Description += ")"
	if !installsTini(f, img) {
		end := f.Lines.LineEnd(img.Stage.From.Span.End.Line)
		fix.Edits = append([]lint.TextEdit{f.Edit(end, end, nl+install)}, fix.Edits...)
	}
	return fix
}

// installsTini reports whether a RUN of the final stage's lineage mentions
// tini already.
func installsTini(f *lint.File, img *lint.Image) bool {
	return runMentioning(f, img, "tini") != nil
}

// runMentioning returns the last RUN of the image's lineage whose text
// holds word, or nil.
func runMentioning(f *lint.File, img *lint.Image, word string) *dockerfile.Instruction {
	return lastMentioning(f, img, word, "RUN")
}

// lastMentioning returns the last instruction of the image's lineage, of
// one of the keywords, whose text holds word, or nil.
func lastMentioning(f *lint.File, img *lint.Image, word string, keywords ...string) *dockerfile.Instruction {
	src := f.Lines.Bytes()
	for s := img.Stage; s != nil; s = s.BaseStage {
		for i := len(s.Instructions) - 1; i >= 0; i-- {
			in := s.Instructions[i]
			if slices.Contains(keywords, in.Keyword) && strings.Contains(string(src[in.Span.Start.Offset:in.Span.End.Offset]), word) {
				return in
			}
		}
	}
	return nil
}

// pid1 names what runs as PID 1 when the stop signal arrives: the program
// everything before it replaced itself with.
func pid1(c *chain.Chain) string {
	return path.Base(c.Worker.Argv[0].Value)
}

func initSuggestion(t *lint.Target) string {
	switch {
	case t.Compose != nil && t.Stop.Init == "":
		return "init: true"
	case t.K8s != nil:
		return "shareProcessNamespace: true in the pod spec (the pause process becomes PID 1 and reaps), or an init such as tini in the image's ENTRYPOINT"
	}
	if t.ECS != nil {
		if t.ECS.Field("linuxParameters") != nil {
			return setting(t, "initProcessEnabled", "true") + " in " + taskdef.Key("linuxParameters", t.ECS.Pascal)
		}
		return setting(t, "linuxParameters", "{"+setting(t, "initProcessEnabled", "true")+"}")
	}
	if t.Stop != nil && t.Stop.Init != "" {
		return t.Stop.Init
	}
	if t.Image == nil {
		return "an init such as tini in the image's ENTRYPOINT"
	}
	argv := []string{"tini", "--"}
	if ep := t.Image.Entrypoint; ep != nil && !ep.Instr.ShellForm {
		argv = append(argv, ep.Instr.ArgsValues()...)
	}
	s := "ENTRYPOINT " + jsonArray(argv) + " (install tini in the image)"
	if sh := t.Chain.Shell; sh != nil && sh.Result.Verdict == shell.Stays {
		s += "; first make the shell exec its command: an init in front of a shell that does not exec kills the process sooner"
	}
	return s
}
