// Package helm renders a Helm chart's templates as `helm template` does,
// so that the manifests they make can be read, and maps each line of a
// rendered manifest back to the template line that wrote it.
//
// The templates run on text/template with Sprig's functions and Helm's own
// (include, tpl, required, toYaml, ...), over the objects Helm gives them
// (.Values, .Release, .Chart, .Capabilities, .Template, .Files). Helm's
// engine is not linked: it brings the Kubernetes client, whose start-up
// cost every run would pay, and network code gracelint has no use for.
// Rendering runs the chart's templates, which are code: lookup finds
// nothing, getHostByName gives "", env and expandenv are not there, and
// the functions that allocate by a number the template chooses (until,
// untilStep, seq, repeat) are bounded, as is the time a render may take.
package helm

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"path"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/Masterminds/sprig/v3"
	"go.yaml.in/yaml/v3"
	"helm.sh/helm/v4/pkg/ignore"
)

// File is one file of a chart, named by its slash-separated path in the
// chart's directory: "Chart.yaml", "templates/deployment.yaml",
// "charts/redis/values.yaml".
type File struct {
	Name string
	Data []byte
}

// release is the release a chart is rendered as: `helm template`'s
// defaults, whose name templates often put into resource names.
var release = map[string]any{"Name": "release-name", "Namespace": "default", "Revision": 1,
	"IsInstall": true, "IsUpgrade": false, "Service": "Helm"}

// kubeVersion is the cluster version templates are told: Helm's default.
var kubeVersion = map[string]any{"Version": "v1.33.0", "Major": "1", "Minor": "33", "GitVersion": "v1.33.0"}

// maxItems bounds the lists and repeats a template may ask for.
const maxItems = 100_000

// maxIncludes bounds how deep include and tpl may nest, as Helm does.
const maxIncludes = 1000

// Render renders the chart made of files with its values.yaml, then
// overlay on top as `helm template -f` would (nil for none), and returns
// each template's manifests by its path in the chart ("templates/x.yaml").
// Partials (_helpers.tpl) and NOTES.txt make no manifest. A template that
// fails (it requires a value the files do not give, it includes a template
// of a dependency that is not vendored) makes none either: its error is in
// failed, by the same path. err is for the chart as a whole, and when no
// template renders.
func Render(files []File, overlay []byte) (manifests map[string][]byte, failed map[string]error, err error) {
	manifests, failed, err = renderFiles(files, overlay)
	if err == nil && len(manifests) == 0 && len(failed) > 0 {
		names := slices.Sorted(maps.Keys(failed))
		err = failed[names[0]]
	}
	return manifests, failed, err
}

