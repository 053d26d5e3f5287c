package lint

import (
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/parser/helm"
)

// Bounds on what is read of a chart to render it.
const (
	maxChartFiles = 2000
	maxChartBytes = 16 << 20
	maxOverlays   = 20
)

// renderNote is what a user can do when a chart does not render here.
const renderNote = "lint the manifests instead: helm template CHART -f VALUES | gracelint --stdin-filename manifests.yaml -"

// runHelm lints a template of a Helm chart by the manifests it makes: the
// chart is rendered with its values.yaml, and once more with each values
// file kept beside it (values-production.yaml, public-values/dev.yaml, a
// values file in the directory above the chart) on top. A finding is kept
// only where every rendering that makes this template's manifests has it:
// one that some values clear is not claimed. Findings point at the
// template line that wrote the rendered one.
func (l *Linter) runHelm(name string, src []byte) ([]Finding, []*InputError) {
	rel := ""
	if l.Locate != nil {
		rel = l.Locate(name)
	}
	chart, inChart, ok := l.chartOf(rel)
	if !ok {
		return nil, []*InputError{{File: name, Msg: "a Helm template whose chart (the Chart.yaml above its templates directory) is not in the lint root: lint the chart's directory, or set --root; or " + renderNote}}
	}
	r := l.Shared.chart(l, chart)
	if len(r.renders) == 0 {
		return nil, []*InputError{{File: name, Skipped: true,
			Msg: "the chart " + l.display(chart) + " does not render with the values beside it (" + r.err + "): " + renderNote}}
	}
	tmpl := &File{Path: name, Kind: Helm, Lines: source.NewLines(src)}
	var kept []Finding
	var errs []*InputError
	others := map[string][]byte{}
	seen := 0
	for _, manifests := range r.renders {
		out, ok := manifests[inChart]
		if !ok || len(strings.TrimSpace(string(out))) == 0 {
			continue // not made with these values
		}
		f, _ := parseIn(name, path.Dir(rel), out, Kubernetes, &l.Options, around{})
		if f == nil {
			// Helm made YAML that does not parse: `helm install` refuses it too.
			errs = append(errs, &InputError{File: name, Skipped: true, Msg: "the chart " + l.display(chart) + " renders this template into YAML that does not parse: " + renderNote})
			continue
		}
		findings := l.check(f, path.Dir(rel), name)
		if l.Explain != nil && seen == 0 {
			l.Explain(name, Helm, f.Targets)
		}
		maps.Copy(others, scriptSources(f))
		origins := helm.Origins(src, out)
		for i := range findings {
			toTemplate(&findings[i], name, origins, tmpl.Lines)
		}
		if seen == 0 {
			kept = findings
		} else {
			kept = common(kept, findings)
		}
		seen++
	}
	if seen == 0 {
		if why, ok := r.failed[inChart]; ok {
			errs = append(errs, &InputError{File: name, Skipped: true,
				Msg: "the chart " + l.display(chart) + " does not render this template with the values beside it (" + why + "): " + renderNote})
		}
	}
	return l.finish(tmpl, kept, others), errs
}

// common keeps the findings of a that b has too (the same rule at the same
// line of the same file), at the lower of the two severities.
func common(a, b []Finding) []Finding {
	var out []Finding
	for _, f := range a {
		i := slices.IndexFunc(b, func(g Finding) bool {
			return g.Rule == f.Rule && g.File == f.File && g.Span.Start.Line == f.Span.Start.Line
		})
		if i < 0 {
			continue
		}
		f.Severity = min(f.Severity, b[i].Severity)
		out = append(out, f)
	}
	return out
}

// toTemplate moves a finding in the rendered manifests of template name to
// the template lines that wrote them. Its fix edits the manifests, so it
// is dropped.
func toTemplate(f *Finding, name string, origins []helm.Origin, tmpl *source.Lines) {
	move := func(sp source.Span) source.Span {
		start, end := templateOffset(sp.Start, origins, tmpl), templateOffset(sp.End, origins, tmpl)
		if end <= start {
			end = tmpl.LineEnd(tmpl.Pos(start).Line)
		}
		return tmpl.Span(start, max(start, end))
	}
	f.Fix = nil
	if f.File == name {
		f.Span = move(f.Span)
	}
	for i := range f.Related {
		if f.Related[i].File == name {
			f.Related[i].Span = move(f.Related[i].Span)
		}
	}
	f.Path = slices.Clone(f.Path) // the hops are shared by the container's findings
	for i := range f.Path {
		if f.Path[i].File == name {
			f.Path[i].Span = move(f.Path[i].Span)
		}
	}
}

// templateOffset is the offset in the template of a position in its
// rendered output.
func templateOffset(p source.Pos, origins []helm.Origin, tmpl *source.Lines) int {
	if p.Line < 1 || p.Line > len(origins) {
		return 0
	}
	o := origins[p.Line-1]
	col := p.Col - 1
	if col > o.Keep {
		col = o.At
	}
	start := tmpl.LineStart(o.Line)
	return start + min(col, tmpl.LineEnd(o.Line)-start)
}

