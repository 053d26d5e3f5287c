package chain

import (
	"slices"
	"strings"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/num"
)

// Worker is a catalogued program a chain ends in (a worker, a server, a
// process manager, ...) and the flags that decide how it stops.
type Worker struct {
	Name string // "sidekiq"
	Spec *catalog.Program
	Argv []Arg // from the worker's program name on
	// Timeout is the drain time in seconds after TERM that a flag sets;
	// TimeoutSet tells whether a flag sets it, TimeoutKnown whether its value
	// can be read (an unset timeout is known: the worker's default).
	Timeout      int
	TimeoutSet   bool
	TimeoutKnown bool
	TimeoutArg   *Arg
	TimeoutFlag  string // as written: "-t 20", "--timeout=60"
	Config       string // Sidekiq's -C PATH
	Environment  string // Sidekiq's -e ENV

	argsAt int // where the program's own arguments start in Argv
}

// FindWorker recognizes a catalogued program in argv, through
// exec-transparent wrappers.
func FindWorker(argv []Arg) *Worker {
	prog := Program(Values(argv))
	if len(prog) == 0 {
		return nil
	}
	args := argv[len(argv)-len(prog):]
	if args[0].Expanded {
		return nil
	}
	spec, at := catalog.Lookup(prog)
	if spec == nil || spec.Role == catalog.Wrapper || spec.Role == catalog.Init {
		return nil
	}
	w := &Worker{Name: spec.Name, Spec: spec, Argv: args, TimeoutKnown: true, argsAt: min(at, len(args))}
	flags := slices.Clone(spec.TimeoutFlags)
	if spec.Name == "sidekiq" {
		flags = append(flags, "-C", "--config", "-e", "--environment")
	}
	for i := 1; i < len(args); i++ {
		a := args[i].Value
		var v *Arg
		var flag string
		written := a
		switch {
		case slices.Contains(flags, a):
			if i+1 >= len(args) {
				continue
			}
			i++
			flag, v, written = a, &args[i], a+" "+args[i].Value
		case strings.HasPrefix(a, "--") && strings.Contains(a, "=") && slices.Contains(flags, a[:strings.IndexByte(a, '=')]):
			flag, _, _ = strings.Cut(a, "=")
			cp := args[i]
			cp.Value = a[len(flag)+1:]
			v = &cp
		case len(a) > 2 && !strings.HasPrefix(a, "--") && slices.Contains(flags, a[:2]):
			flag = a[:2]
			cp := args[i]
			cp.Value = a[2:]
			v = &cp
		default:
			continue
		}
		switch {
		case slices.Contains(spec.TimeoutFlags, flag):
			w.TimeoutSet, w.TimeoutArg, w.TimeoutFlag = true, v, written
			n, err := num.Atoi(v.Value)
			if spec.TimeoutMillis {
				n = (n + 999) / 1000
			}
			w.Timeout, w.TimeoutKnown = n, err == nil && !v.Expanded && n >= 0
		case flag == "-C" || flag == "--config":
			w.Config = v.Value
		case flag == "-e" || flag == "--environment":
			w.Environment = v.Value
		}
	}
	return w
}
