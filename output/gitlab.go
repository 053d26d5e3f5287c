package output

import (
	"encoding/json"
	"io"

	"github.com/gracelint/gracelint/lint"
)

type codeQualityIssue struct {
	Description string              `json:"description"`
	CheckName   string              `json:"check_name"`
	Fingerprint string              `json:"fingerprint"`
	Severity    string              `json:"severity"`
	Location    codeQualityLocation `json:"location"`
}

type codeQualityLocation struct {
	Path  string           `json:"path"`
	Lines codeQualityLines `json:"lines"`
}

type codeQualityLines struct {
	Begin int `json:"begin"`
	End   int `json:"end"`
}

// GitLab prints a GitLab Code Quality report. Fingerprints stay the same
// while the flagged text does, so GitLab can tell new issues from old ones.
func GitLab(w io.Writer, r *Report) error {
	sev := map[lint.Severity]string{lint.Error: "critical", lint.Warning: "major", lint.Info: "info"}
	issues := []codeQualityIssue{}
	prints := r.fingerprints()
	for i, f := range r.Findings {
		path := r.relPath(f.File)
		if path == "" {
			path = f.File
		}
		issues = append(issues, codeQualityIssue{
			Description: f.Message, CheckName: f.Rule.ID + " " + f.Rule.Name, Fingerprint: prints[i],
			Severity: sev[f.Severity],
			Location: codeQualityLocation{Path: path, Lines: codeQualityLines{Begin: f.Span.Start.Line, End: f.Span.End.Line}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(issues)
}