// chartOf finds the chart a template at rel (a lint-root path) is part of:
// the directory that holds Chart.yaml beside the templates directory the
// file is in. A chart in another chart's charts directory is rendered as
// part of that one, with its values. inChart is rel's path in the chart.
func (l *Linter) chartOf(rel string) (chart, inChart string, ok bool) {
	if rel == "" || l.FS == nil {
		return "", "", false
	}
	isChart := func(dir string) bool {
		info, err := fs.Stat(l.FS, path.Join(dir, "Chart.yaml"))
		return err == nil && info.Mode().IsRegular()
	}
	for dir := path.Dir(rel); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if path.Base(dir) == "templates" && isChart(path.Dir(dir)) {
			chart = path.Dir(dir)
			break
		}
	}
	if chart == "" {
		return "", "", false
	}
	for path.Base(path.Dir(chart)) == "charts" && isChart(path.Dir(path.Dir(chart))) {
		chart = path.Dir(path.Dir(chart))
	}
	return chart, strings.TrimPrefix(rel, chart+"/"), true
}

// rendered is a chart's manifests, once per set of values it renders
// with, or why it renders with none.
type rendered struct {
	renders []map[string][]byte
	err     string
	// failed says why a template rendered with no set of values, by its
	// path in the chart.
	failed map[string]string
}

// chart renders the chart at dir of the lint root with each set of values
// beside it, once per run.
func (c *RunCache) chart(l *Linter, dir string) *rendered {
	if c == nil {
		return renderChart(l, dir)
	}
	c.mu.Lock()
	if c.charts == nil {
		c.charts = map[string]func() *rendered{}
	}
	once, ok := c.charts[dir]
	if !ok {
		once = sync.OnceValue(func() *rendered { return renderChart(l, dir) })
		c.charts[dir] = once
	}
	c.mu.Unlock()
	return once()
}

// renderChart renders the chart at dir with its values.yaml, and with each
// values file beside it on top.
func renderChart(l *Linter, dir string) *rendered {
	files, ok := l.chartFiles(dir)
	if !ok {
		return &rendered{err: "it is larger than gracelint reads"}
	}
	r := &rendered{}
	r.failed = map[string]string{}
	for _, overlay := range append([][]byte{nil}, l.valuesFiles(dir, files)...) {
		out, failed, err := helm.Render(files, overlay)
		for name, err := range failed {
			if _, ok := r.failed[name]; !ok {
				r.failed[name] = shortError(err)
			}
		}
		if err != nil {
			if r.err == "" {
				r.err = shortError(err)
			}
			continue
		}
		r.renders = append(r.renders, out)
	}
	return r
}

// shortError is a render error on one line: Helm's give where on the
// first line and why on the last, with the template quoted between.
func shortError(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	first, last := strings.TrimSpace(lines[0]), strings.TrimSpace(lines[len(lines)-1])
	if len(lines) == 1 {
		return first
	}
	return strings.TrimSuffix(first, ":") + ": " + last
}

// chartFiles reads the files of the chart at dir, within bounds.
func (l *Linter) chartFiles(dir string) ([]helm.File, bool) {
	var files []helm.File
	total := 0
	err := fs.WalkDir(l.FS, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		src, ok := l.readRoot(p)
		if !ok {
			return nil
		}
		total += len(src)
		if len(files) == maxChartFiles || total > maxChartBytes {
			return fs.ErrInvalid
		}
		files = append(files, helm.File{Name: strings.TrimPrefix(p, dir+"/"), Data: src})
		return nil
	})
	return files, err == nil
}

// valuesFiles returns the values files kept with the chart at dir, whose
// files are chart: YAML files named like values files
// (values-production.yaml, prod.values.yaml) or in a directory named so
// (public-values/dev.yaml), in the chart's directory but outside its
// templates and charts, then those in the directory above it, which is
// read here.
func (l *Linter) valuesFiles(dir string, chart []helm.File) [][]byte {
	var out [][]byte
	valuesName := func(p string) bool {
		ext := path.Ext(p)
		return (ext == ".yaml" || ext == ".yml") && strings.Contains(strings.ToLower(p), "values")
	}
	for _, f := range chart {
		if len(out) < maxOverlays && f.Name != "values.yaml" && valuesName(f.Name) &&
			!strings.HasPrefix(f.Name, "templates/") && !strings.HasPrefix(f.Name, "charts/") {
			out = append(out, f.Data)
		}
	}
	if parent := path.Dir(dir); parent != dir {
		entries, _ := fs.ReadDir(l.FS, parent)
		for _, e := range entries {
			if len(out) == maxOverlays || !e.Type().IsRegular() || !valuesName(e.Name()) {
				continue
			}
			if src, ok := l.readRoot(path.Join(parent, e.Name())); ok {
				out = append(out, src)
			}
		}
	}
	return out
}
