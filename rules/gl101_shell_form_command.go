package rules

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/shell"
)

// ShellFormCommand reports a final image whose effective CMD or ENTRYPOINT is
// in shell form, so that a shell runs it.
var ShellFormCommand = &lint.Rule{
	ID:       "GL101",
	Name:     "shell-form-command",
	Severity: lint.Error,
	Summary:  "the image's CMD or ENTRYPOINT is in shell form, so a shell stands between the stop signal and the process",
	Check:    checkShellFormCommand,
}

func checkShellFormCommand(p *lint.Pass) {
	for _, t := range p.File.Targets {
		img := t.Image
		if img == nil || t.Chain == nil {
			continue
		}
		st, idx := img.Entrypoint, 0
		if st == nil || !st.Instr.ShellForm {
			st = img.Cmd
			if img.Entrypoint != nil {
				idx = len(img.Entrypoint.Argv)
			}
		}
		if st == nil || !st.Instr.ShellForm || st.Chain == nil || st.Chain.Shell == nil || st.Chain.Shell.Index != 0 || st.Chain.Shell.Script == nil {
			continue // exec form, or a SHELL that is not a known shell with -c
		}
		sh, kw := st.Chain.Shell, st.Instr.Keyword
		if st.Instr.JSONError != "" {
			msg := fmt.Sprintf("%s looks like an exec-form array but is not valid JSON (%s), so BuildKit silently runs it in shell form as %s -c %q",
				kw, st.Instr.JSONError, sh.Name, sh.Script.Value)
			if m := sh.Result.Main; m != nil && m.Args[0].Literal {
				msg += fmt.Sprintf(", which runs a command named %q, not the one intended", m.Args[0].Value)
			}
			p.Report(st.Instr.Span, msg, jsonSuggestion(kw, sh.Script.Value))
			continue
		}
		if sh.ParseErr != nil || sh.Result.Main == nil || sh.Result.Main.Exec {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s is in shell form, so %s -c runs it", kw, path.Base(sh.Name))
		sev := lint.Error
		switch sh.Result.Verdict {
		case shell.Stays:
			fmt.Fprintf(&b, " and stays as its parent: %s; %s", shellReason(sh), shellFate(t, t.Chain.Init, sh, idx, st.Chain))
		case shell.Replaces:
			sev = lint.Warning
			fmt.Fprintf(&b, "; %s replaces the shell only because %s (%s), which breaks as soon as a command follows it or the image's shell changes",
				mainName(st.Chain), sh.Result.Reason, sh.DialectWhy)
		default:
			sev = lint.Warning
			fmt.Fprintf(&b, "; gracelint cannot tell whether %s replaces the shell: %s", mainName(st.Chain), sh.Result.Reason)
		}
		if kw == "ENTRYPOINT" && img.Cmd != nil {
			fmt.Fprintf(&b, "; a shell-form ENTRYPOINT also ignores CMD %s", settingText(img.Cmd))
		}
		p.ReportSeverity(sev, st.Instr.Span, b.String(), shellFormSuggestion(kw, st.Chain))
	}
}

// shellFormSuggestion is the exec form when the command needs no shell, else
// the command with exec in front of its main command.
func shellFormSuggestion(kw string, c *chain.Chain) string {
	if fields, ok := shell.PlainFields(c.Shell.Script.Value); ok {
		return kw + " " + jsonArray(fields)
	}
	if script, ok := c.Shell.WithExec(); ok {
		return kw + " " + script
	}
	return fmt.Sprintf("run %s last and with exec, or use the exec form", mainName(c))
}

// jsonSuggestion turns the usual mistake, single quotes, into valid JSON.
func jsonSuggestion(kw, text string) string {
	var argv []string
	if err := json.Unmarshal([]byte(strings.ReplaceAll(text, "'", `"`)), &argv); err == nil {
		return kw + " " + jsonArray(argv)
	}
	return "write the exec form as a JSON array of double-quoted strings"
}

func settingText(st *lint.Setting) string {
	if st.Instr.ShellForm {
		return fmt.Sprintf("%q", st.Instr.Args[0].Value)
	}
	return jsonArray(chain.Values(st.Argv))
}
