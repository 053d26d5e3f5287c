// Package chain models the process tree a container starts: the argv that
// runs as PID 1, walked through inits, wrappers, shells and the scripts the
// image holds to the process that should receive the stop signal. What each
// program does is read from the catalog.
package chain

import (
	"errors"
	"path"
	"slices"
	"strings"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/parser/shell"
)

// Arg is one argv element and where it is written.
type Arg struct {
	Value string
	Span  source.Span
	// File is the file Span lies in when it is not the linted file: a
	// script the image runs.
	File string
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
	// Init is the first init or forwarding wrapper in the chain, nil if
	// none; Inits are all of them, outermost first.
	Init  *Init
	Inits []*Init
	// BinSh is the dialect assumed for /bin/sh in the image.
	BinSh shell.Dialect
	// Shell is the first shell in the chain, nil if none.
	Shell *Shell
	// Scripts are the script files the chain runs, in order.
	Scripts []*Script
	// Main is the argv of the process meant to receive the stop signal: what
	// is left once inits, wrappers, shells and scripts are walked through.
	Main []Arg
	// Worker is the catalogued program Main runs, or nil.
	Worker *Worker
	// Managed are the processes a process manager Worker starts, read
	// from its configuration; nil when there is none to read.
	Managed *Managed

	hops int // hops walked so far, for the Order of the next one
}

// Init is an init process, or a wrapper that stays as its command's parent
// and forwards the stop signal to it.
type Init struct {
	Name string
	// Platform is set when the orchestrator adds the init
	// (ECS initProcessEnabled), so it is not in Argv.
	Platform string
	Index    int // position in Argv, -1 for a platform init or a later hop
	Order    int // hops before it in the walk; -1 for a platform init
	// Forwarder is a wrapper (uv run, sudo, dockerize) that forwards the
	// signal like an init but reaps no orphans.
	Forwarder bool
	Subreaper bool
	Group     bool // signals go to the child's whole process group
}

// Shell is a shell in the chain.
type Shell struct {
	Name    string // as written, e.g. "sh" or "/bin/bash"
	Index   int    // position in Argv, -1 for a later hop
	Order   int    // hops before it in the walk
	Dialect shell.Dialect
	// DialectWhy says how the dialect was chosen, for messages.
	DialectWhy string
	// Assumed is true when /bin/sh is dash only by assumption: the image
	// is not known.
	Assumed bool
	// Script is the -c argument; nil when the shell runs a script file.
	Script    *Arg
	Parsed    *shell.Script
	ParseErr  error
	Result    shell.Result
	ScriptArg int // position of the -c script in Argv, or of the script file
}

// ScriptFile is a script the image holds, read from the build context.
type ScriptFile struct {
	Name string // as findings name it
	Src  []byte
	// Inline is true for a script the Dockerfile writes with COPY <<EOF:
	// Src is the Dockerfile with all else blanked, so offsets match it.
	Inline bool
	// Path is where the image holds the script, for messages.
	Path string
}

// Script is a script file the chain runs.
type Script struct {
	File  *ScriptFile
	Order int // hops before it in the walk
	// Parsed is nil when the script does not parse; nothing is claimed then,
	// and ParseErr says why.
	Parsed   *shell.Script
	ParseErr error
	// Result is the command the script hands over to and whether the
	// script's shell replaces itself with it.
	Result shell.Result
	// Forwards is true when the script traps TERM and waits for its child,
	// passing the signal on by hand.
	Forwards bool
	// Delay is the foreground command that keeps a script that traps TERM
	// from running its trap (a sleep before its wait): it passes the
	// signal on only when that command ends, and Forwards is false.
	Delay *shell.Command
	// Starts is true when the command the script hands over to is "$@", a
	// long-running program or another script: the walk goes on there.
	Starts bool
	// Paths are the hand-overs of a script whose work starts in several
	// branches (case arms, if branches); the walk does not go on past it,
	// but PathChains walk each path that names its command.
	Paths      []shell.Result
	PathChains []*Chain
}

