// Package helm renders a Helm chart's templates as `helm template` does,
// with Helm's own engine, so that the manifests they make can be read; and
// maps each line of a rendered manifest back to the template line that
// wrote it.
//
// Rendering runs the chart's templates: they are code. Helm's engine reads
// no file here and makes no network call: it gets no Kubernetes client (so
// lookup finds nothing), DNS stays off (getHostByName gives ""), and values
// are not validated against values.schema.json (whose $ref could name a
// URL). The template functions that allocate by a number the template
// chooses (until, untilStep, seq, repeat) are bounded.
package helm

import (
	"bytes"
	"cmp"
	"fmt"
	"io/fs"
	"math"
	"path"
	"strings"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/Masterminds/sprig/v3"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/loader/archive"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	"helm.sh/helm/v4/pkg/ignore"
)

// File is one file of a chart, named by its slash-separated path in the
// chart's directory: "Chart.yaml", "templates/deployment.yaml",
// "charts/redis/values.yaml".
type File struct {
	Name string
	Data []byte
}

// Release is the release a chart is rendered as: `helm template`'s
// defaults, whose name templates often put into resource names.
var release = common.ReleaseOptions{Name: "release-name", Namespace: "default", Revision: 1, IsInstall: true}

// maxItems bounds the lists and repeats a template may ask for.
const maxItems = 100_000

// Render renders the chart made of files with its values.yaml, then
// overlay on top as `helm template -f` would (nil for none), and returns
// each template's manifests by its path in the chart ("templates/x.yaml",
// "charts/sub/templates/y.yaml"). Partials (_helpers.tpl) and NOTES.txt
// make no manifest. A chart that needs values its files do not give fails
// as `helm template` does.
func Render(files []File, overlay []byte) (map[string][]byte, error) {
	keep, err := helmignore(files)
	if err != nil {
		return nil, err
	}
	bufs := make([]*archive.BufferedFile, 0, len(files))
	for _, f := range files {
		if keep(f.Name) {
			bufs = append(bufs, &archive.BufferedFile{Name: f.Name, Data: bytes.TrimPrefix(f.Data, []byte("\xef\xbb\xbf"))})
		}
	}
	ch, err := loader.LoadFiles(bufs)
	if err != nil {
		return nil, err
	}
	vals := map[string]any{}
	if overlay != nil {
		if vals, err = common.ReadValues(overlay); err != nil {
			return nil, fmt.Errorf("values: %w", err)
		}
	}
	// Schema validation is skipped: a values.schema.json may $ref a URL,
	// which Helm would fetch.
	top, err := util.ToRenderValuesWithSchemaValidation(ch, vals, release, common.DefaultCapabilities, true)
	if err != nil {
		return nil, err
	}
	if err := loopsBounded(ch.Templates); err != nil {
		return nil, err
	}
	type result struct {
		out map[string]string
		err error
	}
	done := make(chan result, 1)
	go func() {
		eng := engine.Engine{CustomTemplateFuncs: bounded()}
		out, err := eng.Render(ch, top)
		done <- result{out, err}
	}()
	var out map[string]string
	select {
	case r := <-done:
		if r.err != nil {
			return nil, r.err
		}
		out = r.out
	case <-time.After(renderTimeout):
		// A template can loop as long as its values say; the render is left
		// to finish, or to end with the process.
		return nil, fmt.Errorf("rendering takes longer than %v", renderTimeout)
	}
	manifests := make(map[string][]byte, len(out))
	for name, text := range out {
		// Keys are the chart's name, then the path in the chart.
		_, rel, _ := strings.Cut(name, "/")
		if base := path.Base(rel); strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		manifests[rel] = []byte(text)
	}
	return manifests, nil
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
func loopsBounded(templates []*common.File) error {
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
