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
	ID:        "GL101",
	Name:      "shell-form-command",
	Severity:  lint.Error,
	Summary:   "the image's CMD or ENTRYPOINT is in shell form, so a shell stands between the stop signal and the process",
	Tags:      []string{"dockerfile", "signals"},
	SafeFix:   true,
	UnsafeFix: true,
	Check:     checkShellFormCommand,
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
		if img.Shell.Missing && st.Shell == nil {
			msg := fmt.Sprintf("%s is in shell form, but the image has no shell (%s): Docker runs it as /bin/sh -c %q, and /bin/sh does not exist, so the container fails to start at the next deploy",
				kw, img.Shell.Why, sh.Script.Value)
			var fix *lint.Fix
			suggestion := "use the exec form; a command that needs a shell needs a base image with one"
			if fields, ok := shell.PlainFields(sh.Script.Value); ok {
				suggestion = kw + " " + jsonArray(fields)
				fix = &lint.Fix{Description: "Rewrite " + kw + " in exec form", Safe: true,
					Edits: []lint.TextEdit{p.File.Edit(st.Instr.ArgsSpan.Start.Offset, st.Instr.ArgsSpan.End.Offset, jsonArray(fields))}}
			}
			p.ReportFix(lint.Error, st.Instr.Span, msg, suggestion, fix)
			continue
		}
		if st.Instr.JSONError != "" {
			msg := fmt.Sprintf("%s looks like an exec-form array but is not valid JSON (%s), so BuildKit silently runs it in shell form as %s -c %q",
				kw, st.Instr.JSONError, sh.Name, sh.Script.Value)
			if m := sh.Result.Main; m != nil && m.Args[0].Literal {
				msg += fmt.Sprintf(", which runs a command named %q, not the one intended", m.Args[0].Value)
			}
			suggestion, fix := jsonSuggestion(p.File, st, sh.Script.Value)
			p.ReportFix(lint.Error, st.Instr.Span, msg, suggestion, fix)
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
			fmt.Fprintf(&b, " and stays as its parent: %s; %s", shellReason(sh), shellFate(t, t.Chain.Init, sh.Name, idx, st.Chain))
			if sh.Assumed && sh.Result.ByDialect {
				sev = lint.Info // the base image is not known: dash is only assumed
			}
		case shell.Replaces:
			sev = lint.Info
			fmt.Fprintf(&b, "; %s replaces the shell only because %s (%s), which breaks as soon as a command follows it or the image's shell changes",
				mainName(st.Chain), sh.Result.Reason, sh.DialectWhy)
		default:
			sev = lint.Info
			fmt.Fprintf(&b, "; gracelint cannot tell whether %s replaces the shell: %s", mainName(st.Chain), sh.Result.Reason)
		}
		if kw == "ENTRYPOINT" && img.Cmd != nil {
			fmt.Fprintf(&b, "; a shell-form ENTRYPOINT also ignores CMD %s", settingText(img.Cmd))
		}
		var ignoredCmd *lint.Setting
		if kw == "ENTRYPOINT" {
			ignoredCmd = img.Cmd
		}
		suggestion, fix := shellFormFix(p.File, st, ignoredCmd)
		p.ReportFix(sev, st.Instr.Span, b.String(), suggestion, fix)
	}
}

// shellFormFix rewrites a shell form in exec form when the command needs no
// shell, else inserts exec before its main command. ignoredCmd is the CMD a
// shell-form ENTRYPOINT ignores today: either rewrite then needs review.
func shellFormFix(f *lint.File, st *lint.Setting, ignoredCmd *lint.Setting) (string, *lint.Fix) {
	kw, in, sh := st.Instr.Keyword, st.Instr, st.Chain.Shell
	if fields, ok := shell.PlainFields(sh.Script.Value); ok {
		text := jsonArray(fields)
		fix := &lint.Fix{
			Description: "Rewrite " + kw + " in exec form",
			Safe:        ignoredCmd == nil,
			Edits:       []lint.TextEdit{f.Edit(in.ArgsSpan.Start.Offset, in.ArgsSpan.End.Offset, text)},
		}
		if ignoredCmd != nil {
			fix.Description += fmt.Sprintf(" (unsafe: CMD %s, ignored today, is then appended to it as arguments)", settingText(ignoredCmd))
		}
		return kw + " " + text, fix
	}
	script, ok := sh.WithExec()
	if !ok {
		return fmt.Sprintf("run %s last and with exec, or use the exec form", mainName(st.Chain)), nil
	}
	fix := &lint.Fix{Description: fmt.Sprintf("Insert exec before %q", sh.Result.Main.String()), Safe: ignoredCmd == nil}
	if ignoredCmd != nil {
		fix.Description += fmt.Sprintf(" (unsafe: review CMD %s, which a shell-form ENTRYPOINT ignores)", settingText(ignoredCmd))
	}
	args := in.ArgsSpan
	raw := string(f.Lines.Bytes()[args.Start.Offset:args.End.Offset])
	// BuildKit joins continuation lines; where the main command is written
	// as is at the end of the source, insert in place, else write the
	// joined form.
	if tail := sh.Script.Value[sh.Result.Main.Args[0].Start:]; strings.HasSuffix(raw, tail) {
		at := args.End.Offset - len(tail)
		fix.Edits = []lint.TextEdit{f.Edit(at, at, "exec ")}
	} else {
		fix.Edits = []lint.TextEdit{f.Edit(args.Start.Offset, args.End.Offset, script)}
	}
	return kw + " " + script, fix
}

// jsonSuggestion turns the usual mistake, single quotes, into valid JSON.
// The fix is unsafe: it changes what runs.
func jsonSuggestion(f *lint.File, st *lint.Setting, text string) (string, *lint.Fix) {
	var argv []string
	if err := json.Unmarshal([]byte(strings.ReplaceAll(text, "'", `"`)), &argv); err != nil {
		return "write the exec form as a JSON array of double-quoted strings", nil
	}
	kw, arr := st.Instr.Keyword, jsonArray(argv)
	return kw + " " + arr, &lint.Fix{
		Description: "Rewrite " + kw + " as the JSON array it was meant to be (unsafe: it changes what runs)",
		Edits:       []lint.TextEdit{f.Edit(st.Instr.ArgsSpan.Start.Offset, st.Instr.ArgsSpan.End.Offset, arr)},
	}
}

func settingText(st *lint.Setting) string {
	if st.Instr.ShellForm {
		return fmt.Sprintf("%q", st.Instr.Args[0].Value)
	}
	return jsonArray(chain.Values(st.Argv))
}
