package lint

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/parser/shell"
)

// Describe says in a few lines what gracelint knows of the container: the
// image it runs and how that was found, the process chain from PID 1 to
// the worker with the scripts followed, and how the platform stops it. It
// is what -v prints, so a user can see why a container is clean.
func (t *Target) Describe() []string {
	out := []string{"container " + t.Name}
	if t.Image != nil {
		out = []string{"image of " + t.Name}
	}
	switch {
	case t.Image != nil:
		out = append(out, "  image: the one this Dockerfile builds")
	case t.Dockerfile != "":
		out = append(out, fmt.Sprintf("  image: built from %s (%s)", t.Dockerfile, t.Link))
	case t.Link != "":
		out = append(out, "  image: "+t.Link)
	}
	c := t.Chain
	if c == nil {
		out = append(out, "  process: not judged (it runs once, or its command is not known here)")
	} else {
		out = append(out, "  runs: "+words(c.Argv, 12))
		if len(c.Argv) > 0 {
			out = append(out, "  PID 1: "+pid1(c))
		}
		for _, s := range c.Scripts {
			switch {
			case s.File != nil && s.ParseErr != nil:
				out = append(out, "  script: "+s.File.Name+", not read: "+s.ParseErr.Error()+"; what it starts is not judged")
			case s.File != nil:
				out = append(out, "  script: "+s.File.Name)
			}
		}
		if w := c.Worker; w != nil {
			drain := "its default drain"
			switch {
			case w.Spec.Unbounded && !w.TimeoutSet:
				drain = "a drain without a bound"
			case w.TimeoutSet && w.TimeoutKnown:
				drain = fmt.Sprintf("a drain of %d s (%s)", w.Timeout, w.TimeoutFlag)
			case w.TimeoutSet:
				drain = "a drain set to " + w.TimeoutFlag
			}
			out = append(out, fmt.Sprintf("  program: %s, %s", w.Name, drain))
		} else if len(c.Main) > 0 {
			out = append(out, "  main process: "+words(c.Main, 8))
		}
	}
	if st := t.Stop; st != nil {
		how := fmt.Sprintf("%s is not set: %d s", st.Field, st.Seconds)
		switch {
		case st.Unknown:
			how = st.Field + " is set at deploy time: not known"
		case st.Set:
			how = fmt.Sprintf("%s is %d s", st.Field, st.Seconds)
		}
		// The signal as words, and its name: an image whose signal is not
		// known stops with SIGTERM, as the rules take it, unless a base
		// image gracelint cannot see says otherwise.
		sig, name := "the image's STOPSIGNAL", "SIGTERM"
		if st.Signal != "" {
			sig, name = st.Signal, catalog.NormalizeSignal(st.Signal)
		} else if known, _, ok := t.ImageStopSignal(); ok {
			name = catalog.NormalizeSignal(known)
			sig = name + " (the image's STOPSIGNAL)"
		}
		out = append(out, fmt.Sprintf("  stop: %s sends %s, then SIGKILL; %s", st.Platform, sig, how))
		if !st.Unknown {
			out = append(out, "  timeline: "+t.timeline(sig, name))
		}
	}
	return out
}

// timeline is the stop as the platform's and the worker's clocks see it:
// when the signal goes to PID 1, how it travels down the chain to the
// worker, when the worker's drain ends and when SIGKILL comes. sig says
// the signal in words, name is its name.
func (t *Target) timeline(sig, name string) string {
	st := t.Stop
	var steps []string
	start := 0
	if st.PreStop > 0 {
		steps = append(steps, fmt.Sprintf("t=0 the preStop hook runs for %d s", st.PreStop))
		start = st.PreStop
	}
	to := "PID 1"
	c := t.Chain
	if c != nil && len(c.Argv) > 0 {
		to = "PID 1 (" + pid1(c) + ")"
	}
	steps = append(steps, fmt.Sprintf("t=%d s %s to %s", start, sig, to))
	reach := reachUnknown
	if c != nil {
		var path []string
		path, reach = signalPath(c, name)
		steps = append(steps, path...)
	}
	if reach == reachStopsAt0 {
		return strings.Join(steps, "; ")
	}
	drain, known := 0, false
	if m := managedBy(c); m != nil && reach == reachWorker {
		steps = append(steps, managerWaits(m, start, st.Seconds)...)
	} else if c != nil && c.Worker != nil && reach == reachWorker {
		w := c.Worker
		drain, known = w.Spec.DefaultTimeout, !w.Spec.Unbounded
		if w.TimeoutSet {
			drain, known = w.Timeout, w.TimeoutKnown
		}
		switch {
		case known && drain > 0 && start+drain < st.Seconds:
			steps = append(steps, fmt.Sprintf("t=%d s %s's drain ends", start+drain, w.Name))
		case known && drain > 0:
			steps = append(steps, fmt.Sprintf("%s's drain would end at t=%d s", w.Name, start+drain))
		case !known && w.Spec.Unbounded && !w.TimeoutSet:
			steps = append(steps, w.Name+" drains without a bound")
		}
	}
	kill := fmt.Sprintf("t=%d s SIGKILL to every process left", st.Seconds)
	if known && drain > 0 && start+drain >= st.Seconds {
		kill += ", " + c.Worker.Name + " among them, mid-drain"
	}
	return strings.Join(append(steps, kill), "; ")
}

