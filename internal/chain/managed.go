package chain

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/num"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/parser/procfile"
	"github.com/gracelint/gracelint/parser/shell"
	"github.com/gracelint/gracelint/parser/supervisord"
	"github.com/mattn/go-shellwords"
)

// Managed are the processes a process manager starts, read from its
// configuration, each with its chain and how the manager stops it.
type Managed struct {
	// Manager is the process manager: the program the chain ends in
	// (foreman, supervisord), or the init that also runs services (s6).
	Manager   *Worker
	Processes []*Process
}

// Process is one process a manager starts.
type Process struct {
	Name string
	File *ScriptFile // the file that lists it
	Span source.Span // its command there
	// Command is the command as the file writes it.
	Command string
	Chain   *Chain
	// Signal is the signal the manager stops it with ("SIGTERM"), "" when
	// it is set in a way gracelint cannot read; Group
	// is true when it goes to the process's whole process group, so a
	// shell that runs the command does not stand in its way.
	Signal string
	Group  bool
	// SignalSet is true when a file or flag chooses Signal, rather than
	// the manager's default.
	SignalSet bool
	// Wait is how long the manager waits after Signal before SIGKILL.
	Wait Wait
	// Anchor is where a finding about how the manager stops the process
	// points: its section, or the manager's command for a Procfile.
	Anchor     source.Span
	AnchorFile string
}

// Wait is how long a manager waits for a process it stops before SIGKILL.
type Wait struct {
	Seconds int
	Known   bool // false when it is set at run time ($TIMEOUT)
	// Unbounded is true when the manager waits as long as the process
	// takes.
	Unbounded bool
	// Then is the part of Seconds a last stage adds after the setting's
	// own wait (s6-overlay's S6_KILL_GRACETIME).
	Then int
	// Set is true when a file writes it; else it is the manager's default.
	Set bool
	// Setting names it: "-t" (foreman's flag), "stopwaitsecs".
	Setting string
	Written string      // as written: "-t 20", "stopwaitsecs=90"
	File    string      // where it is written, "" for the linted file
	Span    source.Span // where it is written
}

// followManaged reads the configuration of a process manager the chain
// ends in and walks each process it starts.
func (c *Chain) followManaged(opt Options) {
	w := c.Worker
	if w == nil || w.Spec.Manages == "" || opt.File == nil || opt.managers >= 2 {
		return
	}
	child := opt
	child.ImageMain = false
	child.managers++
	switch w.Spec.Manages {
	case "procfile":
		c.Managed = followProcfile(w, child)
	case "supervisord":
		c.Managed = followSupervisord(w, child)
	}
	if c.Managed != nil {
		c.Managed.Manager = w
	}
}

// followServices reads the services of an init that also supervises them
// (s6-overlay's /init): the run scripts its configuration patterns find in
// the image, each walked as a process of its own.
func (c *Chain) followServices(init Arg, opt Options) {
	spec, _ := catalog.Lookup([]string{init.Value})
	if spec == nil || spec.Manages != "s6" || opt.Glob == nil || opt.managers >= 2 || c.Managed != nil {
		return
	}
	child := opt
	child.ImageMain = false
	child.managers++
	m := &Managed{Manager: &Worker{Name: spec.Name, Spec: spec, Argv: []Arg{init}}}
	for _, pattern := range spec.Config {
		for _, f := range opt.Glob(pattern) {
			lines := source.NewLines(f.Src)
			first := lines.Span(0, len(bytes.SplitN(f.Src, []byte("\n"), 2)[0]))
			p := &Process{Name: path.Base(path.Dir(f.Path)), File: f, Span: first, Command: f.Path,
				Chain: Walk([]Arg{{Value: f.Path, Span: first, File: f.Name}}, child), Signal: "SIGTERM",
				Anchor: init.Span, AnchorFile: init.File, Wait: s6Wait(m.Manager, f, opt)}
			m.Processes = append(m.Processes, p)
		}
	}
	if len(m.Processes) > 0 {
		c.Managed = m
	}
}

