package rules

import (
	"fmt"
	"path"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/shell"
)

// MissingInit reports a container whose PID 1 is not an init.
var MissingInit = &lint.Rule{
	ID:       "GL103",
	Name:     "missing-init",
	Severity: lint.Warning,
	Summary:  "no init runs as PID 1, so unhandled signals are ignored and orphans are never reaped",
	Check:    checkMissingInit,
}

func checkMissingInit(p *lint.Pass) {
	for _, t := range p.File.Targets {
		c := t.Chain
		if c == nil || c.Init != nil || len(c.Argv) == 0 {
			continue
		}
		hedge := ""
		if t.EntrypointUnknown {
			hedge = " unless the image's ENTRYPOINT starts an init"
			if t.Image != nil {
				hedge = " unless the base image's ENTRYPOINT starts an init"
			}
		}
		msg := fmt.Sprintf("no init process: %q runs as PID 1%s; the kernel gives PID 1 no default signal actions, so at the next deploy a SIGTERM it has no handler for is ignored until SIGKILL, and orphaned child processes are never reaped",
			pid1(c), hedge)
		at := t.Anchor
		if len(t.Arrays) > 0 {
			at = t.Arrays[0].Span
		}
		p.Report(at, msg, initSuggestion(t))
	}
}

// pid1 names what runs as PID 1 once exec-transparent wrappers exec.
func pid1(c *chain.Chain) string {
	if prog := chain.Program(chain.Values(c.Argv)); len(prog) > 0 {
		return path.Base(prog[0])
	}
	return path.Base(c.Argv[0].Value)
}

func initSuggestion(t *lint.Target) string {
	if t.ECS != nil {
		if t.ECS.Field("linuxParameters") != nil {
			return `"initProcessEnabled": true in linuxParameters`
		}
		return `"linuxParameters": {"initProcessEnabled": true}`
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
