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
	}
	return out
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
