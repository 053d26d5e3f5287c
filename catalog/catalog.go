// Package catalog holds what gracelint knows of programs and images: how
// each program behaves when its container is stopped, and what each
// well-known image runs. The facts are data (programs.yaml, images.yaml),
// one entry per program or image, each with its source; the process model
// and the rules read them from here and encode none of their own.
package catalog

import (
	"path"
	"slices"
	"strings"
)

// Role is what a program is for.
type Role string

// The roles.
const (
	Worker  Role = "worker"  // runs jobs
	Server  Role = "server"  // serves requests
	Manager Role = "manager" // supervises other processes
	Idle    Role = "idle"    // waits and does no work
	Runtime Role = "runtime" // runs an app whose code decides
	Wrapper Role = "wrapper" // starts the command that follows it
	Init    Role = "init"    // forwards signals and reaps orphans as PID 1
)

// OnTerm is what a program does when it gets SIGTERM.
type OnTerm string

// The reactions.
const (
	Drains   OnTerm = "drains"   // finishes its work, then exits
	Exits    OnTerm = "exits"    // exits at once
	Ignores  OnTerm = "ignores"  // has no handler: ignored as PID 1
	Forwards OnTerm = "forwards" // passes it on to its child and waits
	App      OnTerm = "app"      // the app it runs decides
)

// Program is one entry of programs.yaml.
type Program struct {
	Name     string   `yaml:"name"`
	Match    []string `yaml:"match"`
	Args     []string `yaml:"args"`
	Module   string   `yaml:"module"`
	Role     Role     `yaml:"role"`
	OnTerm   OnTerm   `yaml:"sigterm"`
	Graceful string   `yaml:"graceful"`
	Fast     []string `yaml:"fast"`
	// TermGracefulEnv is an environment variable that, set, makes the
	// program stop gracefully on SIGTERM (Resque's TERM_CHILD).
	TermGracefulEnv string   `yaml:"term_graceful_env"`
	TimeoutFlags    []string `yaml:"timeout_flags"`
	DefaultTimeout  int      `yaml:"default_timeout"`
	// TimeoutMillis: the timeout flags take milliseconds.
	TimeoutMillis bool `yaml:"timeout_millis"`
	Unbounded     bool `yaml:"unbounded"`
	// RailsSetting is the Rails configuration key that sets the drain
	// ("good_job.shutdown_timeout" for config.good_job.shutdown_timeout).
	RailsSetting string `yaml:"rails_setting"`
	// Plugins are the catalogued programs a server runs in its own process
	// when its configuration loads their plugin (Puma's solid_queue).
	Plugins []string `yaml:"plugins"`
	// Lost says what a SIGKILL before the drain ends costs, where that is
	// more than the running work.
	Lost string `yaml:"lost"`
	Jobs bool   `yaml:"jobs"`
	// Manages is the kind of file that lists the processes a manager
	// starts: "procfile" or "supervisord".
	Manages string `yaml:"manages"`
	// Config are the files the manager reads, in its search order, unless
	// one of ConfigFlags names another.
	Config      []string `yaml:"config"`
	ConfigFlags []string `yaml:"config_flags"`
	// Sends is the signal a manager sends its processes to stop them;
	// SendsToGroup: to each process's whole process group.
	Sends        string `yaml:"sends"`
	SendsToGroup bool   `yaml:"sends_to_group"`
	// SignalFlags and SignalEnv set the signal per process
	// ("web=TERM,worker=QUIT"); ConfigEnv names the configuration file and
	// TimeoutEnv the timeout, where no flag does.
	SignalFlags []string `yaml:"signal_flags"`
	SignalEnv   string   `yaml:"signal_env"`
	ConfigEnv   string   `yaml:"config_env"`
	TimeoutEnv  string   `yaml:"timeout_env"`
	// KillGrace is how long a manager's last stage waits, after it signals
	// every process left, before SIGKILL (seconds; KillGraceEnv sets it,
	// in TimeoutEnv's unit).
	KillGrace    int    `yaml:"kill_grace"`
	KillGraceEnv string `yaml:"kill_grace_env"`
	// Packaged are configuration files that distribution packages install
	// with the manager, for images that run one the build context does not
	// hold.
	Packaged []Packaged `yaml:"packaged"`
	// NeedsExtension is the PHP extension without which the program
	// installs no signal handler (Laravel's pcntl).
	NeedsExtension string `yaml:"needs_extension"`
	// FileRunsLong: a runtime given a program file runs it until stopped.
	FileRunsLong bool `yaml:"file_runs_long"`
	// DaemonizesUnless: the program forks into the background and returns
	// at once unless an argument holds one of these.
	DaemonizesUnless []string `yaml:"daemonizes_unless"`
	Execs            bool     `yaml:"execs"`
	ValueOptions     []string `yaml:"value_options"`
	Positional       int      `yaml:"positional"`
	After            string   `yaml:"after"`
	Assignments      bool     `yaml:"assignments"`
	Subcommand       string   `yaml:"subcommand"`
	Source           string   `yaml:"source"`
}

