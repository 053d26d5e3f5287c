package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/gracelint/gracelint/lint"
)

// Markdown prints a summary for people, such as a GitHub job summary. Text
// from the input is escaped so that it cannot add markup or HTML.
func Markdown(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	c := r.counts()
	fmt.Fprintf(bw, "## gracelint\n\n")
	if len(r.Findings) == 0 && len(r.Errors) == 0 {
		fmt.Fprintf(bw, "No findings.\n")
		return bw.Flush()
	}
	fmt.Fprintf(bw, "%s, %s, %s", count(c[lint.Error], "error", "errors"), count(c[lint.Warning], "warning", "warnings"), count(c[lint.Info], "info finding", "info findings"))
	if n := len(r.Errors); n > 0 {
		fmt.Fprintf(bw, ", %s", count(n, "file that could not be read or parsed", "files that could not be read or parsed"))
	}
	fmt.Fprintf(bw, ".\n\n")
	if len(r.Findings) > 0 {
		fmt.Fprintf(bw, "| Severity | Location | Rule | Message |\n|---|---|---|---|\n")
		for _, f := range r.Findings {
			fmt.Fprintf(bw, "| %s | %s:%d:%d | [%s](%s) %s | %s |\n", f.Severity, mdEscape(f.File), f.Span.Start.Line, f.Span.Start.Col,
				f.Rule.ID, f.Rule.DocsURL(), f.Rule.Name, mdEscape(f.Message))
		}
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(bw, "\n| File | Error |\n|---|---|\n")
		for _, e := range r.Errors {
			loc := mdEscape(e.File)
			if e.Line > 0 {
				loc += fmt.Sprintf(":%d:%d", e.Line, e.Col)
			}
			fmt.Fprintf(bw, "| %s | %s |\n", loc, mdEscape(e.Msg))
		}
	}
	return bw.Flush()
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// mdEscape makes s inert inside a Markdown table cell.
func mdEscape(s string) string {
	s = Clean(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\uFFFD':
			b.WriteRune(' ')
		case '|', '\\', '`', '*', '_', '[', ']', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