func renderFiles(files []File, overlay []byte) (map[string][]byte, map[string]error, error) {
	keep, err := helmignore(files)
	if err != nil {
		return nil, nil, err
	}
	byName := map[string][]byte{}
	for _, f := range files {
		if keep(f.Name) {
			byName[f.Name] = bytes.TrimPrefix(f.Data, []byte("\xef\xbb\xbf"))
		}
	}
	meta, ok := byName["Chart.yaml"]
	if !ok {
		return nil, nil, errors.New("the chart has no Chart.yaml")
	}
	var chart map[string]any
	if err := yaml.Unmarshal(meta, &chart); err != nil {
		return nil, nil, fmt.Errorf("the chart's Chart.yaml: %w", err)
	}
	name, _ := chart["name"].(string)
	if name == "" {
		return nil, nil, errors.New("the chart's Chart.yaml gives no name")
	}
	values, err := readValues(byName["values.yaml"])
	if err != nil {
		return nil, nil, fmt.Errorf("values.yaml: %w", err)
	}
	if overlay != nil {
		top, err := readValues(overlay)
		if err != nil {
			return nil, nil, fmt.Errorf("values: %w", err)
		}
		values = merge(values, top)
	}
	var templates []File
	for n, src := range byName {
		// The chart's templates, and those of the charts it vendors, whose
		// partials its templates may include.
		if strings.HasPrefix(n, "templates/") || strings.HasPrefix(n, "charts/") && strings.Contains(n, "/templates/") {
			templates = append(templates, File{n, src})
		}
	}
	slices.SortFunc(templates, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	if err := loopsBounded(templates); err != nil {
		return nil, nil, err
	}
	type result struct {
		out    map[string][]byte
		failed map[string]error
		err    error
	}
	done := make(chan result, 1)
	go func() {
		out, failed, err := render(name, capitalize(chart), values, templates, byName)
		done <- result{out, failed, err}
	}()
	select {
	case r := <-done:
		return r.out, r.failed, r.err
	case <-time.After(renderTimeout):
		// A template can loop as long as its values say; the render is left
		// to finish, or to end with the process.
		return nil, nil, fmt.Errorf("rendering takes longer than %v", renderTimeout)
	}
}

// render parses every template into one set, as Helm does, and executes
// each manifest template of the chart.
func render(name string, chart, values map[string]any, templates []File, files map[string][]byte) (map[string][]byte, map[string]error, error) {
	t := template.New("gotpl").Option("missingkey=zero")
	depth := 0
	funcs := functions()
	funcs["include"] = func(name string, data any) (string, error) {
		if depth++; depth > maxIncludes {
			return "", fmt.Errorf("include %q: nested more than %d deep", name, maxIncludes)
		}
		defer func() { depth-- }()
		var b strings.Builder
		err := t.ExecuteTemplate(&b, name, data)
		return b.String(), err
	}
	funcs["tpl"] = func(text string, data any) (string, error) {
		if depth++; depth > maxIncludes {
			return "", fmt.Errorf("tpl: nested more than %d deep", maxIncludes)
		}
		defer func() { depth-- }()
		c, err := t.Clone()
		if err != nil {
			return "", err
		}
		if _, err := c.New("tpl").Parse(text); err != nil {
			return "", err
		}
		var b strings.Builder
		err = c.ExecuteTemplate(&b, "tpl", data)
		return strings.ReplaceAll(b.String(), "<no value>", ""), err
	}
	t.Funcs(funcs)
	for _, f := range templates {
		if _, err := t.New(name + "/" + f.Name).Parse(string(f.Data)); err != nil {
			return nil, nil, err
		}
	}
	out, failed := map[string][]byte{}, map[string]error{}
	for _, f := range templates {
		if base := path.Base(f.Name); strings.HasPrefix(base, "_") || base == "NOTES.txt" || !strings.HasPrefix(f.Name, "templates/") {
			continue
		}
		full := name + "/" + f.Name
		data := map[string]any{
			"Values": values, "Release": release, "Chart": chart,
			"Capabilities": map[string]any{"KubeVersion": kubeVersion, "APIVersions": apiVersions{}, "HelmVersion": map[string]any{"Version": "v4.3.2"}},
			"Template":     map[string]any{"Name": full, "BasePath": name + "/templates"},
			"Files":        chartFiles(files),
		}
		var b strings.Builder
		if err := t.ExecuteTemplate(&b, full, data); err != nil {
			failed[f.Name] = err
			continue
		}
		out[f.Name] = []byte(strings.ReplaceAll(b.String(), "<no value>", ""))
	}
	return out, failed, nil
}

// functions are Sprig's and Helm's template functions, as far as a render
// with no cluster has them.
func functions() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	maps.Copy(f, bounded())
	toYAML := func(v any) string {
		var b bytes.Buffer
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(v); err != nil {
			return ""
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	maps.Copy(f, template.FuncMap{
		"toYaml":        toYAML,
		"toYamlPretty":  toYAML,
		"fromYaml":      decodeMap(yaml.Unmarshal),
		"fromYamlArray": decodeList(yaml.Unmarshal),
		"fromJson":      decodeMap(json.Unmarshal),
		"fromJsonArray": decodeList(json.Unmarshal),
		"toJson": func(v any) string {
			b, err := json.Marshal(v)
			if err != nil {
				return ""
			}
			return string(b)
		},
		"required": func(msg string, v any) (any, error) {
			if v == nil || v == "" {
				return v, errors.New(msg)
			}
			return v, nil
		},
		"fail":          func(msg string) (string, error) { return "", errors.New(msg) },
		"lookup":        func(...any) (map[string]any, error) { return map[string]any{}, nil },
		"getHostByName": func(string) string { return "" },
	})
	return f
}

// decodeMap is Helm's fromYaml and fromJson: a table, or one whose Error
// says why there is none.
func decodeMap(unmarshal func([]byte, any) error) func(string) map[string]any {
	return func(s string) map[string]any {
		m := map[string]any{}
		if err := unmarshal([]byte(s), &m); err != nil {
			return map[string]any{"Error": err.Error()}
		}
		return m
	}
}

// decodeList is Helm's fromYamlArray and fromJsonArray: a list, or one
// holding the error.
func decodeList(unmarshal func([]byte, any) error) func(string) []any {
	return func(s string) []any {
		var a []any
		if err := unmarshal([]byte(s), &a); err != nil {
			return []any{err.Error()}
		}
		return a
	}
}

// readValues reads a values file; an empty one is no values.
func readValues(src []byte) (map[string]any, error) {
	m := map[string]any{}
	if err := yaml.Unmarshal(src, &m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// merge lays top over base as helm -f does: tables merge key by key, a
// null removes the key, anything else replaces it.
func merge(base, top map[string]any) map[string]any {
	out := maps.Clone(base)
	for k, v := range top {
		if v == nil {
			delete(out, k)
			continue
		}
		if tv, ok := v.(map[string]any); ok {
			if bv, ok := out[k].(map[string]any); ok {
				out[k] = merge(bv, tv)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// capitalize is Chart.yaml as .Chart gives it: Helm's Metadata field names.
func capitalize(meta map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range meta {
		switch k {
		case "apiVersion":
			k = "APIVersion"
		case "appVersion":
			k = "AppVersion"
		case "kubeVersion":
			k = "KubeVersion"
		default:
			k = strings.ToUpper(k[:1]) + k[1:]
		}
		out[k] = v
	}
	return out
}

// apiVersions answers .Capabilities.APIVersions.Has: a cluster is taken to
// serve every API a chart asks about.
type apiVersions struct{}

// Has reports whether the cluster serves an API version: always.
func (apiVersions) Has(string) bool { return true }

// chartFiles is .Files: the chart's files by path.
type chartFiles map[string][]byte

// Get returns a file's content, "" when there is none.
func (f chartFiles) Get(name string) string { return string(f[name]) }

// GetBytes returns a file's content.
func (f chartFiles) GetBytes(name string) []byte { return f[name] }

// Lines returns a file's lines.
func (f chartFiles) Lines(name string) []string {
	if len(f[name]) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(f[name]), "\n"), "\n")
}

// Glob returns the files whose path matches pattern.
func (f chartFiles) Glob(pattern string) chartFiles {
	out := chartFiles{}
	for name, src := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = src
		}
	}
	return out
}

// AsConfig renders the files as the data of a ConfigMap.
func (f chartFiles) AsConfig() string {
	m := map[string]string{}
	for name, src := range f {
		m[path.Base(name)] = string(src)
	}
	b, _ := yaml.Marshal(m)
	return strings.TrimSuffix(string(b), "\n")
}

// AsSecrets renders the files as the data of a Secret.
func (f chartFiles) AsSecrets() string {
	m := map[string]string{}
	for name, src := range f {
		m[path.Base(name)] = base64.StdEncoding.EncodeToString(src)
	}
	b, _ := yaml.Marshal(m)
	return strings.TrimSuffix(string(b), "\n")
}

// helmignore reads the chart's .helmignore, as `helm template` does for a
// chart directory, and returns whether a file is part of the chart.
func helmignore(files []File) (func(name string) bool, error) {
	rules := ignore.Empty()
	for _, f := range files {
		if f.Name == ignore.HelmIgnore {
			var err error
			if rules, err = ignore.Parse(bytes.NewReader(f.Data)); err != nil {
				return nil, fmt.Errorf("%s: %w", ignore.HelmIgnore, err)
			}
		}
	}
	rules.AddDefaults()
	return func(name string) bool {
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			if rules.Ignore(dir, info{name: path.Base(dir), dir: true}) {
				return false
			}
		}
		return !rules.Ignore(name, info{name: path.Base(name)})
	}, nil
}

// info is what .helmignore rules ask of a file: its name and whether it is
// a directory.
type info struct {
	name string
	dir  bool
}

func (i info) Name() string { return i.name }
func (i info) Size() int64  { return 0 }
func (i info) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir
	}
	return 0
}
func (i info) ModTime() time.Time { return time.Time{} }
func (i info) IsDir() bool        { return i.dir }
func (i info) Sys() any           { return nil }

// renderTimeout bounds how long a chart may take to render.
var renderTimeout = 10 * time.Second

// loopsBounded refuses templates that range over a number larger than
// maxItems written in them ({{ range 100000000 }}): text/template loops
// that many times.
func loopsBounded(templates []File) error {
	for _, f := range templates {
		trees := map[string]*parse.Tree{}
		t := parse.New(f.Name)
		t.Mode = parse.SkipFuncCheck
		if _, err := t.Parse(string(f.Data), "{{", "}}", trees); err != nil {
			continue // Helm reports it
		}
		for _, tree := range trees {
			if n := bigRange(tree.Root); n != nil {
				return fmt.Errorf("%s: range over %s: %w", f.Name, n.Text, errTooMany)
			}
		}
	}
	return nil
}

// bigRange finds a range over a number constant above maxItems under n.
func bigRange(n parse.Node) *parse.NumberNode {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if r := bigRange(c); r != nil {
				return r
			}
		}
	case *parse.RangeNode:
		if cmds := n.Pipe.Cmds; len(cmds) > 0 {
			if args := cmds[len(cmds)-1].Args; len(args) == 1 {
				if num, ok := args[0].(*parse.NumberNode); ok && num.IsInt && num.Int64 > maxItems {
					return num
				}
			}
		}
		return cmp.Or(bigRange(n.List), bigRange(n.ElseList))
	case *parse.IfNode:
		return cmp.Or(bigRange(n.List), bigRange(n.ElseList))
	case *parse.WithNode:
		return cmp.Or(bigRange(n.List), bigRange(n.ElseList))
	}
	return nil
}

