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

// EntrypointScriptWithoutExec reports a script in a container's process
// chain that starts the next long-running process, or "$@", without exec.
var EntrypointScriptWithoutExec = &lint.Rule{
	ID:       "GL106",
	Name:     "entrypoint-script-without-exec",
	Severity: lint.Error,
	Summary:  "a script the container runs starts the worker without exec, so the script's shell keeps the stop signal",
	Tags:     []string{"dockerfile", "scripts", "signals"},
	SafeFix:  true,
	Check:    checkEntrypointScriptWithoutExec,
}

func checkEntrypointScriptWithoutExec(p *lint.Pass) {
	for _, t := range p.File.Targets {
		c := t.Chain
		if c == nil || !t.SignalsPID1() {
			continue
		}
		for _, s := range c.Scripts {
			// An image's own ENTRYPOINT or CMD is its main process; a
			// platform's command must be known to run long (each path of
			// a branching script starts a long-running program).
			if !s.Starts || t.Image == nil && len(s.Paths) == 0 && !c.LongRunning() {
				continue
			}
			for _, r := range s.Handovers() {
				if s.Stays(r) && !daemonizes(r.Main) {
					reportScript(p, s, r, c, func(shellName string, started *chain.Chain) string {
						return shellFate(t, c.Init, shellName, s.Order, started)
					})
				}
			}
		}
		if c.Managed != nil {
			checkManagedScripts(p, c)
		}
	}
}

// checkManagedScripts reports the scripts of the processes a manager
// starts that run their worker without exec: the manager signals the
// script's shell, as it signals a shell -c (GL102).
func checkManagedScripts(p *lint.Pass, c *chain.Chain) {
	m := c.Managed.Manager
	for _, proc := range c.Managed.Processes {
		pc := proc.Chain
		if proc.Group && m.Spec.Manages != "supervisord" || pc.Shell != nil {
			continue // not measured, or a shell -c first: GL102's
		}
		for _, s := range pc.Scripts {
			if !s.Starts || s.Order != 0 || len(s.Paths) == 0 && !pc.LongRunning() {
				continue
			}
			for _, r := range s.Handovers() {
				if s.Stays(r) && !daemonizes(r.Main) {
					reportScript(p, s, r, pc, func(shellName string, started *chain.Chain) string {
						return managedFate(m, proc, shellName, started)
					})
				}
			}
		}
	}
}

// reportScript reports script s of chain c, which stays as the parent of
// what r hands over to; fate says what happens to it at a stop.
func reportScript(p *lint.Pass, s *chain.Script, r shell.Result, c *chain.Chain, fate func(shellName string, started *chain.Chain) string) {
	m, src := r.Main, s.File.Src
	what := fmt.Sprintf("%q", m.String())
	if prog := chain.Program(m.Argv()); len(prog) > 0 && m.Args[len(m.Args)-len(prog)].AllArgs {
		what = `"$@"`
	}
	base := path.Base(s.File.Name)
	if base == "run" {
		base = path.Join(path.Base(path.Dir(s.File.Name)), base) // a service's run script: name the service
	}
	if s.File.Inline {
		base = path.Base(s.File.Path) // the script the Dockerfile writes there
	}
	how := "without exec"
	if m.Exec {
		how = "with an exec that does not replace the shell"
	}
	shellName := fmt.Sprintf("%s (%s)", base, interpreter(src))
	started := c
	if len(s.Paths) > 0 {
		// One path of several: the chain stops at the script, so name what
		// this path starts.
		args := make([]chain.Arg, len(m.Args))
		for i, w := range m.Args {
			args[i] = chain.Arg{Value: w.Value, Expanded: !w.Literal}
		}
		started = &chain.Chain{Main: args, Worker: chain.FindWorker(args)}
	}
	msg := fmt.Sprintf("%s runs %s %s: %s, so the script's shell stays between the stop signal and %s; %s",
		base, what, how, r.Reason, mainName(started), fate(shellName, started))
	suggestion := "exec " + m.String()
	if d := s.Delay; d != nil {
		// The script passes the signal on by hand, but late.
		lines := source.NewLines(src)
		msg = fmt.Sprintf("%s traps SIGTERM to pass it on to %s, but first runs `%s` in the foreground (line %d), and a shell runs a trap only when its foreground command ends: at the next deploy %s gets SIGTERM only when that sleep ends, and if the stop timeout ends first it is SIGKILLed %s",
			base, mainName(started), d.String(), lines.Pos(d.Start).Line, mainName(started), lost(started))
		suggestion = fmt.Sprintf("sleep in the background and wait for it (`%s & wait $!`), so the trap runs at once", d.String())
		p.ReportIn(s.File.Name, lint.Error, lines.Span(m.Start, m.End), msg, suggestion, nil)
		return
	}
	lines := source.NewLines(src)
	var fix *lint.Fix
	if execFixes(src, m) && !s.File.Inline { // an inline script's Dockerfile is edited by its own fixes

		at := m.Args[0].Start
		fix = &lint.Fix{Description: fmt.Sprintf("Insert exec before %s in %s", what, base), Safe: true,
			Edits: []lint.TextEdit{{Span: lines.Span(at, at), NewText: "exec "}}}
	}
	p.ReportIn(s.File.Name, lint.Error, lines.Span(m.Start, m.End), msg, suggestion, fix)
}

// interpreter names the shell a script's #! line asks for: "sh" without one.
func interpreter(src []byte) string {
	line, ok := bytes.CutPrefix(src, []byte("#!"))
	if !ok {
		return "sh"
	}
	line, _, _ = bytes.Cut(line, []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return "sh"
	}
	name := path.Base(fields[0])
	if (name == "env" || name == "with-contenv") && len(fields) > 1 {
		name = path.Base(fields[1]) // s6-overlay's with-contenv runs the shell that follows
	}
	return name
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
func execFixes(src []byte, m *shell.Command) bool {
	if !m.Last() || m.Exec {
		return false
	}
	at := m.Args[0].Start
	s, err := shell.Parse(string(src[:at]) + "exec " + string(src[at:]))
	if err != nil {
		return false
	}
	r := s.AnalyzeFile(func(cmd *shell.Command) bool { return cmd.Start == m.Start })
	return r.Main != nil && r.Verdict == shell.Replaces
}