// managedBy is what the process manager the chain ends in runs; nil for
// none.
func managedBy(c *chain.Chain) *chain.Managed {
	if c == nil || c.Managed == nil || c.Managed.Manager != c.Worker || len(c.Managed.Processes) == 0 {
		return nil
	}
	return c.Managed
}

// managerWaits says when the manager gives up on each of its processes
// and SIGKILLs it, for those it stops before the platform's SIGKILL at kill.
func managerWaits(m *chain.Managed, start, kill int) []string {
	var steps []string
	byWait := map[int][]string{}
	var unknown []string
	for _, p := range m.Processes {
		switch {
		case !p.Wait.Known:
			unknown = append(unknown, p.Name)
		case p.Wait.Unbounded:
		case start+p.Wait.Seconds < kill:
			byWait[start+p.Wait.Seconds] = append(byWait[start+p.Wait.Seconds], p.Name)
		}
	}
	for _, at := range slices.Sorted(maps.Keys(byWait)) {
		steps = append(steps, fmt.Sprintf("t=%d s %s SIGKILLs %s, if still running", at, m.Manager.Name, strings.Join(byWait[at], ", ")))
	}
	if len(unknown) > 0 {
		steps = append(steps, fmt.Sprintf("how long %s waits for %s is set at run time", m.Manager.Name, strings.Join(unknown, ", ")))
	}
	return steps
}

// reach says where the stop signal ends up.
type reach int

const (
	reachUnknown  reach = iota // not known (a script gracelint cannot read)
	reachWorker                // the worker gets it
	reachNever                 // something ignores it: the worker waits for SIGKILL
	reachStopsAt0              // the chain falls apart at once: the container stops, the worker with it
)

// signalPath follows the stop signal from PID 1 down the chain, as the
// measured table has it (rules/signals_test.go, docs/pid1.md): an init
// forwards it; a shell or script that stays as its command's parent
// ignores it as PID 1, and under an init dies of it at once, after which
// the init exits and the container stops; a script that traps TERM passes
// it on. Shells and scripts that exec are replaced and take no part. sig
// is the signal's name ("SIGTERM").
func signalPath(c *chain.Chain, sig string) ([]string, reach) {
	hops, unknown := stayers(c)
	if unknown != "" {
		return []string{fmt.Sprintf("whether %s passes it on is not known", unknown)}, reachUnknown
	}
	worker := "the main process"
	if c.Worker != nil {
		worker = c.Worker.Name
	}
	var steps []string
	var fwd string // the last process that passes the signal on
	for _, h := range hops {
		switch {
		case h.init != nil && h.init.Group:
			steps = append(steps, h.init.Name+" passes it to its child's process group")
			fwd = h.init.Name
		case h.init != nil:
			steps = append(steps, h.init.Name+" forwards it to its child")
			fwd = h.init.Name
		case h.fwd:
			steps = append(steps, h.name+" traps it and passes it on")
			fwd = h.name
		case h.what != "":
			return append(steps, fmt.Sprintf("%s %s: %s gets it late, if at all", h.name, h.what, worker)), reachUnknown
		case fwd == "":
			return append(steps, fmt.Sprintf("%s is PID 1, does not exec and ignores it: %s never gets it", h.name, worker)), reachNever
		default:
			return append(steps, fmt.Sprintf("%s, which does not exec, exits at once, %s exits with it and the container stops: %s is SIGKILLed at once", h.name, fwd, worker)), reachStopsAt0
		}
	}
	if c.Worker == nil {
		return steps, reachUnknown
	}
	w := c.Worker
	term := sig == "SIGTERM"
	switch {
	case term && w.Spec.OnTerm == catalog.Ignores && fwd == "":
		return append(steps, w.Name+" is PID 1 with no handler and ignores it"), reachNever
	case sig == w.Spec.Graceful || term && w.Spec.Graceful == "" && w.Spec.OnTerm == catalog.Drains:
		steps = append(steps, w.Name+" gets it and drains")
	case slices.Contains(w.Spec.Fast, sig) || term && w.Spec.OnTerm == catalog.Exits:
		return append(steps, w.Name+" gets it and stops at once, its work cut"), reachStopsAt0
	case term && w.Spec.OnTerm == catalog.Forwards && managedBy(c) != nil:
		var names []string
		for _, p := range c.Managed.Processes {
			names = append(names, p.Name)
		}
		steps = append(steps, fmt.Sprintf("%s gets it and stops its processes (%s), each with its own signal", w.Name, strings.Join(names, ", ")))
	case term && w.Spec.OnTerm == catalog.Forwards:
		steps = append(steps, w.Name+" gets it and passes it on to what it runs")
	default:
		steps = append(steps, w.Name+" gets it")
	}
	return steps, reachWorker
}

