package rules_test

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/output"
	"github.com/gracelint/gracelint/rules"
)

var update = flag.Bool("update", false, "rewrite the .want files of JSON fixtures")

// fixtures returns the bad* and ok* inputs under fixtures/<RULE>/, and
// every input in bad* and ok* directories there: a file read with the
// files beside it (a Procfile with an app.json, a task-definition template
// with the Terraform that renders it, a CDK template with its asset
// manifest, a Compose file with ecs-cli's ecs-params.yml, a task
// definition with the app it runs) is a directory fixture.
func fixtures(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../fixtures/GL*/*")
	if err != nil {
		t.Fatal(err)
	}
	inDirs, err := filepath.Glob("../fixtures/GL*/*/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range inDirs {
		dir := filepath.Base(filepath.Dir(p))
		if !strings.HasPrefix(dir, "bad") && !strings.HasPrefix(dir, "ok") {
			continue
		}
		if base := filepath.Base(p); base == "Procfile" || base == "task-definition.json" || strings.HasSuffix(base, ".tpl") || strings.HasSuffix(base, ".template.json") || lint.KindFromName(base) == lint.Compose {
			files = append(files, p)
		}
	}
	templates, err := filepath.Glob("../fixtures/GL*/*/templates/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range templates {
		if _, _, ok := chartFixture(p); ok {
			files = append(files, p)
		}
	}
	var out []string
	for _, f := range files {
		base := filepath.Base(f)
		if fi, err := os.Stat(f); err != nil || fi.IsDir() || strings.HasSuffix(base, ".want") || strings.HasSuffix(base, ".golden") {
			continue // directories hold build contexts
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		t.Fatal("no fixtures found")
	}
	return out
}

// fixtureLinter lints a fixture with its directory as the lint root, so
// that rules can follow it into the scripts beside it.
func fixtureLinter(dir string, files fs.FS) *lint.Linter {
	if files == nil {
		files = os.DirFS(dir)
	}
	return &lint.Linter{Rules: rules.All(), Options: lint.DefaultOptions(), FS: files,
		Locate: func(name string) string { return name }, Display: func(p string) string { return p }}
}

// chartFixture tells a manifest template of a chart fixture (a bad* or
// ok* directory that holds Chart.yaml): it is linted with the chart's
// directory as the lint root, by its path there.
func chartFixture(path string) (root, name string, ok bool) {
	root = filepath.Dir(filepath.Dir(path))
	if filepath.Base(filepath.Dir(path)) != "templates" || strings.HasPrefix(filepath.Base(path), "_") {
		return "", "", false
	}
	if _, err := os.Stat(filepath.Join(root, "Chart.yaml")); err != nil {
		return "", "", false
	}
	return root, "templates/" + filepath.Base(path), true
}

// fixtureInput is the lint root of a fixture, its name there and its kind.
func fixtureInput(path string, src []byte) (root, name string, kind lint.Kind) {
	if root, name, ok := chartFixture(path); ok {
		return root, name, lint.Helm
	}
	name = filepath.Base(path)
	return filepath.Dir(path), name, lint.Detect(name, src)
}

func runFixture(t *testing.T, path string) []lint.Finding {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	root, name, kind := fixtureInput(path, src)
	findings, errs := fixtureLinter(root, nil).Run(name, src, kind)
	for _, e := range errs {
		t.Errorf("input error: %v", e)
	}
	return findings
}

var (
	wantRe      = regexp.MustCompile(`^#\s*want\s+(.*)$`)
	directiveRe = regexp.MustCompile(`^\s*#\s*gracelint\s`)
)

// dockerfileWants reads "# want GL101 GL103:warning" comments: each names
// the findings expected on the next instruction's first line.
func dockerfileWants(src []byte) []string {
	var wants []string
	lines := strings.Split(string(src), "\n")
	for i, l := range lines {
		m := wantRe.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		// The expectation is for the next instruction, or for a gracelint
		// directive comment (GL001 reports those).
		next := i + 1
		for next < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[next]), "#") && !directiveRe.MatchString(lines[next]) {
			next++
		}
		for _, w := range strings.Fields(m[1]) {
			id, sev, _ := strings.Cut(w, ":")
			wants = append(wants, fmt.Sprintf("%d %s %s", next+1, id, sev))
		}
	}
	slices.Sort(wants)
	return wants
}