// s6Wait is how long s6-overlay waits for a service at a stop: an s6-rc
// service its timeout-down file's milliseconds (none or 0: no bound), a
// legacy /etc/services.d one S6_SERVICES_GRACETIME (3000 ms).
func s6Wait(w *Worker, run *ScriptFile, opt Options) Wait {
	dir := path.Dir(run.Path)
	if !strings.HasPrefix(dir, "/etc/services.d/") {
		wait := Wait{Unbounded: true, Known: true, Setting: "timeout-down", File: run.Name}
		if f, ok := opt.File(path.Join(dir, "timeout-down")); ok {
			if ms, err := num.Atoi(strings.TrimSpace(string(f.Src))); err == nil && ms > 0 {
				wait = Wait{Seconds: (ms + 999) / 1000, Known: true, Set: true, Setting: "timeout-down",
					Written: "timeout-down " + strconv.Itoa(ms), File: f.Name, Span: source.NewLines(f.Src).Span(0, len(strings.TrimRight(string(f.Src), "\n")))}
			}
		}
		return wait
	}
	// The services get S6_SERVICES_GRACETIME, then the last stage signals
	// every process left and waits S6_KILL_GRACETIME before SIGKILL.
	wait := Wait{Seconds: w.Spec.DefaultTimeout + w.Spec.KillGrace, Known: true, Setting: w.Spec.TimeoutEnv, Then: w.Spec.KillGrace,
		File: w.Argv[0].File, Span: w.Argv[0].Span}
	if opt.Env == nil {
		return wait
	}
	env := opt.Env()
	services, kill := w.Spec.DefaultTimeout, w.Spec.KillGrace
	for _, s := range []struct {
		name string
		to   *int
	}{{w.Spec.TimeoutEnv, &services}, {w.Spec.KillGraceEnv, &kill}} {
		if v, ok := env[s.name]; ok {
			ms, err := num.Atoi(v)
			if err != nil || ms < 0 {
				wait.Known = false
			}
			*s.to = (ms + 999) / 1000
			wait.Set = true
			wait.Written = strings.TrimPrefix(wait.Written+", "+s.name+"="+v, ", ")
		}
	}
	wait.Seconds, wait.Then = services+kill, kill
	return wait
}

// configFlag returns the configuration file a manager's flag names, or "".
func (w *Worker) configFlag() string {
	args := Values(w.Argv)
	name := ""
	for i, a := range args {
		for _, flag := range w.Spec.ConfigFlags {
			switch {
			case a == flag && i+1 < len(args):
				name = args[i+1]
			case strings.HasPrefix(a, flag+"="):
				name = a[len(flag)+1:]
			}
		}
	}
	return name
}