// Handovers returns the script's hand-overs: its paths, or its one result.
func (s *Script) Handovers() []shell.Result {
	if len(s.Paths) > 0 {
		return s.Paths
	}
	return []shell.Result{s.Result}
}

// Stays reports whether the script's shell stays as the parent of the
// command r hands over to, without passing the signal on.
func (s *Script) Stays(r shell.Result) bool {
	return s.Parsed != nil && r.Main != nil && r.Verdict == shell.Stays && !s.Forwards
}

// Options say what the walk cannot see in the argv.
type Options struct {
	// Sh is the dialect of /bin/sh in the image, and why it is assumed;
	// ShAssumed is true when the image is not known.
	Sh        shell.Dialect
	ShWhy     string
	ShAssumed bool
	// PlatformInit names an init the orchestrator starts as PID 1.
	PlatformInit string
	// Script returns the script file the image runs for a command name, if
	// the image is known and holds one; nil follows no script.
	Script func(command string) (*ScriptFile, bool)
	// ImageMain is true for an image's own ENTRYPOINT and CMD: the last
	// command of a script they run is the process the container lives on.
	ImageMain bool
	// Env returns the container's environment, for the parameters scripts
	// expand ($SIDEKIQ_TIMEOUT); it is asked only when a word needs it.
	Env func() map[string]string
	// File returns a file the image holds at a path (relative to the
	// WORKDIR, or absolute), such as a Procfile; nil reads none.
	File func(path string) (*ScriptFile, bool)
	// Glob returns the files the image holds that match an absolute
	// pattern, in name order, such as supervisord's conf.d/*.conf; nil
	// reads none.
	Glob func(pattern string) []*ScriptFile

	managers int // process managers walked through, against Procfiles that start themselves
}

// maxDepth bounds how many scripts a walk follows, against scripts that
// run each other.
const maxDepth = 8

// Walk walks argv.
func Walk(argv []Arg, opt Options) *Chain {
	c := &Chain{Argv: argv, BinSh: opt.Sh}
	if opt.PlatformInit != "" {
		name := "docker-init" // Docker's --init, which ECS and Compose use
		switch opt.PlatformInit {
		case "shareProcessNamespace":
			name = "pause" // the pod's sandbox process
		case "Fly.io":
			name = "fly init" // Fly's own init, PID 1 of every Machine
		}
		c.Init = &Init{Name: name, Platform: opt.PlatformInit, Index: -1, Order: -1}
		c.Inits = []*Init{c.Init}
	}
	c.walk(argv, opt, 0, true)
	return c
}

func (c *Chain) next() int {
	n := c.hops
	c.hops++
	return n
}

func (c *Chain) addInit(in *Init) {
	if c.Init == nil {
		c.Init = in
	}
	c.Inits = append(c.Inits, in)
}

// walk walks one argv; top is true for the container's own argv, whose
// positions Index fields refer to.
func (c *Chain) walk(argv []Arg, opt Options, depth int, top bool) {
	index := func(i int) int {
		if top {
			return i
		}
		return -1
	}
	i := 0
	for i < len(argv) {
		if in, next, ok := parseInit(argv, i); ok {
			in.Index, in.Order = index(i), c.next()
			c.addInit(in)
			c.followServices(argv[i], opt)
			i = next
			continue
		}
		if p, next, ok := wrapper(Values(argv), i); ok {
			if !p.Execs {
				c.addInit(&Init{Name: p.Name, Index: index(i), Order: c.next(), Forwarder: true})
			}
			i = next
			continue
		}
		if sh, ok := parseShell(argv, i, opt); ok {
			sh.Index, sh.Order = index(i), c.next()
			if c.Shell == nil {
				c.Shell = sh
			}
			if sh.Script == nil {
				// A script file: the shell runs it and never execs its last
				// command. A shell reads a bare name from the working
				// directory, not from PATH.
				c.walkRest(argv[sh.ScriptArg:], opt, depth, true)
				return
			}
			rest, ok := c.walkShell(sh, argv, opt)
			if !ok {
				c.Main = rest
				c.Worker = FindWorker(rest)
				return
			}
			c.walk(rest, opt, depth, false)
			return
		}
		break
	}
	c.walkRest(argv[i:], opt, depth, false)
}

