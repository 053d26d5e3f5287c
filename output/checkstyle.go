package output

import (
	"encoding/xml"
	"io"

	"github.com/gracelint/gracelint/lint"
)

type checkstyleReport struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

type checkstyleError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// Checkstyle prints Checkstyle XML, which many CI servers and reviewdog read.
// encoding/xml escapes markup and replaces characters XML cannot hold.
func Checkstyle(w io.Writer, r *Report) error {
	rep := checkstyleReport{Version: "4.3"}
	byFile := map[string]int{}
	add := func(file string, e checkstyleError) {
		i, ok := byFile[file]
		if !ok {
			i = len(rep.Files)
			byFile[file] = i
			rep.Files = append(rep.Files, checkstyleFile{Name: file})
		}
		rep.Files[i].Errors = append(rep.Files[i].Errors, e)
	}
	sev := map[lint.Severity]string{lint.Error: "error", lint.Warning: "warning", lint.Info: "info"}
	for _, f := range r.Findings {
		add(f.File, checkstyleError{Line: f.Span.Start.Line, Column: f.Span.Start.Col, Severity: sev[f.Severity],
			Message: f.Message, Source: "gracelint." + f.Rule.ID + "." + f.Rule.Name})
	}
	for _, e := range r.Errors {
		add(e.File, checkstyleError{Line: e.Line, Column: e.Col, Severity: "error", Message: e.Msg, Source: "gracelint"})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
