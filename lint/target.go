package lint

import (
	"fmt"
	"maps"
	"strconv"
	"sync"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/parser/dockerfile"
	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/taskdef"
)

// Stop is how a platform stops a container: SIGTERM (or the image's stop
// signal), then SIGKILL when Seconds have passed.
type Stop struct {
	Platform string // "ECS", "Docker Compose", "Kubernetes"
	Field    string // as the file spells it: "stopTimeout", "stop_grace_period", ...
	Seconds  int    // the time before SIGKILL: the value, or Default
	Default  int
	// DefaultWhy says where Seconds comes from when the field is not set,
	// where that is not the field's own default: "drain_timeout, for a
	// role without the proxy".
	DefaultWhy string
	Set        bool        // the file sets the field
	Unknown    bool        // to a value computed at deploy time
	Span       source.Span // the value, when set
	// PreStop is time a hook spends out of the same budget before the stop
	// signal is sent (a Kubernetes preStop sleep), and where it is written.
	PreStop     int
	PreStopSpan source.Span
	// Signal is the signal the platform stops with where the platform, not
	// the image, chooses it (Fly.io's kill_signal), and the field that sets
	// it; "" where the image's STOPSIGNAL applies. SignalSet tells whether
	// the file writes it, at SignalSpan.
	Signal      string
	SignalField string
	SignalSet   bool
	SignalSpan  source.Span
	// SignalEdit returns the edit that sets the signal; nil where the
	// file is not edited.
	SignalEdit func(signal string) TextEdit
	// Max is the most the field accepts, 0 where gracelint knows none.
	Max int
	// Delivery is which processes get the stop signal.
	Delivery Delivery
	// Init says how the file starts an init for the container, for
	// suggestions; "" where gracelint knows no setting.
	Init string
	// Written writes a setting as the file does ("TimeoutStopSec=95"); nil
	// for the JSON and YAML kinds, which the rules write themselves.
	Written func(key, value string) string
	// Value writes seconds as the field takes them: "30", or "30s".
	Value func(seconds int) string
	// Edit returns the edit that sets the field to seconds; nil where the
	// file is not edited (templates).
	Edit func(seconds int) TextEdit
}

// Delivery says which processes a platform sends its stop signal to.
type Delivery int

// The deliveries.
const (
	ToPID1    Delivery = iota // the container's PID 1, as docker stop does
	ToAll                     // every process (Heroku's dyno manager)
	ToUnknown                 // not documented (Render)
)

// SignalsPID1 reports whether the platform sends the stop signal to PID 1
// alone, which the rules about who gets it (a shell that stays, a missing
// init) assume.
func (t *Target) SignalsPID1() bool { return t.Stop == nil || t.Stop.Delivery == ToPID1 }

// Image is the configuration a Dockerfile's final stage gives its image.
type Image struct {
	Stage *dockerfile.Stage
	// BaseImage is the external image the final stage's lineage starts from.
	BaseImage string
	// Shell is what is known of the base image's /bin/sh.
	Shell      chain.BinSh
	Entrypoint *Setting // nil when unset or set to []
	Cmd        *Setting // nil when unset, or reset by a later ENTRYPOINT
	// EntrypointSet is true when a stage of the lineage sets ENTRYPOINT,
	// even to [], so the base image's ENTRYPOINT no longer applies.
	EntrypointSet bool

	// src is the Dockerfile's source, for the scripts it writes inline;
	// file its stages, for COPY --from.
	src  []byte
	file *dockerfile.File
	// shellIn is the SHELL instruction in effect at the end of the lineage,
	// nil for /bin/sh -c.
	shellIn *dockerfile.Instruction
}

// Setting is a CMD or ENTRYPOINT as the image records it.
type Setting struct {
	Instr *dockerfile.Instruction
	// Argv is what the image runs: a shell form's string with the shell
	// (SHELL, or /bin/sh -c) in front.
	Argv []chain.Arg
	// Shell is the SHELL instruction in effect for a shell form, or nil for
	// the default /bin/sh -c.
	Shell *dockerfile.Instruction
	// Chain is the chain of Argv alone, for a shell form: what runs once
	// whatever precedes it (an ENTRYPOINT) hands over.
	Chain *chain.Chain
}

// ArgSource is an argv array as written in the file.
type ArgSource struct {
	Name    string // "CMD", "ENTRYPOINT", "command", "entryPoint"
	Span    source.Span
	Values  []string
	Setting *Setting // for a Dockerfile
}

