// Package chain models the process tree a container starts: the argv that
// runs as PID 1, walked through init, exec-transparent wrappers and shells to
// the process that should receive the stop signal.
package chain

import (
	"errors"
	"path"
	"strings"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/parser/shell"
)

// Arg is one argv element and where it is written.
type Arg struct {
	Value string
	Span  source.Span
	// Expanded is true for a word that a shell expands at run time ($VAR);
	// Value is then empty.
	Expanded bool
}

// Values returns the argv as strings.
func Values(args []Arg) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

// Chain is the walked process chain of one container.
type Chain struct {
	Argv []Arg // what runs, from PID 1 on (without a platform init)
	// Init is the first init in the chain, nil if none; Inits are all of
	// them, outermost first.
	Init  *Init
	Inits []*Init
	// BinSh is the dialect assumed for /bin/sh in the image.
	BinSh shell.Dialect
	// Shell is the first shell in the chain, nil if none.
	Shell *Shell
	// Main is the argv of the process meant to receive the stop signal: what
	// is left once init, wrappers and a -c shell are walked through.
	Main []Arg
	// Worker is the recognized worker Main runs, or nil.
	Worker *Worker
}

// Init is an init process in the chain.
type Init struct {
	Name string
	// Platform is set when the orchestrator adds the init
	// (ECS initProcessEnabled), so it is not in Argv.
	Platform  string
	Index     int // position in Argv, -1 for a platform init
	Subreaper bool
	Group     bool // signals go to the child's whole process group
}

// Shell is a shell in the chain.
type Shell struct {
	Name    string // as written, e.g. "sh" or "/bin/bash"
	Index   int    // position in Argv
	Dialect shell.Dialect
	// DialectWhy says how the dialect was chosen, for messages.
	DialectWhy string
	// Script is the -c argument; nil when the shell runs a script file.
	Script    *Arg
	Parsed    *shell.Script
	ParseErr  error
	Result    shell.Result
	ScriptArg int // position of the -c script in Argv, or of the script file
}

// Options say what the walk cannot see in the argv.
type Options struct {
	// Sh is the dialect of /bin/sh in the image, and why it is assumed.
	Sh    shell.Dialect
	ShWhy string
	// PlatformInit names an init the orchestrator starts as PID 1.
	PlatformInit string
}

// Walk walks argv.
func Walk(argv []Arg, opt Options) *Chain {
	c := &Chain{Argv: argv, BinSh: opt.Sh}
	if opt.PlatformInit != "" {
		name := "docker-init" // Docker's --init, which ECS and Compose use
		if opt.PlatformInit == "shareProcessNamespace" {
			name = "pause" // the pod's sandbox process
		}
		c.Init = &Init{Name: name, Platform: opt.PlatformInit, Index: -1}
		c.Inits = []*Init{c.Init}
	}
	i := 0
	for i < len(argv) {
		if in, next, ok := parseInit(argv, i); ok {
			if c.Init == nil {
				c.Init = in
			}
			c.Inits = append(c.Inits, in)
			i = next
			continue
		}
		if next, ok := skipWrapper(Values(argv), i); ok {
			i = next
			continue
		}
		if sh, ok := parseShell(argv, i, opt); ok {
			c.Shell = sh
			c.Main = c.walkShell(sh, argv)
			c.Worker = FindWorker(c.Main)
			return c
		}
		break
	}
	c.Main = argv[i:]
	c.Worker = FindWorker(c.Main)
	return c
}

// walkShell analyses the shell's script and returns the argv of its main
// command. When the script ends in exec "$@", the main command comes from
// the shell's positional arguments.
func (c *Chain) walkShell(sh *Shell, argv []Arg) []Arg {
	if sh.Script == nil {
		return argv[sh.ScriptArg:]
	}
	if sh.Script.Expanded {
		sh.ParseErr = errors.New("the script is computed at deploy time")
		return nil
	}
	sh.Parsed, sh.ParseErr = shell.Parse(sh.Script.Value)
	if sh.ParseErr != nil {
		return nil
	}
	sh.Result = sh.Parsed.Analyze(sh.Dialect, sh.isWorker)
	m := sh.Result.Main
	if m == nil {
		return nil
	}
	args := scriptArgs(m, *sh.Script)
	if m.Args[0].AllArgs {
		// sh -c '... exec "$@"' $0 $1...: the positional arguments run.
		pos := argv[min(sh.ScriptArg+2, len(argv)):]
		walked := Walk(pos, Options{Sh: sh.Dialect, ShWhy: sh.DialectWhy})
		if walked.Init != nil && c.Init == nil {
			c.Init = walked.Init
		}
		c.Inits = append(c.Inits, walked.Inits...)
		return walked.Main
	}
	return args[len(args)-len(Program(Values(args))):]
}

func (sh *Shell) isWorker(cmd *shell.Command) bool {
	return FindWorker(scriptArgs(cmd, *sh.Script)) != nil
}

// WithExec returns the -c script with exec inserted before its main command,
// when that makes the main command replace the shell; ok is false when exec
// alone would not (a pipeline, a command that is not last, ...).
func (sh *Shell) WithExec() (script string, ok bool) {
	m := sh.Result.Main
	if sh.Script == nil || sh.Parsed == nil || m == nil || m.Exec || !m.Last() {
		return "", false // exec before a command that is not last would drop the rest
	}
	at := m.Args[0].Start
	script = sh.Script.Value[:at] + "exec " + sh.Script.Value[at:]
	parsed, err := shell.Parse(script)
	if err != nil {
		return "", false
	}
	fixed := *sh
	fixed.Script = &Arg{Value: script, Span: sh.Script.Span}
	r := parsed.Analyze(sh.Dialect, fixed.isWorker)
	if r.Verdict != shell.Replaces || !r.Main.Exec {
		return "", false
	}
	return script, true
}