// walkRest follows argv into a script the image holds, or ends the walk
// there. shellArg is true when a shell was given argv[0] as its script.
func (c *Chain) walkRest(argv []Arg, opt Options, depth int, shellArg bool) {
	if depth < maxDepth && opt.Script != nil && len(argv) > 0 && !argv[0].Expanded && argv[0].Value != "" {
		if f, ok := opt.Script(scriptName(argv[0].Value, shellArg)); ok {
			c.followScript(f, argv, opt, depth)
			return
		}
	}
	c.Main = argv
	c.Worker = FindWorker(argv)
	c.followManaged(opt)
}

// followScript walks a script file to the command it hands over to: "$@"
// is the script's own arguments, anything else the command's words.
func (c *Chain) followScript(f *ScriptFile, argv []Arg, opt Options, depth int) {
	s := &Script{File: f, Order: c.next()}
	c.Scripts = append(c.Scripts, s)
	parsed, err := shell.Parse(string(f.Src))
	if err != nil {
		s.ParseErr = err
		return
	}
	s.Parsed, s.Forwards = parsed, parsed.Traps()
	if d := parsed.TrapDelay(); s.Forwards && d != nil {
		s.Forwards, s.Delay = false, d
	}
	lines := source.NewLines(f.Src)
	words := func(cmd *shell.Command) []Arg { return fileWords(cmd, f, lines, opt.Env) }
	// The hand-over is a command the script waits for; only a script that
	// starts its work in the background (to trap TERM and wait) hands over
	// to a background job.
	starts := func(cmd *shell.Command) bool {
		return startsAllArgs(cmd) || c.startsWork(words(cmd), cmd.Last() || cmd.Background(), opt, depth+1)
	}
	foreground := func(cmd *shell.Command) bool { return !cmd.Background() && starts(cmd) }
	s.Result = parsed.AnalyzeFile(foreground)
	if m := s.Result.Main; m == nil || !starts(m) {
		if r := parsed.AnalyzeFile(starts); r.Main != nil && r.Main.Background() {
			s.Result = r
		}
	}
	if m := s.Result.Main; m != nil && m.InBranch() {
		// The work starts in one arm of several: each is a path, judged
		// on its own; which one runs depends on the script's input.
		s.Paths = parsed.AnalyzeFilePaths(foreground)
		if len(s.Paths) > 1 {
			s.Starts = true
			// Each path is walked on its own, for what it starts.
			for _, r := range s.Paths {
				if !startsAllArgs(r.Main) {
					s.PathChains = append(s.PathChains, Walk(words(r.Main), opt))
				}
			}
			return
		}
	}
	m := s.Result.Main
	if m == nil || s.Result.Verdict == shell.Unknown {
		return // the script runs nothing, or its command runs in one branch of several
	}
	if !startsAllArgs(m) && !c.startsWork(words(m), m.Last(), opt, depth+1) && !(opt.ImageMain && m.Last() && !oneShot[m.Args[0].Value] && m.Args[0].Literal) {
		// Nothing known to run long. The last command of the image's own
		// entrypoint script is what the container lives on, unless it
		// finishes at once.
		return
	}
	s.Starts = true
	next := words(m)
	if at := len(next) - len(Program(Values(next))); at < len(next) && m.Args[at].AllArgs {
		// "$@": what the script was given runs, after any wrappers before it.
		next = append(next[:at:at], argv[1:]...)
	}
	c.walk(next, opt, depth+1, false)
}

