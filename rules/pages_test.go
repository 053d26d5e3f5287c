package rules_test

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/rules"
)

// fenceRe finds a page's code blocks: the language and the body.
var fenceRe = regexp.MustCompile("(?ms)^ *```([a-z]*)\n(.*?)^ *```")

// exampleKind is the kind of file a page's code block shows: the file its
// first line names in a comment ("# docker-compose.yml: ...", "//
// templates/worker.yaml"), else its language's (dockerfile, json).
func exampleKind(lang string, body []byte) lint.Kind {
	name, _, _ := exampleName(body)
	switch {
	case strings.HasPrefix(name, "templates/") || strings.Contains(name, "/templates/"):
		return lint.Helm
	case name != "":
		if k := lint.KindFromName(name); k != lint.Unknown {
			return k
		}
		return lint.Detect(name, body)
	case lang == "dockerfile":
		return lint.Dockerfile
	case lang == "json":
		return lint.Detect("taskdef.json", body)
	case lang == "yaml":
		return lint.Detect("example.yaml", body)
	}
	return lint.Unknown
}

// exampleName is the file a code block's first line names in a comment
// ("# docker-compose.yml: ...", "// task-definition.json"), "" for none,
// with that line and the rest of the block.
func exampleName(body []byte) (name string, first, rest []byte) {
	first, rest, _ = bytes.Cut(bytes.TrimLeft(body, " \n"), []byte("\n"))
	for _, mark := range []string{"# ", "// "} {
		if c, ok := strings.CutPrefix(string(first), mark); ok {
			name = strings.TrimSuffix(strings.Fields(c + " x")[0], ":")
		}
	}
	return name, first, rest
}

// TestPagesShowEveryKind: a rule's page has an example of every kind of
// file the rule reports problems in, the kinds of its bad fixtures.
func TestPagesShowEveryKind(t *testing.T) {
	want := map[string][]lint.Kind{}
	for _, p := range fixtures(t) {
		if !strings.HasPrefix(fixtureName(p), "bad") {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		_, _, kind := fixtureInput(p, src)
		if id := fixtureRule(p); !slices.Contains(want[id], kind) {
			want[id] = append(want[id], kind)
		}
	}
	for _, r := range rules.All() {
		page, err := os.ReadFile(filepath.Join("../docs/rules", r.ID+".md"))
		if err != nil {
			t.Fatal(err)
		}
		var shown []lint.Kind
		for _, m := range fenceRe.FindAllSubmatch(page, -1) {
			kind := exampleKind(string(m[1]), m[2])
			shown = append(shown, kind)
			checkExample(t, r.ID, kind, m[2])
		}
		for _, k := range want[r.ID] {
			if !slices.Contains(shown, k) {
				t.Errorf("docs/rules/%s.md has no example of a %s, where %s reports problems (fixtures/%s)", r.ID, k, r.ID, r.ID)
			}
		}
	}
}

// checkExample lints an example whose first line names its file and the
// page's rule ("# docker-compose.yml: GL201, ..."): the rule must report
// it. A Procfile example said to lie beside an app.json gets one; a Helm
// template, shown in part, is left out.
func checkExample(t *testing.T, id string, kind lint.Kind, body []byte) {
	t.Helper()
	name, first, rest := exampleName(body)
	if name == "" || kind == lint.Helm || kind == lint.Unknown || !bytes.Contains(first, []byte(id)) {
		return
	}
	src := body
	if bytes.HasPrefix(first, []byte("//")) {
		src = rest // JSON has no comments
	}
	files := fstest.MapFS{name: {Data: src}}
	if bytes.Contains(first, []byte("app.json")) {
		files[path.Join(path.Dir(name), "app.json")] = &fstest.MapFile{Data: []byte("{}")}
	}
	findings, errs := fixtureLinter(".", files).Run(name, src, kind)
	if len(errs) > 0 {
		t.Errorf("docs/rules/%s.md, example %s: %v", id, name, errs[0])
	}
	if !slices.ContainsFunc(findings, func(f lint.Finding) bool { return f.Rule.ID == id }) {
		t.Errorf("docs/rules/%s.md, example %s: its first line names %s, which does not report it", id, name, id)
	}
}
