package output

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/gracelint/gracelint/internal/source"
)

type jsonRange struct {
	Line      int `json:"line"`
	Column    int `json:"column"`
	EndLine   int `json:"endLine"`
	EndColumn int `json:"endColumn"`
}

func rangeOf(s source.Span) jsonRange {
	return jsonRange{Line: s.Start.Line, Column: s.Start.Col, EndLine: s.End.Line, EndColumn: s.End.Col}
}

type jsonFinding struct {
	Rule     string `json:"rule"`
	Name     string `json:"name"`
	Severity string `json:"severity"`
	File     string `json:"file"`
	jsonRange
	Message    string        `json:"message"`
	Suggestion string        `json:"suggestion"`
	Fix        *jsonFix      `json:"fix"`
	Related    []jsonRelated `json:"related,omitempty"`
	Path       []jsonHop     `json:"path,omitempty"`
}

type jsonHop struct {
	File string `json:"file"`
	jsonRange
	Role string `json:"role"`
}

type jsonRelated struct {
	File string `json:"file"`
	jsonRange
	Message string `json:"message"`
}

type jsonFix struct {
	Description string     `json:"description"`
	Safe        bool       `json:"safe"`
	Edits       []jsonEdit `json:"edits"`
}

type jsonEdit struct {
	File string `json:"file"`
	jsonRange
	NewText string `json:"newText"`
}

type jsonError struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// JSON prints the report as the one JSON object design.md specifies. It
// writes the object a finding at a time, so that a large report is never
// held twice in memory; the bytes are those of json.Encoder with a two-space
// indent.
func JSON(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	version, _ := json.Marshal(r.Version)
	fmt.Fprintf(bw, "{\n  \"version\": %s,\n  \"findings\": [", version)
	findings := &arrayWriter{w: bw, indent: "    "}
	for _, f := range r.Findings {
		jf := jsonFinding{
			Rule: f.Rule.ID, Name: f.Rule.Name, Severity: f.Severity.String(), File: f.File,
			jsonRange: rangeOf(f.Span), Message: f.Message, Suggestion: f.Suggestion,
		}
		for _, r := range f.Related {
			jf.Related = append(jf.Related, jsonRelated{File: r.File, jsonRange: rangeOf(r.Span), Message: r.Message})
		}
		for _, h := range f.Path {
			jf.Path = append(jf.Path, jsonHop{File: h.File, jsonRange: rangeOf(h.Span), Role: h.Role})
		}
		if f.Fix != nil {
			jf.Fix = &jsonFix{Description: f.Fix.Description, Safe: f.Fix.Safe, Edits: []jsonEdit{}}
			for _, e := range f.Fix.Edits {
				jf.Fix.Edits = append(jf.Fix.Edits, jsonEdit{File: f.File, jsonRange: rangeOf(e.Span), NewText: e.NewText})
			}
		}
		if err := findings.add(jf); err != nil {
			return err
		}
	}
	findings.close()
	bw.WriteString("],\n  \"errors\": [")
	errs := &arrayWriter{w: bw, indent: "    "}
	for _, e := range r.Errors {
		if err := errs.add(jsonError{File: e.File, Line: e.Line, Column: e.Col, Message: e.Msg}); err != nil {
			return err
		}
	}
	errs.close()
	bw.WriteString("]\n}\n")
	return bw.Flush()
}
