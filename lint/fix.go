package lint

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
)

// ApplyFixes applies fixes to src. A fix whose edits overlap an edit of a fix
// already taken is skipped whole; fixes are taken in the order of their
// first edit.
func ApplyFixes(src []byte, fixes []*Fix) (out []byte, applied, skipped []*Fix) {
	sorted := slices.Clone(fixes)
	slices.SortStableFunc(sorted, func(a, b *Fix) int { return cmp.Compare(firstOffset(a), firstOffset(b)) })
	var taken []edit
	for _, f := range sorted {
		var edits []edit
		ok := len(f.Edits) > 0
		for _, e := range f.Edits {
			ed := edit{e.Span.Start.Offset, e.Span.End.Offset, e.NewText}
			clash := func(o edit) bool { return ed.conflicts(o) }
			if ed.start > ed.end || ed.end > len(src) || slices.ContainsFunc(taken, clash) || slices.ContainsFunc(edits, clash) {
				ok = false
				break
			}
			edits = append(edits, ed)
		}
		if !ok {
			skipped = append(skipped, f)
			continue
		}
		taken = append(taken, edits...)
		applied = append(applied, f)
	}
	slices.SortFunc(taken, func(a, b edit) int { return cmp.Compare(a.start, b.start) })
	var b bytes.Buffer
	last := 0
	for _, e := range taken {
		b.Write(src[last:e.start])
		b.WriteString(e.text)
		last = e.end
	}
	b.Write(src[last:])
	return b.Bytes(), applied, skipped
}

type edit struct {
	start, end int
	text       string
}

// conflicts reports whether two edits cannot both apply: their ranges
// overlap, or they start at one offset, where two insertions (or an insertion
// and a replacement) would have no defined order.
func (e edit) conflicts(o edit) bool {
	return e.start < o.end && o.start < e.end || e.start == o.start
}

func firstOffset(f *Fix) int {
	if len(f.Edits) == 0 {
		return 0
	}
	return f.Edits[0].Span.Start.Offset
}

// maxFixRounds bounds re-linting after fixes: each round may enable fixes
// that an earlier one blocked (an init is only added once the shell execs).
const maxFixRounds = 5

// FixResult is what FixAll did to one file.
type FixResult struct {
	Src      []byte    // the fixed file
	Applied  int       // fixes applied, over all rounds
	Findings []Finding // what is left, linted on Src
	// Pending counts fixes still offered when the rounds ran out: they kept
	// overlapping others.
	Pending int
}

// FixAll applies fixes with the default options; see Linter.Fix.
func FixAll(rules []*Rule, name string, src []byte, kind Kind, unsafe bool) (*FixResult, []*InputError, error) {
	l := &Linter{Rules: rules, Options: DefaultOptions()}
	return l.Fix(name, src, kind, unsafe)
}

// Fix applies the fixes of the findings to src, re-linting after each round
// until nothing changes. Unsafe fixes are applied only when unsafe is true.
// The result always parses: a round whose output does not is an error.
func (l *Linter) Fix(name string, src []byte, kind Kind, unsafe bool) (*FixResult, []*InputError, error) {
	res := &FixResult{Src: src}
	for round := 0; ; round++ {
		findings, errs := l.Run(name, res.Src, kind)
		if len(errs) > 0 {
			if round == 0 {
				return nil, errs, nil
			}
			return nil, nil, fmt.Errorf("fixing %s produced a file that does not parse (%v); nothing was written", name, errs[0])
		}
		res.Findings = findings
		var fixes []*Fix
		for _, f := range findings {
			// Fixes of other files (a script the Dockerfile runs) are the
			// caller's to apply, once: they do not change this file.
			if f.Fix != nil && (f.Fix.Safe || unsafe) && f.File == name {
				fixes = append(fixes, f.Fix)
			}
		}
		if round == maxFixRounds {
			res.Pending = len(fixes)
			return res, nil, nil
		}
		out, applied, _ := ApplyFixes(res.Src, fixes)
		if len(applied) == 0 {
			return res, nil, nil
		}
		res.Src, res.Applied = out, res.Applied+len(applied)
	}
}
