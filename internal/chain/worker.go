package chain

import (
	"path"
	"strconv"
	"strings"
)

// Worker is a recognized job worker and the flags that decide how it stops.
type Worker struct {
	Name string // "sidekiq"
	Argv []Arg  // from the worker's program name on
	// Timeout is the drain time in seconds after TERM that a flag sets;
	// TimeoutSet tells whether a flag sets it, TimeoutKnown whether its value
	// can be read (an unset timeout is known: the worker's default).
	Timeout      int
	TimeoutSet   bool
	TimeoutKnown bool
	TimeoutArg   *Arg
	TimeoutFlag  string // as written: "-t 20", "--timeout=60"
	Config       string // -C PATH
	Environment  string // -e ENV
}

// FindWorker recognizes Sidekiq in argv, through exec-transparent wrappers.
func FindWorker(argv []Arg) *Worker {
	prog := Program(Values(argv))
	if len(prog) == 0 {
		return nil
	}
	args := argv[len(argv)-len(prog):]
	if args[0].Expanded {
		return nil
	}
	switch path.Base(prog[0]) {
	case "sidekiq", "sidekiqswarm":
	default:
		return nil
	}
	w := &Worker{Name: "sidekiq", Argv: args, TimeoutKnown: true}
	for i := 1; i < len(args); i++ {
		a := args[i].Value
		val := func() (*Arg, bool) {
			if i+1 < len(args) {
				i++
				return &args[i], true
			}
			return nil, false
		}
		var v *Arg
		var flag string
		written := a
		switch {
		case a == "-t" || a == "--timeout" || a == "-C" || a == "--config" || a == "-e" || a == "--environment":
			flag = a
			var ok bool
			if v, ok = val(); !ok {
				continue
			}
			written = a + " " + v.Value
		case strings.HasPrefix(a, "--timeout="), strings.HasPrefix(a, "--config="), strings.HasPrefix(a, "--environment="):
			flag, _, _ = strings.Cut(a, "=")
			cp := args[i]
			cp.Value = strings.TrimPrefix(a, flag+"=")
			v = &cp
		case len(a) > 2 && (strings.HasPrefix(a, "-t") || strings.HasPrefix(a, "-C") || strings.HasPrefix(a, "-e")):
			flag = a[:2]
			cp := args[i]
			cp.Value = a[2:]
			v = &cp
		default:
			continue
		}
		switch flag {
		case "-t", "--timeout":
			w.TimeoutSet, w.TimeoutArg, w.TimeoutFlag = true, v, written
			n, err := strconv.Atoi(v.Value)
			w.Timeout, w.TimeoutKnown = n, err == nil && !v.Expanded && n >= 0
		case "-C", "--config":
			w.Config = v.Value
		case "-e", "--environment":
			w.Environment = v.Value
		}
	}
	return w
}