// SourceOf returns the array a's span lies in, or nil.
func (t *Target) SourceOf(a chain.Arg) *ArgSource {
	if a.File != "" {
		return nil // a word of a script the image runs
	}
	for _, s := range t.Arrays {
		if s.Span.Start.Offset <= a.Span.Start.Offset && a.Span.End.Offset <= s.Span.End.Offset {
			return s
		}
	}
	return nil
}

// resolve follows FROM <stage> to compute the image config of stage s,
// as BuildKit's dispatcher does.
func resolve(s *dockerfile.Stage) *Image {
	img := &Image{Stage: s, BaseImage: s.Base}
	var shellInstr *dockerfile.Instruction
	if s.BaseStage != nil {
		base := resolve(s.BaseStage)
		img.BaseImage, img.Entrypoint, img.Cmd, img.EntrypointSet = base.BaseImage, base.Entrypoint, base.Cmd, base.EntrypointSet
		shellInstr = base.shellIn
	}
	cmdSet := false
	for _, in := range s.Instructions {
		switch in.Keyword {
		case "SHELL":
			shellInstr = in
		case "CMD":
			img.Cmd, cmdSet = setting(in, shellInstr), true
		case "ENTRYPOINT":
			img.Entrypoint, img.EntrypointSet = setting(in, shellInstr), true
			if !cmdSet {
				img.Cmd = nil // an ENTRYPOINT resets a CMD not set in its own stage
			}
		}
	}
	if img.Cmd != nil && len(img.Cmd.Argv) == 0 {
		img.Cmd = nil
	}
	if img.Entrypoint != nil && len(img.Entrypoint.Argv) == 0 {
		img.Entrypoint = nil
	}
	img.shellIn = shellInstr
	return img
}

func setting(in *dockerfile.Instruction, shellInstr *dockerfile.Instruction) *Setting {
	st := &Setting{Instr: in}
	if in.ShellForm && len(in.Args) == 0 {
		return st // a bare CMD: nothing to run
	}
	if in.ShellForm {
		st.Shell = shellInstr
		if shellInstr != nil {
			st.Argv = args(shellInstr.Args)
		} else {
			st.Argv = []chain.Arg{{Value: "/bin/sh", Span: in.Span}, {Value: "-c", Span: in.Span}}
		}
	}
	st.Argv = append(st.Argv, args(in.Args)...)
	return st
}

func args(in []dockerfile.Arg) []chain.Arg {
	out := make([]chain.Arg, len(in))
	for i, a := range in {
		out[i] = chain.Arg{Value: a.Value, Span: a.Span}
	}
	return out
}

// imageShell is the shell of image, from the options or what gracelint
// knows of the image.
func imageShell(image string, opt *Options) chain.BinSh {
	for _, s := range opt.ImageShells {
		if ok, _ := doublestar.Match(s.Pattern, image); ok {
			sh := s.Shell
			sh.Why = fmt.Sprintf("the configuration says %q has %s", image, shellName(sh))
			return sh
		}
	}
	return chain.ImageShell(image)
}

func shellName(sh chain.BinSh) string {
	if sh.Missing {
		return "no shell"
	}
	return sh.Dialect.String() + " as /bin/sh"
}

func dockerTarget(df *dockerfile.File, o *Options) *Target {
	return stageTarget(df, df.Stages[len(df.Stages)-1], "the final stage", o)
}

// stageTarget is the container that runs the image stage st builds.
func stageTarget(df *dockerfile.File, final *dockerfile.Stage, name string, o *Options) *Target {
	img := resolve(final)
	img.src, img.file = df.Lines.Bytes(), df
	img.Shell = imageShell(img.BaseImage, o)
	t := &Target{Name: name, Image: img, Anchor: final.From.Span, EntrypointUnknown: !img.EntrypointKnown()}
	opt := walkOptions(img.Shell, "", sync.OnceValue(img.Env), nil)
	var argv []chain.Arg
	for _, st := range []*Setting{img.Entrypoint, img.Cmd} {
		if st == nil {
			continue
		}
		if len(argv) == 0 {
			t.Anchor = st.Instr.Span
		}
		argv = append(argv, st.Argv...)
		if st.Instr.ShellForm && !chain.IsWindows(img.BaseImage) {
			st.Chain = chain.Walk(st.Argv, opt)
		}
		t.Arrays = append(t.Arrays, &ArgSource{Name: st.Instr.Keyword, Span: st.Instr.ArgsSpan, Values: chain.Values(args(st.Instr.Args)), Setting: st})
	}
	if len(argv) > 0 && !chain.IsWindows(img.BaseImage) {
		t.Chain = chain.Walk(argv, opt)
	}
	return t
}

