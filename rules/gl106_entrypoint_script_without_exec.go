package rules

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/shell"
)

// EntrypointScriptWithoutExec reports a script the image runs as its
// command whose last act starts the worker, or "$@", without exec.
var EntrypointScriptWithoutExec = &lint.Rule{
	ID:       "GL106",
	Name:     "entrypoint-script-without-exec",
	Severity: lint.Error,
	Summary:  "the image's entrypoint script starts the worker without exec, so the script's shell keeps the stop signal",
	Tags:     []string{"dockerfile", "scripts", "signals"},
	SafeFix:  true,
	Check:    checkEntrypointScriptWithoutExec,
}

func checkEntrypointScriptWithoutExec(p *lint.Pass) {
	dir, ok := p.Dir()
	if !ok {
		return
	}
	for _, t := range p.File.Targets {
		c := t.Chain
		if t.Image == nil || c == nil || len(c.Main) == 0 || c.Main[0].Value == "" {
			continue
		}
		src, name, ok := findScript(p, t.Image, dir, c.Main[0].Value)
		if !ok {
			continue
		}
		checkScript(p, t, src, name, c.Main[1:])
	}
}

// findScript reads the build-context file the image runs as command, trying
// the Dockerfile's directory and then the lint root as the build context.
func findScript(p *lint.Pass, img *lint.Image, dir, command string) ([]byte, string, bool) {
	for _, inImage := range img.ImagePaths(command) {
		for _, rel := range img.ContextSources(inImage) {
			for _, ctx := range []string{dir, "."} {
				src, name, ok := p.ReadFile(path.Join(ctx, rel))
				if ok && isShellScript(rel, src) {
					return src, name, true
				}
			}
		}
	}
	return nil, "", false
}

// isShellScript: a #! line naming a shell, or a .sh name without one.
func isShellScript(name string, src []byte) bool {
	if line, ok := bytes.CutPrefix(src, []byte("#!")); ok {
		line, _, _ = bytes.Cut(line, []byte("\n"))
		for _, sh := range []string{"sh", "bash", "dash", "ash"} {
			for _, f := range strings.Fields(string(line)) {
				if path.Base(f) == sh {
					return true
				}
			}
		}
		return false
	}
	return strings.HasSuffix(name, ".sh")
}

func checkScript(p *lint.Pass, t *lint.Target, src []byte, name string, args []chain.Arg) {
	s, err := shell.Parse(string(src))
	if err != nil || s.Traps() {
		return // unparsable, or forwarding TERM by hand to a child it waits on
	}
	isMain := func(cmd *shell.Command) bool {
		prog := chain.Program(cmd.Argv())
		if len(prog) == 0 {
			return false
		}
		w := cmd.Args[len(cmd.Args)-len(prog)]
		return w.AllArgs || chain.FindWorker(scriptWords(cmd.Args[len(cmd.Args)-len(prog):])) != nil
	}
	r := s.AnalyzeFile(isMain)
	if r.Main == nil || r.Verdict != shell.Stays || !isMain(r.Main) || daemonizes(r.Main) {
		return
	}
	// What the script starts: "$@" is the image's CMD (or ECS command).
	started := &chain.Chain{Main: scriptWords(r.Main.Args)}
	what := fmt.Sprintf("%q", r.Main.String())
	if prog := chain.Program(r.Main.Argv()); len(prog) > 0 && r.Main.Args[len(r.Main.Args)-len(prog)].AllArgs {
		started.Main = args
		what = `"$@"`
	}
	started.Worker = chain.FindWorker(started.Main)
	base := path.Base(name)
	how := "without exec"
	if r.Main.Exec {
		how = "with an exec that does not replace the shell"
	}
	msg := fmt.Sprintf("%s runs %s %s: %s, so the script's shell stays between the stop signal and %s; %s",
		base, what, how, r.Reason, mainName(started), shellFate(t, t.Chain.Init, base, len(t.Chain.Argv)-len(t.Chain.Main), started))
	lines := source.NewLines(src)
	var fix *lint.Fix
	if execFixes(src, r.Main, isMain) {
		at := r.Main.Args[0].Start
		fix = &lint.Fix{Description: fmt.Sprintf("Insert exec before %s in %s", what, base), Safe: true,
			Edits: []lint.TextEdit{{Span: lines.Span(at, at), NewText: "exec "}}}
	}
	p.ReportIn(name, lint.Error, lines.Span(r.Main.Start, r.Main.End), msg, "exec "+r.Main.String(), fix)
}

// daemonizes tells a worker started in the background by its own flag
// (sidekiq -d before Sidekiq 6): it is no child of the script at all, and
// nothing here describes it.
func daemonizes(cmd *shell.Command) bool {
	for _, w := range cmd.Args {
		if w.Value == "-d" || w.Value == "--daemon" {
			return true
		}
	}
	return false
}

// execFixes reports whether exec before the main command makes it replace
// the script's shell; a command followed by others gets no fix.
func execFixes(src []byte, m *shell.Command, isMain func(*shell.Command) bool) bool {
	if !m.Last() || m.Exec {
		return false
	}
	at := m.Args[0].Start
	s, err := shell.Parse(string(src[:at]) + "exec " + string(src[at:]))
	if err != nil {
		return false
	}
	r := s.AnalyzeFile(isMain)
	return r.Main != nil && r.Verdict == shell.Replaces
}

func scriptWords(words []shell.Word) []chain.Arg {
	out := make([]chain.Arg, len(words))
	for i, w := range words {
		out[i] = chain.Arg{Value: w.Value, Expanded: !w.Literal}
	}
	return out
}