// fixtureRule is the rule a fixture is for: the directory under
// fixtures/ it lies in.
func fixtureRule(path string) string {
	if root, _, ok := chartFixture(path); ok {
		path = root
	}
	dir := filepath.Dir(path)
	if !strings.HasPrefix(filepath.Base(dir), "GL") {
		dir = filepath.Dir(dir)
	}
	return filepath.Base(dir)
}

// fixtureName is a fixture's file name, or its directory's for a
// directory fixture.
func fixtureName(path string) string {
	if root, _, ok := chartFixture(path); ok {
		return filepath.Base(root)
	}
	if dir := filepath.Base(filepath.Dir(path)); !strings.HasPrefix(dir, "GL") {
		return dir
	}
	return filepath.Base(path)
}

func prefixed(file string, wants []string) []string {
	out := make([]string, len(wants))
	for i, w := range wants {
		out[i] = file + " " + w
	}
	return out
}

func TestFixtures(t *testing.T) {
	for _, path := range fixtures(t) {
		rel := strings.TrimPrefix(filepath.ToSlash(path), "../fixtures/")
		t.Run(rel, func(t *testing.T) {
			findings := runFixture(t, path)
			base := filepath.Base(path)
			ruleID := fixtureRule(path)
			switch name := fixtureName(path); {
			case strings.HasPrefix(name, "ok"):
				for _, f := range findings {
					t.Errorf("ok fixture has a finding: %d:%d %s %s", f.Span.Start.Line, f.Span.Start.Col, f.Rule.ID, f.Message)
				}
				return
			case !strings.HasPrefix(name, "bad"):
				t.Fatalf("fixture names start with bad or ok")
			}
			if !slices.ContainsFunc(findings, func(f lint.Finding) bool { return f.Rule.ID == ruleID }) {
				t.Errorf("bad fixture has no %s finding", ruleID)
			}
			for _, f := range findings {
				if f.Fix != nil && !(f.Fix.Safe && f.Rule.SafeFix || !f.Fix.Safe && f.Rule.UnsafeFix) {
					t.Errorf("%s offers a fix (safe: %v) its metadata does not declare", f.Rule.ID, f.Fix.Safe)
				}
			}
			src, _ := os.ReadFile(path)
			if lint.KindFromName(base) == lint.Dockerfile {
				// Expectations are "# want" comments in the Dockerfile and in
				// the scripts its findings point into.
				want := prefixed(base, dockerfileWants(src))
				others := map[string]bool{}
				for _, f := range findings {
					if f.File != base && !others[f.File] {
						others[f.File] = true
						other, _ := os.ReadFile(filepath.Join(filepath.Dir(path), f.File))
						want = append(want, prefixed(f.File, dockerfileWants(other))...)
					}
				}
				slices.Sort(want)
				var got []string
				for _, f := range findings {
					sev := ""
					if slices.ContainsFunc(want, func(w string) bool {
						return strings.HasPrefix(w, fmt.Sprintf("%s %d %s %s", f.File, f.Span.Start.Line, f.Rule.ID, f.Severity))
					}) {
						sev = f.Severity.String()
					}
					got = append(got, fmt.Sprintf("%s %d %s %s", f.File, f.Span.Start.Line, f.Rule.ID, sev))
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("findings (file line rule [severity])\n got: %q\nwant: %q", got, want)
				}
				return
			}
			// JSON has no comments: the expectations are the text output's
			// header lines in a sidecar .want file.
			var buf bytes.Buffer
			rep := &output.Report{Findings: findings, Sources: map[string]*source.Lines{}}
			if err := output.Text(&buf, &buf, rep, output.Color{}); err != nil {
				t.Fatal(err)
			}
			_, name, _ := fixtureInput(path, src)
			var got []string
			for _, l := range strings.Split(buf.String(), "\n") {
				if strings.HasPrefix(l, name+":") {
					got = append(got, l)
				}
			}
			gotText := strings.Join(got, "\n") + "\n"
			if *update {
				if err := os.WriteFile(path+".want", []byte(gotText), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path + ".want")
			if err != nil {
				t.Fatalf("%v (run go test ./rules -update to create it)", err)
			}
			if gotText != string(want) {
				t.Errorf("findings differ from %s.want\n got:\n%s\nwant:\n%s", base, gotText, want)
			}
		})
	}
}

// TestFixGoldens applies every fix (safe and unsafe) to each bad fixture whose
// rule offers one and compares the result with the fixture's .golden file.
// The fixed file must parse, must no longer trigger the rule, and a second
// round must change nothing.
func TestFixGoldens(t *testing.T) {
	for _, path := range fixtures(t) {
		base := filepath.Base(path)
		if !strings.HasPrefix(fixtureName(path), "bad") {
			continue
		}
		rel := strings.TrimPrefix(filepath.ToSlash(path), "../fixtures/")
		t.Run(rel, func(t *testing.T) {
			ruleID := fixtureRule(path)
			findings := runFixture(t, path)
			checkForeignFixes(t, path, findings)
			fixable := slices.ContainsFunc(findings, func(f lint.Finding) bool { return f.Rule.ID == ruleID && f.Fix != nil && f.File == base })
			golden := path + ".golden"
			if !fixable {
				if _, err := os.Stat(golden); err == nil {
					t.Errorf("%s exists but %s offers no fix", golden, ruleID)
				}
				return
			}
			src, _ := os.ReadFile(path)
			kind := lint.Detect(base, src)
			res, errs, err := fixtureLinter(filepath.Dir(path), nil).Fix(base, src, kind, true)
			if err != nil || len(errs) > 0 {
				t.Fatal(err, errs)
			}
			if *update {
				if err := os.WriteFile(golden, res.Src, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./rules -update writes it)", err)
			}
			if !bytes.Equal(res.Src, want) {
				t.Errorf("fixed file differs from %s:\n%s", golden, res.Src)
			}
			again, errs, err := fixtureLinter(filepath.Dir(path), nil).Fix(base, want, kind, true)
			if err != nil || len(errs) > 0 {
				t.Fatalf("the golden file does not parse: %v %v", err, errs)
			}
			if again.Applied != 0 {
				t.Errorf("a second fix round changed the file:\n%s", again.Src)
			}
			for _, f := range again.Findings {
				if f.Rule.ID == ruleID {
					t.Errorf("%s still fires after the fix: %s", ruleID, f.Message)
				}
			}
		})
	}
}

// checkForeignFixes applies the fixes a fixture's findings carry for other
// files (the scripts a Dockerfile runs) and compares each fixed file with its
// .golden; linted again with the fixed files, those findings must be gone.
func checkForeignFixes(t *testing.T, path string, findings []lint.Finding) {
	t.Helper()
	dir, base := filepath.Dir(path), filepath.Base(path)
	byFile := map[string][]*lint.Fix{}
	for _, f := range findings {
		if f.File != base && f.Fix != nil {
			byFile[f.File] = append(byFile[f.File], f.Fix)
		}
	}
	if len(byFile) == 0 {
		return
	}
	overlay := fstest.MapFS{}
	for file, fixes := range byFile {
		src, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		out, _, skipped := lint.ApplyFixes(src, fixes)
		if len(skipped) > 0 {
			t.Errorf("%s: %d fixes skipped", file, len(skipped))
		}
		golden := filepath.Join(dir, file+".golden")
		if *update {
			os.WriteFile(golden, out, 0o644)
		}
		if want, err := os.ReadFile(golden); err != nil || !bytes.Equal(out, want) {
			t.Errorf("%s fixed differs from %s (%v):\n%s", file, golden, err, out)
		}
		overlay[file] = &fstest.MapFile{Data: out}
	}
	entries, _ := fs.Glob(os.DirFS(dir), "*/*")
	for _, e := range append(entries, base) {
		if _, ok := overlay[e]; !ok {
			if b, err := os.ReadFile(filepath.Join(dir, e)); err == nil {
				overlay[e] = &fstest.MapFile{Data: b}
			}
		}
	}
	src, _ := os.ReadFile(path)
	again, _ := fixtureLinter(dir, overlay).Run(base, src, lint.Detect(base, src))
	for _, f := range again {
		if byFile[f.File] != nil && f.Fix != nil {
			t.Errorf("%s still reports %s in %s after its fix", base, f.Rule.ID, f.File)
		}
	}
}
