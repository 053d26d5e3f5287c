// Package output prints a lint report in the formats people and CI tools
// read.
package output

import (
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
)

// Report is the result of one run.
type Report struct {
	Version  string
	Findings []lint.Finding
	Errors   []*lint.InputError
	// Sources holds the linted files by path, for source excerpts.
	Sources map[string]*source.Lines
}
