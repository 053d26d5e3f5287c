// Package lint is gracelint's core: it parses one input, builds the process
// chain of every container the input describes, runs the rules over them and
// returns findings. It does no I/O.
package lint

import (
	"fmt"
	"path"
	"strings"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/source"
)

// Severity orders findings; higher is worse.
type Severity int

// The severities.
const (
	Info Severity = iota + 1
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// ParseSeverity parses "error", "warning" or "info".
func ParseSeverity(s string) (Severity, error) {
	for _, v := range []Severity{Info, Warning, Error} {
		if strings.EqualFold(s, v.String()) {
			return v, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

// Rule is one check. Its metadata is a contract: IDs and names never change.
type Rule struct {
	ID       string
	Name     string
	Severity Severity // the usual severity; a finding may say otherwise
	Summary  string
	Tags     []string // for SARIF and other tools: "containers", "ecs", ...
	// SafeFix and UnsafeFix say which fixes the rule's findings may carry.
	SafeFix, UnsafeFix bool
	Check              func(*Pass)
}

// Fixable describes the fixes a rule offers: "safe", "unsafe", "safe,
// unsafe" or "no".
func (r *Rule) Fixable() string {
	switch {
	case r.SafeFix && r.UnsafeFix:
		return "safe, unsafe"
	case r.SafeFix:
		return "safe"
	case r.UnsafeFix:
		return "unsafe"
	}
	return "no"
}

// DocsURL is where the rule's documentation lives.
func (r *Rule) DocsURL() string {
	return "https://github.com/gracelint/gracelint/blob/main/docs/rules/" + r.ID + ".md"
}

// Finding is one problem in one file.
type Finding struct {
	Rule     *Rule
	Severity Severity
	File     string
	Span     source.Span
	Message  string
	// Suggestion is the exact replacement text a person would write.
	Suggestion string
	Fix        *Fix
	// Related are other places that make the finding, such as the line of a
	// configuration file that sets a timeout.
	Related []Related
	// Path is the process tree of the container the finding is about, from
	// what starts it to the worker and its stop timeout; nil where the
	// finding is about no container.
	Path []Hop
}

// Related is a place in some file that bears on a finding.
type Related struct {
	File    string
	Span    source.Span
	Message string
}

// Fix is a set of edits that, applied together, resolves a finding.
type Fix struct {
	Description string // a verb phrase: "Insert exec before the sidekiq command"
	Safe        bool   // safe fixes never change what the container does beyond the finding
	Edits       []TextEdit
}

// TextEdit replaces the bytes of Span in the finding's file with NewText.
type TextEdit struct {
	Span    source.Span
	NewText string
}

// Options are the settings a configuration file may change.
type Options struct {
	// Disabled rules do not run, by rule ID.
	Disabled map[string]bool
	// Severity overrides what rules report, by rule ID.
	Severity map[string]Severity
	// SidekiqTimeout is Sidekiq's timeout where the command sets none.
	SidekiqTimeout int
	// StopMargin is the time a worker needs after its timeout to requeue
	// jobs and exit; Sidekiq's deployment guide asks for 5 s.
	StopMargin int
	// ImageShells name the shell of images gracelint cannot know, such as
	// private base images, by image glob.
	ImageShells []ImageShell
	// ImageDockerfiles name the Dockerfile that builds an image, by image
	// glob, for ECS containers that leave their command to the image.
	ImageDockerfiles []ImageDockerfile
}

// ImageShell says that images matching Pattern have Shell as /bin/sh.
type ImageShell struct {
	Pattern string
	Shell   chain.BinSh
}

// DefaultOptions are the options without a configuration file.
func DefaultOptions() Options {
	return Options{SidekiqTimeout: 25, StopMargin: 5}
}

// Pass is what a rule sees of one file.
type Pass struct {
	File     *File
	Options  *Options
	linter   *Linter
	rule     *Rule
	findings *[]Finding
}

// Dir returns the directory of the linted file in the lint root, and false
// when the file is not under it (standard input) or there is no lint root.
func (p *Pass) Dir() (string, bool) {
	l := p.linter
	if l.FS == nil || l.Locate == nil {
		return "", false
	}
	rel := l.Locate(p.File.Path)
	if rel == "" {
		return "", false
	}
	return path.Dir(rel), true
}

// RunsWithInit reports whether a task definition of the lint root starts an
// init (initProcessEnabled) for the image the linted Dockerfile builds.
func (p *Pass) RunsWithInit() bool {
	if p.linter.Locate == nil {
		return false
	}
	return p.linter.RunsWithInit(p.linter.Locate(p.File.Path))
}

// ReadFile reads a file of the lint root by its slash-separated path there,
// and returns the name findings in it carry.
func (p *Pass) ReadFile(name string) (src []byte, display string, ok bool) {
	l := p.linter
	name = path.Clean(strings.TrimPrefix(name, "/"))
	src, ok = l.readRoot(name)
	if !ok {
		return nil, "", false
	}
	display = name
	if l.Display != nil {
		display = l.Display(name)
	}
	return src, display, true
}

// Add records f as a finding of the running rule, in the linted file unless
// f names another, with the rule's severity unless f sets one.
func (p *Pass) Add(f Finding) {
	f.Rule = p.rule
	if f.File == "" {
		f.File = p.File.Path
	}
	if f.Severity == 0 {
		f.Severity = p.rule.Severity
	}
	*p.findings = append(*p.findings, f)
}

// ReportIn records a finding of the running rule in another file, whose
// name came from ReadFile.
func (p *Pass) ReportIn(file string, sev Severity, span source.Span, message, suggestion string, fix *Fix) {
	*p.findings = append(*p.findings, Finding{
		Rule: p.rule, Severity: sev, File: file, Span: span,
		Message: message, Suggestion: suggestion, Fix: fix,
	})
}

// Report records a finding of the running rule at span with the rule's
// severity.
func (p *Pass) Report(span source.Span, message, suggestion string) {
	p.ReportSeverity(p.rule.Severity, span, message, suggestion)
}

// ReportSeverity records a finding with an explicit severity.
func (p *Pass) ReportSeverity(sev Severity, span source.Span, message, suggestion string) {
	p.ReportFix(sev, span, message, suggestion, nil)
}

// ReportFix records a finding that may carry a fix.
func (p *Pass) ReportFix(sev Severity, span source.Span, message, suggestion string, fix *Fix) {
	*p.findings = append(*p.findings, Finding{
		Rule: p.rule, Severity: sev, File: p.File.Path, Span: span,
		Message: message, Suggestion: suggestion, Fix: fix,
	})
}
