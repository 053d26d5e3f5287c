package lint

import (
	"fmt"
	"path"
	"strconv"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/parser/fly"
)

// Fly.io's defaults when fly.toml sets no kill_signal or kill_timeout
// (fly.io/docs/reference/configuration, "Runtime options").
const (
	flyKillSignal  = "SIGINT"
	flyKillTimeout = 5
	// flyMaxSharedKillTimeout is the longest kill_timeout on shared CPUs.
	flyMaxSharedKillTimeout = 300
)

// FlyProcess is a process group of a fly.toml.
type FlyProcess struct {
	Config *fly.Config
	Name   string // "app" when [processes] is empty
}

// flyTargets builds one target per process group: each runs the image
// fly.toml builds (its Dockerfile, the file's directory as the context)
// with the group's command as the CMD, under Fly's own init as PID 1.
func (f *File) flyTargets(c *fly.Config, dir string, opt *Options) []*Target {
	procs := c.Processes
	if len(procs) == 0 {
		procs = []*fly.Process{{Name: "app", KeyStart: c.AppStart, KeyEnd: c.AppEnd}}
	}
	var out []*Target
	for _, proc := range procs {
		t := &Target{Name: proc.Name, Fly: &FlyProcess{Config: c, Name: proc.Name}, Anchor: f.Lines.Span(proc.KeyStart, proc.KeyEnd), Env: c.Env}
		r := &run{platformInit: "Fly.io"}
		switch {
		case c.Image != nil && !c.Image.IsArray:
			r.image = c.Image.Str
		case !c.Builder && dir != "":
			df := "Dockerfile"
			if c.Dockerfile != nil && !c.Dockerfile.IsArray {
				df = c.Dockerfile.Str
			}
			r.build, r.context = path.Join(dir, df), dir
			if c.BuildTarget != nil {
				r.target = c.BuildTarget.Str
			}
		}
		for _, a := range []struct {
			name string
			v    *fly.Value
			to   *[]chain.Arg
			set  *bool
		}{{"entrypoint", c.Entrypoint, &r.entry, &r.entrySet}, {"cmd", c.Cmd, &r.cmd, &r.cmdSet}, {"processes." + proc.Name, proc.Command, &r.cmd, &r.cmdSet}} {
			if a.v == nil {
				continue
			}
			words, ok := a.v.Words()
			if !ok {
				continue
			}
			args := make([]chain.Arg, len(words))
			for i, w := range words {
				sp := f.Lines.Span(a.v.Start, a.v.End)
				if a.v.IsArray {
					sp = f.Lines.Span(a.v.Strings[i].Start, a.v.Strings[i].End)
				}
				args[i] = chain.Arg{Value: w, Span: sp}
			}
			*a.set = true
			t.setArgv(a.name, f.Lines.Span(a.v.Start, a.v.End), args, a.to)
		}
		t.run = r
		t.EntrypointUnknown = c.Entrypoint == nil
		t.Stop = f.flyStop(c)
		t.walkRun(opt)
		out = append(out, t)
	}
	return out
}

// flyStop is how Fly stops a Machine: kill_signal, then SIGKILL
// kill_timeout later.
func (f *File) flyStop(c *fly.Config) *Stop {
	st := &Stop{Platform: "Fly.io", Field: "kill_timeout", Default: flyKillTimeout, Seconds: flyKillTimeout,
		Signal: flyKillSignal, SignalField: "kill_signal", Value: strconv.Itoa}
	if !c.Performance {
		st.Max = flyMaxSharedKillTimeout
	}
	if v := c.KillSignal; v != nil {
		st.Signal, st.SignalSet, st.SignalSpan = v.Str, true, f.Lines.Span(v.Start, v.End)
	}
	if v := c.KillTimeout; v != nil {
		n, ok := v.Seconds()
		st.Set, st.Span, st.Unknown = true, f.Lines.Span(v.Start, v.End), !ok
		if ok {
			st.Seconds = n
		}
		if !v.IsInt {
			st.Value = func(seconds int) string { return strconv.Quote(fmt.Sprintf("%ds", seconds)) }
		}
	}
	st.Edit = func(seconds int) TextEdit { return f.setTopLevel(c, c.KillTimeout, "kill_timeout", st.Value(seconds)) }
	st.SignalEdit = func(signal string) TextEdit {
		return f.setTopLevel(c, c.KillSignal, "kill_signal", strconv.Quote(signal))
	}
	return st
}

// setTopLevel sets a top-level key of fly.toml: in place where v is
// written, else on a line of its own after the other top-level keys,
// before the first table.
func (f *File) setTopLevel(c *fly.Config, v *fly.Value, key, text string) TextEdit {
	switch {
	case v != nil:
		return f.Edit(v.Start, v.End, text)
	case c.TopEnd == 0:
		return f.Edit(0, 0, key+" = "+text+f.Newline())
	}
	return f.Edit(c.TopEnd, c.TopEnd, f.Newline()+key+" = "+text)
}