// scriptArgs turns a script command into chain arguments; they all point at
// the script argument.
func scriptArgs(cmd *shell.Command, script Arg) []Arg {
	out := make([]Arg, len(cmd.Args))
	for i, w := range cmd.Args {
		out[i] = Arg{Value: w.Value, Span: script.Span, Expanded: !w.Literal}
	}
	return out
}

var initNames = map[string]bool{
	"tini": true, "tini-static": true, "docker-init": true, "dumb-init": true, "catatonit": true,
}

// parseInit recognizes an init at argv[i] and returns where its child starts.
func parseInit(argv []Arg, i int) (*Init, int, bool) {
	raw := argv[i].Value
	name := path.Base(raw)
	if strings.HasPrefix(name, "tini-static") {
		name = "tini-static"
	}
	if !initNames[name] && raw != "/init" {
		return nil, 0, false
	}
	if raw == "/init" {
		name = raw
	}
	in := &Init{Name: name, Index: i}
	j := i + 1
	for ; j < len(argv); j++ {
		a := argv[j].Value
		if a == "--" {
			return in, j + 1, true
		}
		if !strings.HasPrefix(a, "-") || raw == "/init" {
			break
		}
		switch name {
		case "dumb-init":
			if a == "-r" || a == "--rewrite" {
				j++
			}
		default: // tini, docker-init, catatonit
			for _, f := range a[1:] {
				switch f {
				case 's':
					in.Subreaper = true
				case 'g':
					in.Group = true
				case 'p', 'e':
					j++
				}
			}
		}
	}
	j = min(j, len(argv)) // an option missing its value
	if name == "dumb-init" {
		// dumb-init signals the child's process group unless --single-child.
		in.Group = true
		for _, a := range Values(argv[i+1 : j]) {
			if a == "-c" || a == "--single-child" {
				in.Group = false
			}
		}
	}
	return in, j, true
}

// skipWrapper recognizes a program that execs its argument (bundle exec,
// env, gosu, su-exec, chpst, setpriv, nice) at argv[i] and returns where the
// program it runs starts.
func skipWrapper(argv []string, i int) (int, bool) {
	name := path.Base(argv[i])
	j := i + 1
	opt := func(withArg string) {
		for j < len(argv) && strings.HasPrefix(argv[j], "-") && argv[j] != "-" {
			a := argv[j]
			j++
			if a == "--" {
				return
			}
			if !strings.Contains(a, "=") && strings.Contains(withArg, " "+a+" ") {
				j++
			}
		}
	}
	switch name {
	case "bundle":
		if j >= len(argv) || argv[j] != "exec" {
			return 0, false
		}
		j++
		opt(" --gemfile ")
	case "env":
		opt(" -u --unset -C --chdir -S --split-string ")
		for j < len(argv) && strings.Contains(argv[j], "=") {
			j++
		}
	case "gosu", "su-exec":
		j++ // the user
	case "chpst":
		opt(" -u -U -b -e -/ -n -l -L -m -d -o -p -f -c -r -t ")
	case "setpriv":
		opt(" --reuid --regid --groups --inh-caps --ambient-caps --bounding-set --securebits --pdeathsig --selinux-label --apparmor-profile ")
	case "nice":
		opt(" -n --adjustment ")
	case "exec":
	default:
		return 0, false
	}
	if j >= len(argv) {
		return 0, false
	}
	return j, true
}

// parseShell recognizes sh, bash, dash, ash and busybox sh at argv[i].
func parseShell(argv []Arg, i int, opt Options) (*Shell, bool) {
	name := path.Base(argv[i].Value)
	sh := &Shell{Name: argv[i].Value, Index: i}
	j := i + 1
	if name == "busybox" && j < len(argv) && (argv[j].Value == "sh" || argv[j].Value == "ash") {
		name = "ash"
		j++
	}
	switch name {
	case "sh":
		sh.Dialect, sh.DialectWhy = opt.Sh, opt.ShWhy
	case "bash":
		sh.Dialect, sh.DialectWhy = shell.Bash, "it is bash"
	case "dash":
		sh.Dialect, sh.DialectWhy = shell.Dash, "it is dash"
	case "ash":
		sh.Dialect, sh.DialectWhy = shell.Ash, "it is BusyBox ash"
	default:
		return nil, false
	}
	cflag := false
	for ; j < len(argv); j++ {
		a := argv[j].Value
		if a == "--" || a == "-" {
			j++
			break
		}
		if strings.HasPrefix(a, "--") {
			if a == "--rcfile" || a == "--init-file" {
				j++
			}
			continue
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		if a[0] == '-' && strings.ContainsRune(a, 'c') {
			cflag = true
		}
		if strings.ContainsAny(a, "oO") {
			j++
		}
	}
	if j >= len(argv) {
		return nil, false // an interactive shell: nothing to judge
	}
	sh.ScriptArg = j
	if cflag {
		sh.Script = &argv[j]
	}
	return sh, true
}

// Program returns the argv of the program a command runs once
// exec-transparent wrappers are walked through.
func Program(argv []string) []string {
	i := 0
	for i < len(argv) {
		next, ok := skipWrapper(argv, i)
		if !ok {
			break
		}
		i = next
	}
	return argv[i:]
}