func ecsTarget(lines *source.Lines, c *taskdef.Container, o *Options) *Target {
	name := "container"
	if c.Def.Name != nil {
		name = *c.Def.Name
	}
	t := &Target{Name: name, ECS: c, Anchor: span(lines, c.Node), Env: map[string]string{}}
	if n := c.Field("name"); n != nil {
		t.Anchor = span(lines, n)
	}
	for _, kv := range c.Def.Environment {
		if kv.Name != nil && kv.Value != nil {
			t.Env[*kv.Name] = *kv.Value
		}
	}
	t.Stop = &Stop{Platform: "ECS", Field: taskdef.Key("stopTimeout", c.Pascal), Default: 30, Seconds: 30,
		Unknown: c.Unknown("stopTimeout"), Value: strconv.Itoa}
	if s := c.Def.StopTimeout; s != nil {
		t.Stop.Set, t.Stop.Seconds, t.Stop.Span = true, int(*s), span(lines, c.Field("stopTimeout"))
	}
	var argv []chain.Arg
	r := &run{entrySet: c.Def.EntryPoint != nil, cmdSet: c.Def.Command != nil}
	if c.Def.Image != nil && !c.Unknown("image") {
		r.image = *c.Def.Image
	}
	if c.InitProcessEnabled() {
		r.platformInit = "initProcessEnabled"
	}
	t.run = r
	t.EntrypointUnknown = c.Def.EntryPoint == nil
	// Parse left Def.EntryPoint and Def.Command nil unless they are arrays
	// of strings.
	for _, f := range []struct {
		name string
		set  bool
	}{{"entryPoint", c.Def.EntryPoint != nil}, {"command", c.Def.Command != nil}} {
		if !f.set {
			continue
		}
		n := c.Field(f.name)
		a := arrayArgs(lines, n)
		argv = append(argv, a...)
		if f.name == "entryPoint" {
			r.entry = a
		} else {
			r.cmd = a
		}
		t.Arrays = append(t.Arrays, &ArgSource{Name: f.name, Span: span(lines, n), Values: chain.Values(a)})
	}
	if len(argv) == 0 {
		return t
	}
	image := ""
	if c.Def.Image != nil {
		image = *c.Def.Image
	}
	sh := imageShell(image, o)
	opt := walkOptions(sh, "", fixedEnv(t.Env), nil)
	if c.InitProcessEnabled() {
		opt.PlatformInit = "initProcessEnabled"
	}
	t.Chain = chain.Walk(argv, opt)
	return t
}

// wordArgs are the words of a command a file writes as one string, each
// pointing at the string.
func wordArgs(words []string, sp source.Span) []chain.Arg {
	out := make([]chain.Arg, len(words))
	for i, w := range words {
		out[i] = chain.Arg{Value: w, Span: sp}
	}
	return out
}

func span(lines *source.Lines, n *jsonpos.Node) source.Span {
	return lines.Span(n.Start, n.End)
}

func arrayArgs(lines *source.Lines, n *jsonpos.Node) []chain.Arg {
	out := make([]chain.Arg, len(n.Elems))
	for i, e := range n.Elems {
		out[i] = chain.Arg{Value: e.Str, Span: span(lines, e), Expanded: e.Kind == jsonpos.Expr}
	}
	return out
}

// walkOptions are the options of a chain walk in an image whose /bin/sh is
// sh, with the container's environment and the image's scripts.
func walkOptions(sh chain.BinSh, platformInit string, env func() map[string]string, scripts func(string) (*chain.ScriptFile, bool)) chain.Options {
	return chain.Options{Sh: sh.Dialect, ShWhy: sh.Why, ShAssumed: sh.Assumed, PlatformInit: platformInit, Env: env, Script: scripts}
}

// fixedEnv is an environment already at hand.
func fixedEnv(env map[string]string) func() map[string]string {
	return func() map[string]string { return env }
}

// withEnv is the image's environment with the container's over it.
func withEnv(image, container map[string]string) map[string]string {
	out := make(map[string]string, len(image)+len(container))
	maps.Copy(out, image)
	maps.Copy(out, container)
	return out
}
