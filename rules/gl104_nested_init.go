package rules

import (
	"fmt"

	"github.com/gracelint/gracelint/lint"
)

// NestedInit reports tini started under the init ECS adds with
// initProcessEnabled, without the subreaper mode it then needs.
var NestedInit = &lint.Rule{
	ID:       "GL104",
	Name:     "nested-init",
	Severity: lint.Warning,
	Summary:  "tini runs under another init without -s, so it reaps no orphans",
	Tags:     []string{"ecs", "signals"},
	SafeFix:  true,
	Check:    checkNestedInit,
}

func checkNestedInit(p *lint.Pass) {
	for _, t := range p.File.Targets {
		c := t.Chain
		if c == nil || len(c.Inits) < 2 || c.Inits[0].Platform == "" || !t.SignalsPID1() {
			continue
		}
		in := c.Inits[1]
		if in.Subreaper || in.Index < 0 || (in.Name != "tini" && in.Name != "tini-static" && in.Name != "docker-init") {
			continue
		}
		arg := c.Argv[in.Index]
		at, where := arg.Span, ""
		inImage := t.SourceOf(arg) == nil
		if inImage { // tini is in the image's ENTRYPOINT (t.Dockerfile)
			at, where = t.Anchor, fmt.Sprintf(" (in the ENTRYPOINT of %s)", t.Dockerfile)
		}
		msg := fmt.Sprintf("%s%s runs under %s, so it is not PID 1, and without -s it is no child subreaper: at the next deploy orphaned processes are re-parented to that init instead, and %s warns at start that zombie reaping will not work",
			in.Name, where, initName(c.Inits[0]), in.Name)
		var fix *lint.Fix
		if t.ECS != nil && !t.ECS.Pascal && !inImage {
			fix = &lint.Fix{Description: fmt.Sprintf("Add -s after %s", in.Name), Safe: true,
				Edits: []lint.TextEdit{p.File.Edit(arg.Span.End.Offset, arg.Span.End.Offset, `, "-s"`)}}
		}
		p.ReportFix(lint.Warning, at, msg, fmt.Sprintf(`run "%s", "-s", or drop it and rely on %s`, in.Name, c.Inits[0].Platform), fix)
	}
}