// startsWork reports whether argv, once inits and wrappers are walked
// through, runs a long-running program of the catalog or a script of the
// image. last is false for a command the script runs others after: one it
// waits for, so a runtime's program file there is taken to finish.
func (c *Chain) startsWork(argv []Arg, last bool, opt Options, depth int) bool {
	vals := Values(argv)
	i := 0
	for i < len(argv) {
		if _, next, ok := parseInit(argv, i); ok {
			i = next
			continue
		}
		if _, next, ok := wrapper(vals, i); ok {
			i = next
			continue
		}
		break
	}
	if i >= len(argv) || argv[i].Expanded {
		return false
	}
	if p, args := catalog.Lookup(vals[i:]); p != nil {
		return p.LongRunning(vals[i+args:]) && (last || p.Role != catalog.Runtime)
	}
	if sh, ok := parseShell(argv, i, opt); ok && sh.Script == nil {
		i = sh.ScriptArg // sh script.sh: the script is what runs
	}
	if depth < maxDepth && opt.Script != nil && !argv[i].Expanded {
		if f, ok := opt.Script(scriptName(argv[i].Value, i > 0)); ok {
			return c.scriptStartsWork(f, opt, depth+1)
		}
	}
	return false
}

// scriptStartsWork reports whether a script hands over to "$@", a
// long-running program or a script that does: a setup script that runs
// migrations and returns does not.
func (c *Chain) scriptStartsWork(f *ScriptFile, opt Options, depth int) bool {
	parsed, err := shell.Parse(string(f.Src))
	if err != nil {
		return false
	}
	isMain := func(cmd *shell.Command) bool {
		return !cmd.Background() && (startsAllArgs(cmd) || c.startsWork(fileWords(cmd, f, nil, opt.Env), cmd.Last(), opt, depth))
	}
	m := parsed.AnalyzeFile(isMain).Main
	return m != nil && isMain(m)
}

// fileWords turns a command of a script file into chain arguments that
// point into the file; lines may be nil where no span is needed.
func fileWords(cmd *shell.Command, f *ScriptFile, lines *source.Lines, env func() map[string]string) []Arg {
	out := make([]Arg, len(cmd.Args))
	for i, w := range cmd.Args {
		out[i] = Arg{File: f.Name}
		out[i].Value, out[i].Expanded = expandWord(w, env)
		if lines != nil {
			out[i].Span = lines.Span(w.Start, w.End)
		}
	}
	return out
}

// scriptName is how a command names a script: a shell reads a bare name
// given as its argument from the working directory, not from PATH.
func scriptName(name string, shellArg bool) string {
	if shellArg && name != "" && !strings.Contains(name, "/") {
		return "./" + name
	}
	return name
}

// oneShot are commands that finish at once: a script that ends with one is
// not handing over to a process that runs until stopped.
var oneShot = map[string]bool{
	"echo": true, "printf": true, "true": true, "false": true, "exit": true, "return": true,
	":": true, "test": true, "[": true, "set": true, "export": true, "cd": true, "wait": true,
}

// startsAllArgs reports whether cmd runs "$@" once wrappers are walked
// through.
func startsAllArgs(cmd *shell.Command) bool {
	prog := Program(cmd.Argv())
	return len(prog) > 0 && cmd.Args[len(cmd.Args)-len(prog)].AllArgs
}

// LongRunning reports whether the chain ends in a program the catalog
// says keeps running until stopped.
func (c *Chain) LongRunning() bool {
	return c.Worker != nil && c.Worker.Spec.LongRunning(Values(c.Worker.Argv[c.Worker.argsAt:]))
}

