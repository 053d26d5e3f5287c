// Package output prints a lint report in the formats people and CI tools
// read.
package output

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
)

// Report is the result of one run.
type Report struct {
	Version  string
	Rules    []*lint.Rule // every rule that ran
	Findings []lint.Finding
	Errors   []*lint.InputError
	// Sources holds the linted files by path, for excerpts, columns and
	// fingerprints.
	Sources map[string]*source.Lines
	// BaseDir is the absolute directory file paths are relative to, and Root
	// the repository root that tool formats make URIs relative to.
	BaseDir, Root string
}

// Formats lists the output formats.
var Formats = []string{"text", "json", "sarif", "github", "checkstyle", "gitlab", "rdjsonl", "markdown"}

// Color says which of the two streams text output may colour: each is
// decided on its own (a terminal for the findings may have a log file for
// the errors).
type Color struct{ Out, Err bool }

// Write prints r in format to w; text also prints input errors to errw.
func Write(format string, w, errw io.Writer, r *Report, color Color) error {
	switch format {
	case "text":
		return Text(w, errw, r, color)
	case "json":
		return JSON(w, r)
	case "sarif":
		return SARIF(w, r)
	case "github":
		return GitHub(w, r)
	case "checkstyle":
		return Checkstyle(w, r)
	case "gitlab":
		return GitLab(w, r)
	case "rdjsonl":
		return RDJSONL(w, r)
	case "markdown":
		return Markdown(w, r)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// relPath is file's path relative to the repository root, with forward
// slashes, or "" when it lies outside the root.
func (r *Report) relPath(file string) string {
	if r.Root == "" {
		return filepath.ToSlash(file)
	}
	rel, err := filepath.Rel(r.Root, r.abs(file))
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return ""
	}
	return filepath.ToSlash(rel)
}

// uri is a file's URI for SARIF: relative to the repository root, or an
// absolute file URI outside it.
func (r *Report) uri(file string) (uri string, relative bool) {
	if rel := r.relPath(file); rel != "" {
		return (&url.URL{Path: rel}).String(), true
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(r.abs(file))}).String(), false
}

// abs is the absolute path of a file the report names.
func (r *Report) abs(file string) string {
	if filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(r.BaseDir, file)
}

// arrayWriter writes a JSON array an element at a time, indented as
// json.Encoder with a two-space indent would at the element's depth.
type arrayWriter struct {
	w      *bufio.Writer
	indent string // the elements' indentation
	n      int
}

func (a *arrayWriter) add(v any) error {
	b, err := json.MarshalIndent(v, a.indent, "  ")
	if err != nil {
		return err
	}
	if a.n > 0 {
		a.w.WriteByte(',')
	}
	a.n++
	a.w.WriteString("\n" + a.indent)
	_, err = a.w.Write(b)
	return err
}

// close ends the array's last line, before the caller writes "]".
func (a *arrayWriter) close() {
	if a.n > 0 {
		a.w.WriteString("\n" + a.indent[:len(a.indent)-2])
	}
}

// fingerprints gives each finding a hash that survives edits elsewhere in
// the file: rule, path, the flagged text and its rank among identical ones,
// but no line number.
func (r *Report) fingerprints() []string {
	out := make([]string, len(r.Findings))
	seen := map[string]int{}
	for i, f := range r.Findings {
		text := ""
		if l := r.Sources[f.File]; l != nil {
			b := l.Bytes()
			text = string(b[min(f.Span.Start.Offset, len(b)):min(f.Span.End.Offset, len(b))])
		}
		key := f.Rule.ID + "\x00" + r.relPath(f.File) + "\x00" + strings.Join(strings.Fields(text), " ")
		seen[key]++
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d", key, seen[key])))
		out[i] = hex.EncodeToString(sum[:16])
	}
	return out
}

// utf16Col converts a 1-based byte column on a line of file into the 1-based
// UTF-16 column that GitHub and SARIF viewers count in.
func (r *Report) utf16Col(file string, p source.Pos) int {
	l := r.Sources[file]
	if l == nil || p.Line < 1 || p.Line > l.Count() {
		return max(p.Col, 1)
	}
	line := l.Line(p.Line)
	prefix := line[:min(max(p.Col-1, 0), len(line))]
	n := 0
	for len(prefix) > 0 {
		ru, size := utf8.DecodeRune(prefix)
		n += len(utf16.Encode([]rune{ru}))
		prefix = prefix[size:]
	}
	return n + 1
}

// counts returns the number of findings per severity.
func (r *Report) counts() map[lint.Severity]int {
	c := map[lint.Severity]int{}
	for _, f := range r.Findings {
		c[f.Severity]++
	}
	return c
}
