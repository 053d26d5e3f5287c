package lint

import (
	"bytes"
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

// MalformedSuppression reports a gracelint comment that is no valid
// suppression (a typo in the syntax, no reason after "--", a rule that does
// not exist): it suppresses nothing, and its author thinks it does. The
// core runs it with the suppressions; it has no Check of its own.
var MalformedSuppression = &Rule{
	ID:       "GL002",
	Name:     "malformed-suppression",
	Severity: Warning,
	Summary:  "a gracelint comment is no valid suppression: bad syntax, no reason, or a rule that does not exist",
	Tags:     []string{"suppression"},
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
	// reason is false when nothing follows "--" to say why.
	reason bool
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
// "# gracelint global ignore=...", also after "//" (HCL).
var ignoreRe = regexp.MustCompile(`^[ \t]*(?:#|//)[ \t]*gracelint[ \t]+(global[ \t]+)?ignore=([^\s]+)(?:[ \t]+--[ \t]*(.*?))?[ \t]*\r?$`)

// directiveRe matches a comment line meant as a gracelint directive, valid
// or not: "# gracelint ignore GL101", "# gracelint: ignore=GL101",
// "#gracelint-disable=GL101". Prose that names gracelint is not one.
var directiveRe = regexp.MustCompile(`(?i)^[ \t]*(?:#|//)[ \t]*gracelint[ \t]*[:=-]?[ \t]*(?:global[ \t]+)?(?:ignore|disable|skip|noqa|nolint)`)

// commented tells the kinds whose comments hold suppressions, like a
// Dockerfile's: the YAML, TOML, INI and HCL files and Procfiles.
func commented(k Kind) bool {
	switch k {
	case Compose, Kubernetes, Helm, CloudFormation, Fly, Kamal, Render, Procfile, Systemd, Terraform, Copilot:
		return true
	}
	return false
}

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
				reason: m[6] >= 0 && m[7] > m[6],
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
		if f.Kind == CloudFormation {
			out = append(out, commentSuppressions(f.Lines)...)
		}
		for _, t := range f.Targets {
			c := t.ECS
			v := c.Field("dockerLabels").Get("gracelint.ignore")
			if v == nil || v.Str == "" {
				continue
			}
			list, reason, _ := strings.Cut(v.Str, "--")
			out = append(out, &suppression{span: f.Span(v), from: c.Node.Start, to: c.Node.End, used: map[string]bool{},
				rules:  strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }),
				reason: strings.TrimSpace(reason) != ""})
		}
	default:
		if commented(f.Kind) {
			out = append(out, commentSuppressions(f.Lines)...)
		}
	}
	return out
}

// commentSuppressions reads the ignore comments of a file whose comments
// start with "#" (or "//"): one covers the line after it (comments and
// blank lines between) and the lines indented deeper below that one, which
// in YAML is the key and all it holds; a global one covers the file.
func commentSuppressions(lines *source.Lines) []*suppression {
	var out []*suppression
	for n := 1; n <= lines.Count(); n++ {
		line := lines.Line(n)
		m := ignoreRe.FindSubmatchIndex(line)
		if m == nil {
			continue
		}
		start := lines.LineStart(n)
		s := &suppression{
			rules:  strings.Split(string(line[m[4]:m[5]]), ","),
			span:   lines.Span(start+m[0], start+m[1]),
			global: m[2] >= 0,
			line:   lines.Span(start, lines.LineStart(n+1)),
			used:   map[string]bool{},
			reason: m[6] >= 0 && m[7] > m[6],
		}
		if n == lines.Count() {
			s.line = lines.Span(start, lines.LineEnd(n))
		}
		switch first, last := coveredLines(lines, n); {
		case s.global:
			s.from, s.to = 0, len(lines.Bytes())
		case first > 0:
			s.from, s.to = lines.LineStart(first), lines.LineEnd(last)+1
		default:
			s.from, s.to = -1, -1
		}
		out = append(out, s)
	}
	return out
}