// Framework is a worker library an app's own code runs (Temporal's
// Worker): the command names the app's module, and the module says how
// long the library lets running work finish after shutdown starts. The
// libraries install no signal handler: the app must start the shutdown on
// SIGTERM.
type Framework struct {
	Name     string `yaml:"name"`
	Language string `yaml:"language"` // "python"
	// Import is the package a module that uses the library imports.
	Import string `yaml:"import"`
	// Call and Setting are the constructor and its keyword argument that
	// set the drain, as a timedelta.
	Call    string `yaml:"call"`
	Setting string `yaml:"setting"`
	Lost    string `yaml:"lost"`
	Source  string `yaml:"source"`
}

// Packaged is a configuration file a distribution package installs.
type Packaged struct {
	Path string `yaml:"path"`
	// Includes are the patterns its [include] section names.
	Includes []string `yaml:"includes"`
	Source   string   `yaml:"source"`
}

// LongRunning reports whether the program, run with args, keeps running
// until stopped, so that losing the stop signal loses its work or stalls
// the stop.
func (p *Program) LongRunning(args []string) bool {
	switch p.Role {
	case Worker, Server, Manager, Idle:
		return !p.Daemonizes(args)
	case Runtime:
		return p.FileRunsLong && runsFile(args)
	}
	return false
}

// dispatchers are program files whose subcommand decides what runs: the
// catalog names the subcommands that run long.
var dispatchers = map[string]bool{"manage.py": true, "artisan": true, "rails": true, "rake": true}

// runsFile reports whether a runtime's arguments name a program file
// first, rather than code (-e, -c), a module (-m) or nothing (a REPL).
func runsFile(args []string) bool {
	for i, a := range args {
		switch {
		case a == "-e" || a == "-c" || a == "-m" || a == "--eval" || a == "-p" || a == "--print" || a == "--version" || a == "-v" || a == "-V":
			return false
		case a == "-r" || a == "--require" || a == "-I" || a == "-W" || a == "-X":
			continue
		case strings.HasPrefix(a, "-"):
			continue
		case i > 0 && (args[i-1] == "-r" || args[i-1] == "--require" || args[i-1] == "-I" || args[i-1] == "-W" || args[i-1] == "-X"):
			continue
		}
		return !dispatchers[path.Base(a)]
	}
	return false
}

// Daemonizes reports whether the program, run with args, forks into the
// background and returns, leaving nothing in the foreground to stop.
func (p *Program) Daemonizes(args []string) bool {
	if len(p.DaemonizesUnless) == 0 {
		return false
	}
	for _, a := range args {
		for _, w := range p.DaemonizesUnless {
			if strings.Contains(a, w) {
				return false
			}
		}
	}
	return true
}

