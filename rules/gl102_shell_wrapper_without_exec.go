package rules

import (
	"fmt"
	"path"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/shell"
)

// ShellWrapperWithoutExec reports an exec-form command that runs a shell with
// -c whose main command does not replace the shell.
var ShellWrapperWithoutExec = &lint.Rule{
	ID:       "GL102",
	Name:     "shell-wrapper-without-exec",
	Severity: lint.Error,
	Summary:  "a shell -c wrapper stays between the stop signal and the process because nothing execs it",
	Tags:     []string{"dockerfile", "ecs", "signals"},
	SafeFix:  true,
	Check:    checkShellWrapperWithoutExec,
}

func checkShellWrapperWithoutExec(p *lint.Pass) {
	for _, t := range p.File.Targets {
		if t.Chain != nil && t.Chain.Managed != nil && t.SignalsPID1() {
			checkManagedShells(p, t.Chain)
		}
	}
	for _, t := range p.File.Targets {
		c := t.Chain
		if c == nil || c.Shell == nil || c.Shell.Script == nil || c.Shell.Result.Verdict != shell.Stays || !t.SignalsPID1() {
			continue
		}
		if t.Image == nil && !c.LongRunning() {
			continue // a platform's command that may well run once and exit
		}
		sh := c.Shell
		src := t.SourceOf(*sh.Script)
		if src == nil || (src.Setting != nil && src.Setting.Instr.ShellForm) {
			continue // a Dockerfile shell form is GL101's
		}
		name := path.Base(sh.Name)
		msg := fmt.Sprintf("%s -c does not exec %q: %s; %s",
			name, sh.Result.Main.String(), shellReason(sh), shellFate(t, c.Init, sh.Name, sh.Order, c))
		suggestion := fmt.Sprintf("end the %s script with exec before %q, or drop the shell", name, sh.Result.Main.String())
		if script, ok := sh.WithExec(); ok {
			values := append([]string(nil), src.Values...)
			for i := range values {
				if values[i] == sh.Script.Value {
					values[i] = script
				}
			}
			suggestion = jsonArray(values)
			if src.Setting != nil {
				suggestion = src.Name + " " + suggestion
			}
		}
		var fix *lint.Fix
		if edit, ok := execInJSONString(p.File, sh); ok {
			fix = &lint.Fix{Description: fmt.Sprintf("Insert exec before %q", sh.Result.Main.String()), Safe: true, Edits: []lint.TextEdit{edit}}
		}
		// An image gracelint cannot see may well have a shell that execs
		// the command: what was assumed is said, at info.
		sev := lint.Error
		if sh.Assumed && sh.Result.ByDialect {
			sev = lint.Info
		}
		p.ReportFix(sev, src.Span, msg, suggestion, fix)
	}
}

// checkManagedShells reports a process a manager (foreman, supervisord)
// starts through a shell -c that stays as its parent: the manager signals
// the shell, which dies of it at once; the manager takes the process for
// stopped and the worker is killed with the container. Measured
// (rules/manager_signals_test.go): with supervisord's stopasgroup the
// worker gets the signal too, but is still SIGKILLed mid-drain. Other
// managers that signal the group (overmind) are not measured: nothing is
// said.
func checkManagedShells(p *lint.Pass, c *chain.Chain) {
	m := c.Managed.Manager
	for _, proc := range c.Managed.Processes {
		pc := proc.Chain
		sh := pc.Shell
		if proc.Group && m.Spec.Manages != "supervisord" || sh == nil || sh.Script == nil || sh.Order != 0 || sh.Parsed == nil || sh.Parsed.Traps() ||
			sh.Result.Verdict != shell.Stays || !pc.LongRunning() {
			continue
		}
		name, main := path.Base(sh.Name), sh.Result.Main.String()
		how := fmt.Sprintf("runs %s (%s) with %s -c", proc.Name, fileLine(proc.File.Name, proc.Span), sh.Name)
		if sh.Script.Value == proc.Command {
			how = fmt.Sprintf("runs %s (%s) with %s -c, as Ruby's Process.spawn runs a command with shell syntax (a leading VAR= word, quotes, $, &&)", proc.Name, fileLine(proc.File.Name, proc.Span), sh.Name)
		}
		msg := fmt.Sprintf("%s %s, and %s does not exec %q: %s; %s", m.Name, how, name, main, shellReason(sh), managedFate(m, proc, name, pc))
		f := lint.Finding{File: proc.File.Name, Span: sh.Script.Span, Message: msg,
			Suggestion: fmt.Sprintf("put exec before %q in the command", main)}
		if sh.Assumed && sh.Result.ByDialect {
			f.Severity = lint.Info
		}
		if script, ok := sh.WithExec(); ok {
			f.Suggestion = fmt.Sprintf("%s: %s", proc.Name, script)
			if off, ok := execOffset(proc.File.Src, sh); ok {
				e := lint.TextEdit{Span: source.NewLines(proc.File.Src).Span(off, off), NewText: "exec "}
				f.Fix = &lint.Fix{Description: fmt.Sprintf("Insert exec before %q", main), Safe: true, Edits: []lint.TextEdit{e}}
			}
		}
		p.Add(f)
	}
}