// walkShell analyses the shell's -c script and returns the argv of its main
// command; ok is false when there is nothing further to walk. When the
// script ends in exec "$@", the main command comes from the shell's
// positional arguments.
func (c *Chain) walkShell(sh *Shell, argv []Arg, opt Options) (rest []Arg, ok bool) {
	if sh.Script.Expanded {
		sh.ParseErr = errors.New("the script is computed at deploy time")
		return nil, false
	}
	sh.Parsed, sh.ParseErr = shell.Parse(sh.Script.Value)
	if sh.ParseErr != nil {
		return nil, false
	}
	sh.Result = sh.Parsed.Analyze(sh.Dialect, func(cmd *shell.Command) bool {
		return startsAllArgs(cmd) || c.startsWork(scriptArgs(cmd, *sh.Script, opt.Env), cmd.Last(), opt, 1)
	})
	m := sh.Result.Main
	if m == nil {
		return nil, false
	}
	args := scriptArgs(m, *sh.Script, opt.Env)
	if startsAllArgs(m) {
		// sh -c '... exec "$@"' $0 $1...: the positional arguments run.
		at := len(args) - len(Program(Values(args)))
		return append(args[:at:at], argv[min(sh.ScriptArg+2, len(argv)):]...), true
	}
	return args, true
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
	r := parsed.Analyze(sh.Dialect, func(cmd *shell.Command) bool { return cmd.Start == m.Start })
	if r.Verdict != shell.Replaces || !r.Main.Exec {
		return "", false
	}
	return script, true
}

// scriptArgs turns a -c script command into chain arguments, parameters
// expanded from env; they all point at the script argument.
func scriptArgs(cmd *shell.Command, script Arg, env func() map[string]string) []Arg {
	out := make([]Arg, len(cmd.Args))
	for i, w := range cmd.Args {
		out[i] = Arg{Span: script.Span, File: script.File}
		out[i].Value, out[i].Expanded = expandWord(w, env)
	}
	return out
}

// expandWord is a word's value, and whether it stays unknown.
func expandWord(w shell.Word, env func() map[string]string) (string, bool) {
	if w.Literal || env == nil {
		v, ok := w.Expand(nil)
		return v, !ok
	}
	v, ok := w.Expand(env())
	return v, !ok
}

// parseInit recognizes an init at argv[i] and returns where its child starts.
func parseInit(argv []Arg, i int) (*Init, int, bool) {
	raw := argv[i].Value
	name := path.Base(raw)
	if strings.HasPrefix(name, "tini-static") {
		name = "tini-static" // tini-static-amd64
	}
	if p, _ := catalog.Lookup([]string{name}); raw != "/init" && (p == nil || p.Role != catalog.Init) {
		return nil, 0, false
	}
	if raw == "/init" {
		name = raw
	}
	in := &Init{Name: name}
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

// wrapper recognizes a catalogued wrapper at argv[i] (bundle exec, env,
// gosu, wait-for-it ... --, uv run, ...) and returns it and where the
// command it starts begins.
func wrapper(argv []string, i int) (*catalog.Program, int, bool) {
	p, _ := catalog.Lookup(argv[i:])
	if p == nil || p.Role != catalog.Wrapper {
		return nil, 0, false
	}
	j := i + 1
	if p.Subcommand != "" {
		j++
	}
	if p.After != "" {
		for j < len(argv) && argv[j] != p.After {
			j++
		}
		j++
	} else {
		for j < len(argv) && strings.HasPrefix(argv[j], "-") && argv[j] != "-" {
			a := argv[j]
			j++
			if a == "--" {
				break
			}
			if !strings.Contains(a, "=") && slices.Contains(p.ValueOptions, a) {
				j++
			}
		}
		j += p.Positional
		if p.Assignments {
			for j < len(argv) && strings.Contains(argv[j], "=") {
				j++
			}
		}
	}
	if j >= len(argv) {
		return nil, 0, false
	}
	return p, j, true
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
		sh.Dialect, sh.DialectWhy, sh.Assumed = opt.Sh, opt.ShWhy, opt.ShAssumed
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
		p, next, ok := wrapper(argv, i)
		if !ok || !p.Execs {
			break
		}
		i = next
	}
	return argv[i:]
}
