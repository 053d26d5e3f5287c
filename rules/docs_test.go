package rules_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/rules"
)

var (
	exampleRe = regexp.MustCompile("(?s)^(Bad|Good) example\n```(dockerfile|json)\n(.*?)```(.*)")
	scriptRe  = regexp.MustCompile("(?s)```sh\n(.*?)```")
	copyRe    = regexp.MustCompile(`(?m)^COPY (\S+\.sh) `)
)

// TestDocs checks that every rule has fixtures and a docs page whose bad
// example triggers it and whose good example does not.
func TestDocs(t *testing.T) {
	for _, r := range rules.All() {
		t.Run(r.ID, func(t *testing.T) {
			for _, pattern := range []string{"bad*", "ok*"} {
				if m, _ := filepath.Glob(filepath.Join("../fixtures", r.ID, pattern)); len(m) == 0 {
					t.Errorf("no %s fixtures", pattern)
				}
			}
			page, err := os.ReadFile(filepath.Join("../docs/rules", r.ID+".md"))
			if err != nil {
				t.Fatal(err)
			}
			var examples [][][]byte
			for _, section := range bytes.Split(page, []byte("\n## ")) {
				if m := exampleRe.FindSubmatch(section); m != nil {
					examples = append(examples, m)
				}
			}
			if len(examples) != 2 {
				t.Fatalf("want a bad and a good example, found %d", len(examples))
			}
			for _, ex := range examples {
				name := "Dockerfile"
				if string(ex[2]) == "json" {
					name = "taskdef.json"
				}
				// A script shown after a Dockerfile is the file it copies.
				files := fstest.MapFS{name: {Data: ex[3]}}
				if script, cp := scriptRe.FindSubmatch(ex[4]), copyRe.FindSubmatch(ex[3]); script != nil && cp != nil {
					files[string(cp[1])] = &fstest.MapFile{Data: script[1]}
				}
				l := &lint.Linter{Rules: rules.All(), Options: lint.DefaultOptions(), FS: files,
					Locate: func(n string) string { return n }, Display: func(p string) string { return p }}
				fs, errs := l.Run(name, ex[3], lint.Detect(name, ex[3]))
				if len(errs) > 0 {
					t.Fatalf("%s example: %v", ex[1], errs[0])
				}
				fired := slices.ContainsFunc(fs, func(f lint.Finding) bool { return f.Rule.ID == r.ID })
				if bad := string(ex[1]) == "Bad"; fired != bad {
					t.Errorf("%s example: %s fired = %v", ex[1], r.ID, fired)
				}
				if string(ex[1]) == "Good" && len(fs) > 0 {
					t.Errorf("good example has findings: %s %s", fs[0].Rule.ID, fs[0].Message)
				}
			}
		})
	}
}
