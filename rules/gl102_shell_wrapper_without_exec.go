package rules

import (
	"fmt"
	"path"

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
		c := t.Chain
		if c == nil || c.Shell == nil || c.Shell.Script == nil || c.Shell.Result.Verdict != shell.Stays {
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
