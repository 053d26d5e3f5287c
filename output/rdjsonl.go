package output

import (
	"encoding/json"
	"io"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
)

type rdDiagnostic struct {
	Message     string         `json:"message"`
	Location    rdLocation     `json:"location"`
	Severity    string         `json:"severity"`
	Source      rdSource       `json:"source"`
	Code        rdCode         `json:"code"`
	Suggestions []rdSuggestion `json:"suggestions,omitempty"`
}

type rdLocation struct {
	Path  string  `json:"path"`
	Range rdRange `json:"range"`
}

type rdRange struct {
	Start rdPosition `json:"start"`
	End   rdPosition `json:"end"`
}

type rdPosition struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

type rdSource struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

type rdCode struct {
	Value string `json:"value"`
	URL   string `json:"url"`
}

type rdSuggestion struct {
	Range rdRange `json:"range"`
	Text  string  `json:"text"`
}

func rdRangeOf(s source.Span) rdRange {
	return rdRange{Start: rdPosition{Line: s.Start.Line, Column: s.Start.Col}, End: rdPosition{Line: s.End.Line, Column: s.End.Col}}
}

// RDJSONL prints reviewdog's Diagnostic Format, one JSON object a line, with
// each fix's edits as suggestions reviewdog can post. Columns count bytes,
// as the format asks.
func RDJSONL(w io.Writer, r *Report) error {
	sev := map[lint.Severity]string{lint.Error: "ERROR", lint.Warning: "WARNING", lint.Info: "INFO"}
	enc := json.NewEncoder(w)
	for _, f := range r.Findings {
		d := rdDiagnostic{
			Message:  f.Message,
			Location: rdLocation{Path: f.File, Range: rdRangeOf(f.Span)},
			Severity: sev[f.Severity],
			Source:   rdSource{Name: "gracelint", URL: "https://github.com/gracelint/gracelint"},
			Code:     rdCode{Value: f.Rule.ID, URL: f.Rule.DocsURL()},
		}
		if f.Fix != nil {
			for _, e := range f.Fix.Edits {
				d.Suggestions = append(d.Suggestions, rdSuggestion{Range: rdRangeOf(e.Span), Text: e.NewText})
			}
		}
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	return nil
}
