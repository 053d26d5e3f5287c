package output

import (
	"bufio"
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

// GitLab prints a GitLab Code Quality report, an issue at a time.
// Fingerprints stay the same while the flagged text does, so GitLab can tell
// new issues from old ones.
func GitLab(w io.Writer, r *Report) error {
	sev := map[lint.Severity]string{lint.Error: "critical", lint.Warning: "major", lint.Info: "info"}
	prints := r.fingerprints()
	bw := bufio.NewWriter(w)
	bw.WriteByte('[')
	issues := &arrayWriter{w: bw, indent: "  "}
	for i, f := range r.Findings {
		path := r.relPath(f.File)
		if path == "" {
			path = f.File
		}
		if err := issues.add(codeQualityIssue{
			Description: f.Message, CheckName: f.Rule.ID + " " + f.Rule.Name, Fingerprint: prints[i],
			Severity: sev[f.Severity],
			Location: codeQualityLocation{Path: path, Lines: codeQualityLines{Begin: f.Span.Start.Line, End: f.Span.End.Line}},
		}); err != nil {
			return err
		}
	}
	issues.close()
	bw.WriteString("]\n")
	return bw.Flush()
}