// followProcfile reads the Procfile a manager such as foreman starts (-f,
// else its default, relative to the WORKDIR) and walks each process. A
// command with shell syntax runs under /bin/sh -c, as Ruby's Process.spawn
// runs it; any other is split into words and run as is. The manager stops
// every process with one signal and one timeout (-t).
func followProcfile(w *Worker, opt Options) *Managed {
	env := func(name string) (string, bool) {
		if name == "" || opt.Env == nil {
			return "", false
		}
		v, ok := opt.Env()[name]
		return v, ok
	}
	name := w.configFlag()
	if v, ok := env(w.Spec.ConfigEnv); name == "" && ok {
		name = v
	}
	if name == "" {
		name = w.Spec.Config[0]
	}
	f, ok := opt.File(name)
	if !ok {
		return nil
	}
	wait := Wait{Seconds: w.Spec.DefaultTimeout, Known: true, Setting: w.Spec.TimeoutFlags[0],
		File: w.Argv[0].File, Span: w.Argv[0].Span}
	switch v, ok := env(w.Spec.TimeoutEnv); {
	case w.TimeoutSet:
		wait = Wait{Seconds: w.Timeout, Known: w.TimeoutKnown, Set: true, Setting: w.Spec.TimeoutFlags[0],
			Written: w.TimeoutFlag, File: w.TimeoutArg.File, Span: w.TimeoutArg.Span}
	case ok:
		n, err := num.Atoi(v)
		wait.Seconds, wait.Known, wait.Set, wait.Written = n, err == nil && n >= 0, true, w.Spec.TimeoutEnv+"="+v
	}
	signals, signalsKnown := w.processSignals(env)
	lines := source.NewLines(f.Src)
	m := &Managed{}
	for _, e := range procfile.Parse(f.Src) {
		span := lines.Span(e.Start, e.End)
		words, ok := shell.PlainFields(e.Command)
		if !ok {
			words = []string{"/bin/sh", "-c", e.Command}
		}
		sig, sigSet := sends(w.Spec), false
		if s, ok := signals[e.Name]; ok {
			sig, sigSet = s, true
		} else if !signalsKnown {
			sig = ""
		}
		m.Processes = append(m.Processes, &Process{Name: e.Name, File: f, Span: span, Command: e.Command, Chain: Walk(fileArgs(words, f, span), opt),
			Signal: sig, SignalSet: sigSet, Group: w.Spec.SendsToGroup, Wait: wait, Anchor: w.Argv[0].Span, AnchorFile: w.Argv[0].File})
	}
	return m
}

// processSignals reads the signals a manager's flag or environment sets
// per process ("web=TERM,worker=QUIT", overmind's -i); known is false when
// they are set but cannot be read.
func (w *Worker) processSignals(env func(string) (string, bool)) (signals map[string]string, known bool) {
	args := Values(w.Argv)
	v, set := env(w.Spec.SignalEnv)
	for i, a := range args {
		for _, flag := range w.Spec.SignalFlags {
			switch {
			case a == flag && i+1 < len(args):
				if w.Argv[i+1].Expanded {
					return nil, false
				}
				v, set = args[i+1], true
			case strings.HasPrefix(a, flag+"="):
				v, set = a[len(flag)+1:], true
			}
		}
	}
	if !set {
		return nil, true
	}
	signals = map[string]string{}
	for _, pair := range strings.Split(v, ",") {
		name, sig, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			return nil, false
		}
		sig = strings.ToUpper(strings.TrimSpace(sig))
		if !strings.HasPrefix(sig, "SIG") {
			sig = "SIG" + sig
		}
		signals[strings.TrimSpace(name)] = sig
	}
	return signals, true
}

// followSupervisord reads supervisord's configuration (-c, else the first
// of its search paths the image holds, else the one the distribution's
// package installs) and the files its [include] section names, and walks
// each [program:x]. supervisord splits a command into words as Python's
// shlex does and runs it without a shell; it stops each program with its
// stopsignal, then SIGKILLs it stopwaitsecs later.
func followSupervisord(w *Worker, opt Options) *Managed {
	names := w.Spec.Config
	if n := w.configFlag(); n != "" {
		names = []string{n}
	}
	var files []*ScriptFile
	var includes []string
	for _, n := range names {
		if f, ok := opt.File(n); ok {
			files = append(files, f)
			parsed := supervisord.Parse(f.Src)
			for _, inc := range parsed.Includes() {
				inc, ok := supervisord.Expand(inc, func(v string) (string, bool) { return configVar(v, "", f, opt) })
				if ok && !strings.HasPrefix(inc, "/") {
					inc = path.Join(path.Dir(f.Path), inc)
				}
				if ok {
					includes = append(includes, inc)
				}
			}
			break
		}
		if pk := packaged(w.Spec, n); pk != nil {
			includes = pk.Includes
			break
		}
	}
	if opt.Glob != nil {
		for _, inc := range includes {
			files = append(files, opt.Glob(inc)...)
		}
	}
	if len(files) == 0 {
		return nil
	}
	m := &Managed{}
	for _, f := range files {
		lines := source.NewLines(f.Src)
		for _, prog := range supervisord.Parse(f.Src).Programs() {
			if p := supervisordProcess(w, prog, f, lines, opt); p != nil {
				m.Processes = append(m.Processes, p)
			}
		}
	}
	return m
}