// errTooMany is a template function asked for more than maxItems.
var errTooMany = fmt.Errorf("more than %d items asked of a template function", maxItems)

// bounded returns Sprig's functions that allocate by numbers the template
// gives, each refusing to make more than maxItems items first.
func bounded() template.FuncMap {
	sp := sprig.TxtFuncMap()
	until := sp["until"].(func(int) []int)
	untilStep := sp["untilStep"].(func(int, int, int) []int)
	seq := sp["seq"].(func(...int) string)
	repeat := sp["repeat"].(func(int, string) string)
	// many tells a range from a to b by step that holds more than maxItems.
	many := func(a, b, step int) bool {
		return step != 0 && math.Abs((float64(b)-float64(a))/float64(step)) > maxItems
	}
	return template.FuncMap{
		"until": func(n int) ([]int, error) {
			if many(0, n, 1) {
				return nil, errTooMany
			}
			return until(n), nil
		},
		"untilStep": func(start, stop, step int) ([]int, error) {
			if many(start, stop, step) {
				return nil, errTooMany
			}
			return untilStep(start, stop, step), nil
		},
		"seq": func(params ...int) (string, error) {
			a, b, step := 1, 0, 1
			switch len(params) {
			case 1:
				b = params[0]
			case 2:
				a, b = params[0], params[1]
			case 3:
				a, step, b = params[0], params[1], params[2]
			}
			if many(a, b, step) {
				return "", errTooMany
			}
			return seq(params...), nil
		},
		"repeat": func(count int, s string) (string, error) {
			if count > 0 && float64(count)*float64(max(len(s), 1)) > maxItems*10 {
				return "", errTooMany
			}
			return repeat(count, s), nil
		},
	}
}
