package lint

import (
	"fmt"
	"path"
	"strings"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/parser/shell"
)

// Hop is one place on the path from what the platform starts to the
// process that loses work: a command, an image's ENTRYPOINT, a script
// line, the worker, the stop timeout.
type Hop struct {
	File string
	Span source.Span
	Role string // what happens there, in words: "PID 1: sh", "stopTimeout is not set: 30 s"
}

// withPaths gives each finding about a container the path of that
// container's process tree: the hops of the first container one of whose
// hops, or whose anchor, is on the finding's line.
func (l *Linter) withPaths(f *File, findings []Finding) {
	if len(findings) == 0 {
		return
	}
	// A finding gets the path of the first target it is on: at the
	// target's anchor, or at one of its hops. Indexed by file and line, so
	// that a file of many containers costs time linear in their number.
	type place struct {
		file string
		line int
	}
	first := map[place][]Hop{}
	for _, t := range f.Targets {
		p := l.path(f, t)
		if len(p) <= 1 {
			continue
		}
		at := []place{{f.Path, t.Anchor.Start.Line}}
		for _, h := range p {
			at = append(at, place{h.File, h.Span.Start.Line})
		}
		for _, k := range at {
			if _, ok := first[k]; !ok {
				first[k] = p
			}
		}
	}
	for i := range findings {
		if p, ok := first[place{findings[i].File, findings[i].Span.Start.Line}]; ok {
			findings[i].Path = p
		}
	}
}

// path lists the hops of t's process tree whose file gracelint knows.
func (l *Linter) path(f *File, t *Target) []Hop {
	var out []Hop
	add := func(file string, sp source.Span, role string) {
		if file != "" && !sp.IsZero() {
			out = append(out, Hop{File: file, Span: sp, Role: role})
		}
	}
	// fileOf is the file an argument's span lies in: a script's, the
	// linted file's arrays, or the linked Dockerfile's instructions; ""
	// where that is not known.
	fileOf := func(a chain.Arg) string {
		switch {
		case a.File != "":
			return a.File
		case t.SourceOf(a) != nil:
			return f.Path
		case t.Image != nil:
			return f.Path
		case t.Linked != nil && t.Dockerfile != "":
			for _, st := range []*Setting{t.Linked.Entrypoint, t.Linked.Cmd} {
				if st != nil && st.Instr != nil && within(a.Span, st.Instr.Span) {
					return l.display(t.Dockerfile)
				}
			}
		}
		return ""
	}
	c := t.Chain
	if c != nil {
		if c.Init != nil && c.Init.Platform != "" {
			add(f.Path, t.Anchor, "PID 1: "+c.Init.Name+" ("+c.Init.Platform+")")
		} else if len(c.Argv) > 0 {
			add(fileOf(c.Argv[0]), c.Argv[0].Span, "PID 1: "+c.Argv[0].Value)
		}
	}
	if t.Linked != nil && t.Dockerfile != "" {
		// The image's ENTRYPOINT runs unless the platform replaces it; its
		// CMD unless the platform sets either.
		r := t.run
		for _, st := range []*Setting{t.Linked.Entrypoint, t.Linked.Cmd} {
			used := r == nil || !r.entrySet && (st == t.Linked.Entrypoint || !r.cmdSet)
			if st != nil && st.Instr != nil && used {
				add(l.display(t.Dockerfile), st.Instr.Span, "the image's "+st.Instr.Keyword+" "+words(st.Argv, 12))
			}
		}
	}
	for _, a := range t.Arrays {
		add(f.Path, a.Span, a.Name+" "+short(strings.Join(a.Values, " ")))
	}
	if c != nil {
		for _, s := range c.Scripts {
			m := s.Result.Main
			if s.File == nil || s.File.Inline || m == nil {
				continue
			}
			how := "without exec: the script's shell stays its parent"
			if s.Result.Verdict == shell.Replaces {
				how = "with exec"
			}
			lines := source.NewLines(s.File.Src)
			add(s.File.Name, lines.Span(m.Start, m.End), fmt.Sprintf("%s runs %s %s", path.Base(s.File.Name), short(m.String()), how))
		}
		if w := c.Worker; w != nil && len(w.Argv) > 0 {
			add(fileOf(w.Argv[0]), w.Argv[0].Span, "main process: "+w.Name)
		}
	}
	if st := t.Stop; st != nil {
		switch {
		case st.Set && !st.Unknown:
			add(f.Path, st.Span, fmt.Sprintf("%s is %d s: %s sends SIGKILL then", st.Field, st.Seconds, st.Platform))
		case !st.Set:
			add(f.Path, t.Anchor, fmt.Sprintf("%s is not set: %s sends SIGKILL after %d s", st.Field, st.Platform, st.Seconds))
		}
	}
	return out
}

// within tells a span inside another.
func within(in, out source.Span) bool {
	return in.Start.Offset >= out.Start.Offset && in.End.Offset <= out.End.Offset
}

// short keeps a role readable, and a report of many findings small: a
// command is shown by its first 80 bytes.
func short(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
