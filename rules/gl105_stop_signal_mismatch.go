package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/lint"
)

// StopSignalMismatch reports an image whose stop signal is not its server's
// graceful one: Unicorn, nginx, php-fpm and Resque stop gracefully on QUIT
// and at once on TERM.
var StopSignalMismatch = &lint.Rule{
	ID:       "GL105",
	Name:     "stop-signal-mismatch",
	Severity: lint.Error,
	Summary:  "the image's stop signal makes its server stop at once instead of gracefully",
	Tags:     []string{"dockerfile", "signals"},
	SafeFix:  true,
	Check:    checkStopSignalMismatch,
}

func checkStopSignalMismatch(p *lint.Pass) {
	for _, t := range p.File.Targets {
		img, c := t.Image, t.Chain
		if img == nil || c == nil || c.Worker == nil || c.Worker.Spec.Graceful == "SIGTERM" {
			continue
		}
		spec := c.Worker.Spec
		sig, in, _ := img.StopSignal()
		if chain.NormalizeSignal(sig) == spec.Graceful || strings.Contains(sig, "$") {
			continue // right, or set from a build argument gracelint cannot see
		}
		how := "at once"
		if !slices.Contains(spec.Fast, chain.NormalizeSignal(sig)) {
			how = "without its graceful shutdown"
		}
		where := "the image sets no STOPSIGNAL, so docker stop and ECS send SIGTERM"
		// Point at the instruction that starts the worker.
		at := t.Anchor
		if src := t.SourceOf(c.Worker.Argv[0]); src != nil && src.Setting != nil {
			at = src.Setting.Instr.Span
		}
		insertAt := at
		if in != nil {
			where, at = fmt.Sprintf("STOPSIGNAL is %s", sig), in.Span
		}
		msg := fmt.Sprintf("%s stops gracefully on %s, but %s: at the next deploy %s stops %s, and %s (ECS cannot set the signal; the image must)",
			spec.Name, spec.Graceful, where, spec.Name, how, lostWork(c.Worker))
		var edit lint.TextEdit
		if in != nil && slices.Contains(img.Stage.Instructions, in) {
			edit = p.File.Edit(in.ArgsSpan.Start.Offset, in.ArgsSpan.End.Offset, spec.Graceful)
		} else {
			line := p.File.Lines.LineStart(insertAt.Start.Line)
			edit = p.File.Edit(line, line, "STOPSIGNAL "+spec.Graceful+p.File.Newline())
		}
		p.ReportFix(lint.Error, at, msg, "STOPSIGNAL "+spec.Graceful,
			&lint.Fix{Description: "Set STOPSIGNAL " + spec.Graceful, Safe: true, Edits: []lint.TextEdit{edit}})
	}
}

func slicesContains[S ~[]E, E comparable](s S, v E) bool {
	for _, e := range s {
		if e == v {
			return true
		}
	}
	return false
}