func supervisordProcess(w *Worker, prog *supervisord.Program, f *ScriptFile, lines *source.Lines, opt Options) *Process {
	if prog.Command == nil {
		return nil
	}
	cmd, ok := supervisord.Expand(prog.Command.Value, func(v string) (string, bool) { return configVar(v, prog.Name, f, opt) })
	if !ok {
		return nil // set at run time: nothing is claimed
	}
	words, err := shellwords.Parse(cmd)
	if err != nil || len(words) == 0 {
		return nil
	}
	span := lines.Span(prog.Command.Start, prog.Command.End)
	p := &Process{Name: prog.Name, File: f, Span: span, Command: prog.Command.Value, Chain: Walk(fileArgs(words, f, span), opt),
		Signal: sends(w.Spec), Group: prog.StopAsGroup, Anchor: lines.Span(prog.Section.Start, prog.Section.End), AnchorFile: f.Name,
		Wait: Wait{Seconds: w.Spec.DefaultTimeout, Known: true, Setting: "stopwaitsecs", File: f.Name, Span: lines.Span(prog.Section.Start, prog.Section.End)}}
	if o := prog.StopSignal; o != nil {
		sig, ok := supervisord.Signal(o.Value)
		p.Signal, p.SignalSet = sig, true
		if !ok {
			p.Signal = "" // a number, or not a signal at all
		}
	}
	if o := prog.StopWaitSecs; o != nil {
		n, ok := supervisord.Seconds(o.Value)
		p.Wait = Wait{Seconds: n, Known: ok, Set: true, Setting: "stopwaitsecs", Written: "stopwaitsecs=" + o.Value,
			File: f.Name, Span: lines.Span(o.Start, o.End)}
	}
	return p
}

// configVar is the value supervisord gives an expansion in its
// configuration: the environment as ENV_NAME, the program's own names,
// and the directory of the file.
func configVar(name, program string, f *ScriptFile, opt Options) (string, bool) {
	switch name {
	case "here":
		return path.Dir(f.Path), f.Path != ""
	case "program_name", "group_name":
		return program, program != ""
	case "process_num":
		return "0", true
	case "numprocs":
		return "1", true
	}
	if env, ok := strings.CutPrefix(name, "ENV_"); ok && opt.Env != nil {
		v, ok := opt.Env()[env]
		return v, ok
	}
	return "", false
}

// packaged returns the configuration a distribution package installs at
// p, if the catalog knows one.
func packaged(spec *catalog.Program, p string) *catalog.Packaged {
	for i := range spec.Packaged {
		if spec.Packaged[i].Path == p {
			return &spec.Packaged[i]
		}
	}
	return nil
}

// sends is the signal a manager stops its processes with.
func sends(spec *catalog.Program) string {
	if spec.Sends != "" {
		return spec.Sends
	}
	return "SIGTERM"
}

// fileArgs turns the words of a command a configuration file holds into
// chain arguments that point at the command.
func fileArgs(words []string, f *ScriptFile, span source.Span) []Arg {
	out := make([]Arg, len(words))
	for i, w := range words {
		out[i] = Arg{Value: w, Span: span, File: f.Name}
	}
	return out
}

// Describe says where the wait comes from, for messages: `"-t 20"`,
// `its default -t`.
func (w Wait) Describe() string {
	switch {
	case w.Set:
		return strconv.Quote(w.Written)
	case w.Then > 0:
		return fmt.Sprintf("its default %s, then %d s of its last stage", w.Setting, w.Then)
	}
	return "its default " + w.Setting
}
