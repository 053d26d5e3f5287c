package lint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gracelint/gracelint/internal/chain"
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
			pid1 := c.Argv[0].Value
			if c.Init != nil && c.Init.Platform != "" {
				pid1 = c.Init.Name + " (" + c.Init.Platform + ")"
			}
			out = append(out, "  PID 1: "+pid1)
		}
		for _, s := range c.Scripts {
			if s.File != nil {
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
		sig := "the image's STOPSIGNAL"
		if st.Signal != "" {
			sig = st.Signal
		}
		out = append(out, fmt.Sprintf("  stop: %s sends %s, then SIGKILL; %s", st.Platform, sig, how))
		if !st.Unknown {
			out = append(out, "  timeline: "+t.timeline(sig))
		}
	}
	return out
}

// timeline is the stop as the platform's and the worker's clocks see it:
// when the signal goes to PID 1, when the worker's own drain would end,
// and when SIGKILL comes. Who passes the signal on is what the findings
// say.
func (t *Target) timeline(sig string) string {
	st := t.Stop
	var steps []string
	start := 0
	if st.PreStop > 0 {
		steps = append(steps, fmt.Sprintf("t=0 the preStop hook runs for %d s", st.PreStop))
		start = st.PreStop
	}
	pid1 := "PID 1"
	if c := t.Chain; c != nil && len(c.Argv) > 0 {
		pid1 = "PID 1 (" + c.Argv[0].Value + ")"
		if c.Init != nil && c.Init.Platform != "" {
			pid1 = "PID 1 (" + c.Init.Name + ")"
		}
	}
	steps = append(steps, fmt.Sprintf("t=%d s %s to %s", start, sig, pid1))
	if c := t.Chain; c != nil && c.Worker != nil {
		w := c.Worker
		drain, known := w.Spec.DefaultTimeout, !w.Spec.Unbounded
		if w.TimeoutSet {
			drain, known = w.Timeout, w.TimeoutKnown
		}
		switch {
		case known && drain > 0:
			steps = append(steps, fmt.Sprintf("t=%d s %s's drain ends, if it got the signal", start+drain, w.Name))
		case !known && w.Spec.Unbounded && !w.TimeoutSet:
			steps = append(steps, w.Name+" drains without a bound")
		}
	}
	steps = append(steps, fmt.Sprintf("t=%d s SIGKILL to every process left", st.Seconds))
	return strings.Join(steps, "; ")
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
