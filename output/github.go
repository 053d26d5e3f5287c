package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/gracelint/gracelint/lint"
)

// GitHub prints GitHub Actions workflow commands, which the runner turns into
// annotations. Everything from the input is escaped so that no file name or
// message can end the command early or start another one.
func GitHub(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	level := map[lint.Severity]string{lint.Error: "error", lint.Warning: "warning", lint.Info: "notice"}
	for _, f := range r.Findings {
		msg := f.Message
		if f.Suggestion != "" {
			msg += "\nSuggestion: " + f.Suggestion
		}
		fmt.Fprintf(bw, "::%s file=%s,line=%d,endLine=%d,col=%d,endColumn=%d,title=%s::%s\n",
			level[f.Severity], ghProperty(f.File), f.Span.Start.Line, f.Span.End.Line,
			r.utf16Col(f.File, f.Span.Start), r.utf16Col(f.File, f.Span.End),
			ghProperty(f.Rule.ID+" "+f.Rule.Name), ghData(msg))
	}
	for _, e := range r.Errors {
		props := "file=" + ghProperty(e.File)
		if e.Line > 0 {
			props += fmt.Sprintf(",line=%d,col=%d", e.Line, max(e.Col, 1))
		}
		fmt.Fprintf(bw, "::error %s,title=gracelint::%s\n", props, ghData(e.Msg))
	}
	return bw.Flush()
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// ghData escapes a workflow command's message as the runner unescapes it.
func ghData(s string) string { return dataEscaper.Replace(cleanExcept(s, "\r\n")) }

// ghProperty escapes a workflow command's property value: also ":" and ",",
// which would end the value.
func ghProperty(s string) string { return propertyEscaper.Replace(cleanExcept(s, "\r\n")) }
