package lint

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/gracelint/gracelint/internal/source"
)

// UnusedSuppression reports an ignore comment or label that suppresses
// nothing, so it cannot silently hide a future finding. The core runs it
// after the other rules; it has no Check of its own.
var UnusedSuppression = &Rule{
	ID:       "GL001",
	Name:     "unused-suppression",
	Severity: Info,
	Summary:  "a gracelint ignore comment or label suppresses nothing",
	Tags:     []string{"suppression"},
	SafeFix:  true,
}

// suppression is one "gracelint ignore" and what it covers.
type suppression struct {
	rules  []string    // IDs or names as written
	span   source.Span // where it is written
	global bool        // the whole file
	// from and to are the byte range findings must start in.
	from, to int
	used     map[string]bool
	// line is the whole comment line, for removing it.
	line source.Span
}

func (s *suppression) matches(r *Rule) string {
	for _, name := range s.rules {
		if strings.EqualFold(name, r.ID) || name == r.Name {
			return name
		}
	}
	return ""
}

// ignoreRe matches "# gracelint ignore=GL101,GL103 -- reason" and
// "# gracelint global ignore=...".
var ignoreRe = regexp.MustCompile(`^[ \t]*#[ \t]*gracelint[ \t]+(global[ \t]+)?ignore=([^\s]+)(?:[ \t]+--[ \t]*(.*?))?[ \t]*\r?$`)

// suppressions finds the file's ignore comments (Dockerfile) or labels (task
// definition containers).
func (f *File) suppressions() []*suppression {
	var out []*suppression
	switch f.Kind {
	case Dockerfile:
		var starts [][2]int // first and last line of each instruction
		for _, s := range f.Docker.Stages {
			starts = append(starts, [2]int{s.From.Span.Start.Line, s.From.Span.End.Line})
			for _, in := range s.Instructions {
				starts = append(starts, [2]int{in.Span.Start.Line, in.Span.End.Line})
			}
		}
		for n := 1; n <= f.Lines.Count(); n++ {
			m := ignoreRe.FindSubmatchIndex(f.Lines.Line(n))
			if m == nil {
				continue
			}
			lineStart := f.Lines.LineStart(n)
			s := &suppression{
				rules:  strings.Split(string(f.Lines.Line(n)[m[4]:m[5]]), ","),
				span:   f.Lines.Span(lineStart+m[0], lineStart+m[1]),
				global: m[2] >= 0,
				line:   f.Lines.Span(lineStart, f.Lines.LineStart(n+1)),
				used:   map[string]bool{},
			}
			if n == f.Lines.Count() {
				s.line = f.Lines.Span(lineStart, f.Lines.LineEnd(n))
			}
			if s.global {
				s.from, s.to = 0, len(f.Lines.Bytes())
			} else if first, last, ok := f.nextInstruction(n, starts); ok {
				s.from, s.to = f.Lines.LineStart(first), f.Lines.LineEnd(last)+1
			} else {
				s.from, s.to = -1, -1 // covers nothing
			}
			out = append(out, s)
		}
	case TaskDef, CloudFormation:
		for _, t := range f.Targets {
			c := t.ECS
			v := c.Field("dockerLabels").Get("gracelint.ignore")
			if v == nil || v.Str == "" {
				continue
			}
			list, _, _ := strings.Cut(v.Str, "--")
			out = append(out, &suppression{span: f.Span(v), from: c.Node.Start, to: c.Node.End, used: map[string]bool{},
				rules: strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' })})
		}
	}
	return out
}

// nextInstruction returns the lines of the instruction that follows comment
// line n, when only comments and blank lines stand between.
func (f *File) nextInstruction(n int, instrs [][2]int) (first, last int, ok bool) {
	i := slices.IndexFunc(instrs, func(in [2]int) bool { return in[0] > n })
	if i < 0 {
		return 0, 0, false
	}
	for l := n + 1; l < instrs[i][0]; l++ {
		text := strings.TrimSpace(string(f.Lines.Line(l)))
		if text != "" && !strings.HasPrefix(text, "#") {
			return 0, 0, false
		}
	}
	return instrs[i][0], instrs[i][1], true
}

// suppress drops the findings an ignore covers and reports ignores that
// cover none.
func (l *Linter) suppress(f *File, findings []Finding) []Finding {
	sups := f.suppressions()
	if len(sups) == 0 {
		return findings
	}
	kept := findings[:0]
	for _, fd := range findings {
		off := fd.Span.Start.Offset
		hidden := false
		for _, s := range sups {
			if name := s.matches(fd.Rule); name != "" && off >= s.from && off < s.to {
				s.used[name], hidden = true, true
			}
		}
		if !hidden {
			kept = append(kept, fd)
		}
	}
	if !slices.Contains(l.Rules, UnusedSuppression) || l.Options.Disabled[UnusedSuppression.ID] {
		return kept
	}
	known := map[string]*Rule{}
	for _, r := range l.Rules {
		known[strings.ToUpper(r.ID)], known[r.Name] = r, r
	}
	for _, s := range sups {
		var unused []string
		for _, name := range s.rules {
			r := known[name]
			if r == nil {
				r = known[strings.ToUpper(name)]
			}
			switch {
			case r == nil:
				kept = append(kept, unusedFinding(f, s, fmt.Sprintf("the ignore names %q, which is no gracelint rule", name), "name rules by ID (GL102) or name (shell-wrapper-without-exec); gracelint rules lists them", nil))
			case !s.used[name] && !l.Options.Disabled[r.ID]:
				unused = append(unused, name)
			}
		}
		if len(unused) == 0 {
			continue
		}
		where := "on the instruction below it"
		switch {
		case s.global:
			where = "in this file"
		case s.from < 0:
			where = "here: no instruction follows it directly"
		case f.Kind != Dockerfile:
			where = "in this container"
		}
		var fix *Fix
		if f.Kind == Dockerfile && len(unused) == len(s.rules) {
			fix = &Fix{Description: "Remove the ignore comment", Safe: true, Edits: []TextEdit{{Span: s.line}}}
		}
		msg := fmt.Sprintf("the ignore of %s suppresses nothing %s; remove it, or it will hide a future finding", strings.Join(unused, ", "), where)
		kept = append(kept, unusedFinding(f, s, msg, "remove "+strings.Join(unused, ", ")+" from the ignore", fix))
	}
	return kept
}

func unusedFinding(f *File, s *suppression, msg, suggestion string, fix *Fix) Finding {
	return Finding{Rule: UnusedSuppression, Severity: UnusedSuppression.Severity, File: f.Path, Span: s.span, Message: msg, Suggestion: suggestion, Fix: fix}
}