// coveredLines are the first and last line an ignore comment on line n
// covers: the next line that is neither blank nor a comment, and the lines
// below it indented deeper. 0 when nothing follows.
func coveredLines(lines *source.Lines, n int) (first, last int) {
	indent := func(l []byte) int { return len(l) - len(bytes.TrimLeft(l, " \t")) }
	blank := func(l []byte) bool {
		t := bytes.TrimSpace(l)
		return len(t) == 0 || t[0] == '#' || bytes.HasPrefix(t, []byte("//"))
	}
	for first = n + 1; first <= lines.Count() && blank(lines.Line(first)); first++ {
	}
	if first > lines.Count() {
		return 0, 0
	}
	last = first
	for l := first + 1; l <= lines.Count(); l++ {
		text := lines.Line(l)
		if blank(text) {
			continue
		}
		if indent(text) <= indent(lines.Line(first)) {
			break
		}
		last = l
	}
	return first, last
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

// suppress drops the findings an ignore covers, in f or in a script f's
// containers run (others, by the name findings give it), and reports the
// ignores of f that cover none (GL001) or are not valid (GL002).
func (l *Linter) suppress(f *File, findings []Finding, others map[string][]byte) []Finding {
	sups := f.suppressions()
	byFile := map[string][]*suppression{f.Path: sups}
	for name, src := range others {
		if name != f.Path {
			byFile[name] = commentSuppressions(source.NewLines(src))
		}
	}
	kept := findings[:0]
	for _, fd := range findings {
		off := fd.Span.Start.Offset
		hidden := false
		for _, s := range byFile[fd.File] {
			if name := s.matches(fd.Rule); name != "" && off >= s.from && off < s.to {
				s.used[name], hidden = true, true
			}
		}
		if !hidden {
			kept = append(kept, fd)
		}
	}
	on := func(r *Rule) bool { return slices.Contains(l.Rules, r) && !l.Options.Disabled[r.ID] }
	if on(MalformedSuppression) {
		kept = append(kept, malformed(f)...)
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
				if on(MalformedSuppression) {
					kept = append(kept, suppressionFinding(MalformedSuppression, f, s, fmt.Sprintf("the ignore names %q, which is no gracelint rule, so it suppresses nothing", name), "name rules by ID (GL102) or name (shell-wrapper-without-exec); gracelint rules lists them", nil))
				}
			case !s.used[name] && !l.Options.Disabled[r.ID]:
				unused = append(unused, name)
			}
		}
		if !s.reason && on(MalformedSuppression) {
			kept = append(kept, suppressionFinding(MalformedSuppression, f, s, "the ignore gives no reason: write why after \"--\", so that the next reader can tell whether it still holds", "add \" -- <why>\" to the ignore", nil))
		}
		if len(unused) == 0 || !on(UnusedSuppression) {
			continue
		}
		where := "on the instruction below it"
		switch {
		case s.global:
			where = "in this file"
		case s.from < 0 && f.Kind == Dockerfile:
			where = "here: no instruction follows it directly"
		case s.from < 0:
			where = "here: nothing follows it"
		case commented(f.Kind):
			where = "on the lines below it"
		case f.Kind != Dockerfile:
			where = "in this container"
		}
		var fix *Fix
		if (f.Kind == Dockerfile || commented(f.Kind) && s.line.End.Offset > s.line.Start.Offset) && len(unused) == len(s.rules) {
			fix = &Fix{Description: "Remove the ignore comment", Safe: true, Edits: []TextEdit{{Span: s.line}}}
		}
		msg := fmt.Sprintf("the ignore of %s suppresses nothing %s; remove it, or it will hide a future finding", strings.Join(unused, ", "), where)
		kept = append(kept, suppressionFinding(UnusedSuppression, f, s, msg, "remove "+strings.Join(unused, ", ")+" from the ignore", fix))
	}
	return kept
}

// malformed reports the comment lines of f that speak to gracelint but are
// no ignore it reads ("# gracelint ignore GL101", "# gracelint:
// ignore=GL101").
func malformed(f *File) []Finding {
	if f.Kind != Dockerfile && !commented(f.Kind) {
		return nil
	}
	var out []Finding
	for n := 1; n <= f.Lines.Count(); n++ {
		line := f.Lines.Line(n)
		if !directiveRe.Match(line) || ignoreRe.Match(line) {
			continue
		}
		start := f.Lines.LineStart(n)
		lead := len(line) - len(bytes.TrimLeft(line, " \t"))
		out = append(out, Finding{Rule: MalformedSuppression, Severity: MalformedSuppression.Severity, File: f.Path,
			Span:       f.Lines.Span(start+lead, f.Lines.LineEnd(n)),
			Message:    fmt.Sprintf("%q is no gracelint ignore, so it suppresses nothing", strings.TrimSpace(string(line))),
			Suggestion: "# gracelint ignore=GL101 -- why it does not apply here"})
	}
	return out
}

func suppressionFinding(r *Rule, f *File, s *suppression, msg, suggestion string, fix *Fix) Finding {
	return Finding{Rule: r, Severity: r.Severity, File: f.Path, Span: s.span, Message: msg, Suggestion: suggestion, Fix: fix}
}
