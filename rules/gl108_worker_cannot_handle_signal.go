package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/lint"
)

// WorkerCannotHandleSignal reports a worker that installs its signal
// handler only with a PHP extension the image lacks: Laravel's queue:work
// and Horizon without pcntl, which the official php images do not compile
// in.
var WorkerCannotHandleSignal = &lint.Rule{
	ID:       "GL108",
	Name:     "worker-cannot-handle-signal",
	Severity: lint.Error,
	Summary:  "the worker traps the stop signal only with a PHP extension the image does not install, so the signal kills its running job",
	Tags:     []string{"dockerfile", "php", "signals"},
	SafeFix:  true,
	Check:    checkWorkerCannotHandleSignal,
}

func checkWorkerCannotHandleSignal(p *lint.Pass) {
	for _, t := range p.File.Targets {
		img := t.Image
		if img == nil || t.Chain == nil {
			continue
		}
		ref, ok := catalog.LookupImage(img.BaseImage)
		if !ok {
			continue // another base may well compile the extension in
		}
		for _, w := range chainWorkers(t.Chain) {
			ext := w.Spec.NeedsExtension
			// A RUN, or an ARG or ENV a RUN expands, that names the
			// extension may install it; a RUN that runs a script of the
			// build context (./install, a .sh) may too.
			if ext == "" || !slices.Contains(ref.LacksExtensions, ext) || lastMentioning(p.File, img, ext, "RUN", "ARG", "ENV") != nil ||
				runMentioning(p.File, img, ".sh") != nil || runMentioning(p.File, img, "./") != nil {
				continue
			}
			base := ref.Name
			if ref.Tag != "" {
				base += ":" + ref.Tag
			}
			msg := fmt.Sprintf("%s traps SIGTERM only when PHP's %s extension is loaded, and %s does not compile it in nor does any RUN install it: at the next deploy %s installs no handler, the stop signal kills it at once (or, as PID 1, is ignored until SIGKILL), and %s",
				w.Name, ext, base, w.Name, lostWork(w))
			at, suggestion := img.Stage.From.Span, fmt.Sprintf("RUN docker-php-ext-install %s", ext)
			var fix *lint.Fix
			if in := runMentioning(p.File, img, extInstall); in != nil {
				at = in.Span
				if i := strings.Index(string(p.File.Lines.Bytes()[in.Span.Start.Offset:in.Span.End.Offset]), extInstall); i >= 0 {
					at = p.File.Lines.Span(in.Span.Start.Offset+i, in.Span.Start.Offset+i+len(extInstall))
				}
				if off, ok := extInstallOffset(p.File, in.Span.Start.Offset, in.Span.End.Offset); ok {
					suggestion = fmt.Sprintf("add %s to docker-php-ext-install", ext)
					fix = &lint.Fix{Description: fmt.Sprintf("Install %s with docker-php-ext-install", ext), Safe: true,
						Edits: []lint.TextEdit{p.File.Edit(off, off, " "+ext)}}
				}
			}
			p.ReportFix(lint.Error, at, msg, suggestion, fix)
			break
		}
	}
}

// extInstallOffset is where a new extension name goes in a RUN's
// docker-php-ext-install: right after the command, when extension names
// (not options) follow it.
func extInstallOffset(f *lint.File, start, end int) (int, bool) {
	text := string(f.Lines.Bytes()[start:end])
	i := strings.Index(text, extInstall)
	if i < 0 {
		return 0, false
	}
	rest := strings.TrimLeft(text[i+len(extInstall):], " \t")
	if rest == "" || !(rest[0] >= 'a' && rest[0] <= 'z') {
		return 0, false // an option (-j4), a line break or an expansion comes first
	}
	return start + i + len(extInstall), true
}

// extInstall is the official php images' script that compiles an
// extension in.
const extInstall = "docker-php-ext-install"

// chainWorkers returns the catalogued programs a chain ends in: its own,
// those of each path of a branching script, and those of the processes a
// manager starts.
func chainWorkers(c *chain.Chain) []*chain.Worker {
	var out []*chain.Worker
	if c.Worker != nil {
		out = append(out, c.Worker)
	}
	for _, s := range c.Scripts {
		for _, pc := range s.PathChains {
			out = append(out, chainWorkers(pc)...)
		}
	}
	if c.Managed != nil {
		for _, proc := range c.Managed.Processes {
			out = append(out, chainWorkers(proc.Chain)...)
		}
	}
	return out
}
