package rules

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/python"
)

// pythonApp is the module of the app a python runtime runs (python -m
// app.worker, python worker.py), read for what decides how it stops.
type pythonApp struct {
	module  string // "app.worker" or "worker.py", as the command names it
	file    string // its display name
	src     []byte
	code    *python.File
	imports []string
	// term is the file that names SIGTERM, the module or a module of the
	// app it imports ("" for none): there the app installs its handler.
	term string
}

// maxImports bounds the imports looked up for a SIGTERM handler.
const maxImports = 512

// readPythonApp reads the module w, the python runtime, runs (readAppFile).
// ok is false for other workers and for modules that are not there.
func readPythonApp(p *lint.Pass, t *lint.Target, w *chain.Worker) (*pythonApp, bool) {
	if w.Spec.Name != "python" {
		return nil, false
	}
	module, rels := pythonModule(chain.Values(w.Argv[1:]))
	for _, rel := range rels {
		src, name, at, ok := readAppFile(p, t, rel)
		if !ok {
			continue
		}
		app := &pythonApp{module: module, file: name, src: src, code: python.Parse(src)}
		app.imports = app.code.Imports()
		if app.code.Uses("SIGTERM") {
			app.term = name
		} else {
			app.term = importedTerm(p, strings.TrimSuffix(at, rel), app.imports)
		}
		return app, true
	}
	return nil, false
}

// pythonModule returns the module python's arguments run and the files it
// may be in, relative to the directory python starts in: app/worker.py or
// app/worker/__main__.py for -m app.worker, the file itself for a script.
func pythonModule(args []string) (string, []string) {
	for i, a := range args {
		switch {
		case a == "-m" && i+1 < len(args):
			mod := args[i+1]
			if mod == "" || strings.ContainsAny(mod, "/$") {
				return "", nil
			}
			rel := strings.ReplaceAll(mod, ".", "/")
			return mod, []string{rel + ".py", rel + "/__main__.py"}
		case a == "-c" || a == "-":
			return "", nil
		case strings.HasPrefix(a, "-"):
			continue
		case strings.HasSuffix(a, ".py") && !strings.Contains(a, "$"):
			return a, []string{path.Clean(a)}
		}
		return "", nil
	}
	return "", nil
}

// importedTerm returns the first module of the app (a file under root)
// that imports name SIGTERM, "" for none.
func importedTerm(p *lint.Pass, root string, imports []string) string {
	seen := map[string]bool{}
	for _, mod := range imports {
		if seen[mod] || len(seen) >= maxImports {
			continue
		}
		seen[mod] = true
		rel := strings.ReplaceAll(mod, ".", "/")
		for _, c := range []string{rel + ".py", rel + "/__init__.py"} {
			c = path.Join(root, c)
			if src, name, ok := p.ReadFile(c); ok && python.Parse(src).Uses("SIGTERM") {
				return name
			}
		}
	}
	return ""
}

// appHandlesTerm reports whether the app a runtime runs installs a SIGTERM
// handler: its module, or a module of the app it imports, names SIGTERM.
func appHandlesTerm(p *lint.Pass, t *lint.Target, w *chain.Worker) bool {
	app, ok := readPythonApp(p, t, w)
	return ok && app.term != ""
}

// framework returns the worker library the module runs, if the catalog
// knows it.
func (a *pythonApp) framework() *catalog.Framework {
	for _, fw := range catalog.Frameworks {
		if slices.ContainsFunc(a.imports, func(m string) bool { return m == fw.Import || strings.HasPrefix(m, fw.Import+".") }) {
			return fw
		}
	}
	return nil
}

// pythonDrain is how long the worker library of a python app lets running
// work finish after the app's SIGTERM handler starts its shutdown: the
// longest setting its module passes. ok is false when the app runs no
// catalogued library, installs no SIGTERM handler gracelint can see (then
// SIGTERM is ignored or kills it at once, and GL103 speaks of it), or sets
// the drain in a way gracelint cannot read (then an info finding says so).
func pythonDrain(p *lint.Pass, t *lint.Target, w *chain.Worker) (drain, bool) {
	app, ok := readPythonApp(p, t, w)
	if !ok {
		return drain{}, false
	}
	fw := app.framework()
	if fw == nil || app.term == "" {
		return drain{}, false
	}
	who := app.module
	d := drain{name: who, lost: fw.Lost, which: fmt.Sprintf("%s of 0 s (%s's default: running work is cancelled at once)", fw.Setting, fw.Name)}
	lines := source.NewLines(app.src)
	for _, v := range app.code.KeywordDurations(fw.Call, fw.Setting) {
		span := lines.Span(v.Start, v.End)
		at := fmt.Sprintf("%s:%d", app.file, span.Start.Line)
		if !v.Known {
			if t.Stop != nil {
				p.Add(lint.Finding{Severity: lint.Info, Span: t.Anchor,
					Message:    fmt.Sprintf("gracelint cannot read %s's %s at %s (%q): it is computed when the worker starts, so the stop timeout is not checked against it", who, fw.Setting, at, v.Text),
					Suggestion: fmt.Sprintf("write %s as timedelta(seconds=N), or make sure the stop timeout is above it plus %d s", fw.Setting, p.Options.StopMargin),
					Related:    []lint.Related{{File: app.file, Span: span, Message: fw.Setting + " gracelint cannot read"}}})
			}
			return drain{}, false
		}
		if v.Seconds >= d.seconds {
			d.seconds = v.Seconds
			d.which = fmt.Sprintf("%s of %d s (%s)", fw.Setting, v.Seconds, at)
			d.setting = fmt.Sprintf("%s (%s)", fw.Setting, at)
			d.related = []lint.Related{{File: app.file, Span: span, Message: fmt.Sprintf("%s: %d s", fw.Setting, v.Seconds)}}
		}
	}
	return d, true
}