// Programs is the program catalog, in the order of programs.yaml. The
// data is compiled in (catalog_data.go, which go test ./catalog -update
// writes from the YAML), so that no run pays for parsing it.
var Programs = pointers(programs)

// Frameworks are the worker libraries of programs.yaml.
var Frameworks = pointers(frameworks)

// pointers returns a pointer to each element of s, in order.
func pointers[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// byMatch indexes Programs by each name in their match lists, in file
// order, since lookups run for every word of every command.
var byMatch = func() map[string][]*Program {
	m := map[string][]*Program{}
	for _, p := range Programs {
		for _, name := range p.Match {
			m[name] = append(m[name], p)
		}
	}
	return m
}()

// interpreters run a script file or a module named by their arguments.
var interpreters = map[string]bool{"python": true, "python3": true, "ruby": true, "php": true}

// isInterpreter reports whether name is python, python3.12, ruby or php.
func isInterpreter(name string) bool {
	name = strings.TrimRight(name, "0123456789.")
	return interpreters[name]
}

// Lookup returns the program argv starts, or nil. Wrappers must already be
// walked through: Lookup names the program itself. An interpreter running
// a module or a catalogued script (`python -m celery`, `python manage.py
// run_huey`, `php artisan queue:work`) is that program; args is then
// where the program's own arguments start.
func Lookup(argv []string) (p *Program, args int) {
	if len(argv) == 0 || argv[0] == "" {
		return nil, 0
	}
	base := path.Base(argv[0])
	if !isInterpreter(base) {
		if p := lookup(argv); p != nil {
			return p, 1
		}
		return nil, 0
	}
	if p, args := interpreted(argv); p != nil {
		return p, args
	}
	// The runtime itself: python3.12 is python.
	if p := lookup(append([]string{strings.TrimRight(base, "0123456789.")}, argv[1:]...)); p != nil {
		return p, 1
	}
	return nil, 0
}

// interpreted finds the catalogued program an interpreter runs: a module
// (python -m celery) or a program file (python manage.py run_huey).
func interpreted(argv []string) (*Program, int) {
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if a == "-m" && i+1 < len(argv) {
			for _, p := range Programs {
				if p.Module != "" && p.Module == argv[i+1] && argsMatch(p, argv[i+2:]) {
					return p, i + 2
				}
			}
			return nil, 0
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		if p := lookup(argv[i:]); p != nil && p.Role != Wrapper && p.Role != Init && p.Role != Runtime {
			return p, i + 1
		}
		return nil, 0
	}
	return nil, 0
}

func lookup(argv []string) *Program {
	base := path.Base(argv[0])
	if strings.HasPrefix(base, "php-fpm") {
		base = "php-fpm" // php-fpm8.2
	}
	// Entries named by the word as written (bin/jobs) come before those
	// named by its base name, each in file order.
	for _, name := range []string{argv[0], base} {
		for _, p := range byMatch[name] {
			if argsMatch(p, argv[1:]) {
				return p
			}
		}
	}
	return nil
}

func argsMatch(p *Program, args []string) bool {
	if p.Subcommand != "" {
		return len(args) > 0 && args[0] == p.Subcommand
	}
	return len(p.Args) == 0 || slices.ContainsFunc(args, func(a string) bool { return slices.Contains(p.Args, a) })
}

// Named returns the program the catalog names name, or nil.
func Named(name string) *Program {
	for _, p := range Programs {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// NormalizeSignal spells a signal as SIGNAME: "quit", "QUIT" and "3" are
// all "SIGQUIT". Unknown spellings come back upper-cased.
func NormalizeSignal(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if n, ok := signalNumbers[s]; ok {
		return n
	}
	if !strings.HasPrefix(s, "SIG") {
		s = "SIG" + s
	}
	return s
}

var signalNumbers = map[string]string{"1": "SIGHUP", "2": "SIGINT", "3": "SIGQUIT", "9": "SIGKILL", "15": "SIGTERM", "10": "SIGUSR1", "12": "SIGUSR2", "28": "SIGWINCH"}
