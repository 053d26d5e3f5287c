package output

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gracelint/gracelint/lint"
)

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiGreen  = "\x1b[32m"
	ansiGray   = "\x1b[90m"
)

// Text prints findings the way compilers and actionlint do: a header line,
// the source line, a caret line under the span and the suggestion. Input
// errors go to errw.
func Text(w, errw io.Writer, r *Report, color Color) error {
	bw := bufio.NewWriter(w)
	painter := func(on bool) func(code, s string) string {
		return func(code, s string) string {
			if !on {
				return s
			}
			return code + s + ansiReset
		}
	}
	paint, paintErr := painter(color.Out), painter(color.Err)
	for _, f := range r.Findings {
		sevColor := map[lint.Severity]string{lint.Error: ansiRed, lint.Warning: ansiYellow, lint.Info: ansiBlue}[f.Severity]
		fmt.Fprintf(bw, "%s: %s: %s %s\n",
			paint(ansiBold, fmt.Sprintf("%s:%d:%d", Clean(f.File), f.Span.Start.Line, f.Span.Start.Col)),
			paint(sevColor, f.Severity.String()),
			Clean(f.Message),
			paint(ansiGray, fmt.Sprintf("[%s %s]", f.Rule.ID, f.Rule.Name)))
		if lines := r.Sources[f.File]; lines != nil && f.Span.Start.Line > 0 && f.Span.Start.Line <= lines.Count() {
			n := f.Span.Start.Line
			line := string(lines.Line(n))
			num := strconv.Itoa(n)
			pad := strings.Repeat(" ", len(num))
			end := len(line)
			if f.Span.End.Line == n {
				end = min(end, f.Span.End.Col-1)
			}
			start := min(f.Span.Start.Col-1, len(line))
			end = max(end, start+1)
			line, start, end = window(line, start, end)
			fmt.Fprintf(bw, "%s |\n%s | %s\n%s | %s%s\n", pad, num, Clean(line), pad,
				indent(line[:start]), paint(ansiGreen, "^"+strings.Repeat("~", max(0, runeCount(line, start, end)-1))))
		}
		if f.Suggestion != "" {
			fmt.Fprintf(bw, "  = suggestion: %s\n", Clean(f.Suggestion))
		}
		for _, rel := range f.Related {
			fmt.Fprintf(bw, "  = note: %s:%d:%d: %s\n", Clean(rel.File), rel.Span.Start.Line, rel.Span.Start.Col, Clean(rel.Message))
		}
		for i, h := range f.Path {
			lead := "  = path: "
			if i > 0 {
				lead = "       -> "
			}
			fmt.Fprintf(bw, "%s%s (%s:%d)\n", lead, Clean(h.Role), Clean(h.File), h.Span.Start.Line)
		}
		if f.Fix != nil {
			how := "--fix"
			if !f.Fix.Safe {
				how = "--fix --unsafe-fixes"
			}
			fmt.Fprintf(bw, "  = fix (%s): %s\n", how, Clean(f.Fix.Description))
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	for _, e := range r.Errors {
		fmt.Fprintf(errw, "%s: %s\n", paintErr(ansiRed, "error"), Clean(e.Error()))
	}
	return nil
}

// maxExcerpt bounds the source shown for a finding, so that a minified file
// of one long line does not flood the output.
const maxExcerpt = 160

// window cuts line to about maxExcerpt bytes around the span [start, end),
// on UTF-8 boundaries, marking cuts with "…"; it returns the span's new
// offsets.
func window(line string, start, end int) (string, int, int) {
	if len(line) <= maxExcerpt {
		return line, start, end
	}
	from := max(0, start-maxExcerpt/4)
	to := min(len(line), max(end, from+maxExcerpt))
	to = min(to, from+maxExcerpt) // a long span is cut too
	for from > 0 && !utf8.RuneStart(line[from]) {
		from--
	}
	for to < len(line) && !utf8.RuneStart(line[to]) {
		to++
	}
	cut := line[from:to]
	prefix := ""
	if from > 0 {
		prefix = "…"
	}
	if to < len(line) {
		cut += "…"
	}
	return prefix + cut, start - from + len(prefix), min(end, to) - from + len(prefix)
}

// indent keeps the tabs of prefix so the caret lines up under the source.
func indent(prefix string) string {
	var b strings.Builder
	for _, r := range prefix {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func runeCount(line string, start, end int) int {
	return len([]rune(line[start:min(end, len(line))]))
}

// Clean replaces control characters so that input cannot drive a terminal
// or a CI log: every byte of a file name or a message taken from input
// goes through it before it is printed.
func Clean(s string) string { return cleanExcept(s, "") }

// cleanExcept is Clean keeping the control characters in keep.
func cleanExcept(s, keep string) string {
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0) && !strings.ContainsRune(keep, r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