// hop is a process of the chain that stays while what it runs runs: an
// init, or a shell or script that does not exec.
type hop struct {
	order int
	init  *chain.Init
	name  string // a shell or script that stays
	what  string // how it stays, for a script that waits before its trap
	fwd   bool   // it passes the signal on (a script that traps TERM)
}

// stayers are the processes of the chain that stay as their command's
// parent, in the order they start; what execs is replaced by what it runs
// and is left out. unknown names a shell or script whose hand-over is not
// known, "" when all are.
func stayers(c *chain.Chain) (hops []hop, unknown string) {
	for _, in := range c.Inits {
		hops = append(hops, hop{order: in.Order, init: in})
	}
	if sh := c.Shell; sh != nil {
		switch sh.Result.Verdict {
		case shell.Replaces:
		case shell.Stays:
			hops = append(hops, hop{order: sh.Order, name: path.Base(sh.Name)})
		default:
			return nil, path.Base(sh.Name)
		}
	}
	for _, s := range c.Scripts {
		name := "a script"
		if s.File != nil {
			name = path.Base(s.File.Name)
		}
		switch {
		case s.Parsed == nil:
			return nil, name
		case s.Forwards:
			hops = append(hops, hop{order: s.Order, name: name, fwd: true})
		case s.Delay != nil:
			hops = append(hops, hop{order: s.Order, name: name, what: "traps it, but runs its trap only when " + strconv.Quote(s.Delay.String()) + " ends"})
		case s.Result.Verdict != shell.Replaces:
			hops = append(hops, hop{order: s.Order, name: name})
		}
	}
	sort.SliceStable(hops, func(i, j int) bool { return hops[i].order < hops[j].order })
	return hops, ""
}

// pid1 names the process that is PID 1 when the stop signal arrives: the
// first that stays, else the program everything before it execs into.
func pid1(c *chain.Chain) string {
	hops, _ := stayers(c)
	switch {
	case len(hops) > 0 && hops[0].init != nil && hops[0].init.Platform != "":
		return hops[0].init.Name + " (" + hops[0].init.Platform + ")"
	case len(hops) > 0 && hops[0].init != nil:
		return hops[0].init.Name
	case len(hops) > 0:
		return hops[0].name
	case c.Worker != nil:
		return path.Base(c.Worker.Argv[0].Value)
	case len(c.Main) > 0:
		return path.Base(c.Main[0].Value)
	}
	return c.Argv[0].Value
}

// words renders at most n words of an argv.
func words(argv []chain.Arg, n int) string {
	var out []string
	for i, a := range argv {
		if i == n {
			out = append(out, "...")
			break
		}
		v := a.Value
		if len(v) > 60 {
			v = v[:57] + "..."
		}
		if strings.ContainsAny(v, " \t\n\"'") || v == "" {
			v = strconv.Quote(v)
		}
		out = append(out, v)
	}
	return strings.Join(out, " ")
}
